package scoring

import (
	"testing"
	"time"
)

// asOf is D in every test: Monday 23 November 2026.
var asOf = DateOf(2026, time.November, 23)

// ago returns the date n days before asOf (negative n: after).
func ago(n int) Date { return asOf.AddDays(-n) }

// partner builds a Partners row with its keys filled in as decoding would.
func partner(name string, edits ...func(*Partner)) Partner {
	p := Partner{Name: name}
	for _, e := range edits {
		e(&p)
	}
	return p
}

func owner(name string) func(*Partner) { return func(p *Partner) { p.Owner = name } }
func stance(v float64) func(*Partner)  { return func(p *Partner) { p.Stance = Some(v) } }
func alignment(v float64) func(*Partner) {
	return func(p *Partner) { p.Alignment = Some(v) }
}
func influence(v float64) func(*Partner) {
	return func(p *Partner) { p.Influence = Some(v) }
}

// known gives a partner with known power and support, so no info issues clutter a test.
func known(p *Partner) {
	if !p.Influence.Known {
		p.Influence = Some(3)
	}
	if !p.Stance.Known && !p.Alignment.Known {
		p.Stance = Some(0)
	}
}

// meeting builds a Meetings row (a 1-1 unless edited).
func meeting(partner string, date Date, edits ...func(*Meeting)) Meeting {
	m := Meeting{Partner: partner, Date: date, Type: OneToOne}
	for _, e := range edits {
		e(&m)
	}
	return m
}

func typed(t MeetingType, r Role) func(*Meeting) {
	return func(m *Meeting) { m.Type, m.Role = t, r }
}
func step(text string, due Date) func(*Meeting) {
	return func(m *Meeting) { m.NextStep, m.Due = text, due }
}
func asked(m *Meeting) { m.Ask = "Would you co-sign our letter?" }
func done(m *Meeting)  { m.Done = true }
func outcome(ask, result string) func(*Meeting) {
	return func(m *Meeting) { m.Ask, m.AskOutcome = ask, result }
}
func row(n int) func(*Meeting) {
	return func(m *Meeting) { m.Row = n }
}

// asset builds an Assets row.
func asset(member, category, what, partner string, strength int) Asset {
	return Asset{Member: member, Category: category, Asset: what, Partner: partner, Strength: strength}
}

// prepared fills rows and folded keys as decoding does: partners from row 2 on, likewise
// meetings, assets and members, unless a row is already set.
func prepared(r Records) Records {
	for i := range r.Partners {
		p := &r.Partners[i]
		if p.Row == 0 {
			p.Row = i + 2
		}
		p.Key, p.OwnerKey = FoldName(p.Name), FoldName(p.Owner)
	}
	for i := range r.Meetings {
		m := &r.Meetings[i]
		if m.Row == 0 {
			m.Row = i + 2
		}
		m.PartnerKey = FoldName(m.Partner)
	}
	for i := range r.Assets {
		a := &r.Assets[i]
		if a.Row == 0 {
			a.Row = i + 2
		}
		a.PartnerKey = FoldName(a.Partner)
	}
	for i := range r.Members {
		m := &r.Members[i]
		if m.Row == 0 {
			m.Row = i + 2
		}
		m.Key = FoldName(m.Name)
	}
	return r
}

// score runs Score with the default config on prepared records.
func score(r Records) Result { return Score(prepared(r), DefaultConfig(), asOf) }

// find returns the assessment of the named partner or fails the test.
func find(t *testing.T, res Result, name string) Assessment {
	t.Helper()
	for _, a := range res.Assessments {
		if a.Partner.Name == name {
			return a
		}
	}
	t.Fatalf("no assessment for %q", name)
	return Assessment{}
}

// followUpsOf returns the follow-ups of one partner.
func followUpsOf(res Result, name string) []FollowUp {
	var out []FollowUp
	for _, f := range res.FollowUps {
		if f.Partner == name {
			out = append(out, f)
		}
	}
	return out
}
