package decode

import (
	"fmt"
	"math/rand/v2"
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

// BenchmarkDecodeTypos decodes the workbooks of issue 17's typo target: 10k and 100k
// partners with ten meetings each, 2% of the partner names in Meetings and Assets misspelt
// (twice the default mess), so that about 20k distinct misspellings are searched at 100k.
// It reports CPU time per decode (cpu-ns/op) beside wall time. Run it with -benchtime=1x.
func BenchmarkDecodeTypos(b *testing.B) {
	names := config.Default().Tabs
	mess := workload.DefaultMess()
	mess.Typos = 0.02
	for _, n := range []int{10_000, 100_000} {
		size := workload.SizeOf(n)
		b.Run(fmt.Sprintf("partners=%d/typos=%.2f", n, mess.Typos), func(b *testing.B) {
			tables := workload.Tables(workload.Tabs(names, size, scoring.DateOf(2026, 11, 23), mess, 1))
			b.ReportAllocs()
			cpu0, cpuOK := processCPU()
			b.ResetTimer()
			for b.Loop() {
				res := Decode(tables, Options{})
				if len(res.Records.Partners) < n*99/100 {
					b.Fatalf("decoded %d partners of %d", len(res.Records.Partners), n)
				}
			}
			if cpu1, ok := processCPU(); ok && cpuOK {
				b.ReportMetric(float64((cpu1-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

// BenchmarkSuggest measures the suggestion search alone, on the partner names of a
// generated workbook: "build" makes the structures a first miss builds (the names are
// already in the index, as decode puts them there to match), "query" searches 1,000 distinct misspellings of them (one to three
// random edits) in a built index, each once as in a sync, and reports ns/query. Names in such
// workbooks come in numbered chapters ("… local 12", "… local 13"), so the more partners, the
// more keys lie within a few edits of a misspelt one: the per-query figure staying flat from
// 1k to 100k partners is what shows the search does not grow with the sheet. Both report
// the process's CPU time too (cpu-ns), which a loaded machine disturbs less than wall time.
func BenchmarkSuggest(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		tabs := workload.Tabs(config.Default().Tabs, workload.Size{Partners: n}, scoring.DateOf(2026, 11, 23), workload.Mess{}, 1)
		var names []string
		for _, row := range tabs[0].Rows {
			names = append(names, row[0].Text)
		}
		r := rand.New(rand.NewPCG(1, 2))
		queries := make([]string, 1000)
		for i := range queries {
			queries[i] = mutate(r, scoring.FoldName(names[r.IntN(len(names))]), 1+i%3)
		}
		x := newIndex(len(names))
		for _, name := range names {
			x.add(name, scoring.FoldName(name))
		}
		b.Run(fmt.Sprintf("partners=%d/build", n), func(b *testing.B) {
			b.ReportAllocs()
			cpu0, cpuOK := processCPU()
			for b.Loop() {
				x.built = false
				x.build()
			}
			if cpu1, ok := processCPU(); ok && cpuOK {
				b.ReportMetric(float64((cpu1-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
			}
		})
		b.Run(fmt.Sprintf("partners=%d/query", n), func(b *testing.B) {
			x.built = false
			x.build()
			var sc search
			b.ReportAllocs()
			cpu0, cpuOK := processCPU()
			b.ResetTimer()
			for b.Loop() {
				x.memo = make(map[string]string)
				for _, q := range queries {
					x.suggest(&sc, q)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(queries)), "ns/query")
			if cpu1, ok := processCPU(); ok && cpuOK {
				b.ReportMetric(float64((cpu1-cpu0).Nanoseconds())/float64(b.N*len(queries)), "cpu-ns/query")
			}
		})
	}
}
