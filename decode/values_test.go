package decode

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

func txt(s string) sheets.Cell  { return sheets.Cell{Kind: sheets.Text, Text: s} }
func num(f float64) sheets.Cell { return sheets.NumberCell(f) }

// parseCase is one cell read by a parser: the value it gives, or a fragment of its error.
type parseCase[T comparable] struct {
	name    string
	cell    sheets.Cell
	want    T
	wantErr string // "" for success; ErrBlank's text for a blank
}

func runParse[T comparable](t *testing.T, parse func(sheets.Cell) (T, error), cases []parseCase[T]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parse(tc.cell)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("%#v: unexpected error %v", tc.cell, err)
			case tc.wantErr == "" && got != tc.want:
				t.Fatalf("%#v: got %v, want %v", tc.cell, got, tc.want)
			case tc.wantErr == ErrBlank.Error():
				if !errors.Is(err, ErrBlank) {
					t.Fatalf("%#v: got %v, %v; want ErrBlank", tc.cell, got, err)
				}
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("%#v: got %v, %v; want an error containing %q", tc.cell, got, err, tc.wantErr)
			}
		})
	}
}

var blank = ErrBlank.Error()

func TestParseScale(t *testing.T) {
	runParse(t, ParseScale, []parseCase[float64]{
		{"whole number cell", num(4), 4, ""},
		{"decimal number cell", num(3.5), 3.5, ""},
		{"number typed as text", txt(" 4 "), 4, ""},
		{"decimal typed as text", txt("2.5"), 2.5, ""},
		{"decimal comma typed as text", txt("2,5"), 2.5, ""},
		{"lower bound", num(1), 1, ""},
		{"upper bound", txt("5"), 5, ""},
		{"Low is 1", txt("Low"), 1, ""},
		{"medium in any case is 3", txt("MEDIUM"), 3, ""},
		{"High is 5", txt("high "), 5, ""},
		{"non-breaking spaces are trimmed", txt("\u00a04\u00a0"), 4, ""},
		{"direction mark is trimmed", txt("\u200f3"), 3, ""},
		{"out of range above", num(7), 0, "7 is out of range: scores must be 1–5"},
		{"out of range below", txt("0"), 0, "0 is out of range"},
		{"negative", txt("-1"), 0, "out of range"},
		{"word not on the scale", txt("Very high"), 0, scaleHint},
		{"exponent refused", txt("1e0"), 0, scaleHint},
		{"NaN text refused", txt("NaN"), 0, scaleHint},
		{"NaN number refused", num(math.NaN()), 0, scaleHint},
		{"infinity refused", num(math.Inf(1)), 0, scaleHint},
		{"checkbox refused", sheets.BoolCell(true), 0, scaleHint},
		{"date refused", sheets.DateCell(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), 0, scaleHint},
		{"blank", sheets.Cell{}, 0, blank},
		{"spaces only is blank", txt("   "), 0, blank},
	})
}

func TestParseStance(t *testing.T) {
	runParse(t, ParseStance, []parseCase[float64]{
		{"Strongly opposes is -2", txt("Strongly opposes"), -2, ""},
		{"Opposes is -1", txt("opposes"), -1, ""},
		{"Neutral is 0", txt("Neutral"), 0, ""},
		{"Supports is 1", txt("SUPPORTS"), 1, ""},
		{"Strongly supports is 2", txt("strongly  supports"), 2, ""},
		{"Strongly support without s is 2", txt("Strongly support"), 2, ""},
		{"number cell", num(-1), -1, ""},
		{"zero is neutral", num(0), 0, ""},
		{"plus sign", txt("+2"), 2, ""},
		{"unicode minus", txt("−1.5"), -1.5, ""},
		{"decimal", txt("0.5"), 0.5, ""},
		{"out of range", num(3), 0, "3 is out of range: " + stanceHint},
		{"out of range negative", txt("-2.5"), 0, "out of range"},
		{"unknown word", txt("maybe"), 0, "stance must be -2..2 or Strongly opposes…Strongly supports"},
		{"blank", txt(""), 0, blank},
	})
}

func TestParseBool(t *testing.T) {
	runParse(t, ParseBool, []parseCase[bool]{
		{"yes", txt("Yes"), true, ""},
		{"no", txt("no"), false, ""},
		{"y", txt("Y"), true, ""},
		{"n", txt("n"), false, ""},
		{"TRUE text", txt("TRUE"), true, ""},
		{"FALSE text", txt("false"), false, ""},
		{"x marks done", txt("x"), true, ""},
		{"capital X marks done", txt(" X "), true, ""},
		{"check mark", txt("✓"), true, ""},
		{"heavy check mark", txt("✔"), true, ""},
		{"emoji check mark with variation selector", txt("✔\ufe0f"), true, ""},
		{"1 text", txt("1"), true, ""},
		{"0 text", txt("0"), false, ""},
		{"done", txt("Done"), true, ""},
		{"checkbox ticked", sheets.BoolCell(true), true, ""},
		{"checkbox clear", sheets.BoolCell(false), false, ""},
		{"number 1", num(1), true, ""},
		{"number 0", num(0), false, ""},
		{"number 2 refused", num(2), false, boolHint},
		{"word refused", txt("maybe"), false, boolHint},
		{"date refused", sheets.DateCell(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), false, boolHint},
		{"blank", sheets.Cell{}, false, blank},
	})
}

