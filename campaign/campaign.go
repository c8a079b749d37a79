// Package campaign maps power per campaign: "your power map will look quite different
// depending on what you're trying to achieve and who your target is". A campaign names a
// target decision-maker; a Stances row gives a partner's stance and influence for one
// campaign, overriding the partner's own; every active campaign gets its own support,
// power and quadrant per partner, its target placed at the top by its own stance.
//
// Like scoring it is pure: no I/O and no clock. It reads scoring's result and never
// changes it, so a partner's priority score stays the one of its own row.
package campaign

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/partnermap/partnermap/scoring"
)

// Status is where a campaign stands; only Active campaigns are mapped.
type Status string

// Statuses of the Campaigns tab; blank means Active.
const (
	Active Status = "Active"
	Won    Status = "Won"
	Lost   Status = "Lost"
	Paused Status = "Paused"
)

// Campaign is one row of the Campaigns tab.
type Campaign struct {
	Row       int    // sheet row (header = 1)
	Name, Key string // Key is scoring.FoldName(Name)
	// Target is the decision-maker as typed; TargetKey is its folded form ("" when blank).
	Target, TargetKey string
	Goal              string
	Status            Status
	Deadline          scoring.Date // zero when none
	Lead              string
}

// Stance is one row of the Stances tab: a partner's stance and influence for one campaign.
type Stance struct {
	Row                   int
	Partner, PartnerKey   string
	Campaign, CampaignKey string
	Stance                scoring.Maybe // -2..2
	Influence             scoring.Maybe // 1..5, over this campaign's target
	Notes                 string
}

// Records are the decoded Campaigns and Stances tabs. Campaign keys are unique and so are
// (campaign, partner) pairs of Stances: decoding drops the duplicates.
type Records struct {
	Campaigns []Campaign
	Stances   []Stance
}

// Placement is one partner on one campaign's map.
type Placement struct {
	Assessment *scoring.Assessment
	scoring.Placement
	// Stance is the partner's Stances row for this campaign, nil when it has none (its own
	// Stance and Influence are used, and it has not been assessed for this campaign).
	Stance *Stance
}

// Name is the partner's name as typed.
func (p Placement) Name() string { return p.Assessment.Partner.Name }

// Target is a campaign's decision-maker as drawn at the top of its map.
type Target struct {
	Name string
	// Support is the target's own stance: its Stances row for the campaign, else (when the
	// target is a partner) its row in Partners; Known is false when neither says, and
	// Support is then a neutral 0.
	Support float64
	Known   bool
	// Partner is the target's assessment when the target is also an active partner.
	Partner *scoring.Assessment
}

// Map is one active campaign's power map.
type Map struct {
	Campaign *Campaign
	Target   Target
	// DaysLeft counts the days from the as-of day to the deadline (negative: past it);
	// meaningful only when Campaign.Deadline is set.
	DaysLeft int
	// Placements are the active partners but the target, in priority rank order.
	Placements []Placement
	// PersuadeFirst are the Q2 partners of this campaign, most powerful first.
	PersuadeFirst []Placement
	// NotAssessed are high-power partners with no Stances row for this campaign, in rank order.
	NotAssessed []Placement
	// QuadrantCounts[q] counts the placements in quadrant q (1..4).
	QuadrantCounts [5]int

	quadrant map[*scoring.Assessment]scoring.Quadrant // of each placement, for Cell
}

// Result holds a map per active campaign, in the order of the Campaigns tab.
type Result struct {
	Maps []Map
	// Inactive counts campaigns kept but not shown (Won, Lost, Paused).
	Inactive int
}

