package profile

import (
	"reflect"
	"testing"
	"time"

	"github.com/partnermap/partnermap/scoring"
)

var asOf = scoring.DateOf(2026, time.November, 23)

func ago(n int) scoring.Date { return asOf.AddDays(-n) }

// prepared folds keys and numbers rows as decoding does.
func prepared(r scoring.Records) scoring.Records {
	for i := range r.Partners {
		p := &r.Partners[i]
		p.Row, p.Key, p.OwnerKey = i+2, scoring.FoldName(p.Name), scoring.FoldName(p.Owner)
		if !p.Influence.Known {
			p.Influence = scoring.Some(3)
		}
		if !p.Stance.Known {
			p.Stance = scoring.Some(1)
		}
	}
	for i := range r.Meetings {
		m := &r.Meetings[i]
		if m.Row == 0 {
			m.Row = i + 2
		}
		m.PartnerKey = scoring.FoldName(m.Partner)
	}
	return r
}

func build(r scoring.Records) []Profile {
	r = prepared(r)
	return Build(r, scoring.Score(r, scoring.DefaultConfig(), asOf))
}

func TestBuild(t *testing.T) {
	ps := build(scoring.Records{
		Partners: []scoring.Partner{
			{Name: "Low", Influence: scoring.Some(1)},
			{Name: "Eastside Tenants Union", Owner: "Ana", Influence: scoring.Some(5), Goals: " Stop evictions ",
				SelfInterest: "Keep members housed", Represents: "400 tenant households", Constraints: "No paid staff", Notes: "Met at the fair"},
		},
		Meetings: []scoring.Meeting{
			{Partner: "eastside  tenants union", Date: ago(60), Success: "Fewer evictions", SelfInterests: "Rent stabilization",
				Ask: "Co-host a forum", AskOutcome: "Yes", Introductions: []string{"Rev. Lee", "Bo Chen"}, Notes: "Warm"},
			{Partner: "Eastside Tenants Union", Date: ago(20), Ask: "Sign the letter", AskOutcome: "Pending",
				Introductions: []string{"rev.  lee", "Dana"}, NextStep: "Send the budget", Due: ago(5)},
			{Partner: "Eastside Tenants Union", Date: ago(-5), Success: "Planned: not said yet", Notes: "Agenda"},
			{Partner: "Eastside Tenants Union", Date: 0, Notes: "undated rows are left out"},
			{Partner: "Low", Date: ago(3), SelfInterests: "Parks"},
		},
	})
	if len(ps) != 2 || ps[0].Partner.Name != "Eastside Tenants Union" || ps[1].Partner.Name != "Low" {
		t.Fatalf("profiles not in Priorities order: %v", ps)
	}
	p := ps[0]
	if p.Goals != "Stop evictions" || p.SelfInterest != "Keep members housed" || p.Represents != "400 tenant households" ||
		p.Constraints != "No paid staff" || p.Notes != "Met at the fair" {
		t.Errorf("Partners columns %+v", p)
	}
	if want := (Said{"Rent stabilization", ago(60)}); p.MetSelfInterest != want {
		t.Errorf("self-interest said %+v, want %+v", p.MetSelfInterest, want)
	}
	if want := (Said{"Fewer evictions", ago(60)}); p.Success != want {
		t.Errorf("success %+v, want %+v (a planned meeting's is not said yet)", p.Success, want)
	}
	if want := (Said{"Warm", ago(60)}); p.LastNotes != want {
		t.Errorf("last notes %+v, want %+v", p.LastNotes, want)
	}
	if p.LastAsk == nil || p.LastAsk.Ask != "Sign the letter" {
		t.Errorf("last ask %+v", p.LastAsk)
	}
	want := []Intro{{"Rev. Lee", ago(60)}, {"Bo Chen", ago(60)}, {"Dana", ago(20)}}
	if !reflect.DeepEqual(p.Introductions, want) {
		t.Errorf("introductions %+v, want %+v", p.Introductions, want)
	}
	if len(p.Meetings) != 3 || p.Meetings[0].Date != ago(-5) || p.Meetings[2].Date != ago(60) {
		t.Errorf("meetings not dated ones latest first: %v", p.Meetings)
	}
	if len(p.OpenSteps) != 1 || p.OpenSteps[0].Text != "Send the budget" {
		t.Errorf("open steps %+v", p.OpenSteps)
	}
	if got := Find(ps, "  EASTSIDE tenants   union "); got == nil || got.Partner.Name != "Eastside Tenants Union" {
		t.Errorf("Find folded name: %v", got)
	}
	if Find(ps, "Eastside Tenant Union") != nil {
		t.Error("Find matched a different name")
	}
}
