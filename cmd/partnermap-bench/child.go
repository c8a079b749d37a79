package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"time"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/internal/memlimit"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/google"
	"github.com/partnermap/partnermap/sheets/xlsx"
	"github.com/partnermap/partnermap/sync"
)

// Child modes: one measurement each, in a process of its own.
const (
	childXLSX     = "xlsx"      // sync a workbook three times (first, unchanged, forced)
	childGoogle   = "google"    // the same against the Google fake
	childRawRead  = "raw-read"  // the library's own read of the input tabs
	childRawWrite = "raw-write" // the library's own write of the sync's output tabs
)

// syncRun is what one sync.Run did.
type syncRun struct {
	Wall      time.Duration
	Stages    map[string]time.Duration
	Written   bool
	Unchanged bool
	// Calls counts Google API requests (every attempt), by method.
	Calls map[string]int
	// CPU is the processor time the child used during this sync alone.
	CPU time.Duration
	// Peak is the child's resident-memory high-water mark during this sync alone, in
	// bytes (the mark is reset before it, where Linux allows); 0 when unknown.
	Peak int64
}

// childResult is what a child reports to the parent, as JSON in the -out file.
type childResult struct {
	// Syncs are the first sync (outputs created), an unchanged one (nothing to write)
	// and a forced one (outputs replaced), in that order.
	Syncs      []syncRun
	OutputRows int
	InputRows  int
	Issues     int
	// Raw is the library's own time for a raw-read or raw-write child.
	Raw time.Duration
	// PeakRSS is the child's resident-memory high-water mark in bytes (VmHWM), and CPU
	// the processor time it used; the Google fake runs in the parent and counts in neither.
	PeakRSS int64
	CPU     time.Duration
}

func runChild(ctx context.Context, o options) error {
	var res childResult
	var err error
	if o.child == childXLSX || o.child == childGoogle {
		// The soft heap limit and collection pace `partnermap sync --now` sets, so that the
		// figures are the command's (GOMEMLIMIT=off measures without them).
		memlimit.ApplyOneShot()
	}
	switch o.child {
	case childXLSX:
		cfg := config.Default()
		cfg.History.KeepDays = keepDays(o)
		src := xlsx.New(o.path, xlsx.Options{Backups: cfg.XLSX.Backups, MaxBytes: int64(cfg.XLSX.MaxMB) << 20})
		res, err = syncThrice(ctx, o, cfg, src, nil)
	case childGoogle:
		var calls atomic.Pointer[map[string]int]
		src, gerr := google.New(ctx, google.Options{
			SpreadsheetID: o.sheetID,
			Endpoint:      o.endpoint,
			OnRequest: func(method string, _ int) {
				if m := calls.Load(); m != nil {
					(*m)[method]++
				}
			},
		})
		if gerr != nil {
			return fmt.Errorf("open the fake sheet: %w", gerr)
		}
		res, err = syncThrice(ctx, o, config.Default(), src, &calls)
	case childRawRead:
		res.Raw, res.InputRows, err = rawRead(o.path)
	case childRawWrite:
		res.Raw, err = rawWrite(ctx, o)
	case childFleet:
		return runFleetChild(ctx, o)
	default:
		return fmt.Errorf("unknown child mode %q", o.child)
	}
	if err != nil {
		return err
	}
	if res.PeakRSS, err = peakRSS(); err != nil {
		return err
	}
	for _, s := range res.Syncs {
		// The mark was reset before each sync: the child's peak is the largest of theirs.
		res.PeakRSS = max(res.PeakRSS, s.Peak)
	}
	res.CPU = cpuTime()
	data, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("encode result: %w", err)
	}
	if err := os.WriteFile(o.reportOut, data, 0o644); err != nil {
		return fmt.Errorf("write result: %w", err)
	}
	return nil
}

