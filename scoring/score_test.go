package scoring

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestActivity(t *testing.T) {
	cfg := DefaultConfig()
	w := cfg.WindowDays
	tests := []struct {
		name                             string
		meetings                         []Meeting
		touches, participations, leaders int
		first, last, planned             Date
	}{
		{name: "no meetings: no activity"},
		{
			name:     "a meeting on D is in window",
			meetings: []Meeting{meeting("P", asOf)},
			touches:  1, first: asOf, last: asOf,
		},
		{
			name:     "a meeting W−1 days ago is in window",
			meetings: []Meeting{meeting("P", ago(w-1))},
			touches:  1, first: ago(w - 1), last: ago(w - 1),
		},
		{
			name:     "a meeting exactly W days ago is past but out of window",
			meetings: []Meeting{meeting("P", ago(w))},
			first:    ago(w), last: ago(w),
		},
		{
			name:     "a meeting after D is planned, not activity",
			meetings: []Meeting{meeting("P", ago(-1)), meeting("P", ago(-30))},
			planned:  ago(-1),
		},
		{
			name:     "a meeting with no date is ignored",
			meetings: []Meeting{meeting("P", 0, typed(Event, RoleLed))},
		},
		{
			name:     "a meeting of another partner does not count",
			meetings: []Meeting{meeting("Someone else", ago(3))},
		},
		{
			name:     "meetings match the partner's name folded",
			meetings: []Meeting{meeting("  the   PARTNER ", ago(3))},
			touches:  1, first: ago(3), last: ago(3),
		},
		{
			name: "events, joint actions and coalition meetings are participations; calls are not",
			meetings: []Meeting{
				meeting("P", ago(1), typed(Event, RoleAttended)),
				meeting("P", ago(2), typed(JointAction, RoleNone)),
				meeting("P", ago(3), typed(CoalitionMeeting, RoleNone)),
				meeting("P", ago(4), typed(Call, RoleNone)),
				meeting("P", ago(5), typed(Email, RoleNone)),
			},
			touches: 5, participations: 3, first: ago(5), last: ago(1),
		},
		{
			name: "co-sponsored, co-led and led count as leadership, attended does not",
			meetings: []Meeting{
				meeting("P", ago(1), typed(Event, RoleCoSponsored)),
				meeting("P", ago(2), typed(JointAction, RoleCoLed)),
				meeting("P", ago(3), typed(CoalitionMeeting, RoleLed)),
				meeting("P", ago(4), typed(Event, RoleAttended)),
			},
			touches: 4, participations: 4, leaders: 3, first: ago(4), last: ago(1),
		},
		{
			name:     "a leadership role is counted even on a 1-1",
			meetings: []Meeting{meeting("P", ago(1), typed(OneToOne, RoleLed))},
			touches:  1, leaders: 1, first: ago(1), last: ago(1),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := range tt.meetings {
				if tt.meetings[i].Partner == "P" {
					tt.meetings[i].Partner = "The Partner"
				}
			}
			res := score(Records{Partners: []Partner{partner("The Partner", known)}, Meetings: tt.meetings})
			a := find(t, res, "The Partner")
			got := []int{a.Touches, a.Participations, a.Leadership}
			if want := []int{tt.touches, tt.participations, tt.leaders}; !slices.Equal(got, want) {
				t.Errorf("touches, participations, leadership = %v, want %v", got, want)
			}
			if a.FirstContact != tt.first || a.LastContact != tt.last || a.NextPlanned != tt.planned {
				t.Errorf("first, last, planned = %v, %v, %v; want %v, %v, %v",
					a.FirstContact, a.LastContact, a.NextPlanned, tt.first, tt.last, tt.planned)
			}
		})
	}
}

