package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/partnermap/partnermap/cmd/partnermap-bench/workload"
	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/google/fake"
)

// measured is one child's result with the resources its process used.
type measured struct {
	childResult
	// FakeCalls and MaxBody come from the Google fake's own record: every request it
	// received during the child's three syncs, and the largest request body.
	FakeCalls map[string]int
	MaxBody   int
	// Failed is why a Google sync could not be done (e.g. a size whose outputs exceed the
	// API's request limit): the table shows it in place of figures.
	Failed string
}

// sizeResult is everything measured for one size.
type sizeResult struct {
	Size      workload.Size
	FileBytes int64
	Syncs     map[string]measured // by backend
	RawRead   measured
	RawWrite  measured
}

func bench(ctx context.Context, o options, stdout, stderr io.Writer) error {
	dir := o.dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "partnermap-bench-")
		if err != nil {
			return fmt.Errorf("temporary folder: %w", err)
		}
		dir = tmp
		if !o.keep {
			defer os.RemoveAll(tmp)
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("folder %s: %w", dir, err)
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find this program to run its measurements: %w", err)
	}
	if o.fleet.sheets > 0 {
		return benchFleet(ctx, o, exe, dir, stdout, stderr)
	}
	if o.historyPartners > 0 {
		if err := benchHistory(ctx, o, exe, dir, stdout, stderr); err != nil {
			return err
		}
		if len(o.sizes) == 0 && len(o.idle) == 0 {
			return nil
		}
		fmt.Fprintln(stdout)
	}
	var results []sizeResult
	for _, n := range o.sizes {
		res, err := benchSize(ctx, o, exe, dir, n, stderr)
		if err != nil {
			return err
		}
		results = append(results, res)
	}
	var idle []idleResult
	for _, n := range o.idle {
		var runs []idleResult
		for r := range o.runs {
			fmt.Fprintf(stderr, "idle service on %s, run %d of %d\n", idleBook(n), r+1, o.runs)
			res, err := measureIdle(ctx, o, dir, n, stderr)
			if err != nil {
				return err
			}
			runs = append(runs, res)
		}
		slices.SortFunc(runs, func(a, b idleResult) int { return int(a.RSS - b.RSS) })
		idle = append(idle, runs[(len(runs)-1)/2])
	}
	if len(results) > 0 {
		printTables(stdout, o, results)
	}
	if len(idle) > 0 {
		if len(results) > 0 {
			fmt.Fprintln(stdout)
		}
		printIdle(stdout, o, idle)
	}
	return nil
}

// benchGenerator generates the input tabs of n partners the benchmark syncs.
func benchGenerator(o options, n int) *workload.Generator {
	mess := workload.DefaultMess()
	mess.Typos = o.typos
	return workload.New(config.Default().Tabs, workload.SizeOf(n), o.asOf, mess, o.seed)
}

// benchTabs generates the input tabs of n partners, held whole (for the Google fake).
func benchTabs(o options, n int) []sheets.InputTab {
	mess := workload.DefaultMess()
	mess.Typos = o.typos
	return workload.Tabs(config.Default().Tabs, workload.SizeOf(n), o.asOf, mess, o.seed)
}

// workbookName names the generated workbook after everything that decides its content,
// so that one kept in -dir is used again only for the same workload.
func workbookName(o options, n int) string {
	return fmt.Sprintf("partners-%d-typos%s-seed%d-%s.xlsx", n, strconv.FormatFloat(o.typos, 'f', -1, 64), o.seed, o.asOf)
}

