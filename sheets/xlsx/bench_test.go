package xlsx

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/partnermap/partnermap/sheets"
)

// meetingsBook writes a workbook shaped like a large Meetings tab as Excel
// saves it: rows×14 cells of shared strings (repeated names, unique notes),
// numbers, date-styled serials and booleans.
func meetingsBook(tb testing.TB, rows int) string {
	tb.Helper()
	var sst strings.Builder
	var sheet strings.Builder
	nStrings := 0
	addString := func(s string) int {
		sst.WriteString("<si><t>" + s + "</t></si>")
		nStrings++
		return nStrings - 1
	}
	partners := make([]int, 10000)
	for i := range partners {
		partners[i] = addString(fmt.Sprintf("Partner organization %d", i))
	}
	kinds := []int{addString("1-1"), addString("Event"), addString("Call")}
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="` + nsMain + `"><sheetData>`)
	for r := 1; r <= rows; r++ {
		row := strconv.Itoa(r)
		sheet.WriteString(`<row r="` + row + `" spans="1:14">`)
		cell := func(col, attrs, v string) {
			sheet.WriteString(`<c r="` + col + row + `"` + attrs + `><v>` + v + `</v></c>`)
		}
		cell("A", ` s="1"`, strconv.Itoa(45000+r%700))
		cell("B", ` t="s"`, strconv.Itoa(partners[r%len(partners)]))
		cell("C", ` t="s"`, strconv.Itoa(partners[(r*7)%len(partners)]))
		cell("D", ` t="s"`, strconv.Itoa(kinds[r%3]))
		cell("E", ``, strconv.Itoa(r%5+1))
		cell("F", ` t="s"`, strconv.Itoa(addString(fmt.Sprintf("they want a safer crossing near school %d", r))))
		cell("G", ` t="s"`, strconv.Itoa(addString(fmt.Sprintf("housing, transit and jobs %d", r))))
		cell("H", ` t="s"`, strconv.Itoa(addString(fmt.Sprintf("introduce us to the pastor %d", r))))
		cell("I", ` t="s"`, strconv.Itoa(kinds[(r+1)%3]))
		cell("J", ``, strconv.FormatFloat(float64(r)*0.25, 'f', -1, 64))
		cell("K", ` t="s"`, strconv.Itoa(addString(fmt.Sprintf("send the flyer by friday %d", r))))
		cell("L", ` s="1"`, strconv.Itoa(45014+r%700))
		cell("M", ` t="b"`, strconv.Itoa(r%2))
		cell("N", ` t="s"`, strconv.Itoa(addString(fmt.Sprintf("notes from the meeting, row %d", r))))
		sheet.WriteString(`</row>`)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	return rawBook{
		sheet:   sheet.String(),
		sst:     `<sst xmlns="` + nsMain + `" count="` + strconv.Itoa(nStrings) + `" uniqueCount="` + strconv.Itoa(nStrings) + `">` + sst.String() + `</sst>`,
		cellXfs: `<xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>`,
	}.save(tb)
}

// BenchmarkRead reads a 100k-row, 14-column tab.
func BenchmarkRead(b *testing.B) {
	path := meetingsBook(b, 100_000)
	w := New(path, Options{})
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		snap, err := w.Read(ctx, []string{"Data"})
		if err != nil {
			b.Fatal(err)
		}
		if n := len(snap.Tables["Data"].Rows); n != 100_000 {
			b.Fatalf("%d rows", n)
		}
	}
}

// BenchmarkWrite replaces a 10k-row output tab in a workbook that also holds
// the 100k-row tab, as a sync does (read, then write).
func BenchmarkWrite(b *testing.B) {
	path := meetingsBook(b, 100_000)
	w := New(path, Options{Backups: 1})
	rows := make([][]sheets.Cell, 10_001)
	rows[0] = text("Rank", "Partner", "Score", "Quadrant", "Ring", "Owner", "Last contact", "Next move", "Why")
	for i := 1; i < len(rows); i++ {
		rows[i] = []sheets.Cell{sheets.IntCell(i), sheets.TextCell(fmt.Sprintf("Partner organization %d", i)), sheets.IntCell(100 - i%100),
			sheets.TextCell("Q1 Engage"), sheets.IntCell(i%5 + 1), sheets.TextCell("Maria"), sheets.DateCell(day),
			sheets.TextCell("Follow up: send the flyer"), sheets.TextCell("high power; supportive; overdue next step")}
	}
	tab := sheets.Tab{Name: "Priorities", Rows: rows, FrozenRows: 1, BoldRows: []int{0},
		Highlights: []sheets.Highlight{{Row: 1, Col: 3, Tone: sheets.ToneGood}}}
	b.ResetTimer()
	for b.Loop() {
		snap, err := w.Read(ctx, []string{"Data"})
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Write(ctx, snap, []sheets.Tab{tab}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadWorkbook reads the four input tabs of the workbook named by
// $PARTNERMAP_BENCH_XLSX (the 100k-partner workbook partnermap-bench generates), as a sync
// does, and reports the process's CPU time (user and system: the page faults of fresh cells
// are system time) per read beside the wall time. The first read of a process is the one a
// sync pays: run it with -benchtime 1x in a fresh process each time.
func BenchmarkReadWorkbook(b *testing.B) {
	path := os.Getenv("PARTNERMAP_BENCH_XLSX")
	if path == "" {
		b.Skip("set PARTNERMAP_BENCH_XLSX to a workbook with Partners, Assets, Meetings and Members tabs")
	}
	w := New(path, Options{})
	tabs := []string{"Partners", "Assets", "Meetings", "Members"}
	b.ReportAllocs()
	cpu0 := processCPU(b)
	for b.Loop() {
		snap, err := w.Read(ctx, tabs)
		if err != nil {
			b.Fatal(err)
		}
		if len(snap.Tables) != len(tabs) {
			b.Fatalf("read %d of the %d tabs", len(snap.Tables), len(tabs))
		}
	}
	b.ReportMetric(float64(processCPU(b)-cpu0)/float64(b.N), "cpu-ns/op")
}

// processCPU is the user and system time the process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