func TestRing(t *testing.T) {
	w := DefaultConfig().WindowDays
	tests := []struct {
		name      string
		edits     []func(*Partner)
		attended  int // events attended in window
		led       int // events led in window
		ledBefore int // events led before the window
		behaviour int
		ring      int
		override  bool
	}{
		{name: "leadership 2 and alignment 5 → ring 1", edits: fs(alignment(5)), led: 2, behaviour: 1, ring: 1},
		{name: "ring capped by alignment 4 → 2", edits: fs(alignment(4)), led: 2, behaviour: 1, ring: 2},
		{name: "alignment exactly 4.5 allows ring 1", edits: fs(alignment(4.5)), led: 2, behaviour: 1, ring: 1},
		{name: "alignment exactly 3.5 allows ring 2", edits: fs(alignment(3.5)), led: 1, behaviour: 2, ring: 2},
		{name: "ring capped by alignment 3.4 → 3", edits: fs(alignment(3.4)), led: 2, behaviour: 1, ring: 3},
		{name: "one leadership → behaviour 2", edits: fs(alignment(5)), led: 1, behaviour: 2, ring: 2},
		{name: "three participations → behaviour 2", edits: fs(alignment(5)), attended: 3, behaviour: 2, ring: 2},
		{name: "two participations → behaviour 3", edits: fs(alignment(5)), attended: 2, behaviour: 3, ring: 3},
		{name: "one participation → behaviour 3", edits: fs(alignment(5)), attended: 1, behaviour: 3, ring: 3},
		{name: "aligned with no participation → ring 4", edits: fs(alignment(5)), behaviour: 4, ring: 4},
		{name: "alignment below 3 → ring 5 whatever the behaviour", edits: fs(alignment(2.9)), led: 2, behaviour: 1, ring: 5},
		{name: "alignment exactly 3 is not below 3 → ring 4", edits: fs(alignment(3)), behaviour: 4, ring: 4},
		{name: "alignment unknown and no behaviour → ring 5", behaviour: 4, ring: 5},
		{name: "alignment unknown caps at ring 3", led: 2, behaviour: 1, ring: 3},
		{name: "alignment unknown with one participation → ring 3", attended: 1, behaviour: 3, ring: 3},
		{name: "alignment from stance +2 (→ 5) allows ring 1", edits: fs(stance(2)), led: 2, behaviour: 1, ring: 1},
		{name: "alignment from stance -1 (→ 2) → ring 5", edits: fs(stance(-1)), led: 2, behaviour: 1, ring: 5},
		{name: "alignment column wins over stance", edits: fs(alignment(2), stance(2)), led: 2, behaviour: 1, ring: 5},
		{name: "leadership before the window does not count", edits: fs(alignment(5)), ledBefore: 2, behaviour: 4, ring: 4},
		{
			name: "ring override wins over the computed ring", edits: fs(func(p *Partner) { p.RingOverride = 1 }),
			behaviour: 4, ring: 1, override: true,
		},
		{
			name: "ring override 5 wins over a core leader", edits: fs(alignment(5), func(p *Partner) { p.RingOverride = 5 }),
			led: 2, behaviour: 1, ring: 5, override: true,
		},
		{
			name: "ring override outside 1–5 is ignored", edits: fs(alignment(5), func(p *Partner) { p.RingOverride = 7 }),
			led: 2, behaviour: 1, ring: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ms []Meeting
			for i := range tt.attended {
				ms = append(ms, meeting("P", ago(10+i), typed(Event, RoleAttended)))
			}
			for i := range tt.led {
				ms = append(ms, meeting("P", ago(20+i), typed(Event, RoleLed)))
			}
			for i := range tt.ledBefore {
				ms = append(ms, meeting("P", ago(w+i), typed(Event, RoleLed)))
			}
			res := score(Records{Partners: []Partner{partner("P", tt.edits...)}, Meetings: ms})
			a := find(t, res, "P")
			if a.Behaviour != tt.behaviour || a.Ring != tt.ring || a.RingOverridden != tt.override {
				t.Errorf("behaviour %d, ring %d, overridden %v; want %d, %d, %v",
					a.Behaviour, a.Ring, a.RingOverridden, tt.behaviour, tt.ring, tt.override)
			}
		})
	}
}

func fs(edits ...func(*Partner)) []func(*Partner) { return edits }

