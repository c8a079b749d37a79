// Package notify sends each relationship owner their part of the results once a week, and
// the leaders a summary (SPEC §7): building the digests from a scoring result (pure, in this
// file), rendering them as plain text and HTML, mailing them over SMTP or posting to a chat
// webhook, and remembering what was sent so no one gets the same week's digest twice.
package notify

import (
	"cmp"
	"fmt"
	"net/mail"
	"slices"
	"strings"

	"github.com/partnermap/partnermap/scoring"
)

// Kinds of digest; a recipient gets at most one of each per week.
const (
	KindOwner   = "owner"
	KindLeaders = "leaders"
	KindChat    = "chat"
)

// topPriorities is how many priorities the leaders' digest lists.
const topPriorities = 10

// planDays is how far ahead an owner's digest looks for planned meetings.
const planDays = 7

// Input is what digests are built from: one source's scoring run.
type Input struct {
	// Source identifies the spreadsheet (its configured label); it keys the record of what
	// was sent and the Message-IDs.
	Source string
	// Title names the spreadsheet for people: the workbook's file name or "your Google Sheet".
	Title string
	// Link opens the spreadsheet (a Google Sheet's URL); "" for a local workbook.
	Link    string
	Records scoring.Records
	Result  scoring.Result
	// Leaders are notify.leaders: addresses, or names of members, who get the leaders' digest
	// besides the members whose Role is Leader.
	Leaders []string
	// Moves are ring or quadrant changes of recent weeks, when the history knows them.
	Moves []Move
}

// Move is a partner's recent ring or quadrant change.
type Move struct {
	Partner string
	Owner   string
	Change  string // e.g. "ring 3 → 2"
	On      scoring.Date
}

// Recipient is a person a digest goes to.
type Recipient struct {
	Name  string
	Email string
}

// Digest is one message: an owner's part, or the leaders' summary.
type Digest struct {
	Kind  string
	To    Recipient
	Week  scoring.Date // the Monday of the as-of day's week
	AsOf  scoring.Date
	Title string
	Link  string
	// Subject is the mail's subject line.
	Subject string
	Owner   *OwnerPart
	Leaders *LeaderPart
}

// OwnerPart is what one relationship owner should act on: only their own partners.
type OwnerPart struct {
	FollowUps []FollowUp
	Overdue   int
	Partners  []PartnerLine
	Planned   []Prep
	Moved     []Move
}

// FollowUp is one follow-up line.
type FollowUp struct {
	Partner string
	Owner   string
	Kind    scoring.FollowUpKind
	Due     scoring.Date
	Days    int // days overdue, when HasDays
	HasDays bool
	Step    string
	Overdue bool
}

// PartnerLine is one of an owner's partners with its next move.
type PartnerLine struct {
	Name        string
	Ring        int
	Quadrant    string
	NextMove    string
	LastContact scoring.Date
}

// Prep summarises what to know before a planned meeting.
type Prep struct {
	Partner      string
	Date         scoring.Date
	Type         string
	Success      string
	SelfInterest string
	LastAsk      string
	AskOutcome   string
	Commitments  []string
	WarmPaths    []string
}

// LeaderPart is the leaders' summary of the whole group.
type LeaderPart struct {
	Active, Inactive int
	Rings            [5]int // partners in rings 1..5
	Quadrants        [4]int // partners in Q1..Q4
	FollowUps        int
	Overdue          int
	OverCapacity     []string
	Top              []Priority
	Moved            []Move
	OverdueByOwner   []OwnerOverdue
}

// Priority is one line of the top priorities.
type Priority struct {
	Rank     int
	Partner  string
	Score    int
	Quadrant string
	Ring     int
	Owner    string
	NextMove string
}

// OwnerOverdue groups the overdue follow-ups of one owner ("" for partners with no owner).
type OwnerOverdue struct {
	Owner string
	Items []FollowUp
}

// Problem is something in the Members tab that keeps a digest from going out; it becomes an
// info-level Data Issue.
type Problem struct {
	Row     int // the member's row in Members, 0 when the owner has no row there
	Column  string
	Value   string
	Problem string
}

// WeekOf returns the Monday of d's week (weeks start on Monday).
func WeekOf(d scoring.Date) scoring.Date {
	wd := int(d.Time().Weekday()+6) % 7 // Monday 0 … Sunday 6
	return d.AddDays(-wd)
}

