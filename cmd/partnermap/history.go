package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/sync"
)

type historyFlags struct {
	rebuild             bool
	since, asOf, source string
}

func (a *app) historyCommand() *cobra.Command {
	var f historyFlags
	cmd := &cobra.Command{
		Use:   "history --rebuild --since DATE",
		Short: "Fill the History tab's empty weeks from the meeting log, so a trend shows from day one",
		Long: `history --rebuild computes, for each week from --since's week up to last week that has no
History row, where every active partner stood at the end of that week (scored as of that
Sunday from the tabs as they are now: meetings before that day, today's ring overrides,
owners and scores) and adds a row, Change "reconstructed", for each partner with no earlier
row or whose ring, quadrant or owner differs from its latest one. Weeks that already have
rows are left alone. Then it syncs as sync --now does, in the same single write.`,
		Example: `  partnermap history --rebuild --since 2026-01-05`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.history(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.rebuild, "rebuild", false, "fill weeks that have no History from the meeting log")
	fl.StringVar(&f.since, "since", "", "first day to fill, YYYY-MM-DD (its week is the first one)")
	fl.StringVar(&f.asOf, "as-of", "", "today, YYYY-MM-DD (default: today in the spreadsheet's time zone)")
	fl.StringVar(&f.source, "source", "", "with several sources configured, the name of the one to rebuild")
	return cmd
}

func (a *app) history(cmd *cobra.Command, f historyFlags) error {
	if !f.rebuild || f.since == "" {
		return &exitError{code: exitConfig, err: errors.New("history: say what to do: --rebuild --since YYYY-MM-DD")}
	}
	since, err := parseAsOf(f.since)
	if err != nil {
		return &exitError{code: exitConfig, err: fmt.Errorf("--since %q: use YYYY-MM-DD", f.since)}
	}
	asOf, err := parseAsOf(f.asOf)
	if err != nil {
		return err
	}
	cfg, err := a.loadConfig(false)
	if err != nil {
		return err
	}
	src, err := pickSource(cfg, f.source)
	if err != nil {
		return err
	}
	if src.Outputs.History == "" {
		return &exitError{code: exitConfig, err: errors.New("history: outputs.history is off, so there is no History tab to fill")}
	}
	ctx := cmd.Context()
	log := a.logger(cfg.Log)
	octx, cancel := withDeadline(ctx, cfg)
	defer cancel()
	source, err := openSource(octx, cfg, src, env{Logger: log, Quotas: newQuotas(cfg)})
	if err != nil {
		return configErrOrFail(timedOut(octx, cfg, err))
	}
	lock, err := sync.LockSource(ctx, cfg.StateDir, src, sync.DefaultLockWait, func(holder string) {
		log.Info().Str("source", src.Label()).Str("holder", holder).Msg("another sync of this source is running; waiting for it to finish")
	})
	if err != nil {
		return &exitError{code: exitFailed, err: err}
	}
	defer func() {
		if uerr := lock.Unlock(); uerr != nil {
			log.Warn().Err(uerr).Msg("release lock")
		}
	}()
	rctx, rcancel := withDeadline(ctx, cfg)
	defer rcancel()
	rep, err := sync.Run(rctx, sync.ForSource(cfg, src), source, sync.Options{AsOf: asOf, Force: true, Version: version, RebuildSince: since,
		Memo: sync.MemoPath(cfg.StateDir, src), Logger: log})
	if err = timedOut(rctx, cfg, err); err != nil {
		var ce *config.Error
		if errors.As(err, &ce) {
			return &exitError{code: exitConfig, err: err}
		}
		return &exitError{code: exitFailed, err: err}
	}
	fmt.Fprintf(a.stdout, "%s: %s reconstructed from the meeting log for the weeks from %s that had none; History now has %s.\n",
		src.Label(), plural(rep.HistoryRebuilt, "History row"), since, plural(rep.HistoryRows, "row"))
	return nil
}
