package notify_test

import (
	"strings"
	"testing"

	"github.com/partnermap/partnermap/notify"
	"github.com/partnermap/partnermap/scoring"
)

var asOf = scoring.DateOf(2026, 11, 25) // a Wednesday

func partner(name, owner string) scoring.Partner {
	return scoring.Partner{Name: name, Key: scoring.FoldName(name), Owner: owner, OwnerKey: scoring.FoldName(owner),
		Stance: scoring.Some(1), Influence: scoring.Some(4)}
}

func member(name, email, role string, noDigest bool) scoring.Member {
	return scoring.Member{Row: 2, Name: name, Key: scoring.FoldName(name), Email: email, Role: role, NoDigest: noDigest}
}

func overdue(p string, days int) scoring.Meeting {
	return scoring.Meeting{Row: 2, Date: asOf.AddDays(-days - 14), Partner: p, PartnerKey: scoring.FoldName(p), Type: scoring.OneToOne,
		NextStep: "Call back " + p, Due: asOf.AddDays(-days)}
}

func build(t *testing.T, recs scoring.Records, leaders []string, chat bool) ([]notify.Digest, []notify.Problem) {
	t.Helper()
	res := scoring.Score(recs, scoring.DefaultConfig(), asOf)
	return notify.Build(notify.Input{Source: "s", Title: "groups.xlsx", Records: recs, Result: res, Leaders: leaders}, chat)
}

func TestWeekOf(t *testing.T) {
	for _, c := range []struct{ day, want scoring.Date }{
		{scoring.DateOf(2026, 11, 23), scoring.DateOf(2026, 11, 23)}, // Monday
		{scoring.DateOf(2026, 11, 25), scoring.DateOf(2026, 11, 23)},
		{scoring.DateOf(2026, 11, 29), scoring.DateOf(2026, 11, 23)}, // Sunday
		{scoring.DateOf(2026, 11, 30), scoring.DateOf(2026, 11, 30)},
		{scoring.DateOf(2027, 1, 1), scoring.DateOf(2026, 12, 28)}, // across the year
	} {
		if got := notify.WeekOf(c.day); got != c.want {
			t.Errorf("WeekOf(%s) = %s, want %s", c.day, got, c.want)
		}
	}
}

func TestRecipients(t *testing.T) {
	tests := []struct {
		name     string
		members  []scoring.Member
		partners []scoring.Partner
		leaders  []string
		chat     bool
		want     []string // kind:address, in order
		problems []string // owners named in problems
	}{
		{
			name:     "an owner with an email gets their digest",
			members:  []scoring.Member{member("Ana Ruiz", "ana@example.org", "Member", false)},
			partners: []scoring.Partner{partner("Union", "Ana Ruiz")},
			want:     []string{"owner:ana@example.org"},
		},
		{
			name:     "owners match members case- and space-insensitively; the address is cleaned",
			members:  []scoring.Member{member("Ana Ruiz", " Ana Ruiz <ana@example.org> ", "Member", false)},
			partners: []scoring.Partner{partner("Union", "  ana   RUIZ ")},
			want:     []string{"owner:ana@example.org"},
		},
		{
			name:     "Digest no opts out, with no Data Issue",
			members:  []scoring.Member{member("Ana Ruiz", "ana@example.org", "Member", true)},
			partners: []scoring.Partner{partner("Union", "Ana Ruiz")},
		},
		{
			name:     "an owner with no email is a problem",
			members:  []scoring.Member{member("Ana Ruiz", "", "Member", false)},
			partners: []scoring.Partner{partner("Union", "Ana Ruiz")},
			problems: []string{"Ana Ruiz owns partners but has no email"},
		},
		{
			name:     "an owner missing from Members is a problem",
			partners: []scoring.Partner{partner("Union", "Ana Ruiz")},
			problems: []string{"Ana Ruiz owns partners but has no row in Members"},
		},
		{
			name:     "two addresses in one cell are a problem, not two recipients",
			members:  []scoring.Member{member("Ana Ruiz", "ana@example.org, ben@example.org", "Member", false)},
			partners: []scoring.Partner{partner("Union", "Ana Ruiz")},
			problems: []string{"is not one email address"},
		},
		{
			name:     "a member who owns nothing gets nothing",
			members:  []scoring.Member{member("Sam Ortiz", "sam@example.org", "Member", false), member("Ana Ruiz", "ana@example.org", "Member", false)},
			partners: []scoring.Partner{partner("Union", "Ana Ruiz")},
			want:     []string{"owner:ana@example.org"},
		},
		{
			name:     "an owner of inactive partners only gets nothing",
			members:  []scoring.Member{member("Ana Ruiz", "ana@example.org", "Member", false)},
			partners: []scoring.Partner{func() scoring.Partner { p := partner("Union", "Ana Ruiz"); p.Inactive = true; return p }()},
		},
		{
			name: "leaders by Role and by notify.leaders (address or name), each address once",
			members: []scoring.Member{member("Lena Kim", "lena@example.org", "Leader", false), member("Tom Becker", "tom@example.org", "Member", false),
				member("Opted Out", "out@example.org", "Leader", true)},
			partners: []scoring.Partner{partner("Union", "")},
			leaders:  []string{"chair@example.org", "Tom Becker", "LENA@example.org"},
			want:     []string{"leaders:lena@example.org", "leaders:chair@example.org", "leaders:tom@example.org"},
		},
		{
			name:     "the chat digest when a webhook is set",
			partners: []scoring.Partner{partner("Union", "")},
			chat:     true,
			want:     []string{"chat:"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			digests, problems := build(t, scoring.Records{Partners: tc.partners, Members: tc.members}, tc.leaders, tc.chat)
			var got []string
			for _, d := range digests {
				got = append(got, d.Kind+":"+d.To.Email)
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("digests %v, want %v", got, tc.want)
			}
			if len(problems) != len(tc.problems) {
				t.Fatalf("problems %+v, want %v", problems, tc.problems)
			}
			for i, p := range problems {
				if !strings.Contains(p.Problem, tc.problems[i]) || p.Column != "Email" {
					t.Errorf("problem %+v, want %q", p, tc.problems[i])
				}
			}
		})
	}
}

