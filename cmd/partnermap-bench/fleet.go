package main

// The fleet benchmark (-fleet N): one `partnermap sync` service with N chapter sheets in its
// `sources:` list, all Google Sheets served by the repository's fake Sheets server, sharing
// the service's one limiter of google.requests_per_minute. It answers whether one service
// keeps every sheet synced within its period, never goes over the per-user quota, keeps
// its memory flat and treats the sheets alike.
//
// Time is compressed: the schedule's period, the limiter's window (a minute), the jitter's
// cap (a minute), the sync timeout, the lock wait and the retries' backoff are all divided by
// -fleet-scale, so an hour of the service runs in 60/scale minutes, and every duration the
// benchmark prints is multiplied back (model time). What does not compress is the work of a
// sync itself (the fake's answers, decode, score, render): a sync that takes 50 ms of wall
// time counts as 50 ms × scale in model time, so waits and sync durations are upper bounds
// of the real ones, the more so the larger the scale. The fake enforces the quota itself
// (fake.SetQuota, in compressed time) and its log of arrivals is the referee of the
// requests per minute.
//
// The fake runs in this process; the service runs in a child process, so the child's
// memory is the service's alone. Before the child starts, every sheet is synced once (a
// service restarting over a fleet already set up: outputs exist, Sync Status holds the
// hash); while it runs, this process edits -fleet-change of the sheets in each period, at
// random times, as volunteers would, so syncs are a mix of unchanged ones (one read) and
// changed ones (a read and a write).

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	gosync "sync"
	"time"

	"github.com/partnermap/partnermap/cmd/partnermap-bench/workload"
	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/google"
	"github.com/partnermap/partnermap/sheets/google/fake"
	"github.com/partnermap/partnermap/sync"
)

// fleetOptions are the -fleet flags.
type fleetOptions struct {
	sheets    int
	partners  int
	period    time.Duration
	rounds    int
	change    float64
	perMinute int
	maxSyncs  int
	scale     float64
}

func (f fleetOptions) plan(o options) fleetPlan {
	return fleetPlan{Sheets: f.sheets, Partners: f.partners, Period: f.period, Rounds: f.rounds, Change: f.change,
		PerMinute: f.perMinute, MaxSyncs: f.maxSyncs, Scale: f.scale, Seed: o.seed, AsOf: o.asOf}
}

// benchFleet measures the fleet o.runs times and prints each run and the min and median.
func benchFleet(ctx context.Context, o options, exe, dir string, stdout, stderr io.Writer) error {
	plan := o.fleet.plan(o)
	// The fake holds every sheet (about 2 MiB each with its outputs): collect more often
	// than by default so 500 of them stay within a couple of gigabytes.
	debug.SetGCPercent(50)
	fmt.Fprintf(stderr, "fleet: generating %d chapter sheets and syncing each once...\n", plan.Sheets)
	srv, err := prepareFleet(ctx, &plan)
	if err != nil {
		return err
	}
	defer srv.Close()
	plan.Endpoint = srv.URL()
	// The runs share one fake (a copy of 500 sheets is gigabytes): a run leaves the fleet as
	// it found it, every sheet synced, but for the few edited in its last moments.
	var runs []fleetSummary
	for r := range o.runs {
		fmt.Fprintf(stderr, "fleet: run %d of %d (%s of wall time)\n", r+1, o.runs, plan.wall(time.Duration(plan.Rounds)*plan.Period).Round(time.Second))
		plan.StateDir = filepath.Join(dir, fmt.Sprintf("fleet-state-%d", r))
		profile := ""
		if o.profile != "" {
			profile = fmt.Sprintf("%s.fleet.%d.prof", o.profile, r+1)
		}
		rec, edits, err := fleetChild(ctx, exe, dir, plan, srv, r, profile)
		if err != nil {
			return err
		}
		runs = append(runs, summarize(plan, rec, srv.Calls(), edits))
	}
	printFleet(stdout, plan, runs)
	return nil
}

// prepareFleet starts a fake holding plan.Sheets chapter sheets (their ids go into plan), each
// synced once.
func prepareFleet(ctx context.Context, plan *fleetPlan) (*fake.Server, error) {
	srv := fake.New()
	r := rand.New(rand.NewPCG(plan.Seed, 0x5eed))
	cfg := config.Default()
	plan.IDs = nil
	for i := range plan.Sheets {
		id := fmt.Sprintf("fleet-%03d", i)
		partners := max(1, plan.Partners/2+r.IntN(plan.Partners+1))
		tabs := workload.Tabs(cfg.Tabs, chapterSize(partners), plan.AsOf, workload.DefaultMess(), plan.Seed+uint64(i))
		srv.AddSpreadsheet(id, "America/New_York")
		for _, t := range tabs {
			// Values only: the dropdowns and notes `init` adds hold a cell for each of the
			// grid's thousand rows, gigabytes over 500 sheets in the fake, and a sync's read
			// does not ask for them.
			srv.AddTab(id, t.Name, append([][]sheets.Cell{textRow(t.Header)}, t.Rows...))
		}
		plan.IDs = append(plan.IDs, id)
		for _, t := range tabs {
			if t.Name == cfg.Tabs.Meetings {
				// The last column is the volunteers' own notes (workload.Tabs).
				plan.NotesCol = len(t.Header) - 1
			}
		}
	}
	// Two at a time: the machine has two cores.
	ids := make(chan string)
	errs := make(chan error, 2)
	var wg gosync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for id := range ids {
				src, err := google.New(ctx, google.Options{SpreadsheetID: id, Endpoint: srv.URL()})
				// Twice: the second sync, unchanged, leaves the fake's answer to its read
				// kept, so the run's first round costs the fake what the later ones do.
				for range 2 {
					if err == nil {
						_, err = sync.Run(ctx, cfg, src, sync.Options{AsOf: plan.AsOf, Version: fleetVersion})
					}
				}
				if err != nil {
					errs <- fmt.Errorf("first sync of %s: %w", id, err)
					return
				}
			}
		})
	}
	var err error
