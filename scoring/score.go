package scoring

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/partnermap/partnermap/internal/chunks"
)

// Score computes everything of §3 for recs as of day asOf with cfg. It is pure: no I/O, no
// clock, and it never modifies recs. Assessment.Partner and Assessment.WarmPaths point into
// recs, so the result shares recs' backing arrays.
//
// Where §3 is silent:
//   - Inactive partners are left out of every output and only counted in Result.Inactive.
//   - Meetings and assets whose PartnerKey matches no partner are ignored for partners; such an
//     asset still counts as an Unused asset, since its partner has had no meeting in window.
//   - Meetings with no date are ignored entirely.
//   - Of meetings on the same date, the lower row (larger row number) is the later one: for the
//     latest past meeting, the row that decides a commitment, the latest Ask, and the first
//     offer of a new lead.
//   - Owners are shown with their Members-tab spelling, else the first spelling among partners,
//     in both Owners and Follow-ups.
func Score(recs Records, cfg Config, asOf Date) Result {
	return scoreIn(recs, cfg, asOf, 0)
}

// scoreIn is Score assessing the partners in the given number of chunks side by side (0: one
// per processor, each of at least minAssessChunk partners).
func scoreIn(recs Records, cfg Config, asOf Date, k int) Result {
	ix := buildIndex(recs)
	facts := gatherFacts(recs, cfg, asOf, ix)

	res := Result{AsOf: asOf}
	res.Assessments, res.Issues, res.Inactive, res.RingCounts, res.QuadrantCounts = assessAll(recs, facts, ix, cfg, asOf, k)
	rank(res.Assessments)

	owners := newOwnerNames(recs, res.Assessments)
	for i := range res.Assessments {
		res.Assessments[i].Owner = owners.name(res.Assessments[i].Partner)
	}
	// Connections, follow-ups and owner loads only read what is above: the connections
	// (a quarter of Score at 100k partners) are listed beside the other two.
	conns := make(chan []Connection, 1)
	go func() { conns <- connections(recs, cfg, ix, facts, res.Assessments) }()
	res.FollowUps = followUps(res.Assessments, owners, cfg, asOf)
	res.Owners = ownerLoads(recs, res.Assessments, owners, cfg, asOf)
	res.Connections = <-conns
	slices.SortStableFunc(res.Issues, func(x, y Issue) int { return cmp.Compare(x.Row, y.Row) })
	return res
}

// minAssessChunk is the fewest partners worth a goroutine of their own in assessAll.
const minAssessChunk = 4096