func benchSize(ctx context.Context, o options, exe, dir string, n int, stderr io.Writer) (sizeResult, error) {
	size := workload.SizeOf(n)
	res := sizeResult{Size: size, Syncs: map[string]measured{}}

	pristine := filepath.Join(dir, workbookName(o, n))
	if _, err := os.Stat(pristine); err == nil {
		fmt.Fprintf(stderr, "using %s, generated before\n", pristine)
	} else {
		fmt.Fprintf(stderr, "generating %d partners, %d assets, %d meetings, %d members into %s...\n",
			size.Partners, size.Assets, size.Meetings, size.Members, pristine)
		tmp := strings.TrimSuffix(pristine, ".xlsx") + ".tmp.xlsx"
		start := time.Now()
		if err := writeWorkbook(ctx, tmp, benchGenerator(o, n)); err != nil {
			return res, fmt.Errorf("write the generated workbook: %w", err)
		}
		if err := os.Rename(tmp, pristine); err != nil {
			return res, fmt.Errorf("write the generated workbook: %w", err)
		}
		if peak, err := peakRSS(); err == nil {
			fmt.Fprintf(stderr, "generated in %s; this process's peak memory so far: %s\n", time.Since(start).Round(time.Millisecond), mib(peak))
		}
	}
	info, err := os.Stat(pristine)
	if err != nil {
		return res, fmt.Errorf("generated workbook: %w", err)
	}
	res.FileBytes = info.Size()
	// The Google fake serves tabs held in memory: generated only when it is measured.
	var tabs []sheets.InputTab
	if slices.Contains(o.backends, "google") {
		tabs = benchTabs(o, n)
	}

	for _, backend := range o.backends {
		var runs []measured
		for r := range o.runs {
			fmt.Fprintf(stderr, "%d partners: %s sync, run %d of %d\n", n, backend, r+1, o.runs)
			var m measured
			var err error
			switch backend {
			case "xlsx":
				m, err = xlsxRun(ctx, o, exe, dir, pristine, n)
			case "google":
				m, err = googleRun(ctx, o, exe, dir, n, tabs)
			}
			var failed *childFailure
			if err != nil && backend == "google" && errors.As(err, &failed) {
				// A size the API refuses is a finding, not a reason to lose the other figures.
				fmt.Fprintf(stderr, "%d partners: the google sync failed; noted in the table\n", n)
				runs = []measured{{Failed: failed.reason}}
				break
			}
			if err != nil {
				return res, err
			}
			runs = append(runs, m)
		}
		res.Syncs[backend] = median(runs, func(m measured) time.Duration {
			if len(m.Syncs) == 0 {
				return 0
			}
			return m.Syncs[0].Wall
		})
	}
	if o.baseline {
		var reads, writes []measured
		for r := range o.runs {
			fmt.Fprintf(stderr, "%d partners: library baseline, run %d of %d\n", n, r+1, o.runs)
			m, err := spawn(ctx, exe, dir, []string{"-child", childRawRead, "-path", pristine})
			if err != nil {
				return res, err
			}
			reads = append(reads, m)
			m, err = spawn(ctx, exe, dir, []string{"-child", childRawWrite, "-path", pristine, "-as-of", o.asOf.String()})
			if err != nil {
				return res, err
			}
			writes = append(writes, m)
		}
		res.RawRead = median(reads, func(m measured) time.Duration { return m.Raw })
		res.RawWrite = median(writes, func(m measured) time.Duration { return m.Raw })
	}
	return res, nil
}

// xlsxRun syncs a fresh copy of the generated workbook, so every run starts without outputs.
func xlsxRun(ctx context.Context, o options, exe, dir, pristine string, n int) (measured, error) {
	work := filepath.Join(dir, fmt.Sprintf("sync-%d.xlsx", n))
	if err := copyFile(pristine, work); err != nil {
		return measured{}, err
	}
	defer removeWithBackups(work)
	return spawn(ctx, exe, dir, withProfile(o, n, "xlsx", []string{"-child", childXLSX, "-path", work, "-as-of", o.asOf.String()}))
}

// googleRun serves the generated tabs from a fresh Google fake in this process and lets a
// child sync them; the fake's record of requests is the referee of the call counts.
func googleRun(ctx context.Context, o options, exe, dir string, n int, tabs []sheets.InputTab) (measured, error) {
	srv := fake.New()
	defer srv.Close()
	const id = "bench-sheet"
	srv.AddSpreadsheet(id, "America/New_York")
	srv.AddInputTabs(id, tabs)
	m, err := spawn(ctx, exe, dir, withProfile(o, n, "google", []string{"-child", childGoogle, "-endpoint", srv.URL(), "-sheet", id, "-as-of", o.asOf.String()}))
	if err != nil {
		return m, err
	}
	m.FakeCalls = map[string]int{}
	for _, c := range srv.Calls() {
		m.FakeCalls[c.Kind]++
		m.MaxBody = max(m.MaxBody, len(c.Body))
	}
	return m, nil
}

