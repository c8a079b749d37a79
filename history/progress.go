package history

import (
	"fmt"
	"sort"
	"strings"

	"github.com/partnermap/partnermap/scoring"
)

// Week is one row of the Progress tab: the partners' states at the end of the week, read
// as each partner's latest History row on or before the week's last day.
type Week struct {
	Start     scoring.Date // a Monday
	Rings     [6]int       // Rings[r]: active partners in ring r (1..5)
	Quadrants [5]int       // Quadrants[q]: active partners in quadrant q (1..4)
	Active    int
	// MovedIn counts partners whose ring number went down during the week; MovedOut up.
	MovedIn, MovedOut int
}

// Monday returns the Monday of d's week (weeks start on Monday).
func Monday(d scoring.Date) scoring.Date {
	// Day 0 (1899-12-30) was a Saturday, so Mondays are the days ≡ 2 (mod 7).
	off := (int(d) - 2) % 7
	if off < 0 {
		off += 7
	}
	return d.AddDays(-off)
}

// sorted returns the readable rows ordered by date, sheet order kept within a day.
func sorted(rows []Row) []Row {
	out := make([]Row, 0, len(rows))
	for _, r := range rows {
		if r.Readable() {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}

// Progress counts, week by week from the first History week to asOf's week, the active
// partners per ring and quadrant and those that moved in or out a ring.
func Progress(rows []Row, asOf scoring.Date) []Week {
	rs := sorted(rows)
	if len(rs) == 0 || asOf < rs[0].Date {
		return nil
	}
	state := map[string]Row{}
	var w Week
	count := func(r Row, by int) {
		if r.Inactive {
			return
		}
		w.Active += by
		if r.Ring >= 1 && r.Ring <= 5 {
			w.Rings[r.Ring] += by
		}
		if r.Quadrant >= 1 && r.Quadrant <= 4 {
			w.Quadrants[r.Quadrant] += by
		}
	}
	var weeks []Week
	i := 0
	for start := Monday(rs[0].Date); start <= Monday(asOf); start = start.AddDays(7) {
		end := start.AddDays(6)
		before := map[string]*Row{} // state at the start of the week of partners with rows in it
		for ; i < len(rs) && rs[i].Date <= end; i++ {
			r := rs[i]
			old, had := state[r.Key]
			if _, touched := before[r.Key]; !touched {
				if had {
					before[r.Key] = &old
				} else {
					before[r.Key] = nil
				}
			}
			if had {
				count(old, -1)
			}
			state[r.Key] = r
			count(r, 1)
		}
		w.Start, w.MovedIn, w.MovedOut = start, 0, 0
		for k, b := range before {
			a := state[k]
			if b == nil || b.Inactive || a.Inactive || b.Ring == 0 || a.Ring == 0 {
				continue
			}
			switch {
			case a.Ring < b.Ring:
				w.MovedIn++
			case a.Ring > b.Ring:
				w.MovedOut++
			}
		}
		weeks = append(weeks, w)
	}
	return weeks
}

// Move is a partner's latest ring or quadrant change within MovedDays of the as-of day.
type Move struct {
	Date scoring.Date
	// What says what changed, e.g. "ring 3 → 2" or "ring 3 → 2; Q2 → Q1".
	What string
	// FromRing and ToRing are the rings before and after (equal when only the quadrant moved).
	FromRing, ToRing int
	// Path is where the partner stood (support, power) from MovedDays before the as-of
	// day to its latest row, oldest first, for the picture.
	Path []Point
}

// Text is the Moved column's words: "ring 3 → 2 on 2026-11-20".
func (m Move) Text() string { return m.What + " on " + m.Date.String() }

// Point is a partner's place on the power map on a day.
type Point struct {
	Date           scoring.Date
	Support, Power float64
}

// Moves finds, per partner key, the latest ring or quadrant change dated within days before
// asOf (asOf−days < date ≤ asOf), comparing each History row with the partner's row before
// it, so reconstructed and volunteer-written rows count as well as partnermap's own.
func Moves(rows []Row, asOf scoring.Date, days int) map[string]Move {
	from := asOf.AddDays(-days)
	byKey := map[string][]Row{}
	for _, r := range sorted(rows) {
		if r.Date <= asOf {
			byKey[r.Key] = append(byKey[r.Key], r)
		}
	}
	out := map[string]Move{}
	for k, list := range byKey {
		for j := len(list) - 1; j >= 1 && list[j].Date > from; j-- {
			if what := moved(list[j-1], list[j]); what != "" {
				out[k] = Move{Date: list[j].Date, What: what, FromRing: list[j-1].Ring, ToRing: list[j].Ring, Path: path(list, from)}
				break
			}
		}
	}
	return out
}

// moved says how b's ring and quadrant differ from a's, or "" (either inactive or blank: no move).
func moved(a, b Row) string {
	if a.Inactive || b.Inactive {
		return ""
	}
	var parts []string
	if a.Ring != 0 && b.Ring != 0 && a.Ring != b.Ring {
		parts = append(parts, fmt.Sprintf("ring %d → %d", a.Ring, b.Ring))
	}
	if a.Quadrant != 0 && b.Quadrant != 0 && a.Quadrant != b.Quadrant {
		parts = append(parts, fmt.Sprintf("Q%d → Q%d", a.Quadrant, b.Quadrant))
	}
	return strings.Join(parts, clauseSep)
}

// path is where a partner with rows list (by date) stood from day from on: its latest row
// on or before from (else its first row), then each later row with a known place.
func path(list []Row, from scoring.Date) []Point {
	start := 0
	for j, r := range list {
		if r.Date <= from {
			start = j
		}
	}
	var pts []Point
	for _, r := range list[start:] {
		if r.Inactive || !r.Support.Known || !r.Power.Known {
			continue
		}
		p := Point{Date: r.Date, Support: r.Support.Value, Power: r.Power.Value}
		if n := len(pts); n > 0 && pts[n-1].Support == p.Support && pts[n-1].Power == p.Power {
			continue
		}
		pts = append(pts, p)
	}
	return pts
}
