// Package profile gathers what volunteers wrote about each partner — Goals, Self-interest,
// Represents, Constraints, Success looks like, asks and their outcomes, next steps, notes —
// into one record per active partner (the Profiles tab and the 1-1 brief), and finds the
// themes that recur across partners (the Themes tab).
//
// Like scoring it is pure: records and a scoring result in, profiles out; no I/O, no clock.
package profile

import (
	"cmp"
	"slices"
	"strings"

	"github.com/partnermap/partnermap/scoring"
)

// Said is a text written at a meeting, with the meeting's date.
type Said struct {
	Text string
	Date scoring.Date
}

// Intro is a name a partner offered to introduce us to, first offered on Date.
type Intro struct {
	Name string
	Date scoring.Date
}

// Profile is what we know about one active partner.
type Profile struct {
	*scoring.Assessment
	// The Partners tab's own text columns, trimmed.
	Goals, SelfInterest, Represents, Constraints, Notes string
	// Of the latest past meeting that has one (same date: the lower row).
	MetSelfInterest, Success, LastNotes Said
	// Introductions offered at past or planned meetings, each name once (folded like
	// names), in the order first offered.
	Introductions []Intro
	// Meetings are the partner's dated meetings, planned ones included, latest first.
	Meetings []*scoring.Meeting
}

// Build returns the profiles of res's active partners in Priorities order. recs must be
// the records res was scored from: profiles point into both.
func Build(recs scoring.Records, res scoring.Result) []Profile {
	byKey := make(map[string]int, len(res.Assessments))
	out := make([]Profile, len(res.Assessments))
	for i := range res.Assessments {
		a := &res.Assessments[i]
		p := a.Partner
		out[i] = Profile{
			Assessment: a,
			Goals:      strings.TrimSpace(p.Goals), SelfInterest: strings.TrimSpace(p.SelfInterest),
			Represents: strings.TrimSpace(p.Represents), Constraints: strings.TrimSpace(p.Constraints),
			Notes: strings.TrimSpace(p.Notes),
		}
		byKey[key(p.Key, p.Name)] = i
	}
	for i := range recs.Meetings {
		m := &recs.Meetings[i]
		if m.Date.IsZero() {
			continue
		}
		if at, ok := byKey[key(m.PartnerKey, m.Partner)]; ok {
			out[at].Meetings = append(out[at].Meetings, m)
		}
	}
	for i := range out {
		pr := &out[i]
		slices.SortStableFunc(pr.Meetings, func(x, y *scoring.Meeting) int { return later(y, x) })
		for _, m := range pr.Meetings {
			if m.Date > res.AsOf {
				continue
			}
			latest(&pr.MetSelfInterest, m, m.SelfInterests)
			latest(&pr.Success, m, m.Success)
			latest(&pr.LastNotes, m, m.Notes)
		}
		pr.Introductions = introductions(pr.Meetings)
	}
	return out
}

// latest sets s to text said at m unless a later meeting already set it (meetings come
// latest first).
func latest(s *Said, m *scoring.Meeting, text string) {
	if s.Text == "" {
		if t := strings.TrimSpace(text); t != "" {
			*s = Said{Text: t, Date: m.Date}
		}
	}
}

// introductions lists the names offered at ms (latest first), each once, earliest offer first.
func introductions(ms []*scoring.Meeting) []Intro {
	var out []Intro
	seen := map[string]int{}
	for i := len(ms) - 1; i >= 0; i-- {
		for _, name := range ms[i].Introductions {
			name = strings.TrimSpace(name)
			k := scoring.FoldName(name)
			if k == "" {
				continue
			}
			if _, ok := seen[k]; !ok {
				seen[k] = len(out)
				out = append(out, Intro{Name: name, Date: ms[i].Date})
			}
		}
	}
	return out
}

// later orders meetings by date, then row: +1 when x is the later.
func later(x, y *scoring.Meeting) int {
	if c := cmp.Compare(x.Date, y.Date); c != 0 {
		return c
	}
	return cmp.Compare(x.Row, y.Row)
}

func key(folded, name string) string {
	if folded == "" {
		return scoring.FoldName(name)
	}
	return folded
}

// Find returns the profile whose partner name matches name folded like names (case,
// surrounding and repeated spaces), or nil.
func Find(ps []Profile, name string) *Profile {
	k := scoring.FoldName(name)
	for i := range ps {
		if key(ps[i].Partner.Key, ps[i].Partner.Name) == k {
			return &ps[i]
		}
	}
	return nil
}