// withProfile asks the child for a CPU or heap profile of its first sync when -cpuprofile,
// -memprofile or -peakprofile is set.
func withProfile(o options, n int, backend string, args []string) []string {
	if o.profile != "" {
		args = append(args, "-cpuprofile", fmt.Sprintf("%s.%s.%d.prof", o.profile, backend, n))
	}
	if o.peakProfile != "" {
		args = append(args, "-peakprofile", fmt.Sprintf("%s.%s.%d.peak", o.peakProfile, backend, n))
	}
	if o.memProfile != "" {
		args = append(args, "-memprofile", fmt.Sprintf("%s.%s.%d.heap", o.memProfile, backend, n))
	}
	return args
}

// spawn runs this program as a child measurement and reads its result and peak memory.
func spawn(ctx context.Context, exe, dir string, args []string) (measured, error) {
	var m measured
	data, err := spawnRaw(ctx, exe, dir, args)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(data, &m.childResult); err != nil {
		return m, fmt.Errorf("decode the result of %v: %w", args, err)
	}
	return m, nil
}

// spawnRaw runs this program as a child measurement and returns what it wrote to its -out file.
func spawnRaw(ctx context.Context, exe, dir string, args []string) ([]byte, error) {
	out, err := os.CreateTemp(dir, "result-*.json")
	if err != nil {
		return nil, fmt.Errorf("result file: %w", err)
	}
	out.Close()
	defer os.Remove(out.Name())
	cmd := exec.CommandContext(ctx, exe, append(args, "-out", out.Name())...)
	var tail lastLine
	cmd.Stdout, cmd.Stderr = os.Stderr, io.MultiWriter(os.Stderr, &tail)
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return nil, &childFailure{args: args, reason: strings.TrimPrefix(tail.String(), "partnermap-bench: "), err: err}
		}
		return nil, fmt.Errorf("measurement %v: %w", args, err)
	}
	data, err := os.ReadFile(out.Name())
	if err != nil {
		return nil, fmt.Errorf("read the result of %v: %w", args, err)
	}
	return data, nil
}

// childFailure is a measurement whose child exited with an error; reason is the last line
// it wrote, its error message.
type childFailure struct {
	args   []string
	reason string
	err    error
}

func (f *childFailure) Error() string {
	return fmt.Sprintf("measurement %v: %v: %s", f.args, f.err, f.reason)
}

func (f *childFailure) Unwrap() error { return f.err }

// lastLine keeps the last non-empty line written to it.
type lastLine struct{ buf, last []byte }

func (l *lastLine) Write(p []byte) (int, error) {
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		if line := bytes.TrimSpace(l.buf[:i]); len(line) > 0 {
			l.last = append(l.last[:0], line...)
		}
		l.buf = l.buf[i+1:]
	}
	return len(p), nil
}

func (l *lastLine) String() string {
	if line := bytes.TrimSpace(l.buf); len(line) > 0 {
		return string(line)
	}
	return string(l.last)
}

// median returns the run whose key is the median (the lower one of an even count).
func median(runs []measured, key func(measured) time.Duration) measured {
	sorted := slices.Clone(runs)
	slices.SortStableFunc(sorted, func(a, b measured) int { return int(key(a) - key(b)) })
	return sorted[(len(sorted)-1)/2]
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return fmt.Errorf("copy workbook: %w", err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		return fmt.Errorf("copy workbook: %w", err)
	}
	return nil
}

// removeWithBackups removes a synced workbook and the backups the sync left beside it.
func removeWithBackups(path string) {
	os.Remove(path)
	stem := path[:len(path)-len(filepath.Ext(path))]
	backups, _ := filepath.Glob(stem + ".*.bak.xlsx")
	for _, b := range backups {
		os.Remove(b)
	}
}

func mib(n int64) string { return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB" }