// assessAll assesses every active partner, in partner order, with the Issues of each in
// that order too, and counts them by ring and quadrant. A large sheet's partners are cut
// into contiguous chunks assessed side by side, one goroutine each with its own scratch;
// each chunk writes its own part of the assessments and of the warm paths, and its issues
// follow the previous chunk's, so the result is the one a single pass gives.
func assessAll(recs Records, facts []facts, ix *index, cfg Config, asOf Date, k int) (as []Assessment, issues []Issue, inactive int, rings [6]int, quadrants [5]int) {
	// Where each partner's assessment and warm paths go: warm paths of all active partners
	// share one backing array, one allocation, not one per partner.
	at := make([]int32, len(recs.Partners)+1)     // assessment of partner i: as[at[i]], when active
	pathAt := make([]int32, len(recs.Partners)+1) // its warm paths: paths[pathAt[i]:pathAt[i+1]]
	for i := range recs.Partners {
		at[i+1], pathAt[i+1] = at[i], pathAt[i]
		if recs.Partners[i].Inactive {
			inactive++
		} else {
			at[i+1]++
			pathAt[i+1] += ix.assetStart[i+1] - ix.assetStart[i]
		}
	}
	as = make([]Assessment, at[len(recs.Partners)])
	paths := make([]*Asset, pathAt[len(recs.Partners)])

	if k <= 0 {
		k = chunks.Count(len(recs.Partners), minAssessChunk)
	}
	k = max(1, min(k, len(recs.Partners)))
	type chunk struct {
		issues    []Issue
		rings     [6]int
		quadrants [5]int
	}
	parts := make([]chunk, k)
	chunks.Each(len(recs.Partners), k, func(c, lo, hi int) {
		part := &parts[c]
		var steps stepScratch
		for i := lo; i < hi; i++ {
			p := &recs.Partners[i]
			if p.Inactive {
				continue
			}
			mine := paths[pathAt[i]:pathAt[i+1]:pathAt[i+1]]
			for k, ai := range ix.assetsOf(i) {
				mine[k] = &recs.Assets[ai]
			}
			a := &as[at[i]]
			*a = assess(p, &facts[i], recs.Meetings, ix.meetingsOf(i), mine, &steps, cfg, asOf)
			part.issues = appendIssues(part.issues, a, cfg)
			part.rings[a.Ring]++
			part.quadrants[a.Quadrant]++
		}
	})
	issues = parts[0].issues
	if len(parts) > 1 {
		found := 0
		for _, part := range parts {
			found += len(part.issues)
		}
		issues = make([]Issue, 0, found)
		for _, part := range parts {
			issues = append(issues, part.issues...)
		}
	}
	for _, part := range parts {
		for r, n := range part.rings {
			rings[r] += n
		}
		for q, n := range part.quadrants {
			quadrants[q] += n
		}
	}
	return as, issues, inactive, rings, quadrants
}

// index groups meetings and assets by partner once, so no computation loops over
// partners × meetings. Groups are stored flat (offsets into one slice per record kind).
type index struct {
	byKey map[string]int // partner key → index in Records.Partners
	// meetingPartner[m] is the partner index of meeting m, or -1 when it matches none or has no date.
	meetingPartner []int32
	// Meetings of partner i are meetings[meetingStart[i]:meetingStart[i+1]], in input order.
	meetingStart, meetings []int32
	// assetPartner[a] is the partner index of asset a, or -1.
	assetPartner       []int32
	assetStart, assets []int32
}

func (ix *index) meetingsOf(i int) []int32 {
	return ix.meetings[ix.meetingStart[i]:ix.meetingStart[i+1]]
}
func (ix *index) assetsOf(i int) []int32 { return ix.assets[ix.assetStart[i]:ix.assetStart[i+1]] }

func buildIndex(recs Records) *index {
	ix := &index{byKey: make(map[string]int, len(recs.Partners))}
	for i := range recs.Partners {
		ix.byKey[partnerKey(&recs.Partners[i])] = i
	}
	lookup := func(key string) int32 {
		if key == "" {
			return -1
		}
		if i, ok := ix.byKey[key]; ok {
			return int32(i)
		}
		return -1
	}
	ix.meetingPartner = make([]int32, len(recs.Meetings))
	for m := range recs.Meetings {
		pi := int32(-1)
		if !recs.Meetings[m].Date.IsZero() {
			pi = lookup(recs.Meetings[m].PartnerKey)
		}
		ix.meetingPartner[m] = pi
	}
	ix.assetPartner = make([]int32, len(recs.Assets))
	for a := range recs.Assets {
		ix.assetPartner[a] = lookup(recs.Assets[a].PartnerKey)
	}
	ix.meetingStart, ix.meetings = group(ix.meetingPartner, len(recs.Partners))
	ix.assetStart, ix.assets = group(ix.assetPartner, len(recs.Partners))
	return ix
}

// group turns owner[r] (the group of record r, or -1) into offsets and record indices
// grouped by owner, keeping input order within a group (a counting sort).
func group(owner []int32, n int) (start, members []int32) {
	start = make([]int32, n+1)
	for _, o := range owner {
		if o >= 0 {
			start[o+1]++
		}
	}
	for i := 1; i <= n; i++ {
		start[i] += start[i-1]
	}
	members = make([]int32, start[n])
	next := slices.Clone(start[:n])
	for r, o := range owner {
		if o >= 0 {
			members[next[o]] = int32(r)
			next[o]++
		}
	}
	return start, members
}

