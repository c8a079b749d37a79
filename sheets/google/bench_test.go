package google_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/partnermap/partnermap/cmd/partnermap-bench/workload"
	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets/google"
	"github.com/partnermap/partnermap/sheets/google/fake"
	"github.com/partnermap/partnermap/sync"
)

// BenchmarkSync runs forced syncs (read, decode, score, render, write every output tab) of
// generated sheets against the fake, which runs in the same process: its work is in the
// figures, so profile (-cpuprofile) to see the client's share. cmd/partnermap-bench measures
// the client alone, in a child process.
func BenchmarkSync(b *testing.B) {
	asOf := scoring.DateOf(2026, 11, 23)
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("partners=%d", n), func(b *testing.B) {
			cfg := config.Default()
			srv := fake.New()
			defer srv.Close()
			srv.AddSpreadsheet("bench", "America/New_York")
			srv.AddInputTabs("bench", workload.Tabs(cfg.Tabs, workload.SizeOf(n), asOf, workload.DefaultMess(), 1))
			src, err := google.New(context.Background(), google.Options{SpreadsheetID: "bench", Endpoint: srv.URL()})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := sync.Run(context.Background(), cfg, src, sync.Options{AsOf: asOf, Version: "bench"}); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				rep, err := sync.Run(context.Background(), cfg, src, sync.Options{AsOf: asOf, Version: "bench", Force: true})
				if err != nil || !rep.Written {
					b.Fatalf("forced sync: written %v, %v", rep != nil && rep.Written, err)
				}
			}
		})
	}
}
