package main

import (
	"cmp"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/partnermap/partnermap/sheets/google"
	"github.com/partnermap/partnermap/sheets/google/fake"
	"github.com/partnermap/partnermap/sync"
)

// fleetSummary is what one fleet run showed. Durations are model time.
type fleetSummary struct {
	Duration                        time.Duration
	Syncs, Written, Failed, Skipped int
	ByCalls                         map[int]int // syncs by the API attempts they made
	Edits                           int
	Requests, Refused               int     // calls the fake accepted, and refused over the quota
	MaxPerMinute                    int     // most calls the fake accepted in any window of one model minute
	MeanPerMinute                   float64 // accepted calls per model minute over the run
	WaitP50, WaitP95, WaitMax       time.Duration
	// SteadyP50... leave out each sheet's first sync: the restart, when all were due at once.
	SteadyP50, SteadyP95, SteadyMax   time.Duration
	Late                              int           // syncs that ended more than a period after they were due
	Stalest                           time.Duration // longest any sheet went without a successful sync
	FirstRound                        time.Duration // until every sheet had synced once
	PerSheetMin, PerSheetMax          int           // syncs per sheet
	SheetWaitSpread                   [2]time.Duration
	AtOnce                            int // most syncs running at once
	PeakRSS                           int64
	RoundRSS, RoundHeap               []int64 // the most in each period
	RoundGoroutines                   []int
	CPU                               time.Duration
	Unhealthy                         int
	Warnings                          map[string]int
	FailedErrors                      []string
	periodOK, quotaOK, noPileUp, fair bool
}

// summarize reads the child's record and the fake's log of calls.
func summarize(plan fleetPlan, rec fleetRecord, calls []fake.Call, edits int) fleetSummary {
	s := fleetSummary{Duration: plan.model(rec.Stopped), ByCalls: map[int]int{}, Edits: edits,
		PeakRSS: rec.PeakRSS, CPU: rec.CPU, Unhealthy: rec.Unhealthy, Warnings: rec.Warnings}
	period := plan.wall(plan.Period)

	// The quota, as the fake saw it: every window of one (compressed) minute, both ends counted.
	var accepted []time.Time
	for _, c := range calls {
		if c.Status == http.StatusTooManyRequests && !c.Injected {
			s.Refused++
			continue
		}
		accepted = append(accepted, c.Time)
	}
	s.Requests = len(accepted)
	s.MaxPerMinute = mostInWindow(accepted, plan.wall(google.QuotaWindow))
	if minutes := s.Duration.Minutes(); minutes > 0 {
		s.MeanPerMinute = float64(s.Requests) / minutes
	}

	// Waits: a sheet is due at the start, then one period after its previous sync ended
	// (@every counts from the end); the wait runs from then to the end of the sync, jitter,
	// turn and the sync itself included.
	bySheet := make([][]fleetSync, plan.Sheets)
	for _, sy := range rec.Syncs {
		bySheet[sy.Sheet] = append(bySheet[sy.Sheet], sy)
		s.Syncs++
		s.ByCalls[sy.Calls]++
		switch sy.Result {
		case sync.ResultFailed:
			s.Failed++
			if len(s.FailedErrors) < 3 {
				s.FailedErrors = append(s.FailedErrors, sy.Err)
			}
		case sync.ResultSkipped:
			s.Skipped++
		}
		if sy.Written {
			s.Written++
		}
	}
	var waits, steady, sheetMax []time.Duration
	s.PerSheetMin = len(rec.Syncs) + 1
	for _, list := range bySheet {
		slices.SortFunc(list, func(a, b fleetSync) int { return cmp.Compare(a.End, b.End) })
		s.PerSheetMin, s.PerSheetMax = min(s.PerSheetMin, len(list)), max(s.PerSheetMax, len(list))
		due, last, most := time.Duration(0), time.Duration(0), time.Duration(0)
		firstOK := time.Duration(-1)
		for k, sy := range list {
			wait := sy.End - due
			waits = append(waits, wait)
			if k > 0 {
				steady = append(steady, wait)
			}
			most = max(most, wait)
			if wait > period {
				s.Late++
			}
			due = sy.End + period
			if sy.Result == sync.ResultOK {
				s.Stalest = max(s.Stalest, plan.model(sy.End-last))
				last = sy.End
				if firstOK < 0 {
					firstOK = sy.End
				}
			}
		}
		s.Stalest = max(s.Stalest, plan.model(rec.Stopped-last))
		if firstOK < 0 {
			firstOK = rec.Stopped
		}
		s.FirstRound = max(s.FirstRound, plan.model(firstOK))
		sheetMax = append(sheetMax, plan.model(most))
	}
	if len(bySheet) == 0 {
		s.PerSheetMin = 0
	}
	slices.Sort(waits)
	s.WaitP50, s.WaitP95, s.WaitMax = plan.model(quantile(waits, 0.5)), plan.model(quantile(waits, 0.95)), plan.model(quantile(waits, 1))
	slices.Sort(steady)
	s.SteadyP50, s.SteadyP95, s.SteadyMax = plan.model(quantile(steady, 0.5)), plan.model(quantile(steady, 0.95)), plan.model(quantile(steady, 1))
	slices.Sort(sheetMax)
	s.SheetWaitSpread = [2]time.Duration{quantile(sheetMax, 0), quantile(sheetMax, 1)}

	// Syncs running at once: +1 at each start, -1 at each end (ends first on a tie).
	type edge struct {
		at time.Duration
		d  int
	}
	var edges []edge
	for _, sy := range rec.Syncs {
		edges = append(edges, edge{sy.Start, 1}, edge{sy.End, -1})
	}
	slices.SortFunc(edges, func(a, b edge) int { return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.d, b.d)) })
	running := 0
	for _, e := range edges {
		running += e.d
		s.AtOnce = max(s.AtOnce, running)
	}

	// Memory by period.
	for _, m := range rec.Mem {
		i := int(m.At / period)
		for len(s.RoundRSS) <= i {
			s.RoundRSS, s.RoundHeap, s.RoundGoroutines = append(s.RoundRSS, 0), append(s.RoundHeap, 0), append(s.RoundGoroutines, 0)
		}
		s.RoundRSS[i], s.RoundHeap[i], s.RoundGoroutines[i] = max(s.RoundRSS[i], m.RSS), max(s.RoundHeap[i], m.Heap), max(s.RoundGoroutines[i], m.Goroutines)
	}
	if n := len(s.RoundRSS); n > 1 && m0(rec.Mem, n-1, period) {
		// A last period cut short by the stop holds only its first moments.
		s.RoundRSS, s.RoundHeap, s.RoundGoroutines = s.RoundRSS[:n-1], s.RoundHeap[:n-1], s.RoundGoroutines[:n-1]
	}

	maxSyncs := plan.MaxSyncs
	if maxSyncs <= 0 {
		maxSyncs = sync.DefaultMaxSyncs
	}
	s.periodOK = s.Late == 0 && s.Failed == 0 && s.Skipped == 0 && s.Stalest <= 2*plan.Period
	s.quotaOK = s.MaxPerMinute <= plan.PerMinute && s.Refused == 0
	s.noPileUp = s.AtOnce <= maxSyncs
	s.fair = s.PerSheetMax-s.PerSheetMin <= 1
	return s
}

