//go:build ignore

// gen writes the source of testdata/campaigns.xlsx: a workbook with three campaigns (one
// Won), a Stances tab that overrides some partners' stance and influence, a target that is
// also a partner, one misspelt partner and one misspelt campaign. The committed workbook is
// this file's output saved again by LibreOffice, so tests read what a spreadsheet program
// writes:
//
//	go run testdata/campaigns/gen.go /tmp/campaigns.xlsx
//	soffice --headless --convert-to xlsx --outdir testdata /tmp/campaigns.xlsx
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/xuri/excelize/v2"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run testdata/campaigns/gen.go OUT.xlsx")
		os.Exit(2)
	}
	f := excelize.NewFile()
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(err)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	sheet := func(name string, rows ...[]any) {
		if name == "Partners" {
			must(f.SetSheetName("Sheet1", name))
		} else {
			_, err := f.NewSheet(name)
			must(err)
		}
		for r, row := range rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if v == nil {
					continue
				}
				must(f.SetCellValue(name, cell, v))
				if _, ok := v.(time.Time); ok {
					must(f.SetCellStyle(name, cell, cell, dateStyle))
				}
			}
		}
	}
	// Headers use §2's aliases in odd cases, as volunteers type them.
	sheet("Partners",
		[]any{"Organization", "POSITION", "power", "Legitimacy", "Impact", "Capacity", "Relationship owner", "Status"},
		[]any{"Eastside Tenants Union", "Supports", 4, 5, 4, 3, "Maria Lopez", "Active"},
		[]any{"Northside Chamber of Commerce", "Opposes", 4, 3, 3, 4, "Tom Becker", nil},
		[]any{"Senator Okafor", "Neutral", 5, 3, 5, 2, "Aisha Johnson", nil},
		[]any{"Youth Voices Collective", "Strongly supports", 2, 4, 3, 2, "Lena Kim", nil},
		[]any{"Hillcrest Neighborhood Association", "Opposes", 2, 3, 2, 2, "Tom Becker", nil},
		[]any{"The Daily Ledger", "Neutral", 4, 3, 3, 2, "Tom Becker", nil},
		[]any{"Riverside Faith Coalition", "Supports", 3, 5, 3, 4, "Dev Patel", nil},
		[]any{"Old Town Arts Council", "Supports", 2, 3, 2, 1, "Lena Kim", "Inactive"},
	)
	sheet("Assets",
		[]any{"Member", "Category", "Asset", "Partner", "Strength"},
		[]any{"Maria Lopez", "Organizational relationship", "Board member", "Eastside Tenants Union", "Strong"},
		[]any{"Tom Becker", "Significant individual", "Cousin chairs the housing committee", "Northside Chamber of Commerce", "Weak"},
		[]any{"Dev Patel", "Organizational relationship", "Sings in the choir", "Riverside Faith Coalition", "Medium"},
	)
	sheet("Meetings",
		[]any{"Date", "Partner", "Member", "Type"},
		[]any{day(2026, 11, 2), "Eastside Tenants Union", "Maria Lopez", "1-1"},
	)
	sheet("Members",
		[]any{"Name", "Email", "Role"},
		[]any{"Maria Lopez", "maria@example.org", "Leader"},
		[]any{"Aisha Johnson", "aisha@example.org", "Leader"},
		[]any{"Tom Becker", "", "Member"},
		[]any{"Dev Patel", "", "Member"},
		[]any{"Lena Kim", "", "Member"},
	)
	sheet("Campaigns",
		[]any{"Campaign name", "Decision-maker", "Goal", "status", "Deadline", "Lead"},
		[]any{"Housing Bill", "Senator Okafor", "Pass SB 12 in committee", "Active", day(2026, 12, 31), "Aisha Johnson"},
		[]any{"Transit Fares", "Mayor Chen", "Free fares for students", nil, "Jan 15, 2027", "Lena Kim"},
		[]any{"Library Hours", "Library Board", "Open on Sundays", "Won", day(2026, 6, 1), "Tom Becker"},
	)
	sheet("Stances",
		[]any{"Partner", "Campaign", "Support", "Influence", "Notes"},
		[]any{"Northside Chamber of Commerce", "Housing Bill", "Strongly opposes", 5, "Their landlords lobby the senator"},
		[]any{"eastside tenants union", "HOUSING BILL", "Strongly supports", 2, "Few members in her district"},
		[]any{"Youth Voices Collective", "Housing Bill", nil, 5, "Her intern came from them"},
		[]any{"Riverside Faith Coalition", "Housing Bill", "Opposes", nil, "Split on the bill"},
		[]any{"Senator Okafor", "Transit Fares", "Supports", 4, "The target of Housing Bill, a partner here"},
		[]any{"Mayor Chen", "Transit Fares", "Opposes", nil, "The target"},
		[]any{"The Daily Ledger", "Transit Fares", "Supports", 1, ""},
		[]any{"Hillcrest Neighborhood Asociation", "Transit Fares", "Supports", 4, "Misspelt partner"},
		[]any{"Eastside Tenants Union", "Transit Fare", "Supports", 5, "Misspelt campaign"},
		[]any{"Eastside Tenants Union", "Library Hours", "Supports", 5, "A won campaign: kept, not shown"},
	)
	must(f.SaveAs(os.Args[1]))
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