func TestAlignmentAndSupport(t *testing.T) {
	tests := []struct {
		name         string
		edits        []func(*Partner)
		align        Maybe
		support      float64
		supportKnown bool
	}{
		{name: "alignment and stance both given are used as they are", edits: fs(alignment(4), stance(-1)), align: Some(4), support: -1, supportKnown: true},
		{name: "stance alone gives alignment stance + 3", edits: fs(stance(-2)), align: Some(1), support: -2, supportKnown: true},
		{name: "stance 0 gives alignment 3", edits: fs(stance(0)), align: Some(3), support: 0, supportKnown: true},
		{name: "alignment alone gives support A − 3", edits: fs(alignment(4.5)), align: Some(4.5), support: 1.5, supportKnown: true},
		{name: "neither: alignment unknown, support neutral and flagged", align: Maybe{}, support: 0, supportKnown: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := score(Records{Partners: []Partner{partner("P", append(tt.edits, influence(3))...)}})
			a := find(t, res, "P")
			if a.Alignment != tt.align || a.Support != tt.support || a.SupportKnown != tt.supportKnown {
				t.Errorf("A %v, S %v (known %v); want %v, %v (%v)", a.Alignment, a.Support, a.SupportKnown, tt.align, tt.support, tt.supportKnown)
			}
			want := []Issue(nil)
			if !tt.supportKnown {
				want = []Issue{{Tab: "Partners", Row: 2, Column: "Stance", Severity: SevInfo,
					Problem: "no Stance or Alignment: support counted as neutral (0)"}}
			}
			if !reflect.DeepEqual(res.Issues, want) {
				t.Errorf("issues = %v, want %v", res.Issues, want)
			}
		})
	}
}

func TestPower(t *testing.T) {
	some := func(i, tr, im, c Maybe) func(*Partner) {
		return func(p *Partner) { p.Influence, p.Trust, p.Impact, p.Capacity = i, tr, im, c }
	}
	none := Maybe{}
	tests := []struct {
		name  string
		cfg   func(*Config)
		edit  func(*Partner)
		power float64
		known bool
	}{
		{name: "influence weighs twice the others", edit: some(Some(5), Some(2), Some(2), Some(2)), power: 16.0 / 5, known: true},
		{name: "only present values count", edit: some(Some(4), none, Some(1), none), power: 9.0 / 3, known: true},
		{name: "influence alone is the power", edit: some(Some(4.5), none, none, none), power: 4.5, known: true},
		{name: "trust alone is the power", edit: some(none, Some(2), none, none), power: 2, known: true},
		{name: "none present → default power 3, unknown", edit: some(none, none, none, none), power: 3, known: false},
		{
			name: "none present → configured default power", cfg: func(c *Config) { c.DefaultPower = 2 },
			edit: some(none, none, none, none), power: 2, known: false,
		},
		{
			name: "a value whose weight is 0 does not count", cfg: func(c *Config) { c.TrustWeight = 0 },
			edit: some(none, Some(5), none, none), power: 3, known: false,
		},
		{
			name: "configured weights are used", cfg: func(c *Config) { c.InfluenceWeight, c.CapacityWeight = 1, 3 },
			edit: some(Some(1), none, none, Some(5)), power: 4, known: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			res := Score(prepared(Records{Partners: []Partner{partner("P", stance(0), tt.edit)}}), cfg, asOf)
			a := find(t, res, "P")
			if math.Abs(a.Power-tt.power) > 1e-12 || a.PowerKnown != tt.known {
				t.Errorf("P %v (known %v), want %v (%v)", a.Power, a.PowerKnown, tt.power, tt.known)
			}
			want := []Issue(nil)
			if !tt.known {
				want = []Issue{{Tab: "Partners", Row: 2, Column: "Influence", Severity: SevInfo,
					Problem: "no Influence, Trust, Impact or Capacity: power counted as " + formatNum(cfg.DefaultPower)}}
			}
			if !reflect.DeepEqual(res.Issues, want) {
				t.Errorf("issues = %v, want %v", res.Issues, want)
			}
		})
	}
}

func TestQuadrant(t *testing.T) {
	tests := []struct {
		name      string
		influence float64
		stance    float64
		want      Quadrant
	}{
		{name: "high power and supportive → Q1 Engage", influence: 4, stance: 1, want: Q1Engage},
		{name: "power exactly 3 is high", influence: 3, stance: 0.5, want: Q1Engage},
		{name: "stance 0 is not supportive → Q2 Persuade", influence: 3, stance: 0, want: Q2Persuade},
		{name: "high power and opposed → Q2 Persuade", influence: 5, stance: -2, want: Q2Persuade},
		{name: "power 2.9 is lower; supportive → Q3 Build up", influence: 2.9, stance: 2, want: Q3BuildUp},
		{name: "lower power and neutral → Q4 Monitor", influence: 1, stance: 0, want: Q4Monitor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := score(Records{Partners: []Partner{partner("P", influence(tt.influence), stance(tt.stance))}})
			if got := find(t, res, "P").Quadrant; got != tt.want {
				t.Errorf("quadrant %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAccess(t *testing.T) {
	tests := []struct {
		name   string
		assets []Asset
		access float64
		paths  int
	}{
		{name: "no asset → access 0"},
		{name: "one medium tie → 2/3", assets: []Asset{asset("Ana", "", "neighbour", "P", 2)}, access: 2.0 / 3, paths: 1},
		{
			name:   "strengths add up and cap at 1",
			assets: []Asset{asset("Ana", "", "a", "P", 3), asset("Ben", "", "b", "p", 2)}, access: 1, paths: 2,
		},
		{
			name:   "assets of other partners or none do not count",
			assets: []Asset{asset("Ana", "", "a", "Q", 3), asset("Ben", "", "b", "", 3), asset("Cy", "", "c", "P", 1)}, access: 1.0 / 3, paths: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := score(Records{Partners: []Partner{partner("P", known)}, Assets: tt.assets})
			a := find(t, res, "P")
			if math.Abs(a.Access-tt.access) > 1e-12 || len(a.WarmPaths) != tt.paths {
				t.Errorf("access %v with %d paths, want %v with %d", a.Access, len(a.WarmPaths), tt.access, tt.paths)
			}
		})
	}
}

func TestCommitments(t *testing.T) {
	cfg := DefaultConfig()
	tests := []struct {
		name     string
		meetings []Meeting
		want     []Step
		overdue  bool
		soon     bool
	}{
		{name: "no meeting → no open step"},
		{
			name:     "a step with a due date is open on that date",
			meetings: []Meeting{meeting("P", ago(20), step("Send the budget", ago(-30)), row(5))},
			want:     []Step{{Text: "Send the budget", Due: ago(-30), Meeting: ago(20), Row: 5}},
		},
		{
			name:     "a step with no due date is due 14 days after its meeting",
			meetings: []Meeting{meeting("P", ago(20), step(" Send the budget ", 0), row(5))},
			want:     []Step{{Text: "Send the budget", Due: ago(6), Meeting: ago(20), Row: 5}},
			overdue:  true,
		},
		{
			name:     "a done step is not open",
			meetings: []Meeting{meeting("P", ago(20), step("Send the budget", ago(1)), done)},
		},
		{
			name:     "a blank step is not open",
			meetings: []Meeting{meeting("P", ago(20), step("  ", ago(1)))},
		},
		{
			name: "a newer meeting without a step does not close an older undone step",
			meetings: []Meeting{
				meeting("P", ago(60), step("Old step", ago(40)), row(2)),
				meeting("P", ago(5), row(3)),
			},
			want:    []Step{{Text: "Old step", Due: ago(40), Meeting: ago(60), Row: 2, Earlier: true}},
			overdue: true,
		},
		{
			name: "a newer meeting with another step: both open, the most overdue first",
			meetings: []Meeting{
				meeting("P", ago(5), step("New step", ago(2)), row(2)),
				meeting("P", ago(60), step("Old step", ago(40)), row(3)),
			},
			want: []Step{
				{Text: "Old step", Due: ago(40), Meeting: ago(60), Row: 3, Earlier: true},
				{Text: "New step", Due: ago(2), Meeting: ago(5), Row: 2},
			},
			overdue: true,
		},
		{
			name: "an overdue older step and a newer step due soon: both flags",
			meetings: []Meeting{
				meeting("P", ago(60), step("Old step", ago(40)), row(2)),
				meeting("P", ago(5), step("New step", ago(-3)), row(3)),
			},
			want: []Step{
				{Text: "Old step", Due: ago(40), Meeting: ago(60), Row: 2, Earlier: true},
				{Text: "New step", Due: ago(-3), Meeting: ago(5), Row: 3},
			},
			overdue: true, soon: true,
		},
		{
			name: "a step repeated on a later row and marked done there is closed",
			meetings: []Meeting{
				meeting("P", ago(60), step("Send the budget", ago(40)), row(2)),
				meeting("P", ago(10), step("send  the BUDGET", 0), done, row(3)),
			},
		},
		{
			name: "a step carried forward with a new due date is one commitment, due on the new date",
			meetings: []Meeting{
				meeting("P", ago(60), step("Send the budget", ago(40)), row(2)),
				meeting("P", ago(10), step("Send the budget ", ago(-20)), row(3)),
			},
			want: []Step{{Text: "Send the budget", Due: ago(-20), Meeting: ago(10), Row: 3}},
		},
		{
			name: "the latest row decides: done earlier, carried forward undone later is open",
			meetings: []Meeting{
				meeting("P", ago(60), step("Send the budget", ago(40)), done, row(2)),
				meeting("P", ago(10), step("Send the budget", ago(3)), row(3)),
			},
			want:    []Step{{Text: "Send the budget", Due: ago(3), Meeting: ago(10), Row: 3}},
			overdue: true,
		},
		{
			name: "the latest row decides even when it is listed above",
			meetings: []Meeting{
				meeting("P", ago(10), step("Send the budget", ago(3)), done, row(2)),
				meeting("P", ago(60), step("Send the budget", ago(40)), row(3)),
			},
		},
		{
			name: "same date: the lower row decides",
			meetings: []Meeting{
				meeting("P", ago(5), step("S", ago(1)), done, row(9)),
				meeting("P", ago(5), step("S", ago(-20)), row(12)),
				meeting("P", ago(5), row(10)),
			},
			want: []Step{{Text: "S", Due: ago(-20), Meeting: ago(5), Row: 12}},
		},
		{
			name: "same date: a done lower row closes the step",
			meetings: []Meeting{
				meeting("P", ago(5), step("S", ago(-20)), row(12)),
				meeting("P", ago(5), step("S", ago(1)), done, row(13)),
			},
		},
		{
			name: "same due: the later meeting comes first",
			meetings: []Meeting{
				meeting("P", ago(30), step("Older", ago(4)), row(2)),
				meeting("P", ago(20), step("Newer", ago(4)), row(3)),
			},
			want: []Step{
				{Text: "Newer", Due: ago(4), Meeting: ago(20), Row: 3},
				{Text: "Older", Due: ago(4), Meeting: ago(30), Row: 2, Earlier: true},
			},
			overdue: true,
		},
		{
			name: "a planned meeting's step is not a commitment yet",
			meetings: []Meeting{
				meeting("P", ago(5), step("Past step", ago(-20)), row(2)),
				meeting("P", ago(-3), step("Planned step", ago(-10)), row(3)),
			},
			want: []Step{{Text: "Past step", Due: ago(-20), Meeting: ago(5), Row: 2}},
		},
		{
			name: "a planned meeting marking a step done does not close it",
			meetings: []Meeting{
				meeting("P", ago(5), step("Past step", ago(1)), row(2)),
				meeting("P", ago(-3), step("Past step", 0), done, row(3)),
			},
			want:    []Step{{Text: "Past step", Due: ago(1), Meeting: ago(5), Row: 2}},
			overdue: true,
		},
		{
			name:     "due yesterday is overdue",
			meetings: []Meeting{meeting("P", ago(5), step("S", ago(1)), row(2))},
			want:     []Step{{Text: "S", Due: ago(1), Meeting: ago(5), Row: 2}},
			overdue:  true,
		},
		{
			name:     "due today is due soon, not overdue",
			meetings: []Meeting{meeting("P", ago(5), step("S", asOf), row(2))},
			want:     []Step{{Text: "S", Due: asOf, Meeting: ago(5), Row: 2}},
			soon:     true,
		},
		{
			name:     "due in exactly 7 days is due soon",
			meetings: []Meeting{meeting("P", ago(5), step("S", ago(-cfg.SoonDays)), row(2))},
			want:     []Step{{Text: "S", Due: ago(-cfg.SoonDays), Meeting: ago(5), Row: 2}},
			soon:     true,
		},
		{
			name:     "due in 8 days is neither",
			meetings: []Meeting{meeting("P", ago(5), step("S", ago(-cfg.SoonDays-1)), row(2))},
			want:     []Step{{Text: "S", Due: ago(-cfg.SoonDays - 1), Meeting: ago(5), Row: 2}},
		},
		{
			name: "another partner's step is not this partner's",
			meetings: []Meeting{
				meeting("Q", ago(20), step("Send the budget", ago(10)), row(2)),
				meeting("P", ago(5), step("Send the budget", ago(-20)), row(3)),
			},
			want: []Step{{Text: "Send the budget", Due: ago(-20), Meeting: ago(5), Row: 3}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := score(Records{Partners: []Partner{partner("P", known), partner("Q", known)}, Meetings: tt.meetings})
			a := find(t, res, "P")
			if !reflect.DeepEqual(a.OpenSteps, tt.want) {
				t.Errorf("open steps %+v, want %+v", a.OpenSteps, tt.want)
			}
			if a.StepOverdue != tt.overdue || a.StepDueSoon != tt.soon {
				t.Errorf("overdue %v, due soon %v; want %v, %v", a.StepOverdue, a.StepDueSoon, tt.overdue, tt.soon)
			}
		})
	}
}

func TestScorePoints(t *testing.T) {
	tests := []struct {
		name     string
		partner  Partner
		meetings []Meeting
		assets   []Asset
		cfg      func(*Config)
		urgency  float64
		score    int
	}{
		{
			name:    "lowest everything scores 0",
			partner: partner("P", influence(1), stance(-2)), meetings: []Meeting{meeting("P", ago(1))},
			score: 0,
		},
		{
			name:     "highest everything scores 100",
			partner:  partner("P", influence(5), stance(2), alignment(5)),
			meetings: []Meeting{meeting("P", ago(40), step("S", ago(2)))},
			assets:   []Asset{asset("Ana", "", "a", "P", 3)},
			urgency:  1, score: 100,
		},
		{
			name:    "neutral middle power: 40·0.5 + 25·0.5 = 32.5 rounds half up to 33",
			partner: partner("P", influence(3), stance(0)), meetings: []Meeting{meeting("P", ago(1))},
			score: 33,
		},
		{
			name:    "rounding half up survives float error: 40·0.775 + 25·0.1 = 33.5 → 34",
			partner: partner("P", influence(4.1), stance(-1.6)), meetings: []Meeting{meeting("P", ago(1))},
			score: 34,
		},
		{
			name:     "step due soon adds half the urgency points (7.5)",
			partner:  partner("P", influence(1), stance(-2)),
			meetings: []Meeting{meeting("P", ago(1), step("S", ago(-3)))},
			urgency:  0.5, score: 8,
		},
		{
			name:     "check-in overdue adds all urgency points",
			partner:  partner("P", influence(1), stance(-2), alignment(3), func(p *Partner) { p.RingOverride = 1 }),
			meetings: []Meeting{meeting("P", ago(15))},
			urgency:  1, score: 15,
		},
		{
			name:    "one weak tie gives a third of the access points (6.67 → 7)",
			partner: partner("P", influence(1), stance(-2)), meetings: []Meeting{meeting("P", ago(1))},
			assets: []Asset{asset("Ana", "", "a", "P", 1)},
			score:  7,
		},
		{
			name:    "score clamped to 100 when the weights sum over 100",
			partner: partner("P", influence(5), stance(2)), meetings: []Meeting{meeting("P", ago(1))},
			cfg:   func(c *Config) { c.PowerPoints = 90 },
			score: 100,
		},
		{
			name:    "score clamped to 0 below the scale",
			partner: partner("P", influence(1), stance(-4)), meetings: []Meeting{meeting("P", ago(1))},
			score: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			res := Score(prepared(Records{Partners: []Partner{tt.partner}, Meetings: tt.meetings, Assets: tt.assets}), cfg, asOf)
			a := find(t, res, "P")
			if a.Urgency != tt.urgency || a.Score != tt.score {
				t.Errorf("urgency %v, score %d; want %v, %d (why: %s)", a.Urgency, a.Score, tt.urgency, tt.score, a.Why)
			}
		})
	}
}

func TestRoundHalfUp(t *testing.T) {
	tests := []struct {
		name string
		x    float64
		want int
	}{
		{"exact half rounds up", 12.5, 13},
		{"just under half rounds down", 12.49, 12},
		{"a half lost to float error still rounds up", 33.49999999999999, 34},
		{"zero stays zero", 0, 0},
		{"a whole number stays", 100, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := roundHalfUp(tt.x); got != tt.want {
				t.Errorf("roundHalfUp(%v) = %d, want %d", tt.x, got, tt.want)
			}
		})
	}
	// The float case of the score test: 40·(4.1−1)/4 + 25·(−1.6+2)/4 computes to just below 33.5.
	cfg, power, support := DefaultConfig(), 4.1, -1.6
	if x := cfg.PowerPoints*(power-1)/4 + cfg.SupportPoints*(support+2)/4; x >= 33.5 {
		t.Fatalf("test premise: expected float error below 33.5, got %v", x)
	}
}

func TestRank(t *testing.T) {
	res := score(Records{Partners: []Partner{
		partner("low", influence(1), stance(0)),
		partner("zeta", influence(3), stance(0)),
		partner("Alpha", influence(3), stance(0)),
		// Same score as zeta and Alpha (33) but higher power: 40·0.55 + 25·0.45 = 33.25.
		partner("strong", influence(3.2), stance(-0.2)),
		partner("top", influence(5), stance(2)),
	}})
	var got []string
	for i, a := range res.Assessments {
		got = append(got, a.Partner.Name)
		if a.Rank != i+1 {
			t.Errorf("%s: rank %d at index %d", a.Partner.Name, a.Rank, i)
		}
	}
	want := []string{"top", "strong", "Alpha", "zeta", "low"}
	if !slices.Equal(got, want) {
		t.Errorf("ranking %v, want %v (score desc, then power desc, then name folded)", got, want)
	}
	if s, z := find(t, res, "strong"), find(t, res, "zeta"); s.Score != z.Score {
		t.Fatalf("test premise: strong scores %d, zeta %d; want a tie", s.Score, z.Score)
	}
}

func TestNonpartisan(t *testing.T) {
	endorses := func(p *Partner) { p.Endorses = true }
	tests := []struct {
		name        string
		nonpartisan bool
		edits       []func(*Partner)
		warn        bool
	}{
		{name: "nonpartisan group: an endorsing partner is warned", nonpartisan: true, edits: fs(endorses), warn: true},
		{name: "nonpartisan group: a non-endorsing partner is not", nonpartisan: true},
		{name: "partisan group: endorsing is fine", edits: fs(endorses)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Nonpartisan = tt.nonpartisan
			res := Score(prepared(Records{Partners: []Partner{partner("P", append(tt.edits, known)...)}}), cfg, asOf)
			a := find(t, res, "P")
			var wantIssues []Issue
			wantWarning := ""
			if tt.warn {
				wantWarning = "endorses candidates: check the nonpartisan policy before partnering"
				wantIssues = []Issue{{Tab: "Partners", Row: 2, Column: "Endorses candidates", Value: "yes",
					Problem: wantWarning, Severity: SevWarning}}
			}
			if a.Warning != wantWarning || !reflect.DeepEqual(res.Issues, wantIssues) {
				t.Errorf("warning %q, issues %v; want %q, %v", a.Warning, res.Issues, wantWarning, wantIssues)
			}
			if tt.warn && a.Why[:len("Warning: "+wantWarning)] != "Warning: "+wantWarning {
				t.Errorf("why %q does not start with the warning", a.Why)
			}
		})
	}
}

