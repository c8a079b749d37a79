// Package scoring is partnermap's domain: typed records of partners, assets, meetings and
// members in; rings, quadrants, priorities, follow-ups and connections out.
//
// It does no I/O and reads no clock: the as-of date is a parameter, so a result is a pure
// function of (records, config, as-of date). It imports no other partnermap package.
package scoring

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Date is a calendar day, counted as a spreadsheet serial (days since 1899-12-30).
// The zero Date means "no date".
type Date int32

// DateOf returns the Date of a calendar day.
func DateOf(year int, month time.Month, day int) Date {
	// Whole days of Unix seconds: time.Duration would overflow past the year 2192.
	t := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	return Date((t.Unix() - epoch.Unix()) / 86400)
}

// DateFromTime returns the calendar day of t's wall clock (its own zone).
func DateFromTime(t time.Time) Date { return DateOf(t.Year(), t.Month(), t.Day()) }

var epoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// IsZero reports whether d is "no date".
func (d Date) IsZero() bool { return d == 0 }

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return epoch.AddDate(0, 0, int(d)) }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return d + Date(n) }

// String formats d as YYYY-MM-DD, or "" for no date.
func (d Date) String() string {
	if d == 0 {
		return ""
	}
	return d.Time().Format("2006-01-02")
}

// Maybe is a number that may be unknown (a blank or unreadable cell).
type Maybe struct {
	Value float64
	Known bool
}

// Some returns a known value.
func Some(v float64) Maybe { return Maybe{Value: v, Known: true} }

// FoldName folds a name for matching across tabs: case-insensitive, with surrounding and
// repeated white space (any Unicode space, non-breaking ones included) folded, and
// invisible format characters (zero-width spaces, direction marks) dropped.
func FoldName(s string) string {
	if folded(s) {
		return s
	}
	return foldName(s)
}

// folded reports whether s is already folded (lower-case ASCII letters, digits and
// punctuation, single inner spaces), which spares FoldName an allocation per name.
func folded(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || (c >= 'A' && c <= 'Z') || c < ' ' || c == 0x7f ||
			(c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' ')) {
			return false
		}
	}
	return true
}

// foldName is FoldName without the check for an already folded name.
func foldName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.Is(unicode.Cf, r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteString(strings.ToLower(string(r)))
	}
	return b.String()
}

// Stage is how deep a partnership is, from Prospect to Merged.
type Stage string

// The stages of §2, in order of depth, and Dormant.
const (
	StageNone          Stage = ""
	StageProspect      Stage = "Prospect"
	StageContacted     Stage = "Contacted"
	StageMet           Stage = "Met"
	StageTransactional Stage = "Transactional"
	StageCollaborating Stage = "Collaborating"
	StageCoalition     Stage = "Coalition"
	StageMerged        Stage = "Merged"
	StageDormant       Stage = "Dormant"
)

// MeetingType is the kind of contact a meeting row records.
type MeetingType string

// Meeting types of §2.
const (
	OneToOne         MeetingType = "1-1"
	Event            MeetingType = "Event"
	JointAction      MeetingType = "Joint action"
	CoalitionMeeting MeetingType = "Coalition meeting"
	Call             MeetingType = "Call"
	Email            MeetingType = "Email"
)

// Participation reports whether the type counts as participation (Event, Joint action, Coalition meeting).
func (t MeetingType) Participation() bool {
	return t == Event || t == JointAction || t == CoalitionMeeting
}

// Role is the partner's role in an event, joint action or coalition meeting.
type Role string

// Roles of §2; blank in a participation meeting means Attended.
const (
	RoleNone        Role = ""
	RoleAttended    Role = "Attended"
	RoleCoSponsored Role = "Co-sponsored"
	RoleCoLed       Role = "Co-led"
	RoleLed         Role = "Led"
)

// Leadership reports whether the role shows shared leadership (Co-sponsored, Co-led, Led).
func (r Role) Leadership() bool { return r == RoleCoSponsored || r == RoleCoLed || r == RoleLed }

// Partner is one row of the Partners tab.
type Partner struct {
	Row  int    // sheet row (header = 1)
	Name string // as typed, trimmed
	Key  string // FoldName(Name)
	Type string
	// Owner is the relationship owner's name as typed; OwnerKey is its folded form.
	Owner, OwnerKey string
	Stance          Maybe // -2..2
	Influence       Maybe // 1..5
	Trust           Maybe // 1..5
	Impact          Maybe // 1..5
	Capacity        Maybe // 1..5
	Alignment       Maybe // 1..5
	RingOverride    int   // 1..5, 0 = none
	Stage           Stage
	Inactive        bool
	Endorses        bool // endorses candidates (partisan)
	AssessedBy      string
	AssessedOn      Date
	Goals           string
	SelfInterest    string
	Represents      string
	Constraints     string
	Notes           string
}

// Asset is one row of the Assets tab.
type Asset struct {
	Row      int
	Member   string
	Category string
	Asset    string
	// Partner is the partner this asset connects to, as typed; PartnerKey is FoldName(Partner),
	// empty when blank. It may match no partner (decoding reports that).
	Partner, PartnerKey string
	Strength            int // 1..3, default 2
	Notes               string
}

// Meeting is one row of the Meetings tab.
type Meeting struct {
	Row                 int
	Date                Date
	Partner, PartnerKey string
	// Member is who from our team attended; blank means the partner's owner.
	Member        string
	Type          MeetingType // default OneToOne
	Role          Role
	Success       string
	SelfInterests string
	Ask           string
	AskOutcome    string // Yes, No, Pending or ""
	Introductions []string
	NextStep      string
	Due           Date
	Done          bool
	Notes         string
}

// Member is one row of the optional Members tab.
type Member struct {
	Row              int
	Name, Key        string
	Email            string
	Role             string
	MaxRelationships int // 0 = the config default
	// NoDigest is true when the member's Digest column says no: they get no weekly digest.
	NoDigest bool
}

// Records are the decoded input tabs. Partners hold unique keys (decoding drops duplicates).
type Records struct {
	Partners []Partner
	Assets   []Asset
	Meetings []Meeting
	Members  []Member
}

// Severity ranks a data issue.
type Severity string

// Severities of the Data Issues tab.
const (
	SevError   Severity = "error"
	SevWarning Severity = "warning"
	SevInfo    Severity = "info"
)

// Issue is a problem found in a volunteer's cell or row. It is data, never an error: it is
// shown in the Data Issues tab and never stops a sync.
type Issue struct {
	Tab      string
	Row      int    // sheet row; 0 when it concerns the whole tab
	Column   string // header as typed, or the spec's column name when missing
	Value    string // the cell as typed
	Problem  string // what is wrong, in words, with a suggestion where there is one
	Severity Severity
}

func (i Issue) String() string {
	loc := i.Tab
	if i.Row > 0 {
		loc = fmt.Sprintf("%s row %d", loc, i.Row)
	}
	if i.Column != "" {
		loc = fmt.Sprintf("%s, column %s", loc, i.Column)
	}
	if i.Value != "" {
		return fmt.Sprintf("%s: %s: %q: %s", i.Severity, loc, i.Value, i.Problem)
	}
	return fmt.Sprintf("%s: %s: %s", i.Severity, loc, i.Problem)
}
