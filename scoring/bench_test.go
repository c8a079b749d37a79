package scoring

import (
	"fmt"
	"runtime"
	"testing"
)

// benchRecords builds n partners with perPartner meetings each, a varied mix so that every
// rule runs: rings, open and done steps, planned meetings, owners, assets and introductions.
// Keys and rows are not filled in; pass the result through prepared.
func benchRecords(n, perPartner int) Records {
	r := Records{
		Partners: make([]Partner, 0, n),
		Meetings: make([]Meeting, 0, n*perPartner),
		Assets:   make([]Asset, 0, n/2+1),
		Members:  make([]Member, 0, 20),
	}
	types := []MeetingType{OneToOne, Event, JointAction, CoalitionMeeting, Call, Email}
	roles := []Role{RoleNone, RoleAttended, RoleCoSponsored, RoleCoLed, RoleLed}
	for m := range 20 {
		r.Members = append(r.Members, Member{Name: fmt.Sprintf("Member %d", m), MaxRelationships: m % 3 * 5})
	}
	for i := range n {
		name := fmt.Sprintf("Partner %d", i)
		p := Partner{Name: name, Inactive: i%17 == 0, Endorses: i%13 == 0, Stage: StageTransactional}
		if i%5 != 0 {
			p.Owner = fmt.Sprintf("member %d", i%25) // some owners are not members
		}
		if i%7 != 0 {
			p.Stance = Some(float64(i%5 - 2))
		}
		if i%3 != 0 {
			p.Influence = Some(float64(i%5 + 1))
			p.Trust = Some(float64((i+2)%5 + 1))
		}
		if i%4 == 0 {
			p.Alignment = Some(float64(i%9)/2 + 1)
		}
		if i%11 == 0 {
			p.AssessedOn, p.AssessedBy = ago(400+i%50), "Member 1"
		}
		r.Partners = append(r.Partners, p)
		for j := range perPartner {
			m := Meeting{Partner: name, Date: ago((i*7+j*37)%400 - 20), Type: types[(i+j)%len(types)], Role: roles[(i*3+j)%len(roles)]}
			if j%3 == 0 {
				m.NextStep, m.Done = "Send the follow-up letter", (i+j)%4 == 0
				if j%2 == 0 {
					m.Due = m.Date.AddDays(10)
				}
			}
			if (i+j)%6 == 0 {
				m.Ask = "Co-sign"
			}
			if (i+j)%29 == 0 {
				m.Introductions = []string{fmt.Sprintf("Lead %d", (i*j)%97), fmt.Sprintf("Partner %d", j)}
			}
			r.Meetings = append(r.Meetings, m)
		}
		if i%2 == 0 {
			target := name
			if i%10 == 0 {
				target = "" // an asset linked to no partner
			}
			r.Assets = append(r.Assets, Asset{Member: fmt.Sprintf("Member %d", i%20), Category: "Skill", Asset: "design", Partner: target, Strength: i%3 + 1})
		}
	}
	return r
}

// BenchmarkScore scores 1k, 10k and 100k partners with ten meetings each; the 100k case
// (1M meetings) is the target of BENCHMARKS.md: under 1 s and 1 GiB. Run it with
// -benchtime=1x on a shared machine.
func BenchmarkScore(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		before := liveHeap()
		recs := prepared(benchRecords(n, 10))
		input := liveHeap() - before
		cfg := DefaultConfig()
		cfg.Nonpartisan = true
		b.Run(fmt.Sprintf("partners=%d/meetings=%d", n, len(recs.Meetings)), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Score(recs, cfg, asOf)
			}
			// The records scored are live throughout: with B/op they bound the peak heap.
			b.ReportMetric(float64(input)/(1<<20), "input-MiB")
		})
	}
}

// liveHeap is the heap in use after a collection.
func liveHeap() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
