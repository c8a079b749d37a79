package sync

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"runtime/debug"
	gosync "sync"
	"sync/atomic"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"
	"github.com/rs/zerolog"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/sheets"
)

// RunFunc performs one sync of src; cfg is the whole configuration (ForSource picks the
// source's tab names). The service calls it on schedule, so tests can pass a fake.
type RunFunc func(ctx context.Context, cfg config.Config, src config.Source) (*Report, error)

// Opener opens the backend of one configured source.
type Opener func(ctx context.Context, cfg config.Config, src config.Source) (sheets.Source, error)

// Runner is the RunFunc of a real service: open the source, then Run it with opts, keeping
// its memo of unchanged syncs (Options.Memo) in state_dir, since the service holds the
// source's lock around each run.
func Runner(open Opener, opts Options) RunFunc {
	return func(ctx context.Context, cfg config.Config, src config.Source) (*Report, error) {
		source, err := open(ctx, cfg, src)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", src.Label(), err)
		}
		run := opts
		run.Memo = MemoPath(cfg.StateDir, src)
		return Run(ctx, ForSource(cfg, src), source, run)
	}
}

// Defaults of ServiceOptions.
const (
	// DefaultLockWait is how long a scheduled sync waits for another process's sync of the
	// same source (an admin's `sync --now`) before it is skipped until the next run.
	DefaultLockWait = time.Minute
	// DefaultMaxSyncs is how many syncs run at once; the others wait their turn. The Google
	// sources of a process share one limiter of 60 requests a minute, so more syncs at once
	// do not make a fleet go faster: they only hold their read snapshots in memory while
	// they wait for the limiter, and their deadlines run out there (500 sheets starting
	// together need over 8 minutes of the quota). Four keep the limiter busy while one sync
	// computes, and bound the memory to four syncs.
	DefaultMaxSyncs = 4
	// stopWait bounds the wait for syncs to return once their context is canceled; a backend
	// that ignores it is abandoned (its writes are atomic, so nothing is left half-written).
	stopWait = 5 * time.Second
)

// ServiceOptions wire a Service to the process (or to a test).
type ServiceOptions struct {
	// Run performs one sync; required.
	Run RunFunc
	// Load re-reads the configuration on Reload; nil means reloading is not possible.
	Load func() (config.Config, error)
	// Logger gets one line per sync and the service's own events.
	Logger zerolog.Logger
	// Metrics records syncs; nil records nothing.
	Metrics *Metrics
	// Clock drives the schedule, the jitter and the grace period; nil is the real clock.
	Clock clockwork.Clock
	// Jitter picks the random delay before a scheduled sync, in [0, max); nil is uniform.
	Jitter func(upTo time.Duration) time.Duration
	// LockWait overrides DefaultLockWait.
	LockWait time.Duration
	// MaxSyncs overrides DefaultMaxSyncs.
	MaxSyncs int
	// Notify sends one source's weekly digests on notify.schedule; nil sends none.
	Notify NotifyFunc
}

// Service syncs every configured source on its schedule until its context ends: a sync of
// each at start, then on `schedule`, never two syncs of one source at once.
type Service struct {
	opts   ServiceOptions
	clock  clockwork.Clock
	log    zerolog.Logger
	sched  gocron.Scheduler
	health *health

	// runCtx is the parent of every sync. It is not the caller's context: on SIGTERM a
	// running sync must be able to finish within the grace period; runCtx ends after it.
	runCtx    context.Context
	cancelRun context.CancelFunc
	// stopCtx ends the waits before a sync starts (jitter, the lock) as soon as we stop.
	stopCtx context.Context
	stop    context.CancelFunc
	running gosync.WaitGroup
	syncing atomic.Int32 // syncs past their jitter and lock, for the stop message
	turns   *turns       // at most MaxSyncs syncs at once, the others in line

	reloadMu gosync.Mutex // one reload at a time

	// idle, when set (by tests), is called at the end of every run of a job, once its source
	// is free again: whether it synced, skipped or stopped.
	idle func(label string)
	// queued, when set (by tests), is called once a sync is in line for its turn.
	queued func(label string)
	// release hands freed memory back to the operating system once no sync has run for
	// releaseQuiet (tests shorten it and count the calls); releaseTimer is the pending one.
	release      func()
	releaseQuiet time.Duration
	releaseMu    gosync.Mutex
	releaseTimer *time.Timer

	mu       gosync.Mutex
	cfg      config.Config
	jobs     map[string]*job          // by source label
	slots    map[string]chan struct{} // one sync at a time per lock file, kept across reloads
	digests  *digestJob               // the weekly digest schedule, nil when off
	started  bool
	stopping bool
	aborted  bool // Abort was called: a stop does not wait out the grace period
}

