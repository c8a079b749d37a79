// Command partnermap-bench measures a full sync on generated workbooks of growing size and
// prints a table: rows, wall time, time per stage, peak memory and Google API calls, next
// to the limits each figure is measured against (the spreadsheet library's own raw read and
// write of the same file, and the fewest API calls a sync can make).
//
//	go run ./cmd/partnermap-bench                      # 1k and 10k partners, xlsx and Google
//	go run ./cmd/partnermap-bench -sizes 1000,10000,30000 -runs 3
//	go run ./cmd/partnermap-bench -fleet 500 -runs 3       # one service, 500 Google Sheets (fleet.go)
//
// Each measurement runs in a child process of its own, so its peak resident memory is the
// sync's alone: the parent generates the workbook (and, for Google, serves it from the
// test fake) and reads the child's report and resource usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/partnermap/partnermap/cmd/partnermap-bench/workload"
	"github.com/partnermap/partnermap/scoring"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "partnermap-bench:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	sizes    []int
	backends []string
	runs     int
	seed     uint64
	typos    float64
	asOf     scoring.Date
	dir      string
	keep     bool
	baseline bool
	profile  string
	// memProfile names the heap profiles of each first sync, as profile does CPU profiles.
	memProfile string
	// peakProfile names the heap profiles taken at each first and forced sync's peak resident memory.
	peakProfile string
	// idle lists workbook sizes (0: the demo workbook) on which to measure the resident
	// memory of an idle `partnermap sync` service, settle after its first sync.
	idle   []int
	settle time.Duration
	// historyPartners, when above 0, measures History of that many partners over
	// historyWeeks weekly syncs with historyChange of them moving each week.
	historyPartners int
	historyWeeks    int
	historyChange   float64
	// keepDays is a child's history.keep_days (-1: the default).
	keepDays int
	// fleet, when its sheets are above 0, measures one service over that many sheets
	// instead of the syncs of -sizes (fleet.go).
	fleet fleetOptions
	// child, when set, makes this process one measurement (see child.go).
	child     string
	path      string
	endpoint  string
	sheetID   string
	tabsFile  string
	reportOut string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("partnermap-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizes := fs.String("sizes", "1000,10000", "comma-separated partner counts; each has as many assets and ten meetings per partner (\"\": no syncs, e.g. with -idle)")
	backends := fs.String("backends", "xlsx,google", "comma-separated backends to sync: xlsx, google")
	fs.IntVar(&o.runs, "runs", 1, "measure each size this many times and report the run of median wall time")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the generated workbooks")
	fs.Float64Var(&o.typos, "typos", workload.DefaultMess().Typos, "share of partner references in Meetings and Assets misspelt by one letter")
	asOf := fs.String("as-of", "2026-11-23", "the as-of day D the workbooks are dated around and synced on")
	fs.StringVar(&o.dir, "dir", "", "folder for the generated workbooks (default: a temporary folder, removed after)")
	fs.BoolVar(&o.keep, "keep", false, "keep the generated workbooks")
	fs.BoolVar(&o.baseline, "baseline", true, "also time the spreadsheet library's own raw read and write of each workbook")
	idle := fs.String("idle", "", "comma-separated partner counts (0: the demo workbook) on which to measure an idle `partnermap sync` service's resident memory")
	fs.DurationVar(&o.settle, "settle", 5*time.Second, "with -idle: how long the service idles after its first sync before its memory is read")
	fs.StringVar(&o.profile, "cpuprofile", "", "write a CPU profile of each first sync to FILE.<backend>.<partners>.prof")
	fs.StringVar(&o.memProfile, "memprofile", "", "write a heap profile of each first sync's allocations to FILE.<backend>.<partners>.heap")
	fs.StringVar(&o.peakProfile, "peakprofile", "", "write a heap profile of what is live at the last collection before each first sync's peak resident memory to FILE.<backend>.<partners>.peak, and before the forced sync's to FILE.<backend>.<partners>.peak.forced (sampling slows the sync)")
	fs.IntVar(&o.historyPartners, "history", 0, "measure History of this many partners over -history-weeks weekly syncs (0: no)")
	fs.IntVar(&o.historyWeeks, "history-weeks", 156, "with -history: weekly syncs (156: three years)")
	fs.Float64Var(&o.historyChange, "history-change", 0.2, "with -history: share of partners that move a ring each week")
	fs.IntVar(&o.keepDays, "keep-days", -1, "internal: history.keep_days of the measurement")
	fs.IntVar(&o.fleet.sheets, "fleet", 0, "measure one service syncing this many Google Sheets (chapters) against the fake server, instead of -sizes (0: no)")
	fs.IntVar(&o.fleet.partners, "fleet-partners", 30, "with -fleet: partners of a chapter, on average (each has half to 1.5 times as many)")
	fs.DurationVar(&o.fleet.period, "fleet-period", 15*time.Minute, "with -fleet: the schedule, @every this")
	fs.IntVar(&o.fleet.rounds, "fleet-periods", 3, "with -fleet: how many periods the service runs")
	fs.Float64Var(&o.fleet.change, "fleet-change", 0.1, "with -fleet: share of the sheets edited in each period")
	fs.IntVar(&o.fleet.perMinute, "fleet-rpm", 60, "with -fleet: google.requests_per_minute (and the fake's quota)")
	fs.IntVar(&o.fleet.maxSyncs, "fleet-max-syncs", 0, "with -fleet: syncs at once (0: the service's default)")
	fs.Float64Var(&o.fleet.scale, "fleet-scale", 10, "with -fleet: compress time this many times (see fleet.go)")
	fs.StringVar(&o.child, "child", "", "internal: run one measurement in this process")
	fs.StringVar(&o.path, "path", "", "internal: workbook of the measurement")
	fs.StringVar(&o.endpoint, "endpoint", "", "internal: Google fake's URL")
	fs.StringVar(&o.sheetID, "sheet", "", "internal: spreadsheet id on the fake")
	fs.StringVar(&o.tabsFile, "tabs", "", "internal: output tabs to write, for the baseline")
	fs.StringVar(&o.reportOut, "out", "", "internal: file the child writes its result to")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if o.sizes, err = counts("-sizes", *sizes, 1); err != nil {
		return o, err
	}
	if o.idle, err = counts("-idle", *idle, 0); err != nil {
		return o, err
	}
	if o.settle < 0 {
		return o, errors.New("-settle must not be negative")
	}
	for _, b := range strings.Split(*backends, ",") {
		switch b = strings.TrimSpace(b); b {
		case "xlsx", "google":
			o.backends = append(o.backends, b)
		default:
			return o, fmt.Errorf("-backends: unknown backend %q (xlsx, google)", b)
		}
	}
	if o.runs < 1 {
		return o, errors.New("-runs must be at least 1")
	}
	if f := o.fleet; f.sheets < 0 || f.partners < 1 || f.period <= 0 || f.rounds < 1 || f.change < 0 || f.change > 1 || f.perMinute < 1 || f.scale < 1 {
		return o, errors.New("-fleet: sheets ≥ 0, -fleet-partners ≥ 1, -fleet-period > 0, -fleet-periods ≥ 1, -fleet-change in [0, 1], -fleet-rpm ≥ 1, -fleet-scale ≥ 1")
	}
	t, err := time.Parse("2006-01-02", *asOf)
	if err != nil {
		return o, fmt.Errorf("-as-of %q: use YYYY-MM-DD", *asOf)
	}
	o.asOf = scoring.DateFromTime(t)
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if o.child != "" {
		return runChild(ctx, o)
	}
	return bench(ctx, o, stdout, stderr)
}

// counts parses a comma-separated list of partner counts of at least least; "" is none.
func counts(flagName, list string, least int) ([]int, error) {
	if strings.TrimSpace(list) == "" {
		return nil, nil
	}
	var out []int
	for _, s := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < least {
			return nil, fmt.Errorf("%s: %q is not a partner count", flagName, s)
		}
		out = append(out, n)
	}
	return out, nil
}
