package sync

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/go-co-op/gocron/v2"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/notify"
	"github.com/partnermap/partnermap/scoring"
)

// NotifyFunc sends the digests of one source; the service calls it on notify.schedule.
type NotifyFunc func(ctx context.Context, cfg config.Config, src config.Source) (*NotifyReport, error)

// Notifier is the NotifyFunc of a real service: open the source, then Notify with opts.
func Notifier(open Opener, opts NotifyOptions) NotifyFunc {
	return func(ctx context.Context, cfg config.Config, src config.Source) (*NotifyReport, error) {
		source, err := open(ctx, cfg, src)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", src.Label(), err)
		}
		return Notify(ctx, cfg, src, source, opts)
	}
}

// digestJob is the service's weekly digest schedule.
type digestJob struct {
	key any // what the schedule depends on; a reload that changes it replaces the job
	gj  gocron.Job
}

// notifyKey is what the digest job depends on: nil when digests are off.
func notifyKey(cfg config.Config) any {
	if !cfg.Notify.Enabled || !cfg.Notify.Sends() {
		return nil
	}
	return struct {
		N        config.Notify
		TZ       string
		Sources  []config.Source
		StateDir string
		Tabs     config.Tabs
		Scoring  scoring.Config
	}{cfg.Notify, cfg.Timezone, cfg.SourceList(), cfg.StateDir, cfg.Tabs, cfg.Scoring}
}

// applyNotify makes the digest job match cfg: scheduled on notify.schedule when digests
// are on, and sent at once when a scheduled time passed less than a day ago this week (the
// service was down then); the record keeps that from sending anything twice.
func (s *Service) applyNotify(cfg config.Config) error {
	if s.opts.Notify == nil {
		return nil
	}
	key := notifyKey(cfg)
	s.mu.Lock()
	old := s.digests
	s.mu.Unlock()
	if old != nil && reflect.DeepEqual(old.key, key) {
		return nil
	}
	if old != nil && old.gj != nil {
		if err := s.sched.RemoveJob(old.gj.ID()); err != nil && !errors.Is(err, gocron.ErrJobNotFound) {
			s.log.Warn().Err(err).Msg("remove old digest schedule")
		}
	}
	s.mu.Lock()
	s.digests = nil
	s.mu.Unlock()
	if key == nil {
		return nil
	}
	sc, err := parseSchedule(cfg.Notify.Schedule, cfg.Timezone)
	if err != nil {
		return &config.Error{Err: fmt.Errorf("notify.schedule: %w", err)}
	}
	def, opts := sc.definition()
	opts = append(opts, gocron.WithName("digests"))
	if missedThisWeek(sc, s.clock.Now(), cfg.Timezone) {
		opts = append(opts, gocron.WithStartAt(gocron.WithStartImmediately()))
	}
	gj, err := s.sched.NewJob(def, gocron.NewTask(s.notifyTask, cfg), opts...)
	if err != nil {
		return fmt.Errorf("schedule digests: %w", err)
	}
	s.mu.Lock()
	s.digests = &digestJob{key: key, gj: gj}
	s.mu.Unlock()
	s.log.Info().Str("schedule", cfg.Notify.Schedule).Msg("weekly digests scheduled")
	return nil
}

// catchUp bounds how late a missed digest run is made up at start.
const catchUp = 24 * time.Hour

// missedThisWeek reports whether a run of sc fell in now's week (from Monday 00:00 in tz)
// less than catchUp ago: the service was down then, so it sends at start instead. A run
// missed longer ago is left for the next one, so digests never arrive days late and then
// again a few hours later.
func missedThisWeek(sc schedule, now time.Time, tz string) bool {
	loc := time.Local
	if tz != "" {
		if l, err := time.LoadLocation(tz); err == nil {
			loc = l
		}
	}
	monday := notify.WeekOf(scoring.DateFromTime(now.In(loc))).Time()
	t := time.Date(monday.Year(), monday.Month(), monday.Day(), 0, 0, 0, 0, loc).Add(-time.Second)
	var last time.Time
	for i := 0; i < 10080; i++ { // a run a minute for a week at most
		next := sc.next(t)
		if next.IsZero() || next.After(now) {
			break
		}
		last, t = next, next
	}
	return !last.IsZero() && now.Sub(last) < catchUp
}

// notifyTask sends every source's digests, one source after another.
func (s *Service) notifyTask(cfg config.Config) {
	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		return
	}
	s.running.Add(1)
	s.mu.Unlock()
	defer s.running.Done()
	for _, src := range cfg.SourceList() {
		if s.stopCtx.Err() != nil {
			return
		}
		log := s.log.With().Str("source", src.Label()).Logger()
		ctx, cancel := context.WithTimeout(s.runCtx, cfg.SyncTimeout+cfg.Notify.RetryFor)
		rep, err := s.opts.Notify(ctx, cfg, src)
		cancel()
		if err != nil {
			s.opts.Metrics.digestRun(src.Label(), 0, 1)
			log.Error().Err(err).Msg("digests not sent")
			continue
		}
		o := rep.Outcome
		s.opts.Metrics.digestRun(src.Label(), o.Sent, o.Failed)
		ev := log.Info()
		if o.Failed > 0 {
			ev = log.Error()
			for _, f := range o.Failures {
				log.Error().Str("to", f.Label).Err(f.Err).Msg("digest failed")
			}
		}
		ev.Str("week", rep.Week.String()).Int("sent", o.Sent).Int("failed", o.Failed).Int("already_sent", o.Already).
			Int("no_email", len(rep.Problems)).Msg("digests done")
	}
}