// m0 reports whether the samples of period i cover less than half of it.
func m0(mem []memSample, i int, period time.Duration) bool {
	last := mem[len(mem)-1].At
	return last-time.Duration(i)*period < period/2
}

// mostInWindow is the most times in any closed window of length w.
func mostInWindow(times []time.Time, w time.Duration) int {
	times = slices.Clone(times)
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	most, lo := 0, 0
	for hi := range times {
		for times[hi].Sub(times[lo]) > w {
			lo++
		}
		most = max(most, hi-lo+1)
	}
	return most
}

// quantile of sorted values (0: the least, 1: the most); 0 when there are none.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(q*float64(len(sorted)-1)+0.5)]
}

// printFleet prints each run and the min and median of the headline figures.
func printFleet(w io.Writer, plan fleetPlan, runs []fleetSummary) {
	maxSyncs := fmt.Sprint(plan.MaxSyncs)
	if plan.MaxSyncs <= 0 {
		maxSyncs = fmt.Sprintf("%d (the default)", sync.DefaultMaxSyncs)
	}
	fmt.Fprintf(w, "Fleet: %d chapter sheets of %d–%d partners (as many assets, four meetings each, 12 members), one service, schedule @every %s, %d periods,\n",
		plan.Sheets, max(1, plan.Partners/2), plan.Partners/2+plan.Partners, plan.Period, plan.Rounds)
	fmt.Fprintf(w, "%.0f%% of the sheets edited per period; google.requests_per_minute %d; at most %s syncs at once.\n",
		100*plan.Change, plan.PerMinute, maxSyncs)
	fmt.Fprintf(w, "Time compressed %g×: a model minute is %s of wall time; every duration below is model time (a sync's own\n",
		plan.Scale, plan.wall(time.Minute))
	fmt.Fprintf(w, "work counts %g× its wall time, so waits are upper bounds). Requests are counted at the fake server.\n\n", plan.Scale)
	fmt.Fprintln(w, "| run | syncs (written) | calls a sync: 1 / 2 / 3+ | edits | requests/min: most in any minute (mean) | 429s | wait from due to done: p50 / p95 / max | the same after the first round | late | stalest sheet | first round | syncs a sheet | at once | peak RSS by period | heap by period | goroutines | CPU |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	for i, s := range runs {
		three := 0
		for n, c := range s.ByCalls {
			if n >= 3 {
				three += c
			}
		}
		fmt.Fprintf(w, "| %d | %d (%d) | %d / %d / %d | %d | %d (%.1f) | %d | %s / %s / %s | %s / %s / %s | %d | %s | %s | %d–%d | %d | %s | %s | %d | %.1f s |\n",
			i+1, s.Syncs, s.Written, s.ByCalls[1], s.ByCalls[2], three, s.Edits, s.MaxPerMinute, s.MeanPerMinute, s.Refused,
			short(s.WaitP50), short(s.WaitP95), short(s.WaitMax), short(s.SteadyP50), short(s.SteadyP95), short(s.SteadyMax), s.Late, short(s.Stalest), short(s.FirstRound),
			s.PerSheetMin, s.PerSheetMax, s.AtOnce, mibList(s.RoundRSS), mibList(s.RoundHeap), slices.Max(append([]int{0}, s.RoundGoroutines...)), s.CPU.Seconds())
	}
	if len(runs) > 1 {
		fmt.Fprintf(w, "\nOver %d runs, min / median: ", len(runs))
		figure := func(name string, key func(fleetSummary) float64, unit func(float64) string) {
			vals := make([]float64, len(runs))
			for i, s := range runs {
				vals[i] = key(s)
			}
			slices.Sort(vals)
			fmt.Fprintf(w, "%s %s / %s; ", name, unit(vals[0]), unit(vals[(len(vals)-1)/2]))
		}
		n := func(v float64) string { return fmt.Sprintf("%.0f", v) }
		d := func(v float64) string { return short(time.Duration(v)) }
		figure("requests in the busiest minute", func(s fleetSummary) float64 { return float64(s.MaxPerMinute) }, n)
		figure("wait p95", func(s fleetSummary) float64 { return float64(s.WaitP95) }, d)
		figure("longest wait", func(s fleetSummary) float64 { return float64(s.WaitMax) }, d)
		figure("wait p95 after the first round", func(s fleetSummary) float64 { return float64(s.SteadyP95) }, d)
		figure("longest wait after the first round", func(s fleetSummary) float64 { return float64(s.SteadyMax) }, d)
		figure("written", func(s fleetSummary) float64 { return float64(s.Written) }, n)
		figure("429s", func(s fleetSummary) float64 { return float64(s.Refused) }, n)
		figure("stalest sheet", func(s fleetSummary) float64 { return float64(s.Stalest) }, d)
		figure("peak RSS", func(s fleetSummary) float64 { return float64(s.PeakRSS) }, func(v float64) string { return mib(int64(v)) })
		figure("CPU", func(s fleetSummary) float64 { return s.CPU.Seconds() }, func(v float64) string { return fmt.Sprintf("%.1f s", v) })
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
	for i, s := range runs {
		fmt.Fprintf(w, "run %d: within the period: %s; under the quota: %s; no pile-up: %s; fair: %s", i+1,
			yes(s.periodOK, fmt.Sprintf("%d late, %d failed, %d skipped", s.Late, s.Failed, s.Skipped)),
			yes(s.quotaOK, fmt.Sprintf("%d in one minute, %d refused", s.MaxPerMinute, s.Refused)),
			yes(s.noPileUp, fmt.Sprintf("%d syncs at once", s.AtOnce)),
			yes(s.fair, fmt.Sprintf("%d to %d syncs a sheet", s.PerSheetMin, s.PerSheetMax)))
		fmt.Fprintf(w, "; unhealthy at the end: %d; worst wait of a sheet: %s to %s\n", s.Unhealthy, short(s.SheetWaitSpread[0]), short(s.SheetWaitSpread[1]))
		for msg, c := range s.Warnings {
			fmt.Fprintf(w, "  warning ×%d: %s\n", c, msg)
		}
		for _, e := range s.FailedErrors {
			fmt.Fprintf(w, "  failed: %s\n", e)
		}
	}
}

func yes(ok bool, why string) string {
	if ok {
		return "yes"
	}
	return "NO (" + why + ")"
}

// short prints a model duration to a tenth of a second, or whole seconds above a minute.
func short(d time.Duration) string {
	if d >= time.Minute {
		return d.Round(time.Second).String()
	}
	return d.Round(100 * time.Millisecond).String()
}

func mibList(v []int64) string {
	parts := make([]string, len(v))
	for i, b := range v {
		parts[i] = fmt.Sprintf("%.0f", float64(b)/(1<<20))
	}
	return strings.Join(parts, ", ") + " MiB"
}