// facts are what one pass over a partner's meetings yields.
type facts struct {
	touches, participations, leadership int
	first, last                         Date // earliest and latest past meeting
	planned                             Date // earliest planned meeting
	latest                              int  // index of the latest past meeting, -1 if none
	lastAsk                             int  // index of the latest past meeting with an Ask, -1 if none
	asked                               bool // some past meeting has an Ask
	met                                 bool // some meeting, past or planned
}

// gatherFacts computes the facts of every partner, inactive ones too: an asset of an inactive
// partner is still unused when that partner had no meeting in window.
func gatherFacts(recs Records, cfg Config, asOf Date, ix *index) []facts {
	windowStart := asOf.AddDays(-cfg.WindowDays) // in window: windowStart < date ≤ asOf
	all := make([]facts, len(recs.Partners))
	for i := range all {
		f := &all[i]
		f.latest, f.lastAsk = -1, -1
		for _, mi := range ix.meetingsOf(i) {
			m := &recs.Meetings[mi]
			f.met = true
			if m.Date > asOf {
				if f.planned.IsZero() || m.Date < f.planned {
					f.planned = m.Date
				}
				continue
			}
			if m.Date > windowStart {
				f.touches++
				if m.Type.Participation() {
					f.participations++
				}
				if m.Role.Leadership() {
					f.leadership++
				}
			}
			if f.first.IsZero() || m.Date < f.first {
				f.first = m.Date
			}
			// The latest past meeting; on the same date the lower row (larger row number) wins.
			if f.latest < 0 || m.Date > f.last || (m.Date == f.last && m.Row > recs.Meetings[f.latest].Row) {
				f.latest = int(mi)
				f.last = m.Date
			}
			if !blank(m.Ask) {
				f.asked = true
				if f.lastAsk < 0 || later(m, &recs.Meetings[f.lastAsk]) > 0 {
					f.lastAsk = int(mi)
				}
			}
		}
	}
	return all
}

// assess computes one active partner's assessment, except its rank.
// ms are the partner's meetings (indices into meetings).
func assess(p *Partner, f *facts, meetings []Meeting, ms []int32, paths []*Asset, steps *stepScratch, cfg Config, asOf Date) Assessment {
	a := Assessment{
		Partner:        p,
		Touches:        f.touches,
		Participations: f.participations,
		Leadership:     f.leadership,
		FirstContact:   f.first,
		LastContact:    f.last,
		NextPlanned:    f.planned,
		WarmPaths:      paths,
	}
	a.Alignment, a.Support, a.SupportKnown = alignmentSupport(p)
	a.Behaviour = behaviour(f.participations, f.leadership, cfg)
	a.Ring = ringOf(a.Behaviour, a.Alignment, cfg)
	if p.RingOverride >= 1 && p.RingOverride <= 5 {
		a.Ring, a.RingOverridden = p.RingOverride, true
	}
	a.Power, a.PowerKnown = power(p, cfg)
	a.Quadrant = quadrantOf(a.Power, a.Support, cfg)
	a.Access = access(paths, cfg)

	if f.lastAsk >= 0 {
		// A copy, not a pointer into the meeting log: a result kept after scoring (a sync's
		// report, through the write) would otherwise keep every meeting alive, 216 MB of a
		// 100k-partner sync's peak for the few meetings with the latest asks.
		last := meetings[f.lastAsk]
		a.LastAsk = &last
	}
	a.OpenSteps = commitments(ms, meetings, f.latest, cfg, asOf, steps)
	for _, s := range a.OpenSteps {
		a.StepOverdue = a.StepOverdue || s.Due < asOf
		a.StepDueSoon = a.StepDueSoon || (s.Due >= asOf && s.Due <= asOf.AddDays(cfg.SoonDays))
	}
	if c := cadence(a.Ring, cfg); a.NextPlanned.IsZero() && !a.LastContact.IsZero() && c > 0 {
		a.CheckInDue = int(asOf-a.LastContact) > c
	}
	switch {
	case a.StepOverdue || a.CheckInDue:
		a.Urgency = cfg.OverdueUrgency
	case a.StepDueSoon:
		a.Urgency = cfg.SoonUrgency
	}
	a.Score = roundHalfUp(scorePoints(&a, cfg))
	a.Score = min(max(a.Score, 0), 100)
	if cfg.Nonpartisan && p.Endorses {
		a.Warning = nonpartisanWarning
	}
	a.NextMove = nextMove(&a, f, cfg, asOf)
	a.Why = why(&a, cfg, asOf)
	return a
}