// Build makes every digest of one run: one per owner with an email who did not opt out, one
// per leader, and the chat digest (Recipient empty) when chat is true. Problems lists owners
// who get nothing because the Members tab has no usable email for them. It is pure.
func Build(in Input, chat bool) (digests []Digest, problems []Problem) {
	asOf := in.Result.AsOf
	week := WeekOf(asOf)
	members := map[string]*scoring.Member{}
	for i := range in.Records.Members {
		members[in.Records.Members[i].Key] = &in.Records.Members[i]
	}
	base := Digest{Week: week, AsOf: asOf, Title: in.Title, Link: in.Link}
	g := group(in)

	for _, owner := range owners(in.Result) {
		m := members[scoring.FoldName(owner)]
		to, problem := address(owner, m)
		if problem != nil {
			problems = append(problems, *problem)
			continue
		}
		if to == nil {
			continue // opted out
		}
		d := base
		d.Kind, d.To = KindOwner, *to
		d.Owner = ownerPart(g, asOf, owner)
		d.Subject = ownerSubject(d)
		digests = append(digests, d)
	}

	leaders := leaderRecipients(in, members)
	if len(leaders) > 0 || chat {
		part := leaderPart(in)
		for _, to := range leaders {
			d := base
			d.Kind, d.To, d.Leaders = KindLeaders, to, part
			d.Subject = leaderSubject(d)
			digests = append(digests, d)
		}
		if chat {
			d := base
			d.Kind, d.Leaders = KindChat, part
			d.Subject = leaderSubject(d)
			digests = append(digests, d)
		}
	}
	return digests, problems
}

// owners lists the owners of active partners, in the spelling the tabs show, sorted.
func owners(res scoring.Result) []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range res.Assessments {
		if a.Owner != "" && !seen[scoring.FoldName(a.Owner)] {
			seen[scoring.FoldName(a.Owner)] = true
			out = append(out, a.Owner)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(scoring.FoldName(a), scoring.FoldName(b)) })
	return out
}

// address returns where an owner's digest goes: nil and no problem when they opted out.
func address(owner string, m *scoring.Member) (*Recipient, *Problem) {
	const fix = "add their address to the Email column of Members to send them a weekly digest of their follow-ups"
	switch {
	case m == nil:
		return nil, &Problem{Column: "Email", Value: owner,
			Problem: fmt.Sprintf("%s owns partners but has no row in Members, so gets no digest: add a row with their name and email", owner)}
	case m.NoDigest:
		return nil, nil
	case strings.TrimSpace(m.Email) == "":
		return nil, &Problem{Row: m.Row, Column: "Email", Problem: fmt.Sprintf("%s owns partners but has no email: %s", m.Name, fix)}
	}
	addr, err := mail.ParseAddress(m.Email)
	if err != nil {
		return nil, &Problem{Row: m.Row, Column: "Email", Value: m.Email,
			Problem: fmt.Sprintf("%s owns partners but %q is not one email address, so they get no digest: type one address like name@example.org", m.Name, m.Email)}
	}
	return &Recipient{Name: m.Name, Email: addr.Address}, nil
}

// leaderRecipients are the members whose Role is Leader and the notify.leaders entries, each
// address once. A leader who opted out is left out unless notify.leaders names their address.
func leaderRecipients(in Input, members map[string]*scoring.Member) []Recipient {
	var out []Recipient
	seen := map[string]bool{}
	add := func(name, email string) {
		addr, err := mail.ParseAddress(email)
		if err != nil || seen[strings.ToLower(addr.Address)] {
			return
		}
		seen[strings.ToLower(addr.Address)] = true
		out = append(out, Recipient{Name: cmp.Or(name, addr.Name), Email: addr.Address})
	}
	for _, m := range in.Records.Members {
		if m.Role == "Leader" && !m.NoDigest && m.Email != "" {
			add(m.Name, m.Email)
		}
	}
	for _, l := range in.Leaders {
		if strings.Contains(l, "@") {
			add("", l)
		} else if m := members[scoring.FoldName(l)]; m != nil && m.Email != "" {
			add(m.Name, m.Email)
		}
	}
	return out
}

