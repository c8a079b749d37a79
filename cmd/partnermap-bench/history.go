package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"time"

	"github.com/partnermap/partnermap/history"
	"github.com/partnermap/partnermap/render"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/xlsx"
)

// googleCellLimit is the most cells a Google spreadsheet may hold, all tabs together.
const googleCellLimit = 10_000_000

// historyResult is the History tab after years of weekly syncs, with one retention setting.
type historyResult struct {
	KeepDays int
	Rows     int
	// Cells is the History tab's grid: its rows (legend and header included) by its columns.
	Cells int
	// Update and Progress time the last week's history.Update and history.Progress.
	Update, Progress time.Duration
	// Sync is a whole xlsx sync of the generated workbook with this History tab.
	Sync measured
}

// simulateHistory keeps the History of partners for weeks weekly syncs in which a share
// change of them move a ring (or change owner), with keep_days keep, and returns its rows.
func simulateHistory(names []string, weeks int, change float64, keep int, asOf scoring.Date, seed uint64) ([]history.Row, historyResult) {
	r := rand.New(rand.NewPCG(seed, 7))
	states := make([]history.State, len(names))
	for i, n := range names {
		states[i] = history.State{Partner: n, Key: scoring.FoldName(n), Ring: 1 + r.IntN(5), Quadrant: scoring.Quadrant(1 + r.IntN(4)),
			Support: scoring.Some(float64(r.IntN(5) - 2)), Power: scoring.Some(1 + float64(r.IntN(5))), Score: scoring.Some(float64(r.IntN(100))), Owner: "Owner"}
	}
	res := historyResult{KeepDays: keep}
	var rows []history.Row
	start := asOf.AddDays(-7 * (weeks - 1))
	for w := range weeks {
		if w > 0 {
			for _, i := range r.Perm(len(states))[:int(change*float64(len(states)))] {
				s := &states[i]
				s.Ring = 1 + (s.Ring+r.IntN(4))%5 // another ring
			}
		}
		day := start.AddDays(7 * w)
		t := time.Now()
		out := history.Update(rows, states, day, keep)
		res.Update = time.Since(t)
		rows = out.Rows
	}
	t := time.Now()
	history.Progress(rows, asOf)
	res.Progress = time.Since(t)
	res.Rows = len(rows)
	res.Cells = (len(rows) + 2) * len(history.Header)
	return rows, res
}

// benchHistory measures History for n partners over weeks weekly syncs with change of
// them moving each week, without retention and with keep_days 1095 and 365: rows and cells
// (against Google's limit), the pure update, and a whole xlsx sync of a workbook holding
// that History (time and peak memory in a child process).
func benchHistory(ctx context.Context, o options, exe, dir string, stdout, stderr io.Writer) error {
	n := o.historyPartners
	tabs := benchTabs(o, n)
	var names []string
	for _, row := range tabs[0].Rows {
		if len(row) > 0 && row[0].Kind == sheets.Text && row[0].Text != "" {
			names = append(names, row[0].Text)
		}
	}
	var results []historyResult
	for _, keep := range []int{0, 1095, 365} {
		fmt.Fprintf(stderr, "history: %d partners, %d weeks, %.0f%% moving weekly, keep_days %d...\n", len(names), o.historyWeeks, o.historyChange*100, keep)
		// The simulation ends the day before the sync, so the sync adds a day of its own.
		rows, res := simulateHistory(names, o.historyWeeks, o.historyChange, keep, o.asOf.AddDays(-1), o.seed)
		path := filepath.Join(dir, fmt.Sprintf("history-%d-keep%d.xlsx", n, keep))
		removeWithBackups(path)
		src := xlsx.New(path, xlsx.Options{})
		if _, err := src.AddInputTabs(ctx, tabs); err != nil {
			return fmt.Errorf("write the generated workbook: %w", err)
		}
		snap, err := src.Read(ctx, []string{"Partners"})
		if err != nil {
			return err
		}
		hist := render.Tabs(render.Input{History: rows, Names: render.Names{History: "History"}})
		if err := src.Write(ctx, snap, hist, nil); err != nil {
			return fmt.Errorf("write the generated History: %w", err)
		}
		var runs []measured
		for range o.runs {
			work := path + ".sync.xlsx"
			if err := copyFile(path, work); err != nil {
				return err
			}
			m, err := spawn(ctx, exe, dir, withProfile(o, n, fmt.Sprintf("history-keep%d", keep),
				[]string{"-child", childXLSX, "-path", work, "-as-of", o.asOf.String(), "-keep-days", fmt.Sprint(keep)}))
			removeWithBackups(work)
			if err != nil {
				return err
			}
			runs = append(runs, m)
		}
		res.Sync = median(runs, func(m measured) time.Duration { return m.Syncs[0].Wall })
		results = append(results, res)
		if !o.keep {
			removeWithBackups(path)
		}
	}
	fmt.Fprintf(stdout, "History of %d partners after %d weekly syncs, %.0f%% of them moving a ring each week (median of %d syncs):\n\n",
		len(names), o.historyWeeks, o.historyChange*100, o.runs)
	fmt.Fprintln(stdout, "| keep_days | History rows | History cells | of Google's 10M | update (last week) | Progress | whole xlsx sync | read | write | child CPU (3 syncs) | sync peak memory |")
	fmt.Fprintln(stdout, "|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range results {
		keep := fmt.Sprint(r.KeepDays)
		if r.KeepDays == 0 {
			keep = "0 (keep all)"
		}
		first := r.Sync.Syncs[0]
		fmt.Fprintf(stdout, "| %s | %d | %d | %.1f%% | %s | %s | %s | %s | %s | %s | %s |\n", keep, r.Rows, r.Cells, 100*float64(r.Cells)/googleCellLimit,
			dur(r.Update), dur(r.Progress), dur(first.Wall), dur(first.Stages["read"]), dur(first.Stages["write"]), dur(r.Sync.CPU), mib(r.Sync.PeakRSS))
	}
	return nil
}

// keepDays is the child's history.keep_days; -1 keeps the default.
func keepDays(o options) int {
	if o.keepDays < 0 {
		return history.DefaultKeepDays
	}
	return o.keepDays
}