func TestOwnerDigestHoldsOnlyTheirPartners(t *testing.T) {
	recs := scoring.Records{
		Partners: []scoring.Partner{partner("Union", "Ana Ruiz"), partner("Chamber", "Ana Ruiz"), partner("Library", "Ben Ode"), partner("Church", "")},
		Meetings: []scoring.Meeting{overdue("Union", 3), overdue("Chamber", 30), overdue("Library", 10), overdue("Church", 5),
			{Row: 9, Date: asOf.AddDays(2), Partner: "Chamber", PartnerKey: "chamber", Type: scoring.OneToOne},
			{Row: 10, Date: asOf.AddDays(9), Partner: "Union", PartnerKey: "union", Type: scoring.OneToOne}},
		Members: []scoring.Member{member("Ana Ruiz", "ana@example.org", "Member", false), member("Ben Ode", "ben@example.org", "Member", false)},
	}
	digests, _ := build(t, recs, nil, false)
	ana := digests[0]
	if ana.To.Email != "ana@example.org" || ana.Owner == nil {
		t.Fatalf("first digest %+v", ana)
	}
	o := ana.Owner
	var names []string
	for _, f := range o.FollowUps {
		names = append(names, f.Partner)
	}
	if strings.Join(names, ",") != "Chamber,Union" || !o.FollowUps[0].Overdue || o.FollowUps[0].Days != 30 || o.Overdue != 2 {
		t.Errorf("follow-ups %+v: want Chamber (30 days) before Union (3 days), nothing of Ben's or unowned", o.FollowUps)
	}
	if len(o.Partners) != 2 {
		t.Errorf("partners %+v", o.Partners)
	}
	if len(o.Planned) != 1 || o.Planned[0].Partner != "Chamber" || len(o.Planned[0].Commitments) != 1 {
		t.Errorf("planned %+v: want the Chamber meeting in 2 days with its open step, not the one in 9", o.Planned)
	}
	if want := "partnermap: 2 overdue follow-ups for Ana Ruiz (week of 2026-11-23)"; ana.Subject != want {
		t.Errorf("subject %q, want %q", ana.Subject, want)
	}
	for _, part := range []func(notify.Digest) (string, error){notify.Text, notify.HTML} {
		body, err := part(ana)
		if err != nil {
			t.Fatal(err)
		}
		for _, other := range []string{"Library", "Church", "ben@example.org"} {
			if strings.Contains(body, other) {
				t.Errorf("Ana's digest shows %s", other)
			}
		}
	}
}