func followUp(f scoring.FollowUp) FollowUp {
	return FollowUp{Partner: f.Partner, Owner: f.Owner, Kind: f.Kind, Due: f.Due, Days: f.DaysOverdue, HasDays: f.HasDays,
		Step: f.NextStep, Overdue: f.Kind == scoring.NextStepOverdue || f.Kind == scoring.CheckInOverdue}
}

// sortFollowUps puts overdue ones first, most overdue first, then the rest by due day.
func sortFollowUps(fs []FollowUp) {
	slices.SortStableFunc(fs, func(a, b FollowUp) int {
		if a.Overdue != b.Overdue {
			if a.Overdue {
				return -1
			}
			return 1
		}
		if a.Overdue {
			return cmp.Compare(b.Days, a.Days)
		}
		if a.Due.IsZero() != b.Due.IsZero() {
			if a.Due.IsZero() {
				return 1
			}
			return -1
		}
		return cmp.Compare(a.Due, b.Due)
	})
}

// byOwner groups what owners' digests show by folded owner name, and meetings by partner,
// so building every digest is one pass over the result, not one per owner.
type byOwner struct {
	assessments map[string][]*scoring.Assessment
	followUps   map[string][]scoring.FollowUp
	moves       map[string][]Move
	// meetings holds each partner's dated meetings by partner key, in row order.
	meetings map[string][]*scoring.Meeting
}

func group(in Input) byOwner {
	g := byOwner{assessments: map[string][]*scoring.Assessment{}, followUps: map[string][]scoring.FollowUp{},
		moves: map[string][]Move{}, meetings: map[string][]*scoring.Meeting{}}
	for i := range in.Result.Assessments {
		a := &in.Result.Assessments[i]
		if a.Owner != "" {
			k := scoring.FoldName(a.Owner)
			g.assessments[k] = append(g.assessments[k], a)
		}
	}
	for _, f := range in.Result.FollowUps {
		if f.Owner != "" {
			k := scoring.FoldName(f.Owner)
			g.followUps[k] = append(g.followUps[k], f)
		}
	}
	for _, mv := range in.Moves {
		if mv.Owner != "" {
			k := scoring.FoldName(mv.Owner)
			g.moves[k] = append(g.moves[k], mv)
		}
	}
	for i := range in.Records.Meetings {
		m := &in.Records.Meetings[i]
		if !m.Date.IsZero() && m.PartnerKey != "" {
			g.meetings[m.PartnerKey] = append(g.meetings[m.PartnerKey], m)
		}
	}
	return g
}

func ownerPart(g byOwner, asOf scoring.Date, owner string) *OwnerPart {
	key := scoring.FoldName(owner)
	part := &OwnerPart{Moved: g.moves[key]}
	for _, a := range g.assessments[key] {
		part.Partners = append(part.Partners, PartnerLine{Name: a.Partner.Name, Ring: a.Ring, Quadrant: a.Quadrant.String(),
			NextMove: a.NextMove, LastContact: a.LastContact})
	}
	for _, f := range g.followUps[key] {
		fu := followUp(f)
		part.FollowUps = append(part.FollowUps, fu)
		if fu.Overdue {
			part.Overdue++
		}
	}
	sortFollowUps(part.FollowUps)
	part.Planned = planned(g, asOf, g.assessments[key])
	return part
}

