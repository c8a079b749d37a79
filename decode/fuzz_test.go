package decode

import (
	"math"
	"strings"
	"testing"
	"unicode"

	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// fuzzCell builds a cell of any kind from fuzzed parts, so every parser meets text,
// numbers, dates and checkboxes alike.
func fuzzCell(kind uint8, s string, f float64, b bool) sheets.Cell {
	switch kind % 5 {
	case 1:
		return txt(s)
	case 2:
		return num(f)
	case 3:
		if math.IsNaN(f) || math.Abs(f) > 1e7 {
			f = 0
		}
		return sheets.DateCell(sheets.FromSerial(f))
	case 4:
		return sheets.BoolCell(b)
	}
	return sheets.Cell{}
}

// addCellSeeds seeds a parser's fuzz corpus with the values its tests use.
func addCellSeeds(f *testing.F, texts ...string) {
	for _, s := range texts {
		f.Add(uint8(1), s, 0.0, false)
	}
	for _, v := range []float64{0, 1, 2.5, 5, -2, 7, 46349, 46349.75, 20261123, math.NaN(), math.Inf(-1), 1e300} {
		f.Add(uint8(2), "", v, false)
		f.Add(uint8(3), "", v, false)
	}
	f.Add(uint8(4), "", 0.0, true)
	f.Add(uint8(0), "", 0.0, false)
}

func FuzzParseDate(f *testing.F) {
	addCellSeeds(f, "2026-11-23", "11/23/2026", "23/11/2026", "Nov 23, 2026", "23 Nov 2026", "11/23/26", "Mon, Nov 23rd, 2026",
		"2026-11-23T10:00:00Z", "2026-02-30", "9999-12-31", "1900-01-01", "23.11.2026", "\u00a0Nov\u00a023", "1-1-1-1-1-1-1")
	f.Fuzz(func(t *testing.T, kind uint8, s string, v float64, b bool) {
		c := fuzzCell(kind, s, v, b)
		for _, order := range []DateOrder{MDY, DMY} {
			d, err := ParseDate(c, order)
			if err != nil {
				continue
			}
			if d < minDate || d > maxDate {
				t.Fatalf("ParseDate(%#v) = %d, outside 1900–9999", c, d)
			}
			again, err := ParseDate(txt(d.String()), order)
			if err != nil || again != d {
				t.Fatalf("ParseDate(%#v) = %s, which re-parses to %v, %v", c, d, again, err)
			}
		}
	})
}

// fuzzRange checks a numeric parser: no panic, and every accepted value lies in [lo, hi].
func fuzzRange[T int | float64](f *testing.F, parse func(sheets.Cell) (T, error), lo, hi T, seeds ...string) {
	addCellSeeds(f, seeds...)
	f.Fuzz(func(t *testing.T, kind uint8, s string, v float64, b bool) {
		c := fuzzCell(kind, s, v, b)
		got, err := parse(c)
		if err != nil {
			if got != 0 {
				t.Fatalf("%#v: error %v came with a value %v", c, err, got)
			}
			return
		}
		if !(got >= lo && got <= hi) {
			t.Fatalf("%#v: accepted %v, outside [%v, %v]", c, got, lo, hi)
		}
	})
}

func FuzzParseScale(f *testing.F) {
	fuzzRange(f, ParseScale, 1, 5, "4", "2,5", "Low", "medium", "High", "7", "+3", "−1", "1e0", "NaN", "0x1p2", ".5", "5.")
}

func FuzzParseStance(f *testing.F) {
	fuzzRange(f, ParseStance, -2, 2, "Strongly opposes", "neutral", "+2", "−1.5", "3", "supports")
}

func FuzzParseStrength(f *testing.F) {
	fuzzRange(f, ParseStrength, 1, 3, "Weak", "2", "2.5", "strong", "4")
}

func FuzzParseRing(f *testing.F) {
	fuzzRange(f, ParseRing, 1, 5, "1", "Core leader", "not yet aligned", "5.0", "6")
}

func FuzzParseMaxRelationships(f *testing.F) {
	fuzzRange(f, ParseMaxRelationships, 1, maxWhole, "8", "0", "-1", "2.5", "1000001")
}

func FuzzParseBool(f *testing.F) {
	addCellSeeds(f, "yes", "No", "x", "✓", "✔\ufe0f", "TRUE", "0", "done", "not done", "maybe")
	f.Fuzz(func(t *testing.T, kind uint8, s string, v float64, b bool) {
		c := fuzzCell(kind, s, v, b)
		got, err := ParseBool(c)
		if c.Kind == sheets.Bool && (err != nil || got != c.Bool) {
			t.Fatalf("a checkbox must read as itself: %#v → %v, %v", c, got, err)
		}
		if err != nil && got {
			t.Fatalf("%#v: error %v came with true", c, err)
		}
	})
}

// fuzzWord checks a word parser: no panic, and an accepted value is one of the allowed ones.
func fuzzWord[T comparable](f *testing.F, parse func(sheets.Cell) (T, error), allowed []T, seeds ...string) {
	addCellSeeds(f, seeds...)
	f.Fuzz(func(t *testing.T, kind uint8, s string, v float64, b bool) {
		c := fuzzCell(kind, s, v, b)
		got, err := parse(c)
		if err != nil {
			return
		}
		for _, a := range allowed {
			if got == a {
				return
			}
		}
		t.Fatalf("%#v: accepted %v, not one of %v", c, got, allowed)
	})
}

func FuzzParseStage(f *testing.F) {
	fuzzWord(f, ParseStage, []scoring.Stage{scoring.StageProspect, scoring.StageContacted, scoring.StageMet, scoring.StageTransactional,
		scoring.StageCollaborating, scoring.StageCoalition, scoring.StageMerged, scoring.StageDormant}, "Met", "DORMANT", "Friends")
}

func FuzzParseStatus(f *testing.F) {
	fuzzWord(f, ParseStatus, []bool{true, false}, "Active", "inactive", "paused")
}

func FuzzParseMeetingType(f *testing.F) {
	fuzzWord(f, ParseMeetingType, []scoring.MeetingType{scoring.OneToOne, scoring.Event, scoring.JointAction, scoring.CoalitionMeeting,
		scoring.Call, scoring.Email}, "1-1", "1:1", "one on one", "1on1", "Joint action", "Lunch")
}

func FuzzParseRole(f *testing.F) {
	fuzzWord(f, ParseRole, []scoring.Role{scoring.RoleAttended, scoring.RoleCoSponsored, scoring.RoleCoLed, scoring.RoleLed},
		"Attended", "co-sponsored", "Co-led", "LED", "spoke")
}

func FuzzParseAskOutcome(f *testing.F) {
	fuzzWord(f, ParseAskOutcome, []string{"Yes", "No", "Pending"}, "yes", "N", "pending", "maybe")
}

func FuzzSplitNames(f *testing.F) {
	for _, s := range []string{"Ana Ruiz; Bo Chen", " ;, ", "a,b;c\nd", "\u00a0x\u200f;", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, n := range SplitNames(s) {
			if n == "" || n != clean(n) || strings.ContainsAny(n, ";,\n\r") {
				t.Fatalf("SplitNames(%q) gave %q: names must be trimmed, non-blank and free of separators", s, n)
			}
		}
	})
}

