package scoring

import "testing"

func TestWhy(t *testing.T) {
	ringOne := func(p *Partner) { p.RingOverride = 1 }
	tests := []struct {
		name     string
		partner  Partner
		meetings []Meeting
		assets   []Asset
		want     string
	}{
		{
			name:     "every component with its points",
			partner:  partner("P", influence(4.2), stance(1)),
			meetings: []Meeting{meeting("P", ago(30), step("Send the budget", ago(12)))},
			assets:   []Asset{asset("Ana", "", "a", "P", 1), asset("Ben", "", "b", "P", 1)},
			want:     "power 4.2 of 5 (+32); supports us (+1: +19); 2 warm paths via Ana, Ben (+13); next step 12 days overdue (+15)",
		},
		{
			name:    "defaulted values are said to be defaulted",
			partner: partner("P"),
			want:    "power unknown, counted as 3 (+20); support unknown, counted as neutral (+13); no warm path (+0); nothing overdue (+0)",
		},
		{
			name:    "support taken from alignment says so",
			partner: partner("P", influence(1), alignment(4.5)),
			want:    "power 1 of 5 (+0); strongly supports us (from alignment 4.5 of 5: +22); no warm path (+0); nothing overdue (+0)",
		},
		{
			name:    "opposition in words",
			partner: partner("P", influence(5), stance(-1)),
			want:    "power 5 of 5 (+40); opposes us (-1: +6); no warm path (+0); nothing overdue (+0)",
		},
		{
			name:    "strong opposition in words",
			partner: partner("P", influence(5), stance(-2)),
			want:    "power 5 of 5 (+40); strongly opposes us (-2: +0); no warm path (+0); nothing overdue (+0)",
		},
		{
			name:    "neutral stance in words",
			partner: partner("P", influence(3), stance(0)),
			want:    "power 3 of 5 (+20); neutral (0: +13); no warm path (+0); nothing overdue (+0)",
		},
		{
			name:    "a member with two ties is named once",
			partner: partner("P", influence(3), stance(0.5)),
			assets:  []Asset{asset("Ana", "", "a", "P", 2), asset(" ana ", "", "b", "P", 2)},
			want:    "power 3 of 5 (+20); supports us (+0.5: +16); 2 warm paths via Ana (+20); nothing overdue (+0)",
		},
		{
			name:    "at most three members are named",
			partner: partner("P", influence(3), stance(0)),
			assets: []Asset{asset("A", "", "a", "P", 1), asset("B", "", "b", "P", 1), asset("C", "", "c", "P", 1),
				asset("D", "", "d", "P", 1), asset("E", "", "e", "P", 1)},
			want: "power 3 of 5 (+20); neutral (0: +13); 5 warm paths via A, B, C and 2 more (+20); nothing overdue (+0)",
		},
		{
			name:     "one warm path, one day overdue",
			partner:  partner("P", influence(3), stance(0)),
			meetings: []Meeting{meeting("P", ago(3), step("S", ago(1)))},
			assets:   []Asset{asset("Ana", "", "a", "P", 2)},
			want:     "power 3 of 5 (+20); neutral (0: +13); 1 warm path via Ana (+13); next step 1 day overdue (+15)",
		},
		{
			name:     "check-in overdue",
			partner:  partner("P", influence(3), stance(0), ringOne),
			meetings: []Meeting{meeting("P", ago(24))},
			want:     "power 3 of 5 (+20); neutral (0: +13); no warm path (+0); check-in 10 days overdue (+15)",
		},
		{
			name:     "next step and check-in both overdue",
			partner:  partner("P", influence(3), stance(0), ringOne),
			meetings: []Meeting{meeting("P", ago(20), step("S", ago(5)))},
			want:     "power 3 of 5 (+20); neutral (0: +13); no warm path (+0); next step 5 days overdue and check-in 6 days overdue (+15)",
		},
		{
			name:     "next step due in 3 days",
			partner:  partner("P", influence(3), stance(0)),
			meetings: []Meeting{meeting("P", ago(1), step("S", ago(-3)))},
			want:     "power 3 of 5 (+20); neutral (0: +13); no warm path (+0); next step due in 3 days (+8)",
		},
		{
			name:    "several next steps overdue: how many, and the oldest",
			partner: partner("P", influence(3), stance(0)),
			meetings: []Meeting{
				meeting("P", ago(60), step("Old", ago(40))),
				meeting("P", ago(20), step("New", ago(4))),
				meeting("P", ago(10), step("Soon", ago(-2))),
			},
			want: "power 3 of 5 (+20); neutral (0: +13); no warm path (+0); 2 next steps overdue, the oldest by 40 days (+15)",
		},
		{
			name:    "several next steps overdue and a check-in",
			partner: partner("P", influence(3), stance(0), ringOne),
			meetings: []Meeting{
				meeting("P", ago(60), step("Old", ago(40))),
				meeting("P", ago(20), step("New", ago(4))),
			},
			want: "power 3 of 5 (+20); neutral (0: +13); no warm path (+0); 2 next steps overdue, the oldest by 40 days and check-in 6 days overdue (+15)",
		},
		{
			name:    "several next steps due soon: how many, and the first",
			partner: partner("P", influence(3), stance(0)),
			meetings: []Meeting{
				meeting("P", ago(2), step("A", ago(-5))),
				meeting("P", ago(1), step("B", asOf)),
			},
			want: "power 3 of 5 (+20); neutral (0: +13); no warm path (+0); 2 next steps due soon, the first today (+8)",
		},
		{
			name:     "next step due today",
			partner:  partner("P", influence(3), stance(0)),
			meetings: []Meeting{meeting("P", ago(1), step("S", asOf))},
			want:     "power 3 of 5 (+20); neutral (0: +13); no warm path (+0); next step due today (+8)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := score(Records{Partners: []Partner{tt.partner}, Meetings: tt.meetings, Assets: tt.assets})
			if got := find(t, res, "P").Why; got != tt.want {
				t.Errorf("why\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestNextMove(t *testing.T) {
	transactional := func(p *Partner) { p.Stage = StageTransactional }
	collaborating := func(p *Partner) { p.Stage = StageCollaborating }
	deepen := DefaultConfig().DeepenDays
	tests := []struct {
		name     string
		partner  Partner
		meetings []Meeting
		want     string
	}{
		{
			name:     "overdue next step → follow up on it",
			partner:  partner("P", known),
			meetings: []Meeting{meeting("P", ago(30), step("Send the budget", ago(2)))},
			want:     "Follow up: Send the budget",
		},
		{
			name:    "never met → hold a one-to-one",
			partner: partner("P", known),
			want:    "Hold a one-to-one: learn what success looks like for them",
		},
		{
			name:     "met with no ask → make a small ask",
			partner:  partner("P", known),
			meetings: []Meeting{meeting("P", ago(30))},
			want:     "Make a small ask: an introduction or a second meeting",
		},
		{
			name:     "an ask at a planned meeting is not on record yet",
			partner:  partner("P", known),
			meetings: []Meeting{meeting("P", ago(30)), meeting("P", ago(-3), asked)},
			want:     "Make a small ask: an introduction or a second meeting",
		},
		{
			name:     "only a planned meeting: not never met, no past meeting to ask at",
			partner:  partner("P", known),
			meetings: []Meeting{meeting("P", ago(-3))},
			want:     "Keep in touch",
		},
		{
			name:    "an older undone step is followed up even after a newer meeting",
			partner: partner("P", known),
			meetings: []Meeting{
				meeting("P", ago(70), step("Send the budget", ago(40)), asked),
				meeting("P", ago(5), step("Call the pastor", ago(-10))),
			},
			want: "Follow up: Send the budget",
		},
		{
			name:    "of several overdue steps, the most overdue",
			partner: partner("P", known),
			meetings: []Meeting{
				meeting("P", ago(20), step("Newer", ago(3)), asked),
				meeting("P", ago(70), step("Older", ago(40))),
			},
			want: "Follow up: Older",
		},
		{
			name:    "same due: the later meeting's step",
			partner: partner("P", known),
			meetings: []Meeting{
				meeting("P", ago(30), step("From the earlier meeting", ago(3)), asked, row(2)),
				meeting("P", ago(20), step("From the later meeting", ago(3)), row(3)),
			},
			want: "Follow up: From the later meeting",
		},
		{
			name:     "an ask pending for over 14 days → get an answer",
			partner:  partner("P", known),
			meetings: []Meeting{meeting("P", ago(15), outcome(" Co-host the forum ", "Pending"))},
			want:     "Get an answer: Co-host the forum",
		},
		{
			name:     "an ask pending for exactly 14 days → not yet",
			partner:  partner("P", known),
			meetings: []Meeting{meeting("P", ago(14), outcome("Co-host the forum", "Pending"))},
			want:     "Keep in touch",
		},
		{
			name:    "only the latest ask counts: an old pending ask answered by a newer one",
			partner: partner("P", known),
			meetings: []Meeting{
				meeting("P", ago(60), outcome("Co-host the forum", "Pending")),
				meeting("P", ago(20), outcome("Sign the letter", "Yes")),
			},
			want: "Keep in touch",
		},
		{
			name:    "the latest ask on the same date is the lower row",
			partner: partner("P", known),
			meetings: []Meeting{
				meeting("P", ago(30), outcome("Sign the letter", "Yes"), row(3)),
				meeting("P", ago(30), outcome("Co-host the forum", "Pending"), row(4)),
				meeting("P", ago(30), outcome("Lend the hall", "No"), row(2)),
			},
			want: "Get an answer: Co-host the forum",
		},
		{
			name:    "a meeting with no ask does not hide the latest ask",
			partner: partner("P", known),
			meetings: []Meeting{
				meeting("P", ago(60), outcome("Co-host the forum", "Pending")),
				meeting("P", ago(2)),
			},
			want: "Get an answer: Co-host the forum",
		},
		{
			name:     "the latest ask's outcome is No → listen again",
			partner:  partner("P", known),
			meetings: []Meeting{meeting("P", ago(3), outcome("Co-host the forum", "No"))},
			want:     "Listen again: find a different small ask",
		},
		{
			name:    "listen again comes before going deeper",
			partner: partner("P", known, transactional),
			meetings: []Meeting{
				meeting("P", ago(deepen+1), asked),
				meeting("P", ago(3), outcome("Co-host the forum", "No")),
			},
			want: "Listen again: find a different small ask",
		},
		{
			name:    "an overdue step comes before an unanswered ask",
			partner: partner("P", known),
			meetings: []Meeting{
				meeting("P", ago(30), outcome("Co-host the forum", "Pending"), step("Send the budget", ago(2))),
			},
			want: "Follow up: Send the budget",
		},
		{
			name:     "a blank outcome is not Pending",
			partner:  partner("P", known),
			meetings: []Meeting{meeting("P", ago(30), outcome("Co-host the forum", ""))},
			want:     "Keep in touch",
		},
		{
			name:     "a step due soon is no reason to follow up yet",
			partner:  partner("P", known),
			meetings: []Meeting{meeting("P", ago(3), asked, step("S", ago(-2)))},
			want:     "Keep in touch",
		},
		{
			name:     "transactional and first met over 180 days ago → go deeper",
			partner:  partner("P", known, transactional),
			meetings: []Meeting{meeting("P", ago(deepen+1), asked), meeting("P", ago(10))},
			want:     "Go deeper: co-sponsor an event or a joint action",
		},
		{
			name:     "transactional and first met exactly 180 days ago → not yet",
			partner:  partner("P", known, transactional),
			meetings: []Meeting{meeting("P", ago(deepen), asked)},
			want:     "Keep in touch",
		},
		{
			name:     "collaborating partners are already deeper",
			partner:  partner("P", known, collaborating),
			meetings: []Meeting{meeting("P", ago(deepen+100), asked)},
			want:     "Keep in touch",
		},
		{
			name:     "ring 2 → invite to share leadership",
			partner:  partner("P", influence(3), alignment(4)),
			meetings: []Meeting{meeting("P", ago(10), typed(Event, RoleLed), asked)},
			want:     "Invite to share leadership",
		},
		{
			name:     "go deeper comes before sharing leadership",
			partner:  partner("P", influence(3), alignment(4), transactional),
			meetings: []Meeting{meeting("P", ago(deepen+1), asked), meeting("P", ago(10), typed(Event, RoleLed))},
			want:     "Go deeper: co-sponsor an event or a joint action",
		},
		{
			name:     "small ask comes before sharing leadership",
			partner:  partner("P", influence(3), alignment(4)),
			meetings: []Meeting{meeting("P", ago(10), typed(Event, RoleLed))},
			want:     "Make a small ask: an introduction or a second meeting",
		},
		{
			name:     "otherwise keep in touch",
			partner:  partner("P", known),
			meetings: []Meeting{meeting("P", ago(10), asked)},
			want:     "Keep in touch",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := score(Records{Partners: []Partner{tt.partner}, Meetings: tt.meetings})
			if got := find(t, res, "P").NextMove; got != tt.want {
				t.Errorf("next move %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFormatting(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"a whole number has no decimals", formatNum(3), "3"},
		{"one decimal is kept", formatNum(4.2), "4.2"},
		{"more decimals are rounded to one", formatNum(3.4000000000000004), "3.4"},
		{"a tiny negative is no \"-0\"", formatNum(-0.01), "0"},
		{"a positive stance has a plus", formatSigned(1), "+1"},
		{"a negative stance keeps its minus", formatSigned(-0.5), "-0.5"},
		{"neutral stance has no sign", formatSigned(0), "0"},
		{"points carry a plus", formatPoints(18.75), "+19"},
		{"negative points keep their minus", formatPoints(-6.25), "-6"},
		{"one day is singular", days(1), "1 day"},
		{"zero days are plural", days(0), "0 days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}
