package google

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"runtime"
	"testing"

	"github.com/partnermap/partnermap/cmd/partnermap-bench/workload"
	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/google/fake"
	"github.com/partnermap/partnermap/sync"
	sheetsapi "google.golang.org/api/sheets/v4"
)

// BenchmarkRead* and BenchmarkEncodeWrite measure the client's own halves of a sync on
// generated sheets, without the fake's work (which BenchmarkSync includes): decoding the
// read's answer (as the fake sends it, data before properties; the output tabs are in it and
// skipped), and encoding the output tabs' requests and cells into the batch's body.

// codecInputs is a sheet of n partners after a first sync: the read's raw answer and the
// output tabs a sync writes.
func codecInputs(b *testing.B, n int) (answer []byte, tabs []sheets.Tab, want func(string) bool) {
	b.Helper()
	asOf := scoring.DateOf(2026, 11, 23)
	cfg := config.Default()
	srv := fake.New()
	defer srv.Close()
	srv.AddSpreadsheet("bench", "America/New_York")
	srv.AddInputTabs("bench", workload.Tabs(cfg.Tabs, workload.SizeOf(n), asOf, workload.DefaultMess(), 1))
	src, err := New(context.Background(), Options{SpreadsheetID: "bench", Endpoint: srv.URL()})
	if err != nil {
		b.Fatal(err)
	}
	rep, err := sync.Run(context.Background(), cfg, src, sync.Options{AsOf: asOf, Version: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	res, err := http.Get(srv.URL() + "/v4/spreadsheets/bench?" + url.Values{"fields": {readFields}, "alt": {"json"}}.Encode())
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	if answer, err = io.ReadAll(res.Body); err != nil || res.StatusCode != http.StatusOK {
		b.Fatalf("read the answer: %v %d", err, res.StatusCode)
	}
	inputs := map[string]bool{cfg.Tabs.Partners: true, cfg.Tabs.Assets: true, cfg.Tabs.Meetings: true, cfg.Tabs.Members: true}
	return answer, rep.Tabs, func(title string) bool { return inputs[title] }
}

func BenchmarkReadDecode(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("partners=%d", n), func(b *testing.B) {
			answer, _, want := codecInputs(b, n)
			runtime.GC() // the fake's garbage is not the read's
			b.SetBytes(int64(len(answer)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := decodeSpreadsheet(bytes.NewReader(answer), want); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReadDecodeKnown decodes the same answer knowing the input tabs' sections from
// a read before: an unchanged sync's read, which scans and hashes them but parses none.
func BenchmarkReadDecodeKnown(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("partners=%d", n), func(b *testing.B) {
			answer, _, want := codecInputs(b, n)
			full, err := decodeSpreadsheet(bytes.NewReader(answer), want)
			if err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			b.Run("unchanged", func(b *testing.B) {
				b.SetBytes(int64(len(answer)))
				b.ReportAllocs()
				for b.Loop() {
					rd, err := decodeKnowing(bytes.NewReader(answer), want, full.sums)
					if err != nil || len(rd.same) != len(full.sums) {
						b.Fatalf("same %v, err %v", rd.same, err)
					}
				}
			})
			// A changed sync's read: one known tab is not as known, so all are parsed from
			// their kept bytes (what that costs beside BenchmarkReadDecode's parse as they come).
			changed := maps.Clone(full.sums)
			for title := range changed {
				changed[title] = "changed"
				break
			}
			b.Run("one changed", func(b *testing.B) {
				b.SetBytes(int64(len(answer)))
				b.ReportAllocs()
				for b.Loop() {
					rd, err := decodeKnowing(bytes.NewReader(answer), want, changed)
					if err != nil || len(rd.same) != 0 {
						b.Fatalf("same %v, err %v", rd.same, err)
					}
				}
			})
		})
	}
}

func BenchmarkEncodeWrite(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("partners=%d", n), func(b *testing.B) {
			_, tabs, _ := codecInputs(b, n)
			// What the body is made of, tab by tab.
			for _, t := range tabs {
				nrows, _ := gridSize(t)
				block, _ := encodeTab(t, nrows)
				size := 0
				for _, c := range block.chunks {
					size += len(c)
				}
				b.Logf("%-20s %7d rows %10d bytes", t.Name, len(t.Rows), size)
			}
			runtime.GC() // the fake's garbage is not the write's
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				rows := encodedRows{}
				var reqs []*sheetsapi.Request
				for i, t := range tabs {
					more, err := outputRequests(t, int64(100+i), nil, rows)
					if err != nil {
						b.Fatal(err)
					}
					reqs = append(reqs, more...)
				}
				body, err := spliceBatch(reqs, rows)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(body.n), "body-bytes")
			}
		})
	}
}
