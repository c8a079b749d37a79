package campaign

import (
	"fmt"
	"testing"

	"github.com/partnermap/partnermap/scoring"
)

// partner builds a partners row with a stance and the four power columns (0: blank).
func partner(name string, stance float64, stanceKnown bool, influence, trust, impact, capacity float64) scoring.Partner {
	m := func(v float64) scoring.Maybe {
		if v == 0 {
			return scoring.Maybe{}
		}
		return scoring.Some(v)
	}
	p := scoring.Partner{Name: name, Key: scoring.FoldName(name), Influence: m(influence), Trust: m(trust), Impact: m(impact), Capacity: m(capacity)}
	if stanceKnown {
		p.Stance = scoring.Some(stance)
	}
	return p
}

func stance(partner, campaign string, s, infl scoring.Maybe) Stance {
	return Stance{Partner: partner, PartnerKey: scoring.FoldName(partner), Campaign: campaign, CampaignKey: scoring.FoldName(campaign), Stance: s, Influence: infl}
}

func TestComputePlacesEachPartnerPerCampaignWithOverrides(t *testing.T) {
	cfg := scoring.DefaultConfig()
	asOf := scoring.DateOf(2026, 12, 1)
	recs := scoring.Records{Partners: []scoring.Partner{
		// P = (2·4 + 3 + 3 + 3) / 5 = 3.4, S = 1: Q1 on its own row.
		partner("Union", 1, true, 4, 3, 3, 3),
		// P = (2·2 + 2 + 2 + 2) / 5 = 2, S = -1: Q4 on its own row.
		partner("Chamber", -1, true, 2, 2, 2, 2),
		// Only Influence: P = 5; S = 0: Q2.
		partner("Senator Vega", 0, true, 5, 0, 0, 0),
		// No stance, no alignment: S = 0 (neutral); P = 4: Q2.
		partner("Paper", 0, false, 4, 4, 4, 4),
	}}
	res := scoring.Score(recs, cfg, asOf)
	camp := Records{
		Campaigns: []Campaign{
			{Name: "Housing bill", Key: "housing bill", Target: "Senator Vega", TargetKey: "senator vega", Status: Active, Deadline: asOf.AddDays(10)},
			{Name: "Budget", Key: "budget", Target: "Mayor", TargetKey: "mayor"},
			{Name: "Old fight", Key: "old fight", Status: Won},
		},
		Stances: []Stance{
			// Union opposes the housing bill: S = -2, P stays 3.4 → Q2.
			stance("Union", "Housing bill", scoring.Some(-2), scoring.Maybe{}),
			// Chamber has influence 5 over the senator: P = (10 + 6) / 5 = 3.2, S = -1 → Q2.
			stance("Chamber", "Housing bill", scoring.Maybe{}, scoring.Some(5)),
			// A second row for the same pair is ignored (decoding reports it).
			stance("chamber", "housing bill", scoring.Some(2), scoring.Some(1)),
			// Paper supports the budget, influence 1: P = (2 + 12) / 5 = 2.8, S = 2 → Q3.
			stance("Paper", "Budget", scoring.Some(2), scoring.Some(1)),
			// The mayor is not a partner: its row places the target.
			stance("Mayor", "Budget", scoring.Some(-1), scoring.Maybe{}),
		},
	}
	out := Compute(camp, res, cfg)
	if len(out.Maps) != 2 || out.Inactive != 1 {
		t.Fatalf("maps %d inactive %d, want 2 active maps and the won one kept aside", len(out.Maps), out.Inactive)
	}
	want := map[string]string{
		"Union":        "Housing bill: Q2; Budget: Q1",
		"Chamber":      "Housing bill: Q2; Budget: Q4",
		"Senator Vega": "Housing bill: target; Budget: Q2",
		"Paper":        "Housing bill: Q2; Budget: Q3",
	}
	for i := range res.Assessments {
		a := &res.Assessments[i]
		if got := out.Cell(a); got != want[a.Partner.Name] {
			t.Errorf("%s: Campaigns cell %q, want %q", a.Partner.Name, got, want[a.Partner.Name])
		}
	}
	housing, budget := out.Maps[0], out.Maps[1]
	if housing.Target.Partner == nil || housing.Target.Support != 0 || !housing.Target.Known {
		t.Errorf("housing target %+v: want the senator's own neutral stance", housing.Target)
	}
	if len(housing.Placements) != 3 {
		t.Errorf("housing bill places %d partners, want 3 (the target is drawn apart)", len(housing.Placements))
	}
	if budget.Target.Partner != nil || budget.Target.Support != -1 || !budget.Target.Known {
		t.Errorf("budget target %+v: want the mayor's Stances row, -1", budget.Target)
	}
	if housing.DaysLeft != 10 {
		t.Errorf("days left %d, want 10", housing.DaysLeft)
	}
	// Persuade first: Q2 by campaign power: Paper 4, Union 3.4, Chamber 3.2.
	var names []string
	for _, pl := range housing.PersuadeFirst {
		names = append(names, pl.Name())
	}
	if got := joined(names); got != "Paper, Union, Chamber" {
		t.Errorf("persuade first %s", got)
	}
	// Not assessed for the budget: high-power partners with no row there: Union (3.4) and
	// the senator (5); Paper has a row, Chamber is low power.
	names = nil
	for _, pl := range budget.NotAssessed {
		names = append(names, pl.Name())
	}
	if got := joined(names); got != "Senator Vega, Union" && got != "Union, Senator Vega" {
		t.Errorf("not assessed for the budget: %s", got)
	}
}