func FuzzHeaderKey(f *testing.F) {
	for _, s := range []string{"Relationship owner", "relationship_owner", "RELATIONSHIP OWNER", "Ünïcödé", "İ", "\xff", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := HeaderKey(s)
		for _, r := range k {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				t.Fatalf("HeaderKey(%q) = %q holds %q", s, k, r)
			}
		}
		if again := HeaderKey(k); again != k {
			t.Fatalf("HeaderKey(%q) = %q, but HeaderKey(%q) = %q: folding must be stable", s, k, k, again)
		}
	})
}

// fuzzTable parses a tab from text: rows split on newlines, cells on tabs; a cell that
// starts with '#' is a number, '@' a date serial, '?' a checkbox, and "~" blank.
func fuzzTable(name, s string) *sheets.Table {
	t := &sheets.Table{Name: name}
	for line := range strings.SplitSeq(s, "\n") {
		var row []sheets.Cell
		for cell := range strings.SplitSeq(line, "\t") {
			var c sheets.Cell
			switch {
			case cell == "~":
			case strings.HasPrefix(cell, "#"), strings.HasPrefix(cell, "@"):
				v, ok := parseDecimal(cell[1:])
				if !ok {
					v = float64(len(cell))
				}
				c = num(v)
				if cell[0] == '@' && math.Abs(v) < 1e7 {
					c = sheets.DateCell(sheets.FromSerial(v))
				}
			case strings.HasPrefix(cell, "?"):
				c = sheets.BoolCell(len(cell)%2 == 0)
			default:
				c = txt(cell)
			}
			row = append(row, c)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func FuzzDecode(f *testing.F) {
	f.Add(uint8(0), "Name\tOwner\tStance\tInfluence\n Eastside Tenants Union\tAna\tSupports\t#4\n\n~\tBo\nFaith\t~\tmaybe\t#9\neastside tenants union")
	f.Add(uint8(1), "Who\tDescription\tConnects to\tTie\nAna\tVan\tEastside Tenant Union\tStrong\n\tx\nAna\t~\t~\t#7")
	f.Add(uint8(2), "Meeting date\tPartner\tType\tRole\tDone\tDue\n@46349\tFaith\tEvent\t\t?x\t11/23/26\nsoon\tFaith\n#46349.5\t\tCall")
	f.Add(uint8(3), "Name\tMax relationships\nAna\t#8\nana\tlots\n\t#3")
	f.Add(uint8(2), "Date\tDate\tPartner\n2026-11-23\tx\tFaith")
	f.Add(uint8(0), "")
	f.Fuzz(func(t *testing.T, which uint8, s string) {
		names := []string{"Partners", "Assets", "Meetings", "Members"}
		tab := names[int(which)%len(names)]
		tables := map[string]*sheets.Table{
			"Partners": table("Partners", row("Name", "Owner"), row("Faith", "Ana"), row("Eastside Tenants Union", "Bo")),
			"Members":  table("Members", row("Name"), row("Ana")),
		}
		fuzzed := fuzzTable(tab, s)
		tables[tab] = fuzzed
		res := Decode(tables, Options{DateOrder: DateOrder(which / 4 % 2)})
		for _, is := range res.Issues {
			rows := 0
			if tb := tables[is.Tab]; tb != nil {
				rows = len(tb.Rows)
			}
			if is.Row < 0 || is.Row > rows {
				t.Fatalf("issue on row %d of a %d-row tab: %s", is.Row, rows, is)
			}
			if is.Problem == "" || is.Severity == "" {
				t.Fatalf("issue without a problem or severity: %+v", is)
			}
		}
		recRows := func(tab string, n int) {
			if n < 2 || n > len(tables[tab].Rows) {
				t.Fatalf("a %s record has row %d of %d", tab, n, len(tables[tab].Rows))
			}
		}
		for _, p := range res.Records.Partners {
			recRows("Partners", p.Row)
			if p.Key == "" || p.Key != scoring.FoldName(p.Name) {
				t.Fatalf("partner key %q of %q", p.Key, p.Name)
			}
		}
		for _, a := range res.Records.Assets {
			recRows("Assets", a.Row)
			if a.Strength < 1 || a.Strength > 3 {
				t.Fatalf("asset strength %d", a.Strength)
			}
		}
		for _, m := range res.Records.Meetings {
			recRows("Meetings", m.Row)
			if m.Date.IsZero() || m.PartnerKey == "" || m.Type == "" {
				t.Fatalf("meeting without its required values: %+v", m)
			}
		}
		for _, m := range res.Records.Members {
			recRows("Members", m.Row)
		}
	})
}

func FuzzAppendFold(f *testing.F) {
	for _, s := range []string{"Eastside  Tenants\u00a0Union ", "\u200fİstanbul", "ẞ straße", "\xff\xfeX", "\t a \v b\u0085c", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendFold([]byte("prefix"), s)), "prefix"+scoring.FoldName(s); got != want {
			t.Fatalf("appendFold(%q) = %q, FoldName = %q", s, got, want)
		}
	})
}

// naiveDistance is the textbook Levenshtein distance, the reference for the banded one.
func naiveDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j-1]+cost, prev[j]+1, cur[j-1]+1)
		}
		prev = cur
	}
	return prev[len(b)]
}

func FuzzEditDistance(f *testing.F) {
	f.Add("eastside tenant union", "eastside tenants union", uint8(3))
	f.Add("abc", "", uint8(1))
	f.Add("kitten", "sitting", uint8(2))
	f.Fuzz(func(t *testing.T, a, b string, limit uint8) {
		ra, rb := []rune(a), []rune(b)
		if len(ra) > 64 || len(rb) > 64 {
			return
		}
		l := int(limit % 6)
		want := naiveDistance(ra, rb)
		got, ok := editDistance(ra, rb, l)
		if ok != (want <= l) || (ok && got != want) {
			t.Fatalf("editDistance(%q, %q, %d) = %d, %v; want %d", a, b, l, got, ok, want)
		}
	})
}
