package scoring

import (
	"cmp"
	"slices"
	"strings"
)

// ownerNames maps a folded owner name to the spelling shown in the output tabs: the Members
// tab's when the member exists (the first row wins), else the first spelling among the
// active partners. Follow-ups and Owners use the same spelling, so the two tabs agree.
type ownerNames struct {
	display map[string]string
	order   []string // owner keys of active partners, first seen first
	member  map[string]*Member
}

func newOwnerNames(recs Records, as []Assessment) *ownerNames {
	o := &ownerNames{display: map[string]string{}, member: make(map[string]*Member, len(recs.Members))}
	for i := range recs.Members {
		m := &recs.Members[i]
		k := memberKey(m)
		if k == "" {
			continue
		}
		if _, ok := o.member[k]; !ok {
			o.member[k] = m
		}
	}
	// Partners in sheet order, so "first spelling seen" does not depend on the ranking.
	byRow := make([]*Partner, len(as))
	for i := range as {
		byRow[i] = as[i].Partner
	}
	slices.SortStableFunc(byRow, func(x, y *Partner) int { return cmp.Compare(x.Row, y.Row) })
	for _, p := range byRow {
		k := ownerKey(p)
		if k == "" {
			continue
		}
		if _, ok := o.display[k]; ok {
			continue
		}
		o.order = append(o.order, k)
		if m, ok := o.member[k]; ok {
			o.display[k] = strings.TrimSpace(m.Name)
		} else {
			o.display[k] = strings.TrimSpace(p.Owner)
		}
	}
	return o
}

// name is the display spelling of a partner's owner, "" when the partner has none.
func (o *ownerNames) name(p *Partner) string {
	return o.display[ownerKey(p)]
}

// ownerLoads counts active partners per owner against each owner's capacity. Members who own
// no partner are listed too, with 0, so leaders see who has room for a relationship.
func ownerLoads(recs Records, as []Assessment, owners *ownerNames, cfg Config, asOf Date) []OwnerLoad {
	type load struct {
		OwnerLoad
		key string
	}
	at := make(map[string]int, len(owners.order))
	loads := make([]load, 0, len(owners.order)+len(recs.Members))
	add := func(key, name string) {
		at[key] = len(loads)
		capacity := cfg.MaxRelationships
		if m, ok := owners.member[key]; ok && m.MaxRelationships > 0 {
			capacity = m.MaxRelationships
		}
		loads = append(loads, load{OwnerLoad: OwnerLoad{Owner: name, Max: capacity}, key: key})
	}
	for _, k := range owners.order {
		add(k, owners.display[k])
	}
	for i := range recs.Members {
		m := &recs.Members[i]
		if k := memberKey(m); k != "" {
			if _, ok := at[k]; !ok {
				add(k, strings.TrimSpace(m.Name))
			}
		}
	}
	for i := range as {
		a := &as[i]
		k := ownerKey(a.Partner)
		if k == "" {
			continue
		}
		l := &loads[at[k]]
		l.Active++
		for _, s := range a.OpenSteps {
			if s.Due < asOf {
				l.OverdueFollowUp++ // one per overdue commitment, as Follow-ups lists them
			}
		}
		if a.CheckInDue {
			l.OverdueFollowUp++
		}
	}
	for i := range loads {
		loads[i].Over = max(loads[i].Active-loads[i].Max, 0)
	}
	slices.SortStableFunc(loads, func(x, y load) int {
		if c := cmp.Compare(y.Over, x.Over); c != 0 {
			return c
		}
		if c := cmp.Compare(y.Active, x.Active); c != 0 {
			return c
		}
		return strings.Compare(x.key, y.key)
	})
	out := make([]OwnerLoad, len(loads))
	for i := range loads {
		out[i] = loads[i].OwnerLoad
	}
	return out
}

func memberKey(m *Member) string {
	if m.Key == "" && !blank(m.Name) {
		return FoldName(m.Name)
	}
	return m.Key
}