func TestLeadersDigest(t *testing.T) {
	recs := scoring.Records{
		Partners: []scoring.Partner{partner("Union", "Ana Ruiz"), partner("Chamber", "Ana Ruiz"), partner("Library", "Ben Ode"), partner("Church", "")},
		Meetings: []scoring.Meeting{overdue("Union", 3), overdue("Chamber", 30), overdue("Library", 10), overdue("Church", 5)},
		Members:  []scoring.Member{member("Lena Kim", "lena@example.org", "Leader", false)},
	}
	digests, _ := build(t, recs, nil, false)
	if len(digests) != 1 || digests[0].Kind != notify.KindLeaders {
		t.Fatalf("digests %+v", digests)
	}
	l := digests[0].Leaders
	if l.Active != 4 || l.Overdue != 4 || len(l.Top) != 4 {
		t.Errorf("counts %+v", l)
	}
	var groups []string
	for _, g := range l.OverdueByOwner {
		groups = append(groups, g.Owner)
	}
	if strings.Join(groups, ",") != "Ana Ruiz,Ben Ode," {
		t.Errorf("overdue by owner %q: most first, no owner last", groups)
	}
	if want := "partnermap: leaders' digest, 4 overdue follow-ups (week of 2026-11-23)"; digests[0].Subject != want {
		t.Errorf("subject %q", digests[0].Subject)
	}
}

// Volunteer text is escaped in the HTML part and in chat, and cannot break the subject line.
func TestVolunteerTextIsEscaped(t *testing.T) {
	evil := `<script>alert(1)</script> & "Co"`
	recs := scoring.Records{
		Partners: []scoring.Partner{partner(evil, "Ana\nRuiz")},
		Meetings: []scoring.Meeting{overdue(evil, 3)},
		Members:  []scoring.Member{member("Ana\nRuiz", "ana@example.org", "Leader", false)},
	}
	digests, _ := build(t, recs, nil, true)
	for _, d := range digests {
		if strings.ContainsAny(d.Subject, "\r\n") {
			t.Errorf("subject %q has a line break", d.Subject)
		}
		if d.Kind == notify.KindChat {
			if text := notify.ChatText(d); strings.Contains(text, "<script>") || !strings.Contains(text, "&lt;script&gt;") {
				t.Errorf("chat text not escaped:\n%s", text)
			}
			continue
		}
		html, err := notify.HTML(d)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(html, "<script>") || !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Co&#34;") {
			t.Errorf("%s digest: HTML not escaped", d.Kind)
		}
		text, err := notify.Text(d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, evil) {
			t.Errorf("%s digest: the text part should show the name as typed", d.Kind)
		}
	}
}

func TestMessageID(t *testing.T) {
	d := notify.Digest{Kind: notify.KindOwner, To: notify.Recipient{Email: "Ana@Example.org"}, Week: scoring.DateOf(2026, 11, 23)}
	id := notify.MessageID("xlsx:/a.xlsx", d, "Group <digests@example.org>", "")
	if !strings.HasPrefix(id, "digest.2026-11-23.") || !strings.HasSuffix(id, "@example.org") {
		t.Errorf("id %q", id)
	}
	same := d
	same.To.Email = "ana@example.org"
	if notify.MessageID("xlsx:/a.xlsx", same, "digests@example.org", "") != id {
		t.Error("the same source, recipient and week must give the same Message-ID")
	}
	for _, other := range []string{
		notify.MessageID("xlsx:/b.xlsx", d, "digests@example.org", ""),
		notify.MessageID("xlsx:/a.xlsx", notify.Digest{Kind: notify.KindLeaders, To: d.To, Week: d.Week}, "digests@example.org", ""),
		notify.MessageID("xlsx:/a.xlsx", notify.Digest{Kind: d.Kind, To: d.To, Week: d.Week.AddDays(7)}, "digests@example.org", ""),
		notify.MessageID("xlsx:/a.xlsx", d, "digests@example.org", "forced"),
	} {
		if other == id {
			t.Errorf("a different source, kind, week or a forced resend must change the Message-ID")
		}
	}
}
