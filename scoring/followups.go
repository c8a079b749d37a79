package scoring

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// kindOrder ranks follow-up kinds in the order of their constants: what to act on first.
func kindOrder(k FollowUpKind) int {
	switch k {
	case NextStepOverdue:
		return 0
	case CheckInOverdue:
		return 1
	case NextStepDueSoon:
		return 2
	case NeverMet:
		return 3
	case NoOwner:
		return 4
	case Reassess:
		return 5
	}
	return 6
}

// followUps lists every finding for the active partners, a partner possibly several.
// Sorted so each owner reads their own block: by owner (blank owner last), then kind, then
// the most overdue first, then partner name.
func followUps(as []Assessment, owners *ownerNames, cfg Config, asOf Date) []FollowUp {
	type row struct {
		FollowUp
		ownerKey, partnerKey string
	}
	rows := make([]row, 0, len(as))
	for i := range as {
		a := &as[i]
		p := a.Partner
		base := row{
			FollowUp: FollowUp{Owner: owners.name(p), Partner: p.Name, LastContact: a.LastContact, Ring: a.Ring},
			ownerKey: ownerKey(p), partnerKey: partnerKey(p),
		}
		add := func(kind FollowUpKind, due Date, days int, hasDays bool, step string) {
			r := base
			r.Kind, r.Due, r.DaysOverdue, r.HasDays, r.NextStep = kind, due, days, hasDays, step
			rows = append(rows, r)
		}
		for _, s := range a.OpenSteps {
			if s.Due < asOf {
				add(NextStepOverdue, s.Due, int(asOf-s.Due), true, s.Text)
			}
		}
		if a.CheckInDue {
			c := cadence(a.Ring, cfg)
			due := a.LastContact.AddDays(c)
			add(CheckInOverdue, due, int(asOf-due), true, fmt.Sprintf("Check in (every %d days for ring %d)", c, a.Ring))
		}
		for _, s := range a.OpenSteps {
			if s.Due >= asOf && s.Due <= asOf.AddDays(cfg.SoonDays) {
				add(NextStepDueSoon, s.Due, 0, false, s.Text)
			}
		}
		if a.FirstContact.IsZero() && a.NextPlanned.IsZero() && (a.Quadrant == Q1Engage || a.Quadrant == Q2Persuade) {
			add(NeverMet, 0, 0, false, "Hold a one-to-one")
		}
		if base.ownerKey == "" {
			add(NoOwner, 0, 0, false, "Assign a relationship owner")
		}
		if on := p.AssessedOn; !on.IsZero() && int(asOf-on) > cfg.ReassessDays {
			step := "Reassess scores (set on " + on.String() + ")"
			if by := strings.TrimSpace(p.AssessedBy); by != "" {
				step = "Reassess scores (set by " + by + " on " + on.String() + ")"
			}
			// Due when the scores turned a year old (reassess_days), and overdue since: a
			// Due in the past with no days beside it read as a mistake.
			due := on.AddDays(cfg.ReassessDays)
			add(Reassess, due, int(asOf-due), true, step)
		}
	}
	// A partner has at most one follow-up of each kind but the two next-step kinds, whose
	// rows differ in due date or step text, so this order is total.
	slices.SortFunc(rows, func(x, y row) int {
		if (x.ownerKey == "") != (y.ownerKey == "") {
			if x.ownerKey == "" {
				return 1
			}
			return -1
		}
		if c := strings.Compare(x.ownerKey, y.ownerKey); c != 0 {
			return c
		}
		if c := cmp.Compare(kindOrder(x.Kind), kindOrder(y.Kind)); c != 0 {
			return c
		}
		if c := cmp.Compare(y.DaysOverdue, x.DaysOverdue); c != 0 {
			return c
		}
		if c := strings.Compare(x.partnerKey, y.partnerKey); c != 0 {
			return c
		}
		if c := cmp.Compare(x.Due, y.Due); c != 0 {
			return c
		}
		return strings.Compare(x.NextStep, y.NextStep)
	})
	out := make([]FollowUp, len(rows))
	for i := range rows {
		out[i] = rows[i].FollowUp
	}
	return out
}