// job is one source's schedule; it is replaced, never changed, when a reload changes the source.
type job struct {
	src   config.Source
	cfg   config.Config
	sched schedule
	slot  chan struct{}
	gj    gocron.Job
	// first is true until the first run: the run at start (or at a reload) has no jitter.
	first atomic.Bool
}

// NewService prepares the schedule of every source of cfg; Run starts it.
func NewService(cfg config.Config, opts ServiceOptions) (*Service, error) {
	if opts.Run == nil {
		return nil, errors.New("service: no RunFunc")
	}
	if opts.Clock == nil {
		opts.Clock = clockwork.NewRealClock()
	}
	if opts.Jitter == nil {
		opts.Jitter = func(upTo time.Duration) time.Duration { return rand.N(upTo) }
	}
	if opts.LockWait <= 0 {
		opts.LockWait = DefaultLockWait
	}
	if opts.MaxSyncs <= 0 {
		opts.MaxSyncs = DefaultMaxSyncs
	}
	sched, err := gocron.NewScheduler(gocron.WithClock(opts.Clock), gocron.WithStopTimeout(stopWait))
	if err != nil {
		return nil, fmt.Errorf("service: create scheduler: %w", err)
	}
	s := &Service{
		opts: opts, clock: opts.Clock, log: opts.Logger, sched: sched, health: newHealth(),
		jobs: map[string]*job{}, slots: map[string]chan struct{}{}, turns: newTurns(opts.MaxSyncs),
		release: releaseMemory, releaseQuiet: releaseQuiet,
	}
	s.runCtx, s.cancelRun = context.WithCancel(context.Background())
	s.stopCtx, s.stop = context.WithCancel(context.Background())
	if _, err := s.apply(cfg); err != nil {
		_ = sched.Shutdown()
		return nil, err
	}
	return s, nil
}

// Run starts the schedule and blocks until ctx ends. Then it stops scheduling, lets running
// syncs finish within cfg.Grace, cancels them through their context after that, and returns
// nil: stopping on a signal is the normal end of a service.
func (s *Service) Run(ctx context.Context) error {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		return errors.New("service: already started")
	}
	s.started = true
	n := len(s.jobs)
	s.mu.Unlock()
	s.sched.Start()
	s.log.Info().Int("sources", n).Msg("service started")
	<-ctx.Done()
	s.shutdown()
	return nil
}

func (s *Service) shutdown() {
	s.mu.Lock()
	s.stopping = true
	grace := s.cfg.Grace
	aborted := s.aborted
	if aborted {
		// The second signal came before this stop began: say so, as Abort would have.
		s.cancelNow()
	}
	s.mu.Unlock()
	s.stop()

	done := make(chan struct{})
	go func() {
		s.running.Wait()
		close(done)
	}()
	if s.syncing.Load() > 0 && !aborted {
		s.log.Info().Dur("grace", grace).Msg("stopping: letting the running sync finish")
	}
	if !s.wait(done, grace) {
		if s.syncing.Load() > 0 {
			s.log.Warn().Dur("grace", grace).Msg("grace period over: canceling the running sync")
		}
		s.cancelRun()
		if !s.wait(done, stopWait) {
			s.log.Error().Msg("a sync did not stop when canceled; exiting anyway (writes are atomic)")
		}
	}
	s.cancelRun()
	if err := s.sched.Shutdown(); err != nil {
		s.log.Warn().Err(err).Msg("stop scheduler")
	}
	s.log.Info().Msg("service stopped")
}

// Abort makes a stop cancel the running sync at once instead of waiting out the grace
// period: the answer to a second SIGINT/SIGTERM from someone who does not want to wait. It
// may come just before the stop it hurries; the service goes on syncing until that stop.
// Writes are atomic, so a canceled sync leaves the previous outputs whole.
func (s *Service) Abort() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.aborted {
		return
	}
	s.aborted = true
	if s.stopping {
		s.cancelNow()
	}
}

// cancelNow cancels the running sync at a second request to stop, saying so when one runs.
func (s *Service) cancelNow() {
	if s.syncing.Load() > 0 {
		s.log.Warn().Msg("asked again to stop: canceling the running sync now")
	}
	s.cancelRun()
}

// wait reports whether done closed within d on the service's clock.
func (s *Service) wait(done <-chan struct{}, d time.Duration) bool {
	if d <= 0 {
		select {
		case <-done:
			return true
		default:
			return false
		}
	}
	timer := s.clock.NewTimer(d)
	defer timer.Stop()
	select {
	case <-done:
		return true
	case <-timer.Chan():
		return false
	}
}

// Reload re-reads the configuration with ServiceOptions.Load and applies it: new sources are
// added and synced at once, removed ones stop, changed ones get their new schedule and are
// synced at once (after any sync of theirs that is running). An invalid configuration is
// logged and returned, and the running one is kept.
func (s *Service) Reload(reason string) error {
	if s.opts.Load == nil {
		return errors.New("reload: the service has no configuration loader")
	}
	cfg, err := s.opts.Load()
	if err != nil {
		s.log.Error().Str("reason", reason).Err(err).Msg("config reload failed; keeping the running configuration")
		return fmt.Errorf("reload: %w", err)
	}
	s.mu.Lock()
	old := s.cfg
	s.mu.Unlock()
	changes, err := s.apply(cfg)
	if err != nil {
		s.log.Error().Str("reason", reason).Err(err).Msg("config reload failed; keeping the running configuration")
		return fmt.Errorf("reload: %w", err)
	}
	ev := s.log.Info().Str("reason", reason).Bool("unchanged", len(changes) == 0)
	for k, v := range changes {
		ev = ev.Strs(k, v)
	}
	ev.Msg("config reloaded")
	if old.HTTP != cfg.HTTP || old.Log != cfg.Log {
		s.log.Warn().Msg("http.* and log.* changes take effect when the service restarts")
	}
	return nil
}

// apply makes the schedule match cfg and returns the labels added, changed and removed.
// Every schedule is parsed first, so a bad one leaves everything as it was.
func (s *Service) apply(cfg config.Config) (map[string][]string, error) {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	list := cfg.SourceList()
	if len(list) == 0 {
		return nil, &config.Error{Err: errors.New("source: no source to sync")}
	}
	scheds := make([]schedule, len(list))
	for i, src := range list {
		sc, err := parseSchedule(src.Schedule, cfg.Timezone)
		if err != nil {
			return nil, &config.Error{Err: fmt.Errorf("%s: %w", src.Label(), err)}
		}
		scheds[i] = sc
	}

	now := s.clock.Now()
	changes := map[string][]string{}
	var add []*job
	var remove []gocron.Job
	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		return changes, nil
	}
	wanted := map[string]bool{}
	for i, src := range list {
		label := src.Label()
		wanted[label] = true
		old := s.jobs[label]
		if old != nil && sameSync(old.cfg, old.src, cfg, src) {
			continue
		}
		key := LockPath(cfg.StateDir, src)
		if s.slots[key] == nil {
			s.slots[key] = make(chan struct{}, 1)
		}
		j := &job{src: src, cfg: cfg, sched: scheds[i], slot: s.slots[key]}
		j.first.Store(true)
		if old != nil {
			remove = append(remove, old.gj)
			changes["changed"] = append(changes["changed"], label)
		} else {
			changes["added"] = append(changes["added"], label)
		}
		// Registered before gocron knows it, so its first run finds it current.
		s.jobs[label] = j
		add = append(add, j)
		s.health.track(label, src.Schedule, scheds[i], scheds[i].maxJitter(now)+cfg.SyncTimeout, now)
	}
	for label, j := range s.jobs {
		if !wanted[label] {
			delete(s.jobs, label)
			remove = append(remove, j.gj)
			changes["removed"] = append(changes["removed"], label)
			s.health.forget(label)
			s.opts.Metrics.forget(label)
		}
	}
	s.cfg = cfg
	s.mu.Unlock()

	for _, gj := range remove {
		if gj != nil {
			if err := s.sched.RemoveJob(gj.ID()); err != nil && !errors.Is(err, gocron.ErrJobNotFound) {
				s.log.Warn().Err(err).Msg("remove old schedule")
			}
		}
	}
	if err := s.applyNotify(cfg); err != nil {
		s.log.Error().Err(err).Msg("could not schedule the weekly digests")
	}
	for _, j := range add {
		def, opts := j.sched.definition()
		opts = append(opts,
			gocron.WithName(j.src.Label()),
			gocron.WithStartAt(gocron.WithStartImmediately()))
		gj, err := s.sched.NewJob(def, gocron.NewTask(s.task, j), opts...)
		if err != nil {
			// The schedule was parsed above, so this is not the admin's doing.
			s.log.Error().Str("source", j.src.Label()).Err(err).Msg("could not schedule this source")
			continue
		}
		s.mu.Lock()
		j.gj = gj
		s.mu.Unlock()
	}
	return changes, nil
}

// sameSync reports whether a source would sync the same way under both configurations, so a
// reload that only touched other sources (or logging) leaves its schedule alone.
func sameSync(a config.Config, asrc config.Source, b config.Config, bsrc config.Source) bool {
	norm := func(c config.Config, src config.Source) any {
		c = ForSource(c, src)
		c.Source, c.Sources, c.Schedule = config.Source{}, nil, ""
		c.HTTP, c.Log, c.Grace, c.Google = config.HTTP{}, config.Log{}, 0, config.Google{}
		return struct {
			C config.Config
			S config.Source
		}{c, src}
	}
	return reflect.DeepEqual(norm(a, asrc), norm(b, bsrc))
}

// task is what gocron runs for a job: jitter, then its turn, then one sync. Only one sync of a
// source runs or waits at a time (a singleton, like gocron's singleton mode, but per source
// rather than per job so it also spans a reload that replaced the job): a scheduled run that
// finds the previous sync still going is skipped, so a slow sync delays the schedule instead
// of stacking runs behind it; the first run of a replaced job waits for the old job's sync
// instead. At most MaxSyncs syncs of all sources run at once (see DefaultMaxSyncs).
func (s *Service) task(j *job) {
	s.mu.Lock()
	if s.stopping || s.jobs[j.src.Label()] != j {
		s.mu.Unlock()
		return
	}
	s.running.Add(1)
	s.mu.Unlock()
	defer s.running.Done()
	if s.idle != nil {
		defer s.idle(j.src.Label())
	}

	first := j.first.Swap(false)
	if !first {
		if upTo := j.sched.maxJitter(s.clock.Now()); upTo > 0 {
			if d := s.opts.Jitter(upTo); d > 0 && !s.sleep(d) {
				return
			}
		}
		select {
		case j.slot <- struct{}{}:
		default:
			s.log.Warn().Str("source", j.src.Label()).Str("schedule", j.src.Schedule).
				Msg("the previous sync of this source is still running or waiting for its turn: this run is skipped (is the schedule too tight for this many sources?)")
			return
		}
	} else {
		select {
		case j.slot <- struct{}{}:
		case <-s.stopCtx.Done():
			return
		}
	}
	if s.takeTurn(j.src.Label()) {
		s.syncOnce(j)
		s.turns.give()
	}
	<-j.slot
	s.releaseSoon()
}

// takeTurn waits until fewer than MaxSyncs syncs run; false when the service stops first.
// The wait is cheap: the sync has not read anything yet, and its deadline starts after it.
func (s *Service) takeTurn(label string) bool {
	start := s.clock.Now()
	waited := false
	ok := s.turns.take(s.stopCtx.Done(), func(ahead int) {
		waited = true
		s.opts.Metrics.wait(1)
		s.log.Debug().Str("source", label).Int("ahead", ahead).Msg("sync waiting for its turn")
		if s.queued != nil {
			s.queued(label)
		}
	})
	if waited {
		s.opts.Metrics.wait(-1)
	}
	if ok && waited {
		s.log.Debug().Str("source", label).Str("waited", s.clock.Since(start).Round(time.Millisecond).String()).
			Msg("sync got its turn")
	}
	return ok
}

// releaseQuiet is how long no sync must have run before the service hands memory back.
const releaseQuiet = 2 * time.Second

