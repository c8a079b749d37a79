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
func clean(s string) string {
	// Most cells start and end with a printable ASCII character: nothing to trim.
	if n := len(s); n > 0 && s[0] > ' ' && s[0] < 0x7f && s[n-1] > ' ' && s[n-1] < 0x7f {
		return s
	}
	return strings.TrimFunc(s, isPad)
}

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

// keyBuf holds a folded word on the stack, so matching a dropdown value allocates nothing.
// No accepted word folds longer than this.
type keyBuf [32]byte

// foldWord folds s as HeaderKey does into buf. A word too long for buf folds to nothing,
// which matches no case of a switch.
func foldWord(buf *keyBuf, s string) []byte {
	n := 0
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			switch {
			case r >= 'A' && r <= 'Z':
				r += 'a' - 'A'
			case (r < 'a' || r > 'z') && (r < '0' || r > '9'):
				continue
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
		default:
			continue
		}
		if n+utf8.RuneLen(r) > len(buf) {
			return nil
		}
		n += utf8.EncodeRune(buf[n:], r)
	}
	return buf[:n]
}

// textKey folds a text cell into buf; other kinds fold to nothing.
func textKey(buf *keyBuf, c sheets.Cell) []byte {
	if c.Kind != sheets.Text {
		return nil
	}
	return foldWord(buf, c.Text)
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

// ranged reads a number and checks it lies in [lo, hi]; each parser matches its words first.
func ranged(c sheets.Cell, lo, hi float64, hint string) (float64, error) {
	if isBlank(c) {
		return 0, ErrBlank
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

// whole reads a whole number in [lo, hi].
func whole(c sheets.Cell, lo, hi int, hint string) (int, error) {
	v, err := ranged(c, float64(lo), float64(hi), hint)
	if err != nil {
		return 0, err
	}
	if v != math.Trunc(v) {
		return 0, fmt.Errorf("%s is not a whole number: %s", formatNum(v), hint)
	}
	return int(v), nil
}

// ParseScale reads a 1–5 score (Influence, Trust, Impact, Capacity, Alignment): a number in
// [1, 5], decimals allowed, or Low / Medium / High for 1 / 3 / 5.
func ParseScale(c sheets.Cell) (float64, error) {
	var buf keyBuf
	switch string(textKey(&buf, c)) {
	case "low":
		return 1, nil
	case "medium", "med":
		return 3, nil
	case "high":
		return 5, nil
	}
	return ranged(c, 1, 5, scaleHint)
}

// ParseStance reads where a partner stands on the issue: -2..2, decimals allowed, or the
// words Strongly opposes / Opposes / Neutral / Supports / Strongly supports.
func ParseStance(c sheets.Cell) (float64, error) {
	var buf keyBuf
	switch string(textKey(&buf, c)) {
	case "stronglyopposes", "stronglyoppose", "stronglyopposed":
		return -2, nil
	case "opposes", "oppose", "opposed":
		return -1, nil
	case "neutral":
		return 0, nil
	case "supports", "support", "supportive":
		return 1, nil
	case "stronglysupports", "stronglysupport", "stronglysupportive":
		return 2, nil
	}
	return ranged(c, -2, 2, stanceHint)
}

// Words of a yes/no cell, compared case-insensitively after trimming.
var (
	yesWords = [...]string{"yes", "y", "true", "x", "✓", "✔", "☑", "✅", "1", "done", "completed", "complete"}
	noWords  = [...]string{"no", "n", "false", "0", "✗", "✘", "☐", "❌", "not done"}
)

// boolWord matches s against the yes/no words without allocating for the common spellings.
func boolWord(s string) (v, ok bool) {
	s = strings.TrimRight(clean(s), "\ufe0e\ufe0f") // emoji presentation of ✔️
	for _, w := range yesWords {
		if strings.EqualFold(s, w) {
			return true, true
		}
	}
	for _, w := range noWords {
		if strings.EqualFold(s, w) {
			return false, true
		}
	}
	if strings.ContainsFunc(s, isPad) {
		// Odd spacing ("not  done"): fold it and try once more.
		if f := scoring.FoldName(s); f != s {
			return boolWord(f)
		}
	}
	return false, false
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
		if v, ok := boolWord(c.Text); ok {
			return v, nil
		}
		return false, errors.New(boolHint)
	case sheets.Date:
		return false, errors.New(boolHint)
	}
	return false, ErrBlank
}

// ParseStrength reads how strong an asset's tie is: a whole 1–3 or Weak / Medium / Strong.
func ParseStrength(c sheets.Cell) (int, error) {
	var buf keyBuf
	switch string(textKey(&buf, c)) {
	case "weak":
		return 1, nil
	case "medium", "med":
		return 2, nil
	case "strong":
		return 3, nil
	}
	return whole(c, 1, 3, strengthHint)
}

// ParseRing reads a Ring override: a whole 1–5, or the ring's name (Core leader … Not yet aligned).
func ParseRing(c sheets.Cell) (int, error) {
	var buf keyBuf
	switch string(textKey(&buf, c)) {
	case "coreleader":
		return 1, nil
	case "potentialleader":
		return 2, nil
	case "activeparticipant":
		return 3, nil
	case "passivesupporter":
		return 4, nil
	case "notyetaligned":
		return 5, nil
	}
	return whole(c, 1, 5, ringHint)
}

// ParseMaxRelationships reads a member's capacity: a positive whole number.
func ParseMaxRelationships(c sheets.Cell) (int, error) {
	return whole(c, 1, maxWhole, maxHint)
}

// wordCell checks that a cell can hold one of a few words: blank gives ErrBlank, and
// numbers, dates and checkboxes are refused with the hint.
func wordCell(c sheets.Cell, hint string) error {
	if isBlank(c) {
		return ErrBlank
	}
	if c.Kind != sheets.Text {
		return errors.New(hint)
	}
	return nil
}

// ParseStage reads how deep a partnership is (Prospect … Merged, or Dormant).
func ParseStage(c sheets.Cell) (scoring.Stage, error) {
	if err := wordCell(c, stageHint); err != nil {
		return scoring.StageNone, err
	}
	var buf keyBuf
	switch string(textKey(&buf, c)) {
	case "prospect":
		return scoring.StageProspect, nil
	case "contacted":
		return scoring.StageContacted, nil
	case "met":
		return scoring.StageMet, nil
	case "transactional":
		return scoring.StageTransactional, nil
	case "collaborating":
		return scoring.StageCollaborating, nil
	case "coalition":
		return scoring.StageCoalition, nil
	case "merged":
		return scoring.StageMerged, nil
	case "dormant":
		return scoring.StageDormant, nil
	}
	return scoring.StageNone, errors.New(stageHint)
}

// ParseStatus reads a partner's Status: Active or Inactive; it reports whether the partner
// is inactive, because inactive partners are left out of every output but Data Issues.
func ParseStatus(c sheets.Cell) (inactive bool, err error) {
	if err := wordCell(c, statusHint); err != nil {
		return false, err
	}
	var buf keyBuf
	switch string(textKey(&buf, c)) {
	case "active":
		return false, nil
	case "inactive":
		return true, nil
	}
	return false, errors.New(statusHint)
}

// ParseMeetingType reads a meeting's Type. Besides the names of §2 it accepts the ways
// people write a one-to-one ("1:1", "one-to-one", "one on one", "1on1").
func ParseMeetingType(c sheets.Cell) (scoring.MeetingType, error) {
	// Spreadsheets turn a typed 1-1 or 1/1 into January 1st; read that back as a one-to-one.
	if c.Kind == sheets.Date {
		if t := c.Time(); t.Month() == 1 && t.Day() == 1 {
			return scoring.OneToOne, nil
		}
	}
	if err := wordCell(c, typeHint); err != nil {
		return "", err
	}
	var buf keyBuf
	switch string(textKey(&buf, c)) {
	case "11", "1on1", "1to1", "oneonone", "onetoone", "121":
		return scoring.OneToOne, nil
	case "event":
		return scoring.Event, nil
	case "jointaction", "action":
		return scoring.JointAction, nil
	case "coalitionmeeting", "coalition":
		return scoring.CoalitionMeeting, nil
	case "call", "phonecall", "phone", "videocall":
		return scoring.Call, nil
	case "email":
		return scoring.Email, nil
	}
	return "", errors.New(typeHint)
}

// ParseRole reads a partner's role in an event, joint action or coalition meeting.
func ParseRole(c sheets.Cell) (scoring.Role, error) {
	if err := wordCell(c, roleHint); err != nil {
		return scoring.RoleNone, err
	}
	var buf keyBuf
	switch string(textKey(&buf, c)) {
	case "attended", "attendee", "attend":
		return scoring.RoleAttended, nil
	case "cosponsored", "cosponsor", "cosponsoring":
		return scoring.RoleCoSponsored, nil
	case "coled", "colead", "coleader":
		return scoring.RoleCoLed, nil
	case "led", "lead", "leader":
		return scoring.RoleLed, nil
	}
	return scoring.RoleNone, errors.New(roleHint)
}

// ParseAskOutcome reads how a small ask went: Yes, No or Pending (a checkbox reads as Yes/No).
func ParseAskOutcome(c sheets.Cell) (string, error) {
	if c.Kind == sheets.Bool {
		if c.Bool {
			return "Yes", nil
		}
		return "No", nil
	}
	if err := wordCell(c, outcomeHint); err != nil {
		return "", err
	}
	var buf keyBuf
	switch string(textKey(&buf, c)) {
	case "yes", "y":
		return "Yes", nil
	case "no", "n":
		return "No", nil
	case "pending", "waiting":
		return "Pending", nil
	}
	return "", errors.New(outcomeHint)
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