const nonpartisanWarning = "endorses candidates: check the nonpartisan policy before partnering"

// alignmentSupport gives A (Alignment, else Stance + 3) and S (Stance, else A − 3, else a
// neutral 0 that is flagged as unknown).
func alignmentSupport(p *Partner) (align Maybe, support float64, known bool) {
	switch {
	case p.Alignment.Known:
		align = p.Alignment
	case p.Stance.Known:
		align = Some(p.Stance.Value + 3)
	}
	switch {
	case p.Stance.Known:
		return align, p.Stance.Value, true
	case align.Known:
		return align, align.Value - 3, true
	}
	return align, 0, false
}

// behaviour is b of the rings: how much the partner took part and led in window.
func behaviour(participations, leadership int, cfg Config) int {
	switch {
	case leadership >= cfg.CoreLeadership:
		return 1
	case leadership >= cfg.PotentialLeadership || participations >= cfg.PotentialParticipation:
		return 2
	case participations >= cfg.ActiveParticipation:
		return 3
	}
	return 4
}

// ringOf combines behaviour with alignment: alignment caps how close to the core a partner
// can be, and an unknown alignment caps at ring 3 (ring 5 when there is no behaviour either).
func ringOf(b int, align Maybe, cfg Config) int {
	if !align.Known {
		if b == 4 {
			return 5
		}
		return max(b, 3)
	}
	switch {
	case align.Value < cfg.MinAlignment:
		return 5
	case align.Value >= cfg.CoreAlignment:
		return max(b, 1)
	case align.Value >= cfg.PotentialAlignment:
		return max(b, 2)
	}
	return max(b, 3)
}

// power is the weighted mean of the known power columns. Columns whose weight is 0 do not
// count as known; with none, P is cfg.DefaultPower and not known.
func power(p *Partner, cfg Config) (float64, bool) {
	var sum, weights float64
	for _, c := range [...]struct {
		v Maybe
		w float64
	}{{p.Influence, cfg.InfluenceWeight}, {p.Trust, cfg.TrustWeight}, {p.Impact, cfg.ImpactWeight}, {p.Capacity, cfg.CapacityWeight}} {
		if c.v.Known && c.w > 0 {
			sum += c.w * c.v.Value
			weights += c.w
		}
	}
	if weights == 0 {
		return cfg.DefaultPower, false
	}
	return sum / weights, true
}

func quadrantOf(power, support float64, cfg Config) Quadrant {
	high, supportive := power >= cfg.HighPower, support > cfg.SupportiveAbove
	switch {
	case high && supportive:
		return Q1Engage
	case high:
		return Q2Persuade
	case supportive:
		return Q3BuildUp
	}
	return Q4Monitor
}

// access is how reachable the partner is through members' ties: Σ strength / AccessFull, capped at 1.
func access(paths []*Asset, cfg Config) float64 {
	sum := 0
	for _, a := range paths {
		sum += max(a.Strength, 0)
	}
	if sum == 0 || cfg.AccessFull <= 0 {
		return 0
	}
	return math.Min(1, float64(sum)/cfg.AccessFull)
}