func TestCountsAndInactive(t *testing.T) {
	inactive := func(p *Partner) { p.Inactive = true }
	res := score(Records{
		Partners: []Partner{
			partner("Core", influence(5), alignment(5), stance(2), func(p *Partner) { p.RingOverride = 1 }),
			partner("Persuade A", influence(4), stance(-1)),
			partner("Persuade B", influence(3), stance(0)),
			partner("Build", influence(1), stance(1)),
			// Inactive: no assessment, follow-up, owner row or issue, though it would have them all.
			partner("Gone", inactive, owner("Zed"), func(p *Partner) { p.AssessedOn = ago(1000) }),
		},
		Meetings: []Meeting{meeting("Gone", ago(400), step("Stale", ago(300)))},
	})
	if res.Inactive != 1 || len(res.Assessments) != 4 {
		t.Fatalf("inactive %d, assessments %d; want 1, 4", res.Inactive, len(res.Assessments))
	}
	// Core: ring 1; Persuade A: stance −1 → A 2 → ring 5; Persuade B: A 3 → ring 4; Build: A 4 → ring 4.
	if want := [6]int{0, 1, 0, 0, 2, 1}; res.RingCounts != want {
		t.Errorf("ring counts %v, want %v", res.RingCounts, want)
	}
	if want := [5]int{0, 1, 2, 1, 0}; res.QuadrantCounts != want {
		t.Errorf("quadrant counts %v, want %v", res.QuadrantCounts, want)
	}
	if fu := followUpsOf(res, "Gone"); len(fu) != 0 {
		t.Errorf("inactive partner has follow-ups %v", fu)
	}
	for _, o := range res.Owners {
		if o.Owner == "Zed" {
			t.Errorf("inactive partner's owner listed: %+v", o)
		}
	}
	for _, i := range res.Issues {
		if i.Row == 6 {
			t.Errorf("issue for inactive partner: %v", i)
		}
	}
}