func TestParseStrength(t *testing.T) {
	runParse(t, ParseStrength, []parseCase[int]{
		{"1", num(1), 1, ""},
		{"3 as text", txt("3"), 3, ""},
		{"Weak is 1", txt("weak"), 1, ""},
		{"Medium is 2", txt("Medium"), 2, ""},
		{"Strong is 3", txt("STRONG"), 3, ""},
		{"2.0 is whole", num(2.0), 2, ""},
		{"2.5 is not whole", num(2.5), 0, "2.5 is not a whole number: " + strengthHint},
		{"4 is out of range", num(4), 0, "4 is out of range"},
		{"0 is out of range", txt("0"), 0, "out of range"},
		{"unknown word", txt("very strong"), 0, strengthHint},
		{"blank", txt(" "), 0, blank},
	})
}

func TestParseRing(t *testing.T) {
	runParse(t, ParseRing, []parseCase[int]{
		{"1", num(1), 1, ""},
		{"5 as text", txt("5"), 5, ""},
		{"ring name Core leader", txt("Core leader"), 1, ""},
		{"ring name Not yet aligned", txt("not yet aligned"), 5, ""},
		{"decimal refused", txt("2.5"), 0, "not a whole number"},
		{"6 refused", num(6), 0, "6 is out of range: " + ringHint},
		{"0 refused", num(0), 0, "out of range"},
		{"word refused", txt("inner"), 0, ringHint},
		{"blank", sheets.Cell{}, 0, blank},
	})
}

func TestParseMaxRelationships(t *testing.T) {
	runParse(t, ParseMaxRelationships, []parseCase[int]{
		{"number", num(8), 8, ""},
		{"text", txt("12"), 12, ""},
		{"zero refused", num(0), 0, maxHint},
		{"negative refused", txt("-3"), 0, maxHint},
		{"decimal refused", num(2.5), 0, "not a whole number"},
		{"huge refused", num(1e300), 0, "out of range"},
		{"word refused", txt("lots"), 0, maxHint},
		{"blank", sheets.Cell{}, 0, blank},
	})
}

func TestParseStage(t *testing.T) {
	runParse(t, ParseStage, []parseCase[scoring.Stage]{
		{"Prospect", txt("Prospect"), scoring.StageProspect, ""},
		{"contacted lowercase", txt("contacted"), scoring.StageContacted, ""},
		{"Met", txt("MET"), scoring.StageMet, ""},
		{"Transactional", txt("Transactional"), scoring.StageTransactional, ""},
		{"Collaborating", txt("collaborating"), scoring.StageCollaborating, ""},
		{"Coalition", txt("Coalition"), scoring.StageCoalition, ""},
		{"Merged", txt("Merged"), scoring.StageMerged, ""},
		{"Dormant", txt(" dormant "), scoring.StageDormant, ""},
		{"unknown", txt("Friends"), "", stageHint},
		{"number refused", num(3), "", stageHint},
		{"blank", sheets.Cell{}, "", blank},
	})
}

func TestParseStatus(t *testing.T) {
	runParse(t, ParseStatus, []parseCase[bool]{
		{"Active is not inactive", txt("Active"), false, ""},
		{"Inactive", txt("INACTIVE"), true, ""},
		{"unknown", txt("paused"), false, statusHint},
		{"blank", sheets.Cell{}, false, blank},
	})
}

func TestParseMeetingType(t *testing.T) {
	jan1 := sheets.DateCell(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	runParse(t, ParseMeetingType, []parseCase[scoring.MeetingType]{
		{"1-1", txt("1-1"), scoring.OneToOne, ""},
		{"1:1", txt("1:1"), scoring.OneToOne, ""},
		{"one-to-one", txt("One-to-one"), scoring.OneToOne, ""},
		{"one on one", txt("one on one"), scoring.OneToOne, ""},
		{"1on1", txt("1on1"), scoring.OneToOne, ""},
		{"1-1 the spreadsheet turned into January 1st", jan1, scoring.OneToOne, ""},
		{"Event", txt("event"), scoring.Event, ""},
		{"Joint action", txt("Joint Action"), scoring.JointAction, ""},
		{"Coalition meeting", txt("coalition-meeting"), scoring.CoalitionMeeting, ""},
		{"Call", txt("Call"), scoring.Call, ""},
		{"Email", txt("E-mail"), scoring.Email, ""},
		{"unknown", txt("Lunch"), "", typeHint},
		{"other date refused", sheets.DateCell(time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)), "", typeHint},
		{"blank", sheets.Cell{}, "", blank},
	})
}