// cadence is the check-in cadence of a ring in days; 0 means no check-in is due.
func cadence(ring int, cfg Config) int {
	if ring < 1 || ring > len(cfg.Cadence) {
		return 0
	}
	return cfg.Cadence[ring-1]
}

// points are the four components of the priority score, unrounded.
type points struct{ power, support, access, urgency float64 }

func componentPoints(a *Assessment, cfg Config) points {
	return points{
		power:   cfg.PowerPoints * (a.Power - 1) / 4,
		support: cfg.SupportPoints * (a.Support + 2) / 4,
		access:  cfg.AccessPoints * a.Access,
		urgency: cfg.UrgencyPoints * a.Urgency,
	}
}

func scorePoints(a *Assessment, cfg Config) float64 {
	p := componentPoints(a, cfg)
	return p.power + p.support + p.access + p.urgency
}

// roundHalfUp rounds x to the nearest integer, halves up. The small epsilon absorbs float
// error, so that 13 + 12.5 computed as 25.499999999999996 still rounds to 26.
func roundHalfUp(x float64) int {
	return int(math.Floor(x + 0.5 + 1e-9))
}

// rank orders assessments by score (desc), then power (desc), then name, and numbers them.
// It sorts small keys and then moves each assessment once, since assessments are large.
func rank(as []Assessment) {
	type key struct {
		score int
		power float64
		name  string
		at    int
	}
	keys := make([]key, len(as))
	for i := range as {
		keys[i] = key{as[i].Score, as[i].Power, partnerKey(as[i].Partner), i}
	}
	slices.SortFunc(keys, func(x, y key) int {
		if c := cmp.Compare(y.score, x.score); c != 0 {
			return c
		}
		if c := cmp.Compare(y.power, x.power); c != 0 {
			return c
		}
		if c := strings.Compare(x.name, y.name); c != 0 {
			return c
		}
		return cmp.Compare(x.at, y.at)
	})
	// Apply the permutation in place, cycle by cycle: position r receives as[keys[r].at].
	for start := range keys {
		if keys[start].at < 0 {
			continue
		}
		saved := as[start]
		r := start
		for {
			from := keys[r].at
			keys[r].at = -1
			if from == start {
				as[r] = saved
				break
			}
			as[r] = as[from]
			r = from
		}
	}
	for i := range as {
		as[i].Rank = i + 1
	}
}

// appendIssues appends the Data Issues scoring finds in one partner's row.
func appendIssues(out []Issue, a *Assessment, cfg Config) []Issue {
	p := a.Partner
	if !a.SupportKnown {
		out = append(out, Issue{Tab: "Partners", Row: p.Row, Column: "Stance", Severity: SevInfo,
			Problem: "no Stance or Alignment: support counted as neutral (0)"})
	}
	if !a.PowerKnown {
		out = append(out, Issue{Tab: "Partners", Row: p.Row, Column: "Influence", Severity: SevInfo,
			Problem: "no Influence, Trust, Impact or Capacity: power counted as " + formatNum(cfg.DefaultPower)})
	}
	if a.Warning != "" {
		out = append(out, Issue{Tab: "Partners", Row: p.Row, Column: "Endorses candidates", Value: "yes",
			Severity: SevWarning, Problem: a.Warning})
	}
	return out
}

// partnerKey is the partner's folded name, folded here if decoding left it empty.
func partnerKey(p *Partner) string {
	if p.Key == "" && p.Name != "" {
		return FoldName(p.Name)
	}
	return p.Key
}

// ownerKey is the folded owner name, folded here if decoding left it empty.
func ownerKey(p *Partner) string {
	if p.OwnerKey == "" && !blank(p.Owner) {
		return FoldName(p.Owner)
	}
	return p.OwnerKey
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }
