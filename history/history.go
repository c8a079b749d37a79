// Package history is partnermap's memory of each partner over time, kept in the spreadsheet
// itself: the History tab gets a row when a partner is first seen and whenever its ring,
// quadrant, owner or status changes, and the weekly Progress counts, Priorities' Moved
// column and the picture's paths are all read from those rows.
//
// It is pure: the rows as read, this run's states and the as-of day go in; the rows to
// write, the weeks and the moves come out. Reading the tab (Read) is the one place that
// looks at cells.
package history

import (
	"fmt"
	"slices"
	"strings"

	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// Header is the History tab's columns, in order.
var Header = []string{"Date", "Partner", "Ring", "Quadrant", "Support", "Power", "Score", "Owner", "Stage", "Change"}

// Words of the Change column that are not a comparison.
const (
	FirstSeen     = "first seen"
	WentInactive  = "inactive"
	ActiveAgain   = "active again"
	Reconstructed = "reconstructed"
)

// clauseSep joins the parts of a Change, e.g. "ring 3 → 2; owner Dev Patel → Lena Kim".
const clauseSep = "; "

// DefaultKeepDays is how long rows are kept (history.keep_days): three years.
const DefaultKeepDays = 1095

// MovedDays is how far back Priorities' Moved column and the picture's paths look.
const MovedDays = 90

// Row is one History row: a partner's state on a day and what changed.
type Row struct {
	Date    scoring.Date
	Partner string // as written
	Key     string // scoring.FoldName(Partner)
	// Inactive marks a row recording that the partner was set Inactive; its ring,
	// quadrant and scores are blank.
	Inactive bool
	Ring     int              // 0 = blank
	Quadrant scoring.Quadrant // 0 = blank
	Support  scoring.Maybe
	Power    scoring.Maybe
	Score    scoring.Maybe
	Owner    string
	Stage    string
	Change   string
	// Raw holds the cells of a row that could not be read (no date or no partner). Such a
	// row is not used, but it is written back exactly as it was, so a volunteer's text is
	// never lost; Data Issues points at it.
	Raw []sheets.Cell
	// SheetRow is the row's number in the tab as read (header = its own row); 0 for new rows.
	SheetRow int
}

// Readable reports whether the row is used as data (it has a date and a partner).
func (r Row) Readable() bool { return r.Raw == nil }

// State is a partner as this run sees it.
type State struct {
	Partner, Key string
	Inactive     bool
	Ring         int
	Quadrant     scoring.Quadrant
	Support      scoring.Maybe
	Power        scoring.Maybe
	Score        scoring.Maybe
	Owner, Stage string
}

// States lists every partner of the Partners tab as this run scored it: the active ones
// in Priorities order, then the inactive ones in sheet order. A partner named twice counts
// once (the first row, as scoring takes it).
func States(partners []scoring.Partner, res scoring.Result) []State {
	out := make([]State, 0, len(partners))
	seen := make(map[string]bool, len(partners))
	for _, a := range res.Assessments {
		if seen[a.Partner.Key] {
			continue
		}
		seen[a.Partner.Key] = true
		out = append(out, State{
			Partner: a.Partner.Name, Key: a.Partner.Key, Ring: a.Ring, Quadrant: a.Quadrant,
			Support: scoring.Some(a.Support), Power: scoring.Some(round2(a.Power)), Score: scoring.Some(float64(a.Score)),
			Owner: a.Owner, Stage: string(a.Partner.Stage),
		})
	}
	for i := range partners {
		p := &partners[i]
		if !p.Inactive || seen[p.Key] || p.Key == "" {
			continue
		}
		seen[p.Key] = true
		out = append(out, State{Partner: p.Name, Key: p.Key, Inactive: true, Owner: p.Owner, Stage: string(p.Stage)})
	}
	return out
}

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }

// Outcome is the History tab after one run.
type Outcome struct {
	// Rows are the tab's rows to write, in order: the kept rows as they were, then this
	// day's rows.
	Rows []Row
	// Added counts the rows of the as-of day (a second run that day rewrites them).
	Added int
	// Dropped counts rows removed because they were older than keep_days.
	Dropped int
	// Frozen is set when the as-of day is before the latest History date: nothing was changed.
	Frozen bool
}

