package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/metrics"
	"runtime/pprof"
	gosync "sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/google"
	"github.com/partnermap/partnermap/sync"
)

// childFleet runs the scheduled service over a fleet of sheets (see fleet.go).
const childFleet = "fleet"

// fleetPlan is one fleet measurement. Durations are model time, what a real service sees;
// the run divides every one of them by Scale (see fleet.go).
type fleetPlan struct {
	Sheets    int
	Partners  int // a chapter holds between half and one and a half times this many partners
	Period    time.Duration
	Rounds    int     // periods to run
	Change    float64 // share of the sheets a volunteer edits in each period
	PerMinute int     // google.requests_per_minute
	MaxSyncs  int     // the service's MaxSyncs; 0: its default
	Scale     float64
	Seed      uint64
	AsOf      scoring.Date
	Endpoint  string
	IDs       []string // the spreadsheets on the fake, one per sheet
	StateDir  string
	NotesCol  int // the Meetings column the benchmark edits: the volunteers' notes
}

// wall is d of model time in the compressed run.
func (p fleetPlan) wall(d time.Duration) time.Duration { return time.Duration(float64(d) / p.Scale) }

// model is d of the compressed run in model time.
func (p fleetPlan) model(d time.Duration) time.Duration { return time.Duration(float64(d) * p.Scale) }

func (p fleetPlan) label(i int) string { return fmt.Sprintf("chapter-%03d", i) }

// fleetSync is one sync the service ran. Times are wall time since the service started.
type fleetSync struct {
	Sheet      int
	Start, End time.Duration
	Result     string // sync.ResultOK, ResultFailed or ResultSkipped
	Err        string `json:",omitempty"`
	Calls      int    // API attempts, as the backend counted them
	Written    bool
}

// memSample is the service process's memory at one moment.
type memSample struct {
	At         time.Duration // since the service started
	RSS        int64         // VmRSS
	Heap       int64         // bytes in live and not yet swept heap objects
	Goroutines int
}

// fleetRecord is what the service process reports.
type fleetRecord struct {
	Start    time.Time     // when the service started
	Stopped  time.Duration // when it was asked to stop, since Start
	Syncs    []fleetSync
	Mem      []memSample
	Warnings map[string]int // the service's warnings and errors, by message
	// Unhealthy counts the sources /healthz called unhealthy just before the stop.
	Unhealthy int
	CPU       time.Duration
	PeakRSS   int64
}

