package scoring

// Quadrant is a power-map quadrant.
type Quadrant int

// Quadrants of §3: high power = P ≥ HighPower, supportive = S > SupportiveAbove.
const (
	Q1Engage   Quadrant = 1 // high power, supportive
	Q2Persuade Quadrant = 2 // high power, not supportive
	Q3BuildUp  Quadrant = 3 // lower power, supportive
	Q4Monitor  Quadrant = 4 // lower power, not supportive
)

// String is the quadrant's label as shown in the tabs, e.g. "Q1 Engage".
func (q Quadrant) String() string {
	switch q {
	case Q1Engage:
		return "Q1 Engage"
	case Q2Persuade:
		return "Q2 Persuade"
	case Q3BuildUp:
		return "Q3 Build up"
	case Q4Monitor:
		return "Q4 Monitor"
	}
	return ""
}

// RingName is the alignment ring's name for rings 1–5.
func RingName(ring int) string {
	switch ring {
	case 1:
		return "Core leader"
	case 2:
		return "Potential leader"
	case 3:
		return "Active participant"
	case 4:
		return "Passive supporter"
	case 5:
		return "Not yet aligned"
	}
	return ""
}

// FollowUpKind is the exact word in the Follow-ups tab's Kind column.
type FollowUpKind string

// Follow-up kinds of §3, in the order a relationship owner should act on them.
const (
	NextStepOverdue FollowUpKind = "Next step overdue"
	CheckInOverdue  FollowUpKind = "Check-in overdue"
	NextStepDueSoon FollowUpKind = "Next step due soon"
	NeverMet        FollowUpKind = "Never met"
	NoOwner         FollowUpKind = "No owner"
	Reassess        FollowUpKind = "Reassess"
)

// ConnectionKind is the exact word in the Connections tab's Kind column.
type ConnectionKind string

// Connection kinds of §3.
const (
	WarmPath       ConnectionKind = "Warm path"
	NeedsConnector ConnectionKind = "Needs connector"
	UnusedAsset    ConnectionKind = "Unused asset"
	NewLead        ConnectionKind = "New lead"
)

// Step is an open commitment: a Next step of a past meeting that the latest row carrying
// it (rows of one partner with the same step text, folded like names) does not mark Done.
type Step struct {
	Text    string // as typed on that latest row, trimmed
	Due     Date   // its Due, or its meeting's date + DefaultDueDays
	Meeting Date   // the date of the latest meeting that carries the step
	Row     int    // that meeting's sheet row
	// Earlier is set when the step is not the latest past meeting's: before version 2 a
	// newer meeting closed it silently, so groups upgrading see it come back.
	Earlier bool
}

// Assessment is everything computed for one active partner.
type Assessment struct {
	Partner *Partner
	// Owner is the relationship owner as shown in every tab: the Members tab's spelling when
	// the member exists, else the first spelling seen.
	Owner string

	// Activity in window.
	Touches, Participations, Leadership int

	Alignment      Maybe   // A
	Support        float64 // S
	SupportKnown   bool    // false when S defaulted to neutral
	Behaviour      int     // b, 1..4
	Ring           int     // 1..5
	RingOverridden bool
	Power          float64 // P
	PowerKnown     bool    // false when P defaulted
	Quadrant       Quadrant
	Access         float64 // 0..1
	WarmPaths      []*Asset

	FirstContact Date // earliest past meeting
	LastContact  Date // latest past meeting
	NextPlanned  Date // earliest planned meeting, zero if none
	// OpenSteps are the partner's open commitments, the most overdue first (same due: the
	// later meeting first), so OpenSteps[0] is the one to follow up.
	OpenSteps   []Step
	StepOverdue bool // some open step is overdue (due < D)
	StepDueSoon bool // some open step is due soon (D ≤ due ≤ D + SoonDays)
	// LastAsk is the latest past meeting with an Ask (same date: the lower row), nil if none.
	LastAsk    *Meeting
	CheckInDue bool // check-in overdue
	Urgency    float64

	Score    int // 0..100
	Rank     int // 1 = highest priority
	NextMove string
	// Why gives the reasons for the score in words, one clause per component.
	Why string
	// Warning is set for a nonpartisan conflict.
	Warning string
}

// FollowUp is one finding in the Follow-ups tab.
type FollowUp struct {
	Owner   string
	Partner string
	Kind    FollowUpKind
	Due     Date
	// DaysOverdue is meaningful when HasDays (overdue next steps and check-ins, and scores
	// to reassess: days since they fell due).
	DaysOverdue int
	HasDays     bool
	NextStep    string // the step, or what to do for kinds without one
	LastContact Date
	Ring        int
}

// Connection is a warm path or a gap in the Connections tab.
type Connection struct {
	Kind     ConnectionKind
	Partner  string
	Member   string
	Detail   string
	Strength int // 0 = blank
}

// OwnerLoad is one row of the Owners tab.
type OwnerLoad struct {
	Owner           string
	Active          int // active partners owned
	Max             int
	OverdueFollowUp int // overdue next steps and check-ins
	Over            int // Active − Max when over capacity, else 0
}

// Result is everything one scoring run produces.
type Result struct {
	AsOf Date
	// Assessments holds the active partners, ranked: Assessments[0] has Rank 1.
	Assessments []Assessment
	FollowUps   []FollowUp
	Connections []Connection
	Owners      []OwnerLoad
	// Issues found while scoring (unknown support or power, nonpartisan conflicts).
	Issues []Issue
	// RingCounts[r] counts active partners in ring r (1..5); QuadrantCounts likewise (1..4).
	RingCounts     [6]int
	QuadrantCounts [5]int
	// Inactive counts partners left out because their Status is Inactive.
	Inactive int
}
