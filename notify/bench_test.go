package notify_test

import (
	"fmt"
	"testing"

	"github.com/partnermap/partnermap/notify"
	"github.com/partnermap/partnermap/scoring"
)

// benchInput is a large group: n partners, n/20 owners with an email, five meetings a
// partner (one of them planned within the week), scored as of asOf.
func benchInput(n int) notify.Input {
	var recs scoring.Records
	owners := n / 20
	for o := range owners {
		recs.Members = append(recs.Members, member(fmt.Sprintf("Owner %d", o), fmt.Sprintf("owner%d@example.org", o), "Member", false))
	}
	recs.Members[0].Role = "Leader"
	for i := range n {
		name := fmt.Sprintf("Partner %d", i)
		recs.Partners = append(recs.Partners, partner(name, fmt.Sprintf("Owner %d", i%owners)))
		for k := range 4 {
			m := overdue(name, 3+k*20+i%11)
			m.Success, m.Ask, m.AskOutcome = "A win", "An introduction", "Pending"
			recs.Meetings = append(recs.Meetings, m)
		}
		recs.Meetings = append(recs.Meetings, scoring.Meeting{Row: 9, Date: asOf.AddDays(i % 9), Partner: name, PartnerKey: scoring.FoldName(name), Type: scoring.OneToOne})
	}
	res := scoring.Score(recs, scoring.DefaultConfig(), asOf)
	return notify.Input{Source: "s", Title: "groups.xlsx", Records: recs, Result: res}
}

// BenchmarkBuild builds and renders every digest of a 10k-partner group (500 owners).
func BenchmarkBuild(b *testing.B) {
	in := benchInput(10000)
	b.ResetTimer()
	for b.Loop() {
		digests, _ := notify.Build(in, true)
		for _, d := range digests {
			if d.Kind == notify.KindChat {
				continue
			}
			if _, err := notify.HTML(d); err != nil {
				b.Fatal(err)
			}
			if _, err := notify.Text(d); err != nil {
				b.Fatal(err)
			}
		}
	}
}
