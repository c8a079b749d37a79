package decode

import (
	"reflect"
	"testing"

	"github.com/partnermap/partnermap/cmd/partnermap-bench/workload"
	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/scoring"
)

// TestReleaseDecodesTheSameAndLetsTheCellsGo: with Release, decoding gives the very same
// result (records, issues, row counts) and leaves each table its header row only, so that
// nothing of the cells is kept.
func TestReleaseDecodesTheSameAndLetsTheCellsGo(t *testing.T) {
	cfg := config.Default()
	mess := workload.DefaultMess()
	mess.Typos = 0.05
	tabs := workload.Tabs(cfg.Tabs, workload.SizeOf(300), scoring.DateOf(2026, 11, 23), mess, 4)
	opts := Options{Tabs: TabNames{Partners: cfg.Tabs.Partners, Assets: cfg.Tabs.Assets, Meetings: cfg.Tabs.Meetings, Members: cfg.Tabs.Members}}

	kept := Decode(workload.Tables(tabs), opts)
	tables := workload.Tables(tabs)
	opts.Release = true
	released := Decode(tables, opts)
	if !reflect.DeepEqual(released, kept) {
		t.Errorf("decoding with Release gave another result:\n%+v\nwant\n%+v", released.Rows, kept.Rows)
	}
	for name, table := range tables {
		if len(table.Rows[0]) == 0 {
			t.Errorf("%s: the header row was cleared", name)
		}
		for i, row := range table.Rows[1:] {
			if row != nil {
				t.Errorf("%s: row %d still holds its cells", name, i+2)
				break
			}
		}
	}
}