// releaseSoon hands the syncs' garbage back to the operating system once no sync has run for
// releaseQuiet. Without it an idle service keeps the heap its last sync grew (71 MiB of heap
// resident after syncing 10k partners, still so 2.5 minutes later): little allocates between
// syncs, so the runtime collects only every 2 minutes and returns pages slowly. Not after
// every sync: a fleet's syncs follow one another about a second apart, and returning the
// pages only for the next sync to fault them back in was a sixth of such a service's CPU.
// The wait is on the real clock: it is about the process, not the schedule.
func (s *Service) releaseSoon() {
	s.releaseMu.Lock()
	defer s.releaseMu.Unlock()
	if s.releaseTimer != nil {
		s.releaseTimer.Stop()
	}
	s.releaseTimer = time.AfterFunc(s.releaseQuiet, func() {
		if s.syncing.Load() == 0 {
			s.release()
		}
	})
}

// releaseMemory returns freed memory to the operating system. Two collections: the first
// only moves pooled buffers (the zip writer's 8 MiB at 10k partners) to sync.Pool's victim
// cache, the second frees them. Both cost far less than the syncs before them.
func releaseMemory() {
	runtime.GC()
	debug.FreeOSMemory()
}

// sleep waits d on the service's clock; false when the service stops first.
func (s *Service) sleep(d time.Duration) bool {
	timer := s.clock.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.Chan():
		return true
	case <-s.stopCtx.Done():
		return false
	}
}

// syncOnce takes the source's lock and runs one sync, then logs, counts and records it.
func (s *Service) syncOnce(j *job) {
	label := j.src.Label()
	log := s.log.With().Str("source", label).Logger()
	lock, err := LockSource(s.stopCtx, j.cfg.StateDir, j.src, s.opts.LockWait, func(holder string) {
		log.Info().Str("holder", holder).Msg("waiting for another sync of this source to finish")
	})
	if err != nil {
		if s.stopCtx.Err() != nil {
			return
		}
		result := ResultFailed
		if IsLocked(err) {
			result = ResultSkipped
		}
		s.finish(log, label, result, 0, nil, err)
		return
	}
	defer func() {
		if err := lock.Unlock(); err != nil {
			log.Warn().Err(err).Msg("release lock")
		}
	}()

	ctx, cancel := context.WithTimeout(s.runCtx, j.cfg.SyncTimeout)
	defer cancel()
	start := s.clock.Now()
	log.Debug().Msg("sync started")
	s.syncing.Add(1)
	rep, err := s.opts.Run(ctx, j.cfg, j.src)
	s.syncing.Add(-1)
	took := s.clock.Since(start)
	result := ResultOK
	switch {
	case err == nil:
	case errors.Is(err, ErrSkipped):
		result = ResultSkipped
	default:
		result = ResultFailed
	}
	s.finish(log, label, result, took, rep, err)
}

// finish writes the one log line of a sync and records it in metrics and health.
func (s *Service) finish(log zerolog.Logger, label, result string, took time.Duration, rep *Report, err error) {
	now := s.clock.Now()
	s.opts.Metrics.observe(label, result, took, rep, now)
	s.health.record(label, result, took, rep, err, now)
	switch result {
	case ResultSkipped:
		log.Warn().Err(err).Msg("sync skipped; the next run tries again")
		return
	case ResultFailed:
		log.Error().Err(err).Str("duration", took.Round(time.Millisecond).String()).Msg("sync failed")
		return
	}
	if rep == nil {
		rep = &Report{}
	}
	log.Info().Str("duration", took.Round(time.Millisecond).String()).Int("rows", rep.RowsRead()).Int("issues", rep.IssueCount()).Int("errors", rep.Errors()).
		Bool("written", rep.Written).Bool("unchanged", rep.Unchanged).Msg("sync done")
	for _, n := range rep.Notices {
		log.Warn().Msg(n)
	}
}

// Status reports every source's state at the service's clock; healthy is false when any
// source's last sync failed or it has had no success for two periods.
func (s *Service) Status() (healthy bool, sources []SourceStatus) {
	sources = s.health.statuses(s.clock.Now())
	s.mu.Lock()
	jobs := make(map[string]gocron.Job, len(s.jobs))
	for label, j := range s.jobs {
		if j.gj != nil {
			jobs[label] = j.gj
		}
	}
	s.mu.Unlock()
	healthy = true
	for i := range sources {
		if gj, ok := jobs[sources[i].Source]; ok {
			if next, err := gj.NextRun(); err == nil && !next.IsZero() {
				sources[i].NextRun = &next
			}
		}
		healthy = healthy && sources[i].Healthy
	}
	return healthy, sources
}