func TestIssuesOrderedByRow(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Nonpartisan = true
	res := Score(prepared(Records{Partners: []Partner{
		partner("Late", func(p *Partner) { p.Row = 30 }),
		partner("Early", func(p *Partner) { p.Row = 3; p.Endorses = true }),
		partner("Middle", stance(1), func(p *Partner) { p.Row = 10 }),
	}}), cfg, asOf)
	var got []string
	for _, i := range res.Issues {
		got = append(got, fmt.Sprintf("%s@%d", i.Column, i.Row))
	}
	want := []string{"Stance@3", "Influence@3", "Endorses candidates@3", "Influence@10", "Stance@30", "Influence@30"}
	if !slices.Equal(got, want) {
		t.Errorf("issues %v, want %v", got, want)
	}
}

func TestScoreIsPureAndDeterministic(t *testing.T) {
	recs := prepared(benchRecords(50, 10))
	before := deepCopy(recs)
	cfg := DefaultConfig()
	first := Score(recs, cfg, asOf)
	if !reflect.DeepEqual(recs, before) {
		t.Fatal("Score modified its records")
	}
	again := Score(deepCopy(recs), cfg, asOf)
	if !reflect.DeepEqual(first, again) {
		t.Error("two runs on equal records differ")
	}
	if len(first.Assessments) != 50-first.Inactive || first.Inactive == 0 || len(first.FollowUps) == 0 || len(first.Connections) == 0 {
		t.Errorf("assessments %d, follow-ups %d, connections %d: the fixture should exercise them all",
			len(first.Assessments), len(first.FollowUps), len(first.Connections))
	}
}