// Compute maps every active campaign of recs over the active partners of res. It is pure and
// leaves recs and res as they are; Placements point into res.Assessments and recs.Stances.
func Compute(recs Records, res scoring.Result, cfg scoring.Config) Result {
	type pair struct{ campaign, partner string }
	stances := make(map[pair]*Stance, len(recs.Stances))
	for i := range recs.Stances {
		s := &recs.Stances[i]
		k := pair{s.CampaignKey, s.PartnerKey}
		if _, dup := stances[k]; !dup {
			stances[k] = s
		}
	}
	var out Result
	for ci := range recs.Campaigns {
		c := &recs.Campaigns[ci]
		if c.Status != Active && c.Status != "" {
			out.Inactive++
			continue
		}
		m := Map{Campaign: c, Target: Target{Name: c.Target},
			Placements: make([]Placement, 0, len(res.Assessments)),
			quadrant:   make(map[*scoring.Assessment]scoring.Quadrant, len(res.Assessments))}
		if !c.Deadline.IsZero() {
			m.DaysLeft = int(c.Deadline - res.AsOf)
		}
		for ai := range res.Assessments {
			a := &res.Assessments[ai]
			s := stances[pair{c.Key, a.Partner.Key}]
			pl := Placement{Assessment: a, Placement: place(a.Partner, s, cfg), Stance: s}
			if c.TargetKey != "" && a.Partner.Key == c.TargetKey {
				m.Target.Partner = a
				m.Target.Support, m.Target.Known = pl.Support, pl.SupportKnown
				continue
			}
			m.Placements = append(m.Placements, pl)
			m.quadrant[a] = pl.Quadrant
			m.QuadrantCounts[pl.Quadrant]++
			if pl.Quadrant == scoring.Q2Persuade {
				m.PersuadeFirst = append(m.PersuadeFirst, pl)
			}
			if s == nil && pl.Power >= cfg.HighPower {
				m.NotAssessed = append(m.NotAssessed, pl)
			}
		}
		if m.Target.Partner == nil {
			// A target that is not a partner may still have its stance on the Stances tab.
			if s := stances[pair{c.Key, c.TargetKey}]; s != nil && s.Stance.Known {
				m.Target.Support, m.Target.Known = s.Stance.Value, true
			}
		}
		slices.SortStableFunc(m.PersuadeFirst, func(x, y Placement) int {
			return cmp.Or(cmp.Compare(y.Power, x.Power), strings.Compare(x.Assessment.Partner.Key, y.Assessment.Partner.Key))
		})
		out.Maps = append(out.Maps, m)
	}
	return out
}

// place is the partner's placement with the campaign's Stances row s (nil: none) laid over
// its own Stance and Influence; Trust, Impact and Capacity stay the partner's.
func place(p *scoring.Partner, s *Stance, cfg scoring.Config) scoring.Placement {
	if s == nil || (!s.Stance.Known && !s.Influence.Known) {
		return scoring.Place(p, cfg)
	}
	// Only the columns Place reads: copying the whole row per campaign would cost more.
	over := scoring.Partner{Stance: p.Stance, Alignment: p.Alignment, Influence: p.Influence,
		Trust: p.Trust, Impact: p.Impact, Capacity: p.Capacity}
	if s.Stance.Known {
		over.Stance = s.Stance
	}
	if s.Influence.Known {
		over.Influence = s.Influence
	}
	return scoring.Place(&over, cfg)
}

// TargetLabel is what a partner's Campaigns cell says for the campaign it is the target of.
const TargetLabel = "target"

// Cell is a partner's Priorities Campaigns cell: "Campaign: Qn" for each active campaign,
// joined by "; ", with "Campaign: target" for the campaign whose target it is.
func (r Result) Cell(a *scoring.Assessment) string {
	var b strings.Builder
	for i := range r.Maps {
		m := &r.Maps[i]
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(m.Campaign.Name)
		b.WriteString(": ")
		if m.Target.Partner == a {
			b.WriteString(TargetLabel)
			continue
		}
		if q, ok := m.quadrant[a]; ok {
			fmt.Fprintf(&b, "Q%d", int(q))
		}
	}
	return b.String()
}

// Find returns the active campaign named name, matched regardless of case and of spaces
// ("housing bill", "HousingBill" and "Housing  Bill" all find "Housing Bill").
func (r Result) Find(name string) (*Map, bool) {
	want := squash(name)
	for i := range r.Maps {
		if squash(r.Maps[i].Campaign.Name) == want {
			return &r.Maps[i], true
		}
	}
	return nil, false
}

// Names lists the active campaigns' names, for a message saying which exist.
func (r Result) Names() []string {
	names := make([]string, len(r.Maps))
	for i, m := range r.Maps {
		names[i] = m.Campaign.Name
	}
	return names
}

// squash folds a name as FoldName does and then drops every space.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, scoring.FoldName(s))
}

// ParseStatus reads a campaign's Status: Active, Won, Lost or Paused, in any case.
func ParseStatus(s string) (Status, error) {
	switch strings.ToLower(strings.Join(strings.Fields(s), " ")) {
	case "", "active":
		return Active, nil
	case "won":
		return Won, nil
	case "lost":
		return Lost, nil
	case "paused", "on hold":
		return Paused, nil
	}
	return Active, fmt.Errorf("campaign status must be Active, Won, Lost or Paused, not %q: the campaign is treated as Active", s)
}
