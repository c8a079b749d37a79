package sync

import (
	"fmt"
	"strings"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/robfig/cron/v3"
)

// maxJitterCap bounds the random delay before a scheduled sync: enough to spread many services
// over the API, small next to any schedule an admin would pick.
const maxJitterCap = time.Minute

// schedule is one source's parsed `schedule`: "@every 15m" or a cron expression.
type schedule struct {
	expr  string
	every time.Duration // > 0 for "@every"
	cron  cron.Schedule
	tab   string // the cron expression handed to gocron, with the time zone prefixed
}

// parseSchedule reads expr; a cron expression without its own CRON_TZ= or TZ= runs in tz
// (the configured timezone) when that is set, else in the machine's zone.
func parseSchedule(expr, tz string) (schedule, error) {
	expr = strings.TrimSpace(expr)
	if rest, ok := strings.CutPrefix(expr, "@every "); ok {
		d, err := time.ParseDuration(strings.TrimSpace(rest))
		if err != nil || d <= 0 {
			return schedule{}, fmt.Errorf("schedule %q: @every needs a positive duration, like @every 15m", expr)
		}
		return schedule{expr: expr, every: d}, nil
	}
	tab := expr
	if tz != "" && !strings.HasPrefix(expr, "CRON_TZ=") && !strings.HasPrefix(expr, "TZ=") {
		tab = "CRON_TZ=" + tz + " " + expr
	}
	c, err := cron.ParseStandard(tab)
	if err != nil {
		return schedule{}, fmt.Errorf("schedule %q: %w", expr, err)
	}
	return schedule{expr: expr, cron: c, tab: tab}, nil
}

// next is the first run after t.
func (s schedule) next(t time.Time) time.Time {
	if s.every > 0 {
		return t.Add(s.every)
	}
	return s.cron.Next(t)
}

// period is the gap between the two runs that follow t (the interval for "@every").
func (s schedule) period(t time.Time) time.Duration {
	first := s.next(t)
	return s.next(first).Sub(first)
}

// maxJitter is the largest random delay before a scheduled sync: a tenth of the period, at most a minute.
func (s schedule) maxJitter(t time.Time) time.Duration {
	return min(s.period(t)/10, maxJitterCap)
}

// definition is the gocron job for this schedule. An interval counts from the end of the
// previous sync, so a slow sync delays the next one instead of stacking behind it.
func (s schedule) definition() (gocron.JobDefinition, []gocron.JobOption) {
	if s.every > 0 {
		return gocron.DurationJob(s.every), []gocron.JobOption{gocron.WithIntervalFromCompletion()}
	}
	return gocron.CronJob(s.tab, false), nil
}