func TestParseRole(t *testing.T) {
	runParse(t, ParseRole, []parseCase[scoring.Role]{
		{"Attended", txt("Attended"), scoring.RoleAttended, ""},
		{"Co-sponsored", txt("co-sponsored"), scoring.RoleCoSponsored, ""},
		{"Cosponsor", txt("Cosponsor"), scoring.RoleCoSponsored, ""},
		{"Co-led", txt("Co-Led"), scoring.RoleCoLed, ""},
		{"Led", txt("LED"), scoring.RoleLed, ""},
		{"unknown", txt("Spoke"), "", roleHint},
		{"blank", sheets.Cell{}, "", blank},
	})
}

func TestParseAskOutcome(t *testing.T) {
	runParse(t, ParseAskOutcome, []parseCase[string]{
		{"Yes", txt("yes"), "Yes", ""},
		{"No", txt("NO"), "No", ""},
		{"Pending", txt("pending"), "Pending", ""},
		{"checkbox ticked is Yes", sheets.BoolCell(true), "Yes", ""},
		{"other values are errors", txt("Maybe later"), "", outcomeHint},
		{"blank", sheets.Cell{}, "", blank},
	})
}

func TestSplitNames(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []string
	}{
		{"semicolons", "Ana Ruiz; Bo Chen", []string{"Ana Ruiz", "Bo Chen"}},
		{"commas", "Ana Ruiz,Bo Chen", []string{"Ana Ruiz", "Bo Chen"}},
		{"mixed with blanks", " ; Ana Ruiz ,, ;Bo Chen; ", []string{"Ana Ruiz", "Bo Chen"}},
		{"line breaks", "Ana Ruiz\nBo Chen\r\n", []string{"Ana Ruiz", "Bo Chen"}},
		{"one name", "Faith Coalition", []string{"Faith Coalition"}},
		{"empty", "", nil},
		{"only separators", " ;, ", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := SplitNames(tc.in); !slices.Equal(got, tc.want) {
				t.Fatalf("SplitNames(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestHeaderKey(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Relationship owner", "relationshipowner"},
		{"relationship_owner", "relationshipowner"},
		{"RELATIONSHIP OWNER", "relationshipowner"},
		{" Self-interest ", "selfinterest"},
		{"Max relationships (#)", "maxrelationships"},
		{"Ask outcome?", "askoutcome"},
		{"1-1", "11"},
		{"Téléphone", "téléphone"},
		{"\u200fName\u00a0", "name"},
		{"", ""},
	}
	for _, tc := range cases {
		if got := HeaderKey(tc.in); got != tc.want {
			t.Errorf("HeaderKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	nov23 := scoring.DateOf(2026, time.November, 23)
	cases := []struct {
		name    string
		cell    sheets.Cell
		order   DateOrder
		want    scoring.Date
		wantErr string
	}{
		{"ISO", txt("2026-11-23"), MDY, nov23, ""},
		{"ISO without leading zeros", txt("2026-1-5"), MDY, scoring.DateOf(2026, 1, 5), ""},
		{"ISO with slashes", txt("2026/11/23"), DMY, nov23, ""},
		{"ISO date-time keeps the day", txt("2026-11-23T22:30:00Z"), MDY, nov23, ""},
		{"ISO date and time", txt("2026-11-23 09:15"), MDY, nov23, ""},
		{"month first", txt("11/23/2026"), MDY, nov23, ""},
		{"month first with dashes", txt("11-23-2026"), MDY, nov23, ""},
		{"day first under DMY", txt("23/11/2026"), DMY, nov23, ""},
		{"day first with dots under DMY", txt("23.11.2026"), DMY, nov23, ""},
		{"ambiguous 03/04 is March 4 under MDY", txt("03/04/2026"), MDY, scoring.DateOf(2026, 3, 4), ""},
		{"ambiguous 03/04 is April 3 under DMY", txt("03/04/2026"), DMY, scoring.DateOf(2026, 4, 3), ""},
		{"month name first", txt("Nov 23, 2026"), MDY, nov23, ""},
		{"full month name", txt("November 23 2026"), DMY, nov23, ""},
		{"day first with month name", txt("23 Nov 2026"), MDY, nov23, ""},
		{"month abbreviation with dot", txt("23 Nov. 2026"), MDY, nov23, ""},
		{"Sept", txt("Sept 1, 2026"), MDY, scoring.DateOf(2026, 9, 1), ""},
		{"weekday and ordinal", txt("Monday, November 23rd, 2026"), MDY, nov23, ""},
		{"spreadsheet style", txt("23-Nov-2026"), MDY, nov23, ""},
		{"non-breaking spaces", txt("\u00a0Nov\u00a023,\u00a02026\u00a0"), MDY, nov23, ""},
		{"date cell", sheets.DateCell(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)), MDY, nov23, ""},
		{"date-time cell keeps the day", sheets.DateCell(time.Date(2026, 11, 23, 23, 59, 0, 0, time.UTC)), MDY, nov23, ""},
		{"serial number", num(float64(nov23)), MDY, nov23, ""},
		{"serial with a time of day", num(float64(nov23) + 0.75), MDY, nov23, ""},
		{"leap day", txt("2028-02-29"), MDY, scoring.DateOf(2028, 2, 29), ""},

		{"two-digit year suggests both forms", txt("11/23/26"), MDY, 0, "11/23/26: use 2026-11-23 or 11/23/2026"},
		{"two-digit year under DMY", txt("23/11/26"), DMY, 0, "23/11/26: use 2026-11-23 or 23/11/2026"},
		{"two-digit year with month name", txt("23-Nov-26"), MDY, 0, "use 2026-11-23 or Nov 23, 2026"},
		{"day first under MDY suggests date_order DMY", txt("23/11/2026"), MDY, 0, "set date_order: DMY"},
		{"day first under MDY suggests the ISO form", txt("23/11/2026"), MDY, 0, "or type 2026-11-23"},
		{"month first under DMY suggests date_order MDY", txt("11/23/2026"), DMY, 0, "set date_order: MDY"},
		{"no such day", txt("2026-02-30"), MDY, 0, "February 2026 has no day 30"},
		{"not a leap year", txt("Feb 29, 2027"), MDY, 0, "has no day 29"},
		{"month 13 in both orders", txt("13/13/2026"), MDY, 0, "not a date"},
		{"words", txt("next Tuesday"), MDY, 0, "not a date: use a date like 2026-11-23, 11/23/2026 or Nov 23, 2026"},
		{"words under DMY show day-first examples", txt("soon"), DMY, 0, "23/11/2026 or 23 Nov 2026"},
		{"month and year only", txt("Nov 2026"), MDY, 0, "not a date"},
		{"year out of range", txt("1850-01-01"), MDY, 0, "year 1850 is out of range"},
		{"a year typed as a number", num(2026), MDY, 0, "2026 is a number, not a date"},
		{"yyyymmdd typed as a number", num(20261123), MDY, 0, "type it as 2026-11-23"},
		{"negative number", num(-5), MDY, 0, "not a date"},
		{"checkbox", sheets.BoolCell(true), MDY, 0, "not a date"},
		{"time only", txt("10:30"), MDY, 0, "not a date"},
		{"blank", sheets.Cell{}, MDY, 0, blank},
		{"spaces only", txt(" \t"), MDY, 0, blank},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseDate(tc.cell, tc.order)
			if tc.wantErr == "" {
				if err != nil || got != tc.want {
					t.Fatalf("ParseDate(%#v, %v) = %v, %v; want %v", tc.cell, tc.order, got, err, tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("ParseDate(%#v, %v) = %v, %v; want an error containing %q", tc.cell, tc.order, got, err, tc.wantErr)
			}
		})
	}
}

func TestDateBounds(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  scoring.Date
		want scoring.Date
	}{
		{"minDate is 1900-01-01", minDate, scoring.DateOf(1900, 1, 1)},
		{"minSerialDate is 1950-01-01", minSerialDate, scoring.DateOf(1950, 1, 1)},
		{"maxDate is 9999-12-31", maxDate, dateOf(9999, 12, 31)},
		{"dateOf agrees with scoring.DateOf in its range", dateOf(2026, 11, 23), scoring.DateOf(2026, 11, 23)},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %d, want %d", tc.name, tc.got, tc.want)
		}
	}
}

func TestDateOfFarFuture(t *testing.T) {
	for _, want := range []string{"1900-01-01", "2026-11-23", "2193-01-01", "9999-12-31"} {
		d, err := ParseDate(txt(want), MDY)
		if err != nil || d.String() != want {
			t.Errorf("ParseDate(%q) = %v (%v), want it to format back the same", want, d, err)
		}
	}
}

func TestQuotedCutsLongValues(t *testing.T) {
	long := strings.Repeat("é", 500)
	got := quoted(long)
	if n := len([]rune(got)); n != maxQuoted+1 || !strings.HasSuffix(got, "…") {
		t.Fatalf("quoted(500 runes) has %d runes (%q…), want %d ending in …", n, got[:10], maxQuoted+1)
	}
	if quoted("short") != "short" {
		t.Fatal("a short value must be quoted whole")
	}
}