// runFleetChild is the child process of a fleet measurement: the plan comes in a file.
func runFleetChild(ctx context.Context, o options) error {
	data, err := os.ReadFile(o.path)
	if err != nil {
		return fmt.Errorf("read the fleet plan: %w", err)
	}
	var plan fleetPlan
	if err := json.Unmarshal(data, &plan); err != nil {
		return fmt.Errorf("decode the fleet plan: %w", err)
	}
	if o.profile != "" {
		f, err := os.Create(o.profile)
		if err != nil {
			return fmt.Errorf("create profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("start profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	rec, err := runFleetService(ctx, plan)
	if err != nil {
		return err
	}
	if rec.PeakRSS, err = peakRSS(); err != nil {
		return err
	}
	rec.CPU = cpuTime()
	if data, err = json.Marshal(rec); err != nil {
		return fmt.Errorf("encode the fleet record: %w", err)
	}
	return os.WriteFile(o.reportOut, data, 0o644)
}

// runFleetService runs one real service (sync.NewService, sync.Runner, the Google backend
// and one limiter shared by every source, as `partnermap sync` has) over plan's sheets for
// plan.Rounds periods, and records every sync and the process's memory. Every duration the
// service uses (the schedule, the limiter's window, the jitter's cap, the sync timeout,
// the retries' backoff) is divided by plan.Scale.
func runFleetService(ctx context.Context, plan fleetPlan) (fleetRecord, error) {
	var rec fleetRecord
	cfg := config.Default()
	cfg.Schedule = "@every " + plan.wall(plan.Period).String()
	cfg.SyncTimeout = plan.wall(cfg.SyncTimeout)
	cfg.Grace = plan.wall(cfg.Grace)
	cfg.StateDir = plan.StateDir
	cfg.Google.RequestsPerMinute = plan.PerMinute
	index := map[string]int{}
	for i, id := range plan.IDs {
		cfg.Sources = append(cfg.Sources, config.Source{Name: plan.label(i), SpreadsheetID: id, Endpoint: plan.Endpoint})
		index[plan.label(i)] = i
	}

	logFile, err := os.Create(filepath.Join(plan.StateDir, "service.log"))
	if err != nil {
		return rec, fmt.Errorf("service log: %w", err)
	}
	defer logFile.Close()
	var mu gosync.Mutex
	rec.Warnings = map[string]int{}
	log := zerolog.New(logFile).Level(zerolog.InfoLevel).With().Timestamp().Logger().
		Hook(zerolog.HookFunc(func(_ *zerolog.Event, level zerolog.Level, msg string) {
			if level >= zerolog.WarnLevel {
				mu.Lock()
				rec.Warnings[msg]++
				mu.Unlock()
			}
		}))

	limiter := google.NewLimiter(plan.PerMinute, plan.wall(google.QuotaWindow))
	calls := make([]atomic.Int64, len(plan.IDs))
	open := func(ctx context.Context, cfg config.Config, src config.Source) (sheets.Source, error) {
		i := index[src.Label()]
		return google.New(ctx, google.Options{
			SpreadsheetID: src.SpreadsheetID, Endpoint: src.Endpoint, Limiter: limiter, Logger: log,
			OnRequest:      func(string, int) { calls[i].Add(1) },
			RetryBase:      plan.wall(google.DefaultRetryBase),
			RetryMax:       plan.wall(google.DefaultRetryMax),
			AttemptTimeout: plan.wall(google.DefaultAttemptTimeout),
		})
	}
	runner := sync.Runner(open, sync.Options{AsOf: plan.AsOf, Version: fleetVersion})
	var start time.Time
	run := func(ctx context.Context, cfg config.Config, src config.Source) (*sync.Report, error) {
		i := index[src.Label()]
		calls[i].Store(0)
		began := time.Since(start)
		rep, err := runner(ctx, cfg, src)
		s := fleetSync{Sheet: i, Start: began, End: time.Since(start), Result: sync.ResultOK, Calls: int(calls[i].Load())}
		switch {
		case errors.Is(err, sync.ErrSkipped):
			s.Result, s.Err = sync.ResultSkipped, err.Error()
		case err != nil:
			s.Result, s.Err = sync.ResultFailed, err.Error()
		}
		if rep != nil {
			s.Written = rep.Written
		}
		mu.Lock()
		rec.Syncs = append(rec.Syncs, s)
		mu.Unlock()
		return rep, err
	}
	jitterCap := plan.wall(time.Minute) // the service's cap (schedule.go), compressed like the rest
	svc, err := sync.NewService(cfg, sync.ServiceOptions{
		Run:      run,
		Logger:   log,
		Jitter:   func(upTo time.Duration) time.Duration { return rand.N(min(upTo, jitterCap)) },
		LockWait: plan.wall(sync.DefaultLockWait),
		MaxSyncs: plan.MaxSyncs,
	})
	if err != nil {
		return rec, fmt.Errorf("start the service: %w", err)
	}

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	start = time.Now()
	rec.Start = start
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		sampleMemory(runCtx, start, &rec.Mem)
	}()
	done := make(chan error, 1)
	go func() { done <- svc.Run(runCtx) }()
	select {
	case <-time.After(plan.wall(time.Duration(plan.Rounds) * plan.Period)):
	case <-ctx.Done():
	}
	_, statuses := svc.Status()
	for _, st := range statuses {
		if !st.Healthy {
			rec.Unhealthy++
		}
	}
	rec.Stopped = time.Since(start)
	cancel()
	err = <-done
	<-sampled
	mu.Lock()
	defer mu.Unlock()
	return rec, err
}

// fleetVersion is the version the fleet's syncs write; the warm-up uses it too, since the
// version is part of the input hash that tells an unchanged sheet.
const fleetVersion = "bench"

// sampleMemory appends the process's memory to out every 20 ms until ctx ends.
func sampleMemory(ctx context.Context, start time.Time, out *[]memSample) {
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/sched/goroutines:goroutines"},
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		metrics.Read(samples)
		m := memSample{At: time.Since(start), Heap: int64(samples[0].Value.Uint64()), Goroutines: int(samples[1].Value.Uint64())}
		if status, err := os.ReadFile("/proc/self/status"); err == nil {
			m.RSS, _ = statusKiB(status, "VmRSS")
		}
		*out = append(*out, m)
		select {
		case <-tick.C:
		case <-ctx.Done():
			return
		}
	}
}