func deepCopy(r Records) Records {
	c := Records{
		Partners: slices.Clone(r.Partners),
		Assets:   slices.Clone(r.Assets),
		Meetings: slices.Clone(r.Meetings),
		Members:  slices.Clone(r.Members),
	}
	for i := range c.Meetings {
		c.Meetings[i].Introductions = slices.Clone(c.Meetings[i].Introductions)
	}
	return c
}

func TestEmptyRecords(t *testing.T) {
	res := Score(Records{}, DefaultConfig(), asOf)
	if res.AsOf != asOf || len(res.Assessments) != 0 || len(res.FollowUps) != 0 || len(res.Connections) != 0 ||
		len(res.Owners) != 0 || len(res.Issues) != 0 {
		t.Errorf("empty records gave %+v", res)
	}
}

func TestFold(t *testing.T) {
	for _, s := range []string{
		"", "eastside tenants union", "Eastside Tenants Union", " leading", "trailing ", "two  spaces",
		"tab\there", "new\nline", "café", "ÉCOLE", "zero\u200bwidth", "nbsp\u00a0here", "o'brien & sons, inc.",
		"x", " ", "a b", "del\x7f", "Eastside", " a", "a ", "a  b", "a\tb", "ünï", "a\u200bb",
	} {
		if got, want := FoldName(s), foldName(s); got != want {
			t.Errorf("FoldName(%q) = %q, want foldName's %q", s, got, want)
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"eastside tenants union", "Mayor's Office", " a  b ", "\u00a0x\u200b", "A  b "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := FoldName(s), foldName(s); got != want {
			t.Errorf("FoldName(%q) = %q, want foldName's %q", s, got, want)
		}
	})
}

func TestDateOfRoundTripsAcrossCenturies(t *testing.T) {
	for _, d := range []time.Time{
		time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC),
		time.Date(2193, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC),
	} {
		got := DateOf(d.Year(), d.Month(), d.Day())
		if !got.Time().Equal(d) {
			t.Errorf("DateOf(%s) = %d → %s", d.Format("2006-01-02"), got, got)
		}
	}
	if got := DateOf(2026, 11, 23); got != 46349 {
		t.Errorf("2026-11-23 is serial %d, want 46349 as in spreadsheets", got)
	}
}
