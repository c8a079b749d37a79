package brief

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/partnermap/partnermap/profile"
	"github.com/partnermap/partnermap/scoring"
)

var asOf = scoring.DateOf(2026, time.November, 23)

// scored builds the profiles of recs as a sync would.
func scored(recs scoring.Records) []profile.Profile {
	for i := range recs.Partners {
		p := &recs.Partners[i]
		p.Row, p.Key, p.OwnerKey = i+2, scoring.FoldName(p.Name), scoring.FoldName(p.Owner)
	}
	for i := range recs.Meetings {
		m := &recs.Meetings[i]
		m.Row, m.PartnerKey = i+2, scoring.FoldName(m.Partner)
	}
	for i := range recs.Assets {
		recs.Assets[i].PartnerKey = scoring.FoldName(recs.Assets[i].Partner)
	}
	return profile.Build(recs, scoring.Score(recs, scoring.DefaultConfig(), asOf))
}

func eastside() []profile.Profile {
	d := asOf.AddDays
	return scored(scoring.Records{
		Partners: []scoring.Partner{{Name: "Eastside Tenants Union", Owner: "Maria Lopez", Type: "Organization",
			Stance: scoring.Some(1), Influence: scoring.Some(4), Goals: "Stop evictions", Represents: "400 households",
			Constraints: "No paid staff"}},
		Meetings: []scoring.Meeting{
			{Partner: "Eastside Tenants Union", Date: d(-83), Member: "Maria Lopez", Success: "No evictions this winter",
				SelfInterests: "Win rent stabilization", Ask: "Bring 20 members", AskOutcome: "Pending",
				Introductions: []string{"Rev. Lee"}, NextStep: "Send the budget", Due: d(-69)},
			{Partner: "Eastside Tenants Union", Date: d(-21), NextStep: "Introduce us to Rev. Lee", Due: d(-7)},
		},
		Assets: []scoring.Asset{{Member: "Ben Okafor", Asset: "Neighbour", Partner: "Eastside Tenants Union", Strength: 1}},
	})
}

func TestBriefSaysWhatWeKnowAndWhatToAsk(t *testing.T) {
	s := Of(&eastside()[0], asOf)
	for name, write := range map[string]func(*bytes.Buffer, Sheet) error{
		"md":   func(b *bytes.Buffer, s Sheet) error { return Markdown(b, s) },
		"html": func(b *bytes.Buffer, s Sheet) error { return HTML(b, s) },
	} {
		var b bytes.Buffer
		if err := write(&b, s); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, want := range []string{
			"Eastside Tenants Union", "owner Maria Lopez",
			"No evictions this winter (2026-09-01)", // success looks like, from the meeting
			"Win rent stabilization",                // self-interest, from the meeting notes
			"Send the budget (due 2026-09-15, 69 days overdue)",
			"Introduce us to Rev. Lee (due 2026-11-16, 7 days overdue)",
			"Ben Okafor: Neighbour (weak tie)", "Rev. Lee (2026-09-01)",
			"Bring 20 members", "Pending",
			"Follow up: Send the budget",
			"where might they pull apart", "What capacity do you have", "Who do you answer to",
			"What would success look like for your community", "small", "Who else should we talk to",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%s brief does not say %q", name, want)
			}
		}
	}
}

func TestBriefEscapesVolunteersText(t *testing.T) {
	ps := scored(scoring.Records{Partners: []scoring.Partner{{Name: "<script>alert(1)</script> | *Co*",
		Goals: "# not a heading", Influence: scoring.Some(3), Stance: scoring.Some(1)}}})
	s := Of(&ps[0], asOf)
	var h, m bytes.Buffer
	if err := HTML(&h, s); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h.String(), "<script>alert") {
		t.Error("HTML brief carries a volunteer's <script> unescaped")
	}
	if err := Markdown(&m, s); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.String(), `\| \*Co\*`) || !strings.Contains(m.String(), `\# not a heading`) {
		t.Errorf("Markdown brief does not escape markup:\n%s", m.String())
	}
}

func TestBriefClipsLongTextAndLongLists(t *testing.T) {
	long := strings.Repeat("housing justice ", 40)
	var meetings []scoring.Meeting
	for i := range 9 {
		meetings = append(meetings, scoring.Meeting{Partner: "P", Date: asOf.AddDays(-10 * (i + 1)),
			NextStep: "Step " + string(rune('A'+i)), Due: asOf.AddDays(-5 * (i + 1)), Introductions: []string{"Lead " + string(rune('A'+i))}})
	}
	ps := scored(scoring.Records{Partners: []scoring.Partner{{Name: "P", Goals: long, Influence: scoring.Some(3), Stance: scoring.Some(1)}},
		Meetings: meetings})
	s := Of(&ps[0], asOf)
	for _, f := range s.Known {
		if n := len([]rune(f.Value)); n > maxText+1 {
			t.Errorf("%s is %d characters, want at most %d", f.Name, n, maxText+1)
		}
	}
	if len(s.OpenSteps) != maxItems+1 || !strings.Contains(s.OpenSteps[maxItems], "and 6 more") {
		t.Errorf("open steps %q, want %d and a line saying how many more", s.OpenSteps, maxItems)
	}
	if len(s.Meetings) != maxMeetings || s.EarlierMeetings != 9-maxMeetings {
		t.Errorf("%d meetings shown and %d earlier, want %d and %d", len(s.Meetings), s.EarlierMeetings, maxMeetings, 9-maxMeetings)
	}
}