feed:
	for _, id := range plan.IDs {
		select {
		case ids <- id:
		case err = <-errs:
			break feed
		}
	}
	close(ids)
	wg.Wait()
	if err == nil && len(errs) > 0 {
		err = <-errs
	}
	if err != nil {
		srv.Close()
		return nil, err
	}
	srv.ResetCalls() // the warm-up's request bodies, hundreds of megabytes
	return srv, nil
}

// fleetChild runs the service in a child process over srv's sheets while editing some of
// them, and returns the child's record and how many edits were made.
func fleetChild(ctx context.Context, exe, dir string, plan fleetPlan, srv *fake.Server, run int, profile string) (fleetRecord, int, error) {
	var rec fleetRecord
	if err := os.MkdirAll(plan.StateDir, 0o700); err != nil {
		return rec, 0, fmt.Errorf("fleet state folder: %w", err)
	}
	srv.ResetCalls()
	srv.SetQuota(plan.PerMinute, plan.wall(google.QuotaWindow))
	planFile := filepath.Join(dir, "fleet-plan.json")
	data, err := json.Marshal(plan)
	if err != nil {
		return rec, 0, fmt.Errorf("encode the fleet plan: %w", err)
	}
	if err := os.WriteFile(planFile, data, 0o644); err != nil {
		return rec, 0, fmt.Errorf("write the fleet plan: %w", err)
	}
	editCtx, stopEdits := context.WithCancel(ctx)
	edited := make(chan int, 1)
	go func() { edited <- editFleet(editCtx, plan, srv, run) }()
	args := []string{"-child", childFleet, "-path", planFile}
	if profile != "" {
		args = append(args, "-cpuprofile", profile)
	}
	data, err = spawnRaw(ctx, exe, dir, args)
	stopEdits()
	edits := <-edited
	if err != nil {
		return rec, 0, err
	}
	if err := json.Unmarshal(data, &rec); err != nil {
		return rec, 0, fmt.Errorf("decode the fleet record: %w", err)
	}
	return rec, edits, nil
}

// editFleet edits round(Change × Sheets) sheets in each period at random moments, one
// meeting's notes each, until ctx ends, and returns how many it made. Each run (0, 1, ...)
// edits other sheets, with text no earlier run wrote, so every edit is a change.
func editFleet(ctx context.Context, plan fleetPlan, srv *fake.Server, run int) int {
	r := rand.New(rand.NewPCG(plan.Seed+uint64(run), 0xed17))
	type planned struct {
		at    time.Duration
		sheet int
	}
	var todo []planned
	perPeriod := int(plan.Change*float64(plan.Sheets) + 0.5)
	for round := range plan.Rounds {
		for _, sheet := range r.Perm(plan.Sheets)[:perPeriod] {
			at := time.Duration(round)*plan.Period + time.Duration(r.Int64N(int64(plan.Period)))
			todo = append(todo, planned{at: plan.wall(at), sheet: sheet})
		}
	}
	slices.SortFunc(todo, func(a, b planned) int { return cmp.Compare(a.at, b.at) })
	meetings := config.Default().Tabs.Meetings
	start := time.Now()
	for n, e := range todo {
		select {
		case <-time.After(time.Until(start.Add(e.at))):
		case <-ctx.Done():
			return n
		}
		// Row 1 is the first meeting, below the header.
		srv.SetCell(plan.IDs[e.sheet], meetings, 1, plan.NotesCol, sheets.TextCell(fmt.Sprintf("called back (run %d, edit %d)", run+1, n)))
	}
	return len(todo)
}

func textRow(texts []string) []sheets.Cell {
	row := make([]sheets.Cell, len(texts))
	for i, t := range texts {
		row[i] = sheets.TextCell(t)
	}
	return row
}

// chapterSize is the shape of a chapter's sheet: an asset and four logged meetings per
// partner, and a dozen members.
func chapterSize(partners int) workload.Size {
	return workload.Size{Partners: partners, Assets: partners, Meetings: 4 * partners, Members: 12}
}
