package render

import (
	"fmt"
	"testing"
	"time"

	"github.com/partnermap/partnermap/cmd/partnermap-bench/workload"
	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/decode"
	"github.com/partnermap/partnermap/scoring"
)

// BenchmarkTabs renders every output tab of generated workbooks of 1k, 10k and 100k
// partners with ten meetings each (decoded and scored once, outside the timer). The 100k
// case is slow to build; run it with -benchtime=1x.
func BenchmarkTabs(b *testing.B) {
	cfg := config.Default()
	asOf := scoring.DateOf(2026, 11, 23)
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("partners=%d/meetings=%d", n, 10*n), func(b *testing.B) {
			tables := workload.Tables(workload.Tabs(cfg.Tabs, workload.SizeOf(n), asOf, workload.DefaultMess(), 1))
			dec := decode.Decode(tables, decode.Options{})
			res := scoring.Score(dec.Records, cfg.Scoring, asOf)
			in := Input{
				Result: res,
				Issues: append(append([]scoring.Issue(nil), dec.Issues...), res.Issues...),
				Names: Names{Priorities: "Priorities", FollowUps: "Follow-ups", PowerMap: "Power Map", Connections: "Connections",
					Owners: "Owners", DataIssues: "Data Issues", SyncStatus: "Sync Status"},
				Status: Status{Source: "bench.xlsx", SyncedAt: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), AsOf: asOf, Version: "bench"},
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if tabs := Tabs(in); len(tabs) != 7 {
					b.Fatalf("%d tabs, want 7", len(tabs))
				}
			}
		})
	}
}