// syncThrice runs the first sync (profiled when asked), then an unchanged one, then a forced
// one, recording each. calls, when not nil, is pointed at each run's call counter in turn.
func syncThrice(ctx context.Context, o options, cfg config.Config, src sheets.Source, calls *atomic.Pointer[map[string]int]) (childResult, error) {
	var res childResult
	// The memo of unchanged syncs, as the service keeps it in state_dir (sync.Runner).
	state, err := os.MkdirTemp("", "partnermap-bench-state-")
	if err != nil {
		return res, fmt.Errorf("state folder: %w", err)
	}
	defer os.RemoveAll(state)
	memo := filepath.Join(state, "memo.json")
	for i, force := range []bool{false, false, true} {
		counted := map[string]int{}
		if calls != nil {
			calls.Store(&counted)
		}
		stopProfile := func() {}
		if i == 0 && o.profile != "" {
			f, err := os.Create(o.profile)
			if err != nil {
				return res, fmt.Errorf("create profile: %w", err)
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				return res, fmt.Errorf("start profile: %w", err)
			}
			stopProfile = func() { pprof.StopCPUProfile(); f.Close() }
		}
		stopPeak := func() error { return nil }
		if o.peakProfile != "" && i == 0 {
			stopPeak = profilePeak(o.peakProfile)
		} else if o.peakProfile != "" && force {
			stopPeak = profilePeak(o.peakProfile + ".forced") // its peak is the child's largest
		}
		peakKnown := resetPeakRSS() == nil
		start, cpu := time.Now(), cpuTime()
		opts := sync.Options{AsOf: o.asOf, Force: force, Version: "bench", Memo: memo}
		if o.child == childXLSX {
			opts.BeforeRead = memlimit.HugePages // as sync --now of a workbook
		}
		rep, err := sync.Run(ctx, cfg, src, opts)
		wall, cpu := time.Since(start), cpuTime()-cpu
		stopProfile()
		if err := stopPeak(); err != nil {
			return res, err
		}
		if err != nil {
			return res, fmt.Errorf("sync %d of %s: %w", i+1, src.Describe(), err)
		}
		if i == 0 && o.memProfile != "" {
			if err := writeAllocs(o.memProfile); err != nil {
				return res, err
			}
		}
		if calls != nil {
			calls.Store(nil)
		}
		run := syncRun{Wall: wall, Stages: rep.Stages, Written: rep.Written, Unchanged: rep.Unchanged, Calls: counted, CPU: cpu}
		peak := "unknown"
		if p, err := peakRSS(); err == nil && peakKnown {
			run.Peak = p
			peak = mib(p)
		}
		res.Syncs = append(res.Syncs, run)
		// Printed as it happens: the table gives the child's CPU over all three syncs.
		fmt.Fprintf(os.Stderr, "  sync %d (%s): wall %s, CPU %s, peak RSS %s, written %v, unchanged %v, calls %v, stages %s\n",
			i+1, []string{"first", "again, unchanged", "forced"}[i], wall.Round(time.Millisecond), cpu.Round(time.Millisecond),
			peak, rep.Written, rep.Unchanged, counted, stages(rep.Stages))
		if i == 0 {
			res.Issues = len(rep.Issues)
			for _, t := range rep.Tabs {
				res.OutputRows += len(t.Rows)
			}
			res.InputRows = rep.RowsRead()
		}
	}
	return res, nil
}

// writeAllocs writes the allocations made so far (the first sync's, with a little of the
// child's start) as a heap profile: -sample_index=alloc_space shows where the bytes were
// allocated; inuse_space is what the last collection found still live.
func writeAllocs(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create heap profile: %w", err)
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("write heap profile: %w", err)
	}
	return f.Close()
}

// profilePeak samples resident memory every 20 ms while a sync runs and, each time it is 5%
// above its largest yet, writes a heap profile to path: the last one written shows what was
// live at the last collection before the sync's peak resident memory, the figure quoted.
// Writing a profile stops the world, so figures of a profiled sync are not quoted.
func profilePeak(path string) (stop func() error) {
	done, finished := make(chan struct{}), make(chan error, 1)
	go func() {
		var top int64
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				finished <- nil
				return
			case <-tick.C:
			}
			status, err := os.ReadFile("/proc/self/status")
			if err != nil {
				continue
			}
			rss, err := statusKiB(status, "VmRSS")
			if err != nil || rss <= top+top/100 {
				continue
			}
			top = rss
			f, err := os.Create(path)
			if err == nil {
				err = pprof.Lookup("heap").WriteTo(f, 0)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			}
			if err != nil {
				<-done
				finished <- fmt.Errorf("peak heap profile: %w", err)
				return
			}
		}
	}()
	return func() error {
		close(done)
		return <-finished
	}
}

// stages lists a sync's stage times in the order they run.
func stages(st map[string]time.Duration) string {
	var parts []string
	for _, name := range []string{sync.StageRead, sync.StageDecode, sync.StageScore, sync.StageRender, sync.StageWrite} {
		if d, ok := st[name]; ok {
			parts = append(parts, name+" "+d.Round(time.Millisecond).String())
		}
	}
	return strings.Join(parts, ", ")
}
