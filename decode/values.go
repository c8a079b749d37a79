package decode

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// ErrBlank is what every parser returns for an empty cell. Decode checks for blanks before
// parsing (a blank is "not given", never an error), so only direct callers see it.
var ErrBlank = errors.New("blank cell")

// Hints are the second half of every "cannot read" problem: what the cell should hold.
const (
	scaleHint    = "scores must be 1–5 (decimals ok) or Low / Medium / High"
	stanceHint   = "stance must be -2..2 or Strongly opposes…Strongly supports"
	boolHint     = "must be yes or no (also TRUE/FALSE, y/n, x, ✓, done); blank means no"
	strengthHint = "strength must be 1–3 or Weak / Medium / Strong (blank means 2)"
	ringHint     = "ring must be a whole number 1–5 (1 Core leader … 5 Not yet aligned)"
	stageHint    = "stage must be one of Prospect, Contacted, Met, Transactional, Collaborating, Coalition, Merged, Dormant"
	statusHint   = "status must be Active or Inactive (blank means Active)"
	typeHint     = "meeting type must be 1-1, Event, Joint action, Coalition meeting, Call or Email (blank means 1-1)"
	roleHint     = "role must be Attended, Co-sponsored, Co-led or Led"
	outcomeHint  = "ask outcome must be Yes, No or Pending"
	maxHint      = "max relationships must be a positive whole number"
)

// maxWhole bounds whole-number cells so a stray 1e300 cannot overflow an int.
const maxWhole = 1_000_000

// maxQuoted is how many characters of a cell a message quotes; long cells are cut with "…".
const maxQuoted = 80

// isPad reports the runes trimmed from a cell before reading it: white space of any kind
// (non-breaking included) and invisible format characters (direction marks, zero-width spaces).
func isPad(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) }

// clean trims padding from typed text.
func clean(s string) string { return strings.TrimFunc(s, isPad) }

// isBlank reports whether a cell holds nothing a volunteer meant: empty, or only padding.
func isBlank(c sheets.Cell) bool {
	switch c.Kind {
	case sheets.Blank:
		return true
	case sheets.Text:
		return clean(c.Text) == ""
	}
	return false
}

// text returns a cell as trimmed text. A number or date where text is expected (an Owner
// typed as 42) is taken as it reads in the sheet.
func text(c sheets.Cell) string {
	switch c.Kind {
	case sheets.Blank:
		return ""
	case sheets.Text:
		return strings.TrimSpace(c.Text)
	}
	return c.String()
}

