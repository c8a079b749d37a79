package sync

import (
	"context"
	"strings"
	"testing"

	"github.com/partnermap/partnermap/render"
	"github.com/partnermap/partnermap/sheets"
)

// upgradeSource has one partner with an undone step from an older meeting and a newer
// meeting: version 1 dropped that step, version 2 keeps it open.
func upgradeSource() *memory {
	d := func(day int) sheets.Cell { return sheets.DateCell(asOf.AddDays(-day).Time()) }
	return newMemory([]sheets.InputTab{
		{Name: "Partners", Header: []string{"Name", "Owner", "Stance", "Influence"}, Rows: [][]sheets.Cell{
			{sheets.TextCell("Eastside Tenants Union"), sheets.TextCell("Ana"), sheets.IntCell(1), sheets.IntCell(4)},
		}},
		{Name: "Meetings", Header: []string{"Date", "Partner", "Next step", "Due", "Done"}, Rows: [][]sheets.Cell{
			{d(70), sheets.TextCell("Eastside Tenants Union"), sheets.TextCell("Send the budget"), d(40), {}},
			{d(10), sheets.TextCell("Eastside Tenants Union"), sheets.TextCell("Call the pastor"), d(-10), {}},
		}},
	})
}

func TestUpgradeNoticeIsSaidOnceAfterAnOlderSyncStatus(t *testing.T) {
	src := upgradeSource()
	// A Sync Status as version 1 wrote it: no open-next-steps row.
	src.put("Sync Status", [][]sheets.Cell{
		{sheets.TextCell("legend")}, {sheets.TextCell("Item"), sheets.TextCell("Value")},
		{sheets.TextCell("Version"), sheets.TextCell("v1.0.0")},
		{sheets.TextCell(render.InputHashItem), sheets.TextCell("0123456789abcdef")},
	}, true)
	ctx := context.Background()
	rep, err := Run(ctx, testConfig(), src, Options{AsOf: asOf, Now: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Notices) != 1 {
		t.Fatalf("notices %q, want one", rep.Notices)
	}
	for _, want := range []string{"1 undone next step", "(Eastside Tenants Union)", "Done column"} {
		if !strings.Contains(rep.Notices[0], want) {
			t.Errorf("notice %q does not say %q", rep.Notices[0], want)
		}
	}
	if v, ok := render.StatusValue(src.tables["Sync Status"], render.CommitmentsItem); !ok || v != render.CommitmentsRule {
		t.Errorf("Sync Status written without the open-next-steps row (%q, %v)", v, ok)
	}
	rep, err = Run(ctx, testConfig(), src, Options{AsOf: asOf.AddDays(1), Now: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Written || len(rep.Notices) != 0 {
		t.Errorf("second sync: written %v, notices %q; want written and none", rep.Written, rep.Notices)
	}
}

func TestNoUpgradeNoticeForANewWorkbook(t *testing.T) {
	rep, err := Run(context.Background(), testConfig(), upgradeSource(), Options{AsOf: asOf, Now: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Notices) != 0 {
		t.Errorf("notices %q on a first sync; want none", rep.Notices)
	}
}
