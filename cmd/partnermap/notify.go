package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/notify"
	"github.com/partnermap/partnermap/sync"
)

type notifyFlags struct {
	now, dryRun, force bool
	asOf, preview      string
	lockWait           time.Duration
}

func (a *app) notifyCommand() *cobra.Command {
	var f notifyFlags
	cmd := &cobra.Command{
		Use:   "notify --now",
		Short: "Send the weekly digests now: each owner their follow-ups, the leaders a summary",
		Long: `notify --now sends this week's digests (notify.* in the config): each relationship owner
with an email in Members gets their own partners' follow-ups and next moves, the leaders get
a summary, and notify.webhook gets it in chat. A digest goes to each recipient at most once a
week, so running it again the same week sends nothing new (--force sends again).
The service (partnermap sync) sends them on notify.schedule when notify.enabled is true.
Exit 0 when every digest was sent (or had been), 1 when any failed, 2 for bad configuration.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !f.now {
				return &exitError{code: exitConfig, err: errors.New("notify needs --now (the service, `partnermap sync`, sends on notify.schedule)")}
			}
			return a.notifyNow(cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.now, "now", false, "send this week's digests and exit")
	fl.StringVar(&f.asOf, "as-of", "", "compute as of this day, YYYY-MM-DD; its week is the digest's week")
	fl.BoolVar(&f.dryRun, "dry-run", false, "say who would get a digest, sending nothing")
	fl.StringVar(&f.preview, "preview", "", "write the digests to this folder (HTML, text, .eml) instead of sending them")
	fl.BoolVar(&f.force, "force", false, "send again the digests already sent this week")
	fl.DurationVar(&f.lockWait, "lock-wait", sync.DefaultLockWait, "how long to wait when another process is sending these digests")
	return cmd
}

func (a *app) notifyNow(cmd *cobra.Command, f notifyFlags) error {
	ctx := cmd.Context()
	cfg, err := a.loadConfig(false)
	if err != nil {
		return err
	}
	if !cfg.Notify.Sends() {
		return &exitError{code: exitConfig, err: &config.Error{Err: errors.New("notify: set notify.smtp.host and notify.from (mail) or notify.webhook (chat) to send digests")}}
	}
	log := a.logger(cfg.Log)
	asOf, err := parseAsOf(f.asOf)
	if err != nil {
		return err
	}
	senv := env{Logger: log, Quotas: newQuotas(cfg)}
	var sent, failed, already, broken int
	for _, src := range cfg.SourceList() {
		source, err := openSource(ctx, cfg, src, senv)
		if err != nil {
			return configErrOrFail(err)
		}
		rep, err := sync.Notify(ctx, cfg, src, source, sync.NotifyOptions{
			AsOf: asOf, DryRun: f.dryRun, Preview: f.preview, Force: f.force, LockWait: f.lockWait,
			OnResult: func(it notify.Item, result string, err error) {
				ev := log.Info()
				if result == notify.ResultFailed {
					ev = log.Error().Err(err)
				}
				ev.Str("source", src.Label()).Str("to", it.Label).Str("kind", it.Kind).Str("result", result).Msg("digest")
			},
		})
		if err != nil {
			var ce *config.Error
			if errors.As(err, &ce) {
				return &exitError{code: exitConfig, err: err}
			}
			broken++
			log.Error().Str("source", src.Label()).Err(err).Msg("digests not sent")
			continue
		}
		printNotify(a, rep, f)
		sent += rep.Outcome.Sent
		failed += rep.Outcome.Failed
		already += rep.Outcome.Already
	}
	switch {
	case broken > 0:
		return &exitError{code: exitFailed, err: fmt.Errorf("digests of %s not sent (see the log above)", plural(broken, "source"))}
	case failed > 0:
		return &exitError{code: exitFailed, err: fmt.Errorf("%s failed, %d sent", plural(failed, "digest"), sent)}
	}
	return nil
}

func printNotify(a *app, rep *sync.NotifyReport, f notifyFlags) {
	w := a.stdout
	o := rep.Outcome
	switch {
	case f.preview != "":
		fmt.Fprintf(w, "%s, week of %s: wrote %s to %s; nothing was sent.\n", rep.Source, rep.Week, plural(len(rep.Previewed), "file"), f.preview)
	case f.dryRun:
		fmt.Fprintf(w, "%s, week of %s (dry run, nothing sent): %d would be sent, %d already sent this week.\n", rep.Source, rep.Week, o.Sent, o.Already)
	default:
		fmt.Fprintf(w, "%s, week of %s: %d sent, %d failed, %d already sent this week.\n", rep.Source, rep.Week, o.Sent, o.Failed, o.Already)
	}
	for _, fl := range o.Failures {
		fmt.Fprintf(w, "  failed: %s: %v\n", fl.Label, fl.Err)
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "  no digest: %s\n", p.String())
	}
	if f.dryRun {
		for _, d := range rep.Digests {
			to, key := "chat webhook", notify.Key(d.Kind, "webhook")
			if d.To.Email != "" {
				to, key = fmt.Sprintf("%s <%s>", d.To.Name, d.To.Email), notify.Key(d.Kind, d.To.Email)
			}
			if result, ok := o.Results[key]; ok {
				fmt.Fprintf(w, "  %s: %s (%s)\n", to, d.Subject, result)
			}
		}
	}
}
