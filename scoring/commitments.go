package scoring

import (
	"cmp"
	"slices"
	"strings"
)

// commitments lists the open commitments among one partner's meetings ms (indices into
// meetings), the most overdue first. A commitment is a Next step of a past meeting; rows that
// carry the same step, folded like names, are one commitment, and the latest of them (latest
// date; same date, the lower row) decides whether it is Done and when it is due. A newer
// meeting with another step does not close it: only Done does. latest is the index of the
// partner's latest past meeting (-1 if none), to mark steps agreed before it.
func commitments(ms []int32, meetings []Meeting, latest int, cfg Config, asOf Date, sc *stepScratch) []Step {
	sc.rows = sc.rows[:0]
	for _, mi := range ms {
		m := &meetings[mi]
		if m.Date <= asOf && !blank(m.NextStep) {
			sc.rows = append(sc.rows, carried{at: mi})
		}
	}
	rows := sc.rows
	if len(rows) == 0 {
		return nil
	}
	if len(rows) > 1 {
		// Folding allocates, so only partners with several steps pay for it.
		for i := range rows {
			rows[i].key = FoldName(meetings[rows[i].at].NextStep)
		}
		// Group by step, the deciding (latest) row first in each group.
		slices.SortFunc(rows, func(x, y carried) int {
			if c := strings.Compare(x.key, y.key); c != 0 {
				return c
			}
			return later(&meetings[y.at], &meetings[x.at])
		})
	}
	start := len(sc.steps)
	for i, r := range rows {
		if i > 0 && rows[i-1].key == r.key {
			continue
		}
		m := &meetings[r.at]
		if m.Done {
			continue
		}
		due := m.Due
		if due.IsZero() {
			due = m.Date.AddDays(cfg.DefaultDueDays)
		}
		sc.steps = append(sc.steps, Step{
			Text: strings.TrimSpace(m.NextStep), Due: due, Meeting: m.Date, Row: m.Row,
			Earlier: int(r.at) != latest,
		})
	}
	if len(sc.steps) == start {
		return nil
	}
	// Capped, so a caller's append cannot reach the next partner's steps.
	open := sc.steps[start:len(sc.steps):len(sc.steps)]
	slices.SortFunc(open, func(x, y Step) int {
		if c := cmp.Compare(x.Due, y.Due); c != 0 {
			return c
		}
		if c := cmp.Compare(y.Meeting, x.Meeting); c != 0 {
			return c
		}
		return cmp.Compare(y.Row, x.Row)
	})
	return open
}

// carried is one past meeting row with a Next step; key is the step folded like names.
type carried struct {
	key string
	at  int32
}

// stepScratch is reused across partners: rows is scratch, and every partner's open steps
// share the backing array of steps, instead of a few allocations per partner.
type stepScratch struct {
	rows  []carried
	steps []Step
}

// later compares two meetings by when they happened: the later date, and on the same date
// the lower row (larger row number), is later. It returns +1 when x is later than y.
func later(x, y *Meeting) int {
	if c := cmp.Compare(x.Date, y.Date); c != 0 {
		return c
	}
	return cmp.Compare(x.Row, y.Row)
}
