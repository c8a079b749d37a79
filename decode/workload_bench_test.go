package decode

import (
	"fmt"
	"testing"

	"github.com/partnermap/partnermap/cmd/partnermap-bench/workload"
	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/scoring"
)

// BenchmarkDecodeWorkbook decodes generated workbooks of 1k, 10k and 100k partners with ten
// meetings each, as messy as volunteers keep them (typed dates, misspelt and unknown names,
// blank rows, out-of-range scores), so the suggestion search and every parser run.
// The 100k case is slow to build; run it with -benchtime=1x.
func BenchmarkDecodeWorkbook(b *testing.B) {
	names := config.Default().Tabs
	for _, n := range []int{1_000, 10_000, 100_000} {
		size := workload.SizeOf(n)
		b.Run(fmt.Sprintf("partners=%d/meetings=%d", n, size.Meetings), func(b *testing.B) {
			tables := workload.Tables(workload.Tabs(names, size, scoring.DateOf(2026, 11, 23), workload.DefaultMess(), 1))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				res := Decode(tables, Options{})
				if len(res.Records.Partners) < n*99/100 || len(res.Records.Meetings) < size.Meetings*99/100 {
					b.Fatalf("decoded %d partners and %d meetings of %d and %d", len(res.Records.Partners), len(res.Records.Meetings), n, size.Meetings)
				}
			}
		})
	}
}
