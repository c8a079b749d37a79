package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/partnermap/partnermap/cmd/partnermap-bench/workload"
	"github.com/partnermap/partnermap/sync"
)

// printTables writes the results as Markdown tables, with the limit beside each figure.
func printTables(w io.Writer, o options, results []sizeResult) {
	fmt.Fprintf(w, "Full sync, first run (all output tabs created), median of %d; as of %s, seed %d.\n\n", o.runs, o.asOf, o.seed)
	fmt.Fprintln(w, "| partners | assets | meetings | input rows | backend | sync | read | decode | score | render | write | own work | child CPU | peak RSS | RSS per 1k rows | forced re-sync | unchanged | API calls (first / forced / unchanged) |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	for _, r := range results {
		for _, backend := range o.backends {
			m, ok := r.Syncs[backend]
			if ok && m.Failed != "" {
				fmt.Fprintf(w, "| %d | %d | %d | %d | %s | failed: %s |%s\n", r.Size.Partners, r.Size.Assets, r.Size.Meetings, r.Size.Rows(), backend,
					strings.ReplaceAll(m.Failed, "|", "\\|"), strings.Repeat(" – |", 12))
				continue
			}
			if !ok || len(m.Syncs) < 3 {
				continue
			}
			first := m.Syncs[0]
			st := first.Stages
			own := first.Wall - st[sync.StageRead] - st[sync.StageWrite]
			calls := "–"
			if backend == "google" {
				var parts []string
				for _, s := range m.Syncs {
					parts = append(parts, fmt.Sprint(s.Calls["get"]+s.Calls["batchUpdate"]))
				}
				calls = strings.Join([]string{parts[0], parts[2], parts[1]}, " / ")
				calls += fmt.Sprintf(" (fake saw %d get, %d batchUpdate; largest body %s)", m.FakeCalls["get"], m.FakeCalls["batchUpdate"], mib(int64(m.MaxBody)))
			}
			fmt.Fprintf(w, "| %d | %d | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
				r.Size.Partners, r.Size.Assets, r.Size.Meetings, r.Size.Rows(), backend,
				dur(first.Wall), dur(st[sync.StageRead]), dur(st[sync.StageDecode]), dur(st[sync.StageScore]),
				dur(st[sync.StageRender]), dur(st[sync.StageWrite]), pct(own, first.Wall), dur(m.CPU),
				mib(m.PeakRSS), mib(m.PeakRSS*1000/int64(r.Size.Rows())),
				dur(m.Syncs[2].Wall), dur(m.Syncs[1].Wall), calls)
		}
	}
	if !o.baseline {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Against the spreadsheet library's own raw read and write of the same .xlsx file (excelize, every part in memory).")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| partners | file | sync read | library raw read | read / raw | sync write | library raw write | write / raw | sync minus raw read and write | library read peak RSS |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range results {
		m, ok := r.Syncs["xlsx"]
		if !ok || len(m.Syncs) == 0 {
			continue
		}
		st := m.Syncs[0].Stages
		read, write := st[sync.StageRead], st[sync.StageWrite]
		fmt.Fprintf(w, "| %d | %s | %s | %s | %s | %s | %s | %s | %s (%s) | %s |\n",
			r.Size.Partners, mib(r.FileBytes), dur(read), dur(r.RawRead.Raw), ratio(read, r.RawRead.Raw),
			dur(write), dur(r.RawWrite.Raw), ratio(write, r.RawWrite.Raw),
			dur(m.Syncs[0].Wall-r.RawRead.Raw-r.RawWrite.Raw), pct(m.Syncs[0].Wall-r.RawRead.Raw-r.RawWrite.Raw, m.Syncs[0].Wall),
			mib(r.RawRead.PeakRSS))
	}
}

// printIdle writes the idle service's memory, against the 30 MB.
func printIdle(w io.Writer, o options, idle []idleResult) {
	fmt.Fprintf(w, "Idle service (`partnermap sync`, one source, schedule @every 24h): resident memory %s after its first sync, median of %d.\n\n", o.settle, o.runs)
	fmt.Fprintln(w, "| workbook | idle RSS (VmRSS) | of which heap and runtime (RssAnon) | of which program code (RssFile) | target | peak RSS during the first sync (VmHWM) |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	for _, r := range idle {
		fmt.Fprintf(w, "| %s | %s | %s | %s | < 30 MB (28.6 MiB) | %s |\n", idleBook(r.Partners), mib(r.RSS), mib(r.Anon), mib(r.File), mib(r.HWM))
	}
}

// idleBook names the workbook of an idle measurement.
func idleBook(n int) string {
	if n == 0 {
		return "demo workbook"
	}
	s := workload.SizeOf(n)
	return fmt.Sprintf("%d partners, %d assets, %d meetings", s.Partners, s.Assets, s.Meetings)
}

func dur(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= 100*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func pct(part, whole time.Duration) string {
	if whole <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", 100*float64(part)/float64(whole))
}

func ratio(a, b time.Duration) string {
	if b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", float64(a)/float64(b))
}
