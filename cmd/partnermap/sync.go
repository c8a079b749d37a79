package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/demo"
	"github.com/partnermap/partnermap/internal/memlimit"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sync"
)

type syncFlags struct {
	now, dryRun, strict, force, demo bool
	asOf                             string
	adopt                            []string
	lockWait                         time.Duration
}

func (a *app) syncCommand() *cobra.Command {
	var f syncFlags
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Run as a service, or once with --now",
		Long: `Without --now, sync runs as a service: a sync at start, then on the configured schedule,
until SIGINT or SIGTERM. With --now it runs one sync and exits:
0 done (with or without data issues), 1 failed, 2 bad configuration or usage,
3 with --strict when there are error-level data issues.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !f.now {
				if f.dryRun || f.strict || f.asOf != "" || f.demo {
					return &exitError{code: exitConfig, err: errors.New("--dry-run, --strict, --as-of and --demo go with --now")}
				}
				return a.serve(cmd)
			}
			return a.syncNow(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.now, "now", false, "run one sync and exit")
	fl.StringVar(&f.asOf, "as-of", "", "compute as of this day, YYYY-MM-DD (default: today in the spreadsheet's time zone)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "compute and print what would change, writing nothing")
	fl.BoolVar(&f.strict, "strict", false, "exit 3 when there are error-level data issues")
	fl.BoolVar(&f.force, "force", false, "write even when nothing changed since the last sync")
	fl.BoolVar(&f.demo, "demo", false, "sync a demo workbook ("+demoWorkbook+" in this folder, created if missing); no account or config needed")
	fl.StringArrayVar(&f.adopt, "adopt", nil, "let partnermap take over an existing tab of this name (repeatable)")
	fl.DurationVar(&f.lockWait, "lock-wait", sync.DefaultLockWait, "with --now: how long to wait when the service (or another sync) is syncing the same source")
	return cmd
}

func (a *app) syncNow(cmd *cobra.Command, f syncFlags) error {
	ctx := cmd.Context()
	cfg, err := a.loadConfig(f.demo)
	if err != nil {
		return err
	}
	log := a.logger(cfg.Log)
	if limit := memlimit.ApplyOneShot(); limit > 0 {
		log.Debug().Int64("bytes", limit).Msg("soft memory limit set (GOMEMLIMIT overrides it)")
	}
	asOf, err := parseAsOf(f.asOf)
	if err != nil {
		return err
	}
	sources := cfg.SourceList()
	senv := env{Logger: log, Quotas: newQuotas(cfg)}
	failed, skipped, busy, strictHit := 0, 0, 0, false
	var incomplete []string // the clashes of sources synced without an output tab
	for _, src := range sources {
		octx, cancel := withDeadline(ctx, cfg)
		source, err := openSource(octx, cfg, src, senv)
		if err == nil && f.demo {
			err = ensureDemo(octx, cmd, source, cfg, asOf)
		}
		err = timedOut(octx, cfg, err)
		cancel()
		if err != nil {
			return configErrOrFail(err)
		}
		// The per-source lock keeps this sync and the service's from writing at the same time;
		// a dry run writes nothing and needs none.
		var lock *sync.Lock
		if !f.dryRun {
			lock, err = sync.LockSource(ctx, cfg.StateDir, src, f.lockWait, func(holder string) {
				log.Info().Str("source", src.Label()).Str("holder", holder).Dur("lock_wait", f.lockWait).
					Msg("another sync of this source is running; waiting for it to finish")
			})
			if sync.IsLocked(err) {
				busy++
				log.Error().Str("source", src.Label()).Err(err).Msg("sync not started: another sync of this source is running")
				continue
			}
			if err != nil {
				failed++
				log.Error().Str("source", src.Label()).Err(err).Msg("sync not started")
				continue
			}
		}
		// The deadline starts once the lock is held: --lock-wait bounds the wait before.
		rctx, cancel := withDeadline(ctx, cfg)
		var memo string
		if lock != nil {
			memo = sync.MemoPath(cfg.StateDir, src) // kept only under the source's lock
		}
		rep, err := sync.Run(rctx, sync.ForSource(cfg, src), source, sync.Options{
			AsOf: asOf, DryRun: f.dryRun, Adopt: f.adopt, Force: f.force, Version: version, Memo: memo, Logger: log,
			BeforeRead: heapFor(src),
		})
		err = timedOut(rctx, cfg, err)
		cancel()
		if uerr := lock.Unlock(); uerr != nil {
			log.Warn().Err(uerr).Msg("release lock")
		}
		if err != nil {
			var ce *config.Error
			if errors.As(err, &ce) {
				return &exitError{code: exitConfig, err: err}
			}
			if errors.Is(err, sync.ErrSkipped) {
				skipped++
				log.Warn().Str("source", src.Label()).Err(err).
					Msg("sync skipped and nothing written, so no edit is lost; the next sync (scheduled, or sync --now again) tries again")
				continue
			}
			var notWritten *sync.TabsNotWrittenError
			if errors.As(err, &notWritten) {
				incomplete = append(incomplete, err.Error())
				log.Error().Str("source", src.Label()).Err(err).Msg("sync done, but an output tab was not written")
				printReport(a.stdout, rep, f.dryRun)
				continue
			}
			failed++
			log.Error().Str("source", src.Label()).Err(err).Msg("sync failed")
			if rep != nil && rep.Written {
				printReport(a.stdout, rep, f.dryRun)
			}
			continue
		}
		log.Info().Str("source", src.Label()).Str("as_of", rep.AsOf.String()).Str("duration", rep.Duration.Round(time.Millisecond).String()).
			Int("rows", rep.RowsRead()).Int("issues", rep.IssueCount()).Bool("written", rep.Written).
			Bool("unchanged_by_fingerprint", rep.Recalled).Msg("sync done")
		printReport(a.stdout, rep, f.dryRun)
		if f.demo {
			fmt.Fprintf(a.stdout, "\nOpen %s in a spreadsheet program and look at the Priorities, Follow-ups and Power Map tabs.\n", source.Describe())
		}
		if f.strict && rep.Errors() > 0 {
			strictHit = true
		}
	}
	if busy > 0 && failed+skipped == 0 {
		// Said apart from failures: nothing is wrong, the service (or another admin) got there first.
		return &exitError{code: exitFailed, err: fmt.Errorf("%d of %d sources not synced: another sync of them was still running after --lock-wait %s; "+
			"run again when it is done, or wait longer with --lock-wait", busy, len(sources), f.lockWait)}
	}
	failed += busy
	if len(incomplete) > 0 && failed+skipped == 0 {
		// Said apart from failures: the other outputs were written.
		return &exitError{code: exitFailed, err: fmt.Errorf("%d of %d sources synced without every output tab: %s",
			len(incomplete), len(sources), strings.Join(incomplete, "; "))}
	}
	failed += len(incomplete)
	switch {
	case failed > 0 && skipped > 0:
		return &exitError{code: exitFailed, err: fmt.Errorf("%d of %d sources failed and %d skipped", failed, len(sources), skipped)}
	case failed > 0:
		return &exitError{code: exitFailed, err: fmt.Errorf("%d of %d sources failed", failed, len(sources))}
	case skipped > 0:
		// Not done, so not exit 0; a cron job that runs it again is the retry.
		return &exitError{code: exitFailed, err: fmt.Errorf("%d of %d sources skipped: the workbook was open in a spreadsheet program "+
			"or changed during the sync; nothing was written; run it again once it is closed", skipped, len(sources))}
	case strictHit:
		return &exitError{code: exitStrict, err: errors.New("--strict: there are error-level data issues (see the Data Issues tab)")}
	}
	return nil
}

// dryFlags are the flags of the commands that show a dry-run sync's result (brief, render).
type dryFlags struct {
	asOf, source string
	demo         bool
}

// register adds the flags to cmd; verb says what it does with the source ("read", "draw").
func (f *dryFlags) register(cmd *cobra.Command, verb string) {
	fl := cmd.Flags()
	fl.StringVar(&f.asOf, "as-of", "", "compute as of this day, YYYY-MM-DD (default: today in the spreadsheet's time zone)")
	fl.StringVar(&f.source, "source", "", "with several sources configured, the name of the one to "+verb)
	fl.BoolVar(&f.demo, "demo", false, verb+" the demo workbook ("+demoWorkbook+" in this folder, created if missing)")
}

// computeDry loads the config, picks the source f names and computes its result without
// writing anything (a dry-run sync, within sync_timeout), creating the demo workbook first
// when asked: what brief and render show. cfg and src are the config and source it used.
func (a *app) computeDry(cmd *cobra.Command, f dryFlags, asOf scoring.Date) (rep *sync.Report, cfg config.Config, src config.Source, err error) {
	if cfg, err = a.loadConfig(f.demo); err != nil {
		return nil, cfg, src, err
	}
	if src, err = pickSource(cfg, f.source); err != nil {
		return nil, cfg, src, err
	}
	// brief and render are one-shot commands too, each a dry-run sync: the same memory
	// settings as sync --now.
	memlimit.ApplyOneShot()
	ctx, cancel := withDeadline(cmd.Context(), cfg)
	defer cancel()
	rep, err = a.dryRun(ctx, cmd, cfg, src, f.demo, asOf)
	return rep, cfg, src, err
}

func (a *app) dryRun(ctx context.Context, cmd *cobra.Command, cfg config.Config, src config.Source, demo bool, asOf scoring.Date) (*sync.Report, error) {
	source, err := openSource(ctx, cfg, src, env{Logger: a.logger(cfg.Log), Quotas: newQuotas(cfg)})
	if err != nil {
		return nil, configErrOrFail(err)
	}
	if demo {
		if err := ensureDemo(ctx, cmd, source, cfg, asOf); err != nil {
			return nil, configErrOrFail(timedOut(ctx, cfg, err))
		}
	}
	rep, err := sync.Run(ctx, sync.ForSource(cfg, src), source, sync.Options{AsOf: asOf, DryRun: true, Version: version, BeforeRead: heapFor(src)})
	if err != nil {
		return nil, configErrOrFail(timedOut(ctx, cfg, err))
	}
	return rep, nil
}

// ensureDemo creates the demo workbook when it does not exist yet.
func ensureDemo(ctx context.Context, cmd *cobra.Command, source sheets.Source, cfg config.Config, asOf scoring.Date) error {
	path := source.Describe()
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	init, ok := source.(sheets.Initializer)
	if !ok {
		return errors.New("--demo needs a local workbook")
	}
	if asOf.IsZero() {
		asOf = scoring.DateFromTime(time.Now())
	}
	if _, err := init.AddInputTabs(ctx, demo.Workbook(cfg.Tabs, demo.Day(asOf))); err != nil {
		return fmt.Errorf("create demo workbook %s: %w", path, err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "Created %s with a demo coalition (17 partners, their assets and meetings).\n", path)
	return nil
}

// printReport tells the admin what happened in a few lines.
func printReport(w io.Writer, rep *sync.Report, dryRun bool) {
	if rep.Unchanged {
		// The run stopped before scoring: the figures are those the last write recorded.
		l := rep.Last
		fmt.Fprintf(w, "%s as of %s: %s, %s (%d overdue), %s (%s, %s).\n",
			rep.Source, rep.AsOf, plural(l.Active, "active partner"), plural(l.FollowUps, "follow-up"), l.Overdue,
			plural(l.Issues(), "data issue"), plural(l.Errors, "error"), plural(l.Warnings, "warning"))
		fmt.Fprintln(w, "Nothing changed since the last sync: no tab was written (use --force to write anyway).")
		if l.Errors > 0 {
			fmt.Fprintln(w, "There are error-level data issues: see the Data Issues tab.")
		}
		return
	}
	res := rep.Result
	overdue := 0
	for _, f := range res.FollowUps {
		if f.Kind == scoring.NextStepOverdue || f.Kind == scoring.CheckInOverdue {
			overdue++
		}
	}
	counts := map[scoring.Severity]int{}
	for _, is := range rep.Issues {
		counts[is.Severity]++
	}
	fmt.Fprintf(w, "%s as of %s: %s, %s (%d overdue), %s (%s, %s).\n",
		rep.Source, rep.AsOf, plural(len(res.Assessments), "active partner"), plural(len(res.FollowUps), "follow-up"), overdue,
		plural(len(rep.Issues), "data issue"), plural(counts[scoring.SevError], "error"), plural(counts[scoring.SevWarning], "warning"))
	switch {
	case dryRun:
		fmt.Fprintln(w, "Dry run: nothing was written. What would change:")
		for _, c := range rep.Changes {
			state := "new tab"
			if c.Exists {
				state = fmt.Sprintf("%d → %d rows", c.OldRows, c.NewRows)
			}
			fmt.Fprintf(w, "  %-14s %s, %d rows differ\n", c.Tab, state, c.Differ)
		}
	case rep.Unchanged:
		fmt.Fprintln(w, "Nothing changed since the last sync: no tab was written (use --force to write anyway).")
	case rep.Written:
		names := make([]string, len(rep.Tabs))
		for i, t := range rep.Tabs {
			names[i] = t.Name
		}
		// Sync Status's Duration is the part before the save, the tab being part of the save.
		fmt.Fprintf(w, "Wrote %s in %s (%s to read and compute, the Duration in Sync Status, then %s to save).\n", strings.Join(names, ", "),
			rep.Duration.Round(time.Millisecond), rep.Computed.Round(time.Millisecond), (rep.Duration - rep.Computed).Round(time.Millisecond))
	}
	for _, n := range rep.Notices {
		fmt.Fprintln(w, "Note: "+n)
	}
	if n := min(5, len(res.Assessments)); n > 0 {
		fmt.Fprintln(w, "Top priorities:")
		for _, a := range res.Assessments[:n] {
			fmt.Fprintf(w, "  %d. %s (score %d, %s, ring %d): %s\n", a.Rank, a.Partner.Name, a.Score, a.Quadrant, a.Ring, a.NextMove)
		}
	}
	if counts[scoring.SevError] > 0 {
		fmt.Fprintln(w, "Data issues to fix first:")
		shown := 0
		for _, is := range rep.Issues {
			if is.Severity == scoring.SevError && shown < 5 {
				fmt.Fprintln(w, "  "+is.String())
				shown++
			}
		}
	}
}

// plural writes "1 error" or "2 errors".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// heapFor is a one-shot sync's set-up of its heap before a full read of src: huge pages for
// a local workbook (memlimit.HugePages), nothing for a Google Sheet.
func heapFor(src config.Source) func() {
	if src.XLSX == "" {
		return nil
	}
	return memlimit.HugePages
}