// quoted shortens a value for a message so a pasted essay does not flood the Data Issues tab.
func quoted(s string) string {
	if utf8.RuneCountInString(s) <= maxQuoted {
		return s
	}
	n := 0
	for i := range s {
		if n == maxQuoted {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// HeaderKey folds a header (or a word from a dropdown) for matching: lowercase letters and
// digits only, so "Relationship owner", "relationship_owner" and "RELATIONSHIP OWNER" agree.
func HeaderKey(s string) string {
	if isKeyASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// isKeyASCII reports whether s is already folded, so HeaderKey need not allocate.
func isKeyASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// wordKey folds a cell's words for symbol-aware matching (✓, ✔️): case, spacing and
// invisible characters folded, emoji variation selectors dropped.
func wordKey(s string) string {
	k := scoring.FoldName(s)
	if strings.ContainsAny(k, "\ufe0e\ufe0f") {
		k = strings.NewReplacer("\ufe0e", "", "\ufe0f", "").Replace(k)
	}
	return k
}

// parseDecimal reads a number typed as text: an optional sign (ASCII or the Unicode minus),
// digits, and an optional decimal point or comma. Hex, exponents, Inf and NaN are refused.
func parseDecimal(s string) (float64, bool) {
	if s == "" || len(s) > 32 {
		return 0, false
	}
	var b [40]byte
	n := 0
	if r, size := utf8.DecodeRuneInString(s); r == '+' || r == '-' || r == '−' {
		if r != '+' {
			b[n] = '-'
			n++
		}
		s = s[size:]
	}
	digits, point := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			b[n] = c
			n++
			digits++
		case (c == '.' || c == ',') && !point:
			b[n] = '.'
			n++
			point = true
		default:
			return 0, false
		}
	}
	if digits == 0 {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(b[:n]), 64)
	return v, err == nil
}

// readNumber reads a Number cell or a number typed as text.
func readNumber(c sheets.Cell) (float64, bool) {
	switch c.Kind {
	case sheets.Number:
		return c.Num, !math.IsNaN(c.Num) && !math.IsInf(c.Num, 0)
	case sheets.Text:
		return parseDecimal(clean(c.Text))
	}
	return 0, false
}

// formatNum prints a number the way a volunteer would type it.
func formatNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// ranged reads a number or one of a few words, and checks it lies in [lo, hi].
func ranged(c sheets.Cell, lo, hi float64, word func(key string) (float64, bool), hint string) (float64, error) {
	if isBlank(c) {
		return 0, ErrBlank
	}
	if c.Kind == sheets.Text {
		if v, ok := word(HeaderKey(c.Text)); ok {
			return v, nil
		}
	}
	v, ok := readNumber(c)
	if !ok {
		return 0, errors.New(hint)
	}
	if v < lo || v > hi {
		return 0, fmt.Errorf("%s is out of range: %s", quoted(formatNum(v)), hint)
	}
	return v, nil
}

// whole reads a whole number in [lo, hi] or one of a few words.
func whole(c sheets.Cell, lo, hi int, word func(key string) (float64, bool), hint string) (int, error) {
	v, err := ranged(c, float64(lo), float64(hi), word, hint)
	if err != nil {
		return 0, err
	}
	if v != math.Trunc(v) {
		return 0, fmt.Errorf("%s is not a whole number: %s", formatNum(v), hint)
	}
	return int(v), nil
}

func noWords(string) (float64, bool) { return 0, false }

// ParseScale reads a 1–5 score (Influence, Trust, Impact, Capacity, Alignment): a number in
// [1, 5], decimals allowed, or Low / Medium / High for 1 / 3 / 5.
func ParseScale(c sheets.Cell) (float64, error) {
	return ranged(c, 1, 5, func(k string) (float64, bool) {
		switch k {
		case "low":
			return 1, true
		case "medium", "med":
			return 3, true
		case "high":
			return 5, true
		}
		return 0, false
	}, scaleHint)
}

// ParseStance reads where a partner stands on the issue: -2..2, decimals allowed, or the
// words Strongly opposes / Opposes / Neutral / Supports / Strongly supports.
func ParseStance(c sheets.Cell) (float64, error) {
	return ranged(c, -2, 2, func(k string) (float64, bool) {
		switch k {
		case "stronglyopposes", "stronglyoppose", "stronglyopposed":
			return -2, true
		case "opposes", "oppose", "opposed":
			return -1, true
		case "neutral":
			return 0, true
		case "supports", "support", "supportive":
			return 1, true
		case "stronglysupports", "stronglysupport", "stronglysupportive":
			return 2, true
		}
		return 0, false
	}, stanceHint)
}

// ParseBool reads a yes/no cell (Done, Endorses candidates): yes/no, y/n, TRUE/FALSE, x,
// check marks, 1/0, done, or a checkbox (Bool cell).
func ParseBool(c sheets.Cell) (bool, error) {
	switch c.Kind {
	case sheets.Bool:
		return c.Bool, nil
	case sheets.Number:
		switch c.Num {
		case 1:
			return true, nil
		case 0:
			return false, nil
		}
		return false, errors.New(boolHint)
	case sheets.Text:
		if isBlank(c) {
			return false, ErrBlank
		}
		switch wordKey(c.Text) {
		case "yes", "y", "true", "x", "✓", "✔", "☑", "✅", "1", "done", "completed", "complete":
			return true, nil
		case "no", "n", "false", "0", "✗", "✘", "☐", "❌", "not done":
			return false, nil
		}
		return false, errors.New(boolHint)
	case sheets.Date:
		return false, errors.New(boolHint)
	}
	return false, ErrBlank
}

// ParseStrength reads how strong an asset's tie is: a whole 1–3 or Weak / Medium / Strong.
func ParseStrength(c sheets.Cell) (int, error) {
	return whole(c, 1, 3, func(k string) (float64, bool) {
		switch k {
		case "weak":
			return 1, true
		case "medium", "med":
			return 2, true
		case "strong":
			return 3, true
		}
		return 0, false
	}, strengthHint)
}

// ParseRing reads a Ring override: a whole 1–5, or the ring's name (Core leader … Not yet aligned).
func ParseRing(c sheets.Cell) (int, error) {
	return whole(c, 1, 5, func(k string) (float64, bool) {
		for ring := 1; ring <= 5; ring++ {
			if k == HeaderKey(scoring.RingName(ring)) {
				return float64(ring), true
			}
		}
		return 0, false
	}, ringHint)
}

// ParseMaxRelationships reads a member's capacity: a positive whole number.
func ParseMaxRelationships(c sheets.Cell) (int, error) {
	return whole(c, 1, maxWhole, noWords, maxHint)
}

// word reads a text cell as one of a few words; numbers, dates and checkboxes are refused.
func word[T any](c sheets.Cell, match func(key string) (T, bool), hint string) (T, error) {
	var zero T
	if isBlank(c) {
		return zero, ErrBlank
	}
	if c.Kind != sheets.Text {
		return zero, errors.New(hint)
	}
	if v, ok := match(HeaderKey(c.Text)); ok {
		return v, nil
	}
	return zero, errors.New(hint)
}

// ParseStage reads how deep a partnership is (Prospect … Merged, or Dormant).
func ParseStage(c sheets.Cell) (scoring.Stage, error) {
	return word(c, func(k string) (scoring.Stage, bool) {
		switch k {
		case "prospect":
			return scoring.StageProspect, true
		case "contacted":
			return scoring.StageContacted, true
		case "met":
			return scoring.StageMet, true
		case "transactional":
			return scoring.StageTransactional, true
		case "collaborating":
			return scoring.StageCollaborating, true
		case "coalition":
			return scoring.StageCoalition, true
		case "merged":
			return scoring.StageMerged, true
		case "dormant":
			return scoring.StageDormant, true
		}
		return scoring.StageNone, false
	}, stageHint)
}

// ParseStatus reads a partner's Status: Active or Inactive; it reports whether the partner
// is inactive, because inactive partners are left out of every output but Data Issues.
func ParseStatus(c sheets.Cell) (inactive bool, err error) {
	return word(c, func(k string) (bool, bool) {
		switch k {
		case "active":
			return false, true
		case "inactive":
			return true, true
		}
		return false, false
	}, statusHint)
}

// ParseMeetingType reads a meeting's Type. Besides the names of §2 it accepts the ways
// people write a one-to-one ("1:1", "one-to-one", "one on one", "1on1").
func ParseMeetingType(c sheets.Cell) (scoring.MeetingType, error) {
	// Spreadsheets turn a typed 1-1 or 1/1 into January 1st; read that back as a one-to-one.
	if c.Kind == sheets.Date && c.Time.Month() == 1 && c.Time.Day() == 1 {
		return scoring.OneToOne, nil
	}
	return word(c, func(k string) (scoring.MeetingType, bool) {
		switch k {
		case "11", "1on1", "1to1", "oneonone", "onetoone", "121":
			return scoring.OneToOne, true
		case "event":
			return scoring.Event, true
		case "jointaction", "action":
			return scoring.JointAction, true
		case "coalitionmeeting", "coalition":
			return scoring.CoalitionMeeting, true
		case "call", "phonecall", "phone", "videocall":
			return scoring.Call, true
		case "email":
			return scoring.Email, true
		}
		return "", false
	}, typeHint)
}

// ParseRole reads a partner's role in an event, joint action or coalition meeting.
func ParseRole(c sheets.Cell) (scoring.Role, error) {
	return word(c, func(k string) (scoring.Role, bool) {
		switch k {
		case "attended", "attendee", "attend":
			return scoring.RoleAttended, true
		case "cosponsored", "cosponsor", "cosponsoring":
			return scoring.RoleCoSponsored, true
		case "coled", "colead", "coleader":
			return scoring.RoleCoLed, true
		case "led", "lead", "leader":
			return scoring.RoleLed, true
		}
		return scoring.RoleNone, false
	}, roleHint)
}

// ParseAskOutcome reads how a small ask went: Yes, No or Pending (a checkbox reads as Yes/No).
func ParseAskOutcome(c sheets.Cell) (string, error) {
	if c.Kind == sheets.Bool {
		if c.Bool {
			return "Yes", nil
		}
		return "No", nil
	}
	return word(c, func(k string) (string, bool) {
		switch k {
		case "yes", "y":
			return "Yes", true
		case "no", "n":
			return "No", true
		case "pending", "waiting":
			return "Pending", true
		}
		return "", false
	}, outcomeHint)
}

// SplitNames splits an Introductions cell into names: separated by ';', ',' or line breaks,
// each trimmed, blanks dropped.
func SplitNames(s string) []string {
	var names []string
	for part := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ';' || r == ',' || r == '\n' || r == '\r' }) {
		if p := clean(part); p != "" {
			names = append(names, p)
		}
	}
	return names
}