// Update adds the as-of day's rows to prev (the tab as read): a `first seen` row for a
// partner with no row yet (inactive partners never seen are not recorded), and a row for
// each partner whose ring, quadrant, owner or status differs from its latest earlier row.
// Rows already dated asOf are this day's rows from an earlier run and are recomputed, so a
// day has at most one row per partner. When asOf is before the latest date in prev,
// nothing changes. keepDays > 0 drops rows older than asOf−keepDays except each
// partner's latest; 0 keeps everything.
func Update(prev []Row, now []State, asOf scoring.Date, keepDays int) Outcome {
	var latest scoring.Date
	for _, r := range prev {
		if r.Readable() && r.Date > latest {
			latest = r.Date
		}
	}
	if asOf < latest {
		return Outcome{Rows: prev, Frozen: true}
	}
	kept := make([]Row, 0, len(prev)+len(now)/4)
	last := make(map[string]int, len(now))
	for _, r := range prev {
		if r.Readable() && r.Date == asOf {
			continue
		}
		kept = append(kept, r)
		if r.Readable() {
			noteLatest(last, kept, len(kept)-1)
		}
	}
	out := Outcome{}
	for _, s := range now {
		i, seen := last[s.Key]
		var change string
		switch {
		case !seen && s.Inactive:
			continue
		case !seen:
			change = FirstSeen
		default:
			change = Describe(kept[i], s)
		}
		if change == "" {
			continue
		}
		kept = append(kept, rowOf(s, asOf, change))
		out.Added++
	}
	if keepDays > 0 {
		kept, out.Dropped = retain(kept, asOf.AddDays(-keepDays))
	}
	out.Rows = kept
	return out
}

// noteLatest records rows[i] as its partner's latest when no row of a later day is known
// (on the same day the lower row wins, as it was written later).
func noteLatest(last map[string]int, rows []Row, i int) {
	if j, ok := last[rows[i].Key]; !ok || rows[j].Date <= rows[i].Date {
		last[rows[i].Key] = i
	}
}

// retain drops readable rows dated before cutoff, except each partner's latest row.
func retain(rows []Row, cutoff scoring.Date) ([]Row, int) {
	last := make(map[string]int, len(rows)/4)
	for i := range rows {
		if rows[i].Readable() {
			noteLatest(last, rows, i)
		}
	}
	out := rows[:0]
	dropped := 0
	for i, r := range rows {
		if r.Readable() && r.Date < cutoff && last[r.Key] != i {
			dropped++
			continue
		}
		out = append(out, r)
	}
	return out, dropped
}

func rowOf(s State, d scoring.Date, change string) Row {
	r := Row{Date: d, Partner: s.Partner, Key: s.Key, Inactive: s.Inactive, Owner: s.Owner, Stage: s.Stage, Change: change}
	if !s.Inactive {
		r.Ring, r.Quadrant, r.Support, r.Power, r.Score = s.Ring, s.Quadrant, s.Support, s.Power, s.Score
	}
	return r
}

// Describe says in words how s differs from the partner's latest row prev, or "" when its
// ring, quadrant, owner and status are the same. A blank ring or quadrant in prev (a row
// written when the partner was inactive, or blanked by a volunteer) is not compared.
func Describe(prev Row, s State) string {
	switch {
	case s.Inactive && prev.Inactive:
		return ""
	case s.Inactive:
		return WentInactive
	}
	var parts []string
	if prev.Inactive {
		parts = append(parts, ActiveAgain)
	}
	if prev.Ring != 0 && prev.Ring != s.Ring {
		parts = append(parts, fmt.Sprintf("ring %d → %d", prev.Ring, s.Ring))
	}
	if prev.Quadrant != 0 && prev.Quadrant != s.Quadrant {
		parts = append(parts, fmt.Sprintf("Q%d → Q%d", prev.Quadrant, s.Quadrant))
	}
	if !prev.Inactive && scoring.FoldName(prev.Owner) != scoring.FoldName(s.Owner) {
		parts = append(parts, fmt.Sprintf("owner %s → %s", orNobody(prev.Owner), orNobody(s.Owner)))
	}
	return strings.Join(parts, clauseSep)
}

func orNobody(owner string) string {
	if strings.TrimSpace(owner) == "" {
		return "nobody"
	}
	return owner
}

// saysInactive reports whether a Change records the partner going inactive.
func saysInactive(change string) bool {
	return slices.ContainsFunc(strings.Split(change, ";"), func(part string) bool {
		return strings.EqualFold(strings.TrimSpace(part), WentInactive)
	})
}
