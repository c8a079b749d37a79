package notify_test

import (
	"strings"
	"testing"

	"github.com/partnermap/partnermap/notify"
	"github.com/partnermap/partnermap/scoring"
)

// FuzzDigest renders digests from volunteer-typed names, steps and notes: rendering never
// fails, no typed text with markup reaches the HTML or the chat text unescaped, and no line
// break reaches a subject.
func FuzzDigest(f *testing.F) {
	f.Add(`<script>alert(1)</script>`, "Ana\r\nBcc: x@example.org", `"><img src=x onerror=alert(1)>`, "<!channel> & co")
	f.Add("Eastside Tenants Union", "Ana Ruiz", "Send the script", "Walkable streets")
	f.Add("\u202eevil", "  ", "{{.To.Email}}", "\x00\xff")
	f.Fuzz(func(t *testing.T, name, owner, step, success string) {
		// A marker in front of each, so typed text is never mistaken for the template's own markup.
		name, owner, step, success = "ZQ"+name, "ZQ"+owner, "ZQ"+step, "ZQ"+success
		recs := scoring.Records{
			Partners: []scoring.Partner{partner(name, owner), partner("Other "+name, "Someone Else")},
			Meetings: []scoring.Meeting{overdue(name, 3), {Row: 5, Date: asOf.AddDays(1), Partner: name, PartnerKey: scoring.FoldName(name),
				Type: scoring.OneToOne}},
			Members: []scoring.Member{member(owner, "owner@example.org", "Leader", false), member("Someone Else", "else@example.org", "Member", false)},
		}
		recs.Meetings[0].NextStep, recs.Meetings[0].Success = step, success
		digests, _ := build(t, recs, nil, true)
		for _, d := range digests {
			if strings.ContainsAny(d.Subject, "\r\n") {
				t.Fatalf("subject %q", d.Subject)
			}
			if d.Kind == notify.KindChat {
				text := notify.ChatText(d)
				for _, typed := range []string{name, owner, step} {
					if strings.ContainsAny(typed, "<>") && strings.Contains(text, typed) {
						t.Fatalf("chat shows %q unescaped", typed)
					}
				}
				continue
			}
			html, err := notify.HTML(d)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := notify.Text(d); err != nil {
				t.Fatal(err)
			}
			for _, typed := range []string{name, owner, step, success} {
				if strings.ContainsAny(typed, "<>\"") && strings.Contains(html, typed) {
					t.Fatalf("HTML shows %q unescaped", typed)
				}
			}
			if d.Kind == notify.KindOwner && strings.Contains(html, "else@example.org") {
				t.Fatal("another member's address in a digest")
			}
		}
	})
}