func joined(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += ", "
		}
		out += v
	}
	return out
}

func TestFindMatchesCaseAndSpaces(t *testing.T) {
	res := Result{Maps: []Map{{Campaign: &Campaign{Name: "Housing  Bill 2027"}}, {Campaign: &Campaign{Name: "Budget"}}}}
	for _, q := range []string{"housing bill 2027", "HOUSING BILL 2027", " Housing Bill  2027 ", "housingbill2027"} {
		if m, ok := res.Find(q); !ok || m.Campaign.Name != "Housing  Bill 2027" {
			t.Errorf("Find(%q) = %v, %v", q, m, ok)
		}
	}
	if _, ok := res.Find("housing"); ok {
		t.Error("a part of a name matched")
	}
}

func TestParseStatus(t *testing.T) {
	for in, want := range map[string]Status{"": Active, "active": Active, " WON ": Won, "Lost": Lost, "paused": Paused, "on  hold": Paused} {
		if got, err := ParseStatus(in); err != nil || got != want {
			t.Errorf("ParseStatus(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseStatus("finished"); err == nil {
		t.Error("an unknown status was accepted")
	}
}

func FuzzParseStatus(f *testing.F) {
	for _, s := range []string{"Active", "won", " Paused ", "on hold", "", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		st, err := ParseStatus(s)
		if err == nil && st != Active && st != Won && st != Lost && st != Paused {
			t.Fatalf("ParseStatus(%q) = %q", s, st)
		}
	})
}

// BenchmarkCompute maps 5 campaigns over 10k partners with a Stances row for a fifth of
// them per campaign, and every partner's Priorities cell: the work a sync adds for campaigns.
func BenchmarkCompute(b *testing.B) {
	cfg := scoring.DefaultConfig()
	var recs scoring.Records
	for i := range 10000 {
		recs.Partners = append(recs.Partners, partner(fmt.Sprintf("Partner %d", i), float64(i%5-2), true, float64(1+i%5), 3, 3, 3))
	}
	res := scoring.Score(recs, cfg, scoring.DateOf(2026, 12, 1))
	var camp Records
	for c := range 5 {
		name := fmt.Sprintf("Campaign %d", c)
		camp.Campaigns = append(camp.Campaigns, Campaign{Name: name, Key: scoring.FoldName(name), Target: "Partner 7", TargetKey: "partner 7"})
		for i := c; i < 10000; i += 5 {
			camp.Stances = append(camp.Stances, stance(fmt.Sprintf("Partner %d", i), name, scoring.Some(1), scoring.Some(5)))
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		out := Compute(camp, res, cfg)
		for i := range res.Assessments {
			_ = out.Cell(&res.Assessments[i]) // every Priorities cell
		}
	}
}