// planned lists the owner's meetings from the as-of day to a week ahead, each with what to
// know before it: the partner's own words from earlier meetings, the last ask, open
// commitments and who can open a door.
func planned(g byOwner, asOf scoring.Date, mine []*scoring.Assessment) []Prep {
	var out []Prep
	for _, a := range mine {
		meetings := g.meetings[a.Partner.Key]
		for _, m := range meetings {
			if m.Date < asOf || m.Date > asOf.AddDays(planDays) {
				continue
			}
			p := Prep{Partner: a.Partner.Name, Date: m.Date, Type: string(m.Type), SelfInterest: a.Partner.SelfInterest}
			// latest is the partner's last meeting before this one with get set (same date: the lower row).
			latest := func(get func(*scoring.Meeting) string) *scoring.Meeting {
				var best *scoring.Meeting
				for _, e := range meetings {
					if e.Date >= m.Date || get(e) == "" {
						continue
					}
					if best == nil || e.Date > best.Date || (e.Date == best.Date && e.Row > best.Row) {
						best = e
					}
				}
				return best
			}
			if e := latest(func(e *scoring.Meeting) string { return e.Success }); e != nil {
				p.Success = e.Success
			}
			if e := latest(func(e *scoring.Meeting) string { return e.SelfInterests }); e != nil {
				p.SelfInterest = e.SelfInterests
			}
			if e := latest(func(e *scoring.Meeting) string { return e.Ask }); e != nil {
				p.LastAsk, p.AskOutcome = e.Ask, cmp.Or(e.AskOutcome, "no outcome recorded")
			}
			// Every open commitment, not only the overdue and due-soon ones in Follow-ups.
			for _, s := range a.OpenSteps {
				p.Commitments = append(p.Commitments, commitment(s.Text, s.Due))
			}
			for _, w := range a.WarmPaths {
				p.WarmPaths = append(p.WarmPaths, fmt.Sprintf("%s: %s (%s)", w.Member, w.Asset, strength(w.Strength)))
			}
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b Prep) int { return cmp.Or(cmp.Compare(a.Date, b.Date), cmp.Compare(a.Partner, b.Partner)) })
	return out
}

func commitment(step string, due scoring.Date) string {
	if due.IsZero() {
		return step
	}
	return fmt.Sprintf("%s (due %s)", step, due)
}

func strength(s int) string {
	switch s {
	case 1:
		return "weak tie"
	case 3:
		return "strong tie"
	}
	return "medium tie"
}

func leaderPart(in Input) *LeaderPart {
	res := in.Result
	part := &LeaderPart{Active: len(res.Assessments), Inactive: res.Inactive, FollowUps: len(res.FollowUps), Moved: in.Moves}
	copy(part.Rings[:], res.RingCounts[1:6])
	copy(part.Quadrants[:], res.QuadrantCounts[1:5])
	for _, a := range res.Assessments[:min(topPriorities, len(res.Assessments))] {
		part.Top = append(part.Top, Priority{Rank: a.Rank, Partner: a.Partner.Name, Score: a.Score, Quadrant: a.Quadrant.String(),
			Ring: a.Ring, Owner: a.Owner, NextMove: a.NextMove})
	}
	byOwner := map[string]*OwnerOverdue{}
	for _, f := range res.FollowUps {
		fu := followUp(f)
		if !fu.Overdue {
			continue
		}
		part.Overdue++
		g := byOwner[scoring.FoldName(f.Owner)]
		if g == nil {
			g = &OwnerOverdue{Owner: f.Owner}
			byOwner[scoring.FoldName(f.Owner)] = g
		}
		g.Items = append(g.Items, fu)
	}
	for _, g := range byOwner {
		sortFollowUps(g.Items)
		part.OverdueByOwner = append(part.OverdueByOwner, *g)
	}
	// Most overdue items first; partners with no owner last, since nobody can act on them yet.
	slices.SortFunc(part.OverdueByOwner, func(a, b OwnerOverdue) int {
		if (a.Owner == "") != (b.Owner == "") {
			if a.Owner == "" {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(len(b.Items), len(a.Items)), cmp.Compare(scoring.FoldName(a.Owner), scoring.FoldName(b.Owner)))
	})
	for _, o := range res.Owners {
		if o.Over > 0 {
			part.OverCapacity = append(part.OverCapacity, fmt.Sprintf("%s (%d of %d)", o.Owner, o.Active, o.Max))
		}
	}
	return part
}

func ownerSubject(d Digest) string {
	return fmt.Sprintf("partnermap: %s for %s (week of %s)", overdueCount(d.Owner.Overdue), oneLine(d.To.Name), d.Week)
}

func leaderSubject(d Digest) string {
	return fmt.Sprintf("partnermap: leaders' digest, %s (week of %s)", overdueCount(d.Leaders.Overdue), d.Week)
}

func overdueCount(n int) string {
	switch n {
	case 0:
		return "no overdue follow-ups"
	case 1:
		return "1 overdue follow-up"
	}
	return fmt.Sprintf("%d overdue follow-ups", n)
}

// oneLine folds line breaks and runs of spaces a volunteer may have typed into a name, so it
// fits a subject line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// dayName formats a day for people: "Mon 23 Nov".
func dayName(d scoring.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format("Mon 2 Jan")
}
