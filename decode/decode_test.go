package decode

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// table builds a tab from rows of Go values: string → text (kept as typed, untrimmed),
// int/float64 → number, bool → checkbox, time.Time → date, nil → blank, sheets.Cell as is.
func table(name string, rows ...[]any) *sheets.Table {
	t := &sheets.Table{Name: name}
	for _, r := range rows {
		cells := make([]sheets.Cell, len(r))
		for i, v := range r {
			switch v := v.(type) {
			case nil:
			case string:
				cells[i] = txt(v)
			case int:
				cells[i] = sheets.IntCell(v)
			case float64:
				cells[i] = sheets.NumberCell(v)
			case bool:
				cells[i] = sheets.BoolCell(v)
			case time.Time:
				cells[i] = sheets.DateCell(v)
			case sheets.Cell:
				cells[i] = v
			default:
				panic(fmt.Sprintf("table: unsupported %T", v))
			}
		}
		t.Rows = append(t.Rows, cells)
	}
	return t
}

func row(v ...any) []any { return v }

func tabs(ts ...*sheets.Table) map[string]*sheets.Table {
	m := make(map[string]*sheets.Table, len(ts))
	for _, t := range ts {
		m[t.Name] = t
	}
	return m
}

// emptyTabs are Assets and Meetings tabs with headers only, so a test of one tab is not
// noisy with "no tab named" warnings.
func emptyTabs() []*sheets.Table {
	return []*sheets.Table{
		table("Assets", row("Member", "Asset")),
		table("Meetings", row("Date", "Partner")),
	}
}

func decodeAll(ts ...*sheets.Table) Result { return Decode(tabs(ts...), Options{}) }

func withEmpty(ts ...*sheets.Table) Result {
	return decodeAll(append(ts, emptyTabs()...)...)
}

// issueKey is the part of an Issue a test pins down exactly; Problem is matched by fragment.
type issueKey struct {
	Tab      string
	Row      int
	Column   string
	Value    string
	Severity scoring.Severity
}

type wantIssue struct {
	issueKey
	problem string // a fragment the Problem must contain
}

func e(tab string, row int, column, value, problem string) wantIssue {
	return wantIssue{issueKey{tab, row, column, value, scoring.SevError}, problem}
}
func w(tab string, row int, column, value, problem string) wantIssue {
	return wantIssue{issueKey{tab, row, column, value, scoring.SevWarning}, problem}
}
func inf(tab string, row int, column, value, problem string) wantIssue {
	return wantIssue{issueKey{tab, row, column, value, scoring.SevInfo}, problem}
}

func checkIssues(t *testing.T, got []scoring.Issue, want ...wantIssue) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d issues, want %d:\n%s", len(got), len(want), listIssues(got))
	}
	for i, wi := range want {
		g := got[i]
		k := issueKey{g.Tab, g.Row, g.Column, g.Value, g.Severity}
		if k != wi.issueKey || !strings.Contains(g.Problem, wi.problem) {
			t.Errorf("issue %d:\n got  %+v %q\n want %+v containing %q", i, k, g.Problem, wi.issueKey, wi.problem)
		}
	}
}

func listIssues(is []scoring.Issue) string {
	var b strings.Builder
	for _, i := range is {
		fmt.Fprintf(&b, "  %s\n", i)
	}
	return b.String()
}

func TestDecodePartnerColumns(t *testing.T) {
	assessed := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		header []any
		values []any
		issues []wantIssue
	}{
		{"spec names",
			row("Name", "Type", "Owner", "Stance", "Influence", "Trust", "Impact", "Capacity", "Alignment", "Ring", "Stage", "Status",
				"Endorses candidates", "Assessed by", "Assessed on", "Goals", "Self-interest", "Represents", "Constraints", "Notes"),
			row("Eastside Tenants Union", "Organization", "Ana Ruiz", "Supports", 4, 3, 2, 5, 4.5, 2, "Met", "Inactive",
				"yes", "Bo Chen", assessed, "Stop evictions", "Members' rent", "400 households", "No weekends", "Met at fair"), nil},
		{"aliases in any case and punctuation, in another order",
			row("NOTES", "constraints", "REPRESENTS", "self_interest", "goals", "assessed-on", "Assessed By", "partisan", "status",
				"depth", "ring override", "values alignment", "capacity", "impact", "legitimacy", "power", "position", "relationship_owner", "kind", "ORGANIZATION"),
			row("Met at fair", "No weekends", "400 households", "Members' rent", "Stop evictions", assessed, "Bo Chen", "yes", "Inactive",
				"Met", 2, 4.5, 5, 2, 3, 4, "Supports", "Ana Ruiz", "Organization", "Eastside Tenants Union"), nil},
		{"Partner and Support aliases with extra columns ignored",
			row("Partner", "Phone", "Type", "Owner", "Support", "Influence", "Trust", "Impact", "Capacity", "Alignment", "Ring", "Stage", "Status",
				"Endorses candidates", "Assessed by", "Assessed on", "Goals", "Self-interest", "Represents", "Constraints", "Notes", "Website"),
			row("Eastside Tenants Union", "555-0100", "Organization", "Ana Ruiz", 1, "4", "3", "2", "5", "4.5", "2", "met", "inactive",
				true, "Bo Chen", "2026-03-01", "Stop evictions", "Members' rent", "400 households", "No weekends", "Met at fair", "etu.org"),
			[]wantIssue{
				w("Partners", 1, "B", "Phone", "partnermap reads no column of this name, so this column is ignored; that is fine for a column of your own"),
				w("Partners", 1, "V", "Website", "so this column is ignored"),
			}},
	}
	want := scoring.Partner{
		Row: 2, Name: "Eastside Tenants Union", Key: "eastside tenants union", Type: "Organization",
		Owner: "Ana Ruiz", OwnerKey: "ana ruiz", Stance: scoring.Some(1), Influence: scoring.Some(4), Trust: scoring.Some(3),
		Impact: scoring.Some(2), Capacity: scoring.Some(5), Alignment: scoring.Some(4.5), RingOverride: 2, Stage: scoring.StageMet,
		Inactive: true, Endorses: true, AssessedBy: "Bo Chen", AssessedOn: scoring.DateOf(2026, 3, 1), Goals: "Stop evictions",
		SelfInterest: "Members' rent", Represents: "400 households", Constraints: "No weekends", Notes: "Met at fair",
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := withEmpty(table("Partners", tc.header, tc.values))
			checkIssues(t, res.Issues, tc.issues...)
			if len(res.Records.Partners) != 1 || res.Records.Partners[0] != want {
				t.Fatalf("partners = %+v\nwant %+v", res.Records.Partners, want)
			}
		})
	}
}

func TestDecodeMeetingColumns(t *testing.T) {
	partners := table("Partners", row("Name"), row("Faith Coalition"))
	cases := []struct {
		name   string
		header []any
		values []any
	}{
		{"spec names",
			row("Date", "Partner", "Member", "Type", "Role", "Success looks like", "Self-interests", "Ask", "Ask outcome", "Introductions", "Next step", "Due", "Done", "Notes"),
			row("2026-11-23", "Faith Coalition", "Ana Ruiz", "Event", "Co-led", "A full hall", "Youth", "Co-host", "Pending", "Rev. Lee; Bo Chen", "Send flyer", "2026-12-01", "x", "Good")},
		{"aliases",
			row("meeting date", "partner", "Our attendee", "Meeting type", "Partner role", "Their success", "Self-interest", "ask", "ASK OUTCOME", "Connections", "next step", "Next step due", "Completed", "notes"),
			row(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), "faith  coalition ", "Ana Ruiz", "event", "co-led", "A full hall", "Youth", "Co-host", "pending", "Rev. Lee, Bo Chen", "Send flyer", float64(scoring.DateOf(2026, 12, 1)), true, "Good")},
		{"Attendee and Due date aliases",
			row("Date", "Partner", "Attendee", "Type", "Role", "Success looks like", "Self-interests", "Ask", "Ask outcome", "Introductions", "Next step", "Due date", "Done", "Notes"),
			row("Nov 23, 2026", "Faith Coalition", "Ana Ruiz", "EVENT", "Co-Led", "A full hall", "Youth", "Co-host", "Pending", "Rev. Lee;;Bo Chen;", "Send flyer", "12/1/2026", "yes", "Good")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := decodeAll(partners, table("Assets", row("Member", "Asset")), table("Meetings", tc.header, tc.values))
			checkIssues(t, res.Issues)
			if len(res.Records.Meetings) != 1 {
				t.Fatalf("meetings = %+v", res.Records.Meetings)
			}
			m := res.Records.Meetings[0]
			if m.Row != 2 || m.Date != scoring.DateOf(2026, 11, 23) || m.PartnerKey != "faith coalition" || m.Member != "Ana Ruiz" ||
				m.Type != scoring.Event || m.Role != scoring.RoleCoLed || m.Success != "A full hall" || m.SelfInterests != "Youth" ||
				m.Ask != "Co-host" || m.AskOutcome != "Pending" || !slices.Equal(m.Introductions, []string{"Rev. Lee", "Bo Chen"}) ||
				m.NextStep != "Send flyer" || m.Due != scoring.DateOf(2026, 12, 1) || !m.Done || m.Notes != "Good" {
				t.Fatalf("meeting = %+v", m)
			}
		})
	}
}

func TestDecodeAssetAndMemberColumns(t *testing.T) {
	res := decodeAll(
		table("Partners", row("Name"), row("Eastside Tenants Union")),
		table("Assets",
			row("who", "TYPE", "Description", "Connects to", "Tie", "Notes"),
			row("Ana Ruiz", "organizational relationship", "Board member of ETU", "Eastside Tenants Union", "Strong", "since 2020")),
		table("Meetings", row("Date", "Partner")),
		table("Members",
			row("Name", "Email", "Role", "Max relationships"),
			row("Ana Ruiz", "ana@example.org", "leader", 5)),
	)
	checkIssues(t, res.Issues)
	wantAsset := scoring.Asset{Row: 2, Member: "Ana Ruiz", Category: "Organizational relationship", Asset: "Board member of ETU",
		Partner: "Eastside Tenants Union", PartnerKey: "eastside tenants union", Strength: 3, Notes: "since 2020"}
	if len(res.Records.Assets) != 1 || res.Records.Assets[0] != wantAsset {
		t.Fatalf("assets = %+v, want %+v", res.Records.Assets, wantAsset)
	}
	wantMember := scoring.Member{Row: 2, Name: "Ana Ruiz", Key: "ana ruiz", Email: "ana@example.org", Role: "Leader", MaxRelationships: 5}
	if len(res.Records.Members) != 1 || res.Records.Members[0] != wantMember {
		t.Fatalf("members = %+v, want %+v", res.Records.Members, wantMember)
	}
}

// The Digest column: "no" (any yes/no form) opts a member out, blank keeps them in, and an
// unreadable value is an issue that leaves them in.
func TestDecodeMemberDigest(t *testing.T) {
	res := decodeAll(
		table("Partners", row("Name"), row("Eastside Tenants Union")),
		table("Assets", row("Member", "Asset")),
		table("Meetings", row("Date", "Partner")),
		table("Members",
			row("Name", "Email", "DIGEST"),
			row("Ana Ruiz", "ana@example.org", "no"),
			row("Ben Ode", "ben@example.org", ""),
			row("Cy Lam", "cy@example.org", "Yes"),
			row("Dee Fox", "dee@example.org", false),
			row("Eve Ng", "eve@example.org", "weekly")),
	)
	want := map[string]bool{"Ana Ruiz": true, "Ben Ode": false, "Cy Lam": false, "Dee Fox": true, "Eve Ng": false}
	for _, m := range res.Records.Members {
		if m.NoDigest != want[m.Name] {
			t.Errorf("%s: NoDigest = %v, want %v", m.Name, m.NoDigest, want[m.Name])
		}
	}
	if len(res.Issues) != 1 || res.Issues[0].Row != 6 || res.Issues[0].Column != "DIGEST" || res.Issues[0].Value != "weekly" {
		t.Fatalf("issues = %v, want one for Eve Ng's Digest", res.Issues)
	}
}

func TestDecodeDefaults(t *testing.T) {
	res := decodeAll(
		table("Partners", row("Name", "Status", "Stance"), row("Faith Coalition"), row("Eastside Tenants Union", "Active", nil)),
		table("Assets", row("Member", "Asset", "Partner", "Strength"), row("Ana Ruiz", "Knows the pastor", "Faith Coalition")),
		table("Meetings",
			row("Date", "Partner", "Type", "Role"),
			row("2026-11-01", "Faith Coalition"),
			row("2026-11-02", "Faith Coalition", "Event"),
			row("2026-11-03", "Faith Coalition", "Call")),
	)
	checkIssues(t, res.Issues)
	for _, p := range res.Records.Partners {
		if p.Inactive || p.Stance.Known {
			t.Errorf("blank Status must mean active and blank Stance unknown: %+v", p)
		}
	}
	if got := res.Records.Assets[0].Strength; got != 2 {
		t.Errorf("blank Strength = %d, want 2", got)
	}
	ms := res.Records.Meetings
	for i, want := range []struct {
		typ  scoring.MeetingType
		role scoring.Role
	}{
		{scoring.OneToOne, scoring.RoleNone},  // blank Type → 1-1; no role outside participation
		{scoring.Event, scoring.RoleAttended}, // blank Role on an Event → Attended
		{scoring.Call, scoring.RoleNone},      // a call has no role
	} {
		if ms[i].Type != want.typ || ms[i].Role != want.role {
			t.Errorf("meeting row %d: type %q role %q, want %q %q", ms[i].Row, ms[i].Type, ms[i].Role, want.typ, want.role)
		}
	}
}

func TestDecodeBlankAndRaggedRows(t *testing.T) {
	res := withEmpty(table("Partners",
		row("Name", "Influence", "Owner", "Scratch"),
		row(),                                 // blank
		row("Faith Coalition", 4),             // ragged: Owner cell missing
		row(nil, "", "  ", nil),               // only blanks and spaces
		row("\u00a0", "\u200f"),               // NBSP and a direction mark only
		row(nil, nil, nil, "=A1 formula col"), // only a column partnermap ignores
		row("Eastside Tenants Union"),
	))
	checkIssues(t, res.Issues, w("Partners", 1, "D", "Scratch", "this column is ignored"))
	var got []int
	for _, p := range res.Records.Partners {
		got = append(got, p.Row)
	}
	if !slices.Equal(got, []int{3, 7}) {
		t.Fatalf("partner rows = %v, want the sheet's own rows [3 7]", got)
	}
	if res.Rows["Partners"] != 2 {
		t.Fatalf("Rows[Partners] = %d, want 2", res.Rows["Partners"])
	}
	if res.Records.Partners[0].Influence != scoring.Some(4) || res.Records.Partners[0].Owner != "" {
		t.Fatalf("ragged row read wrongly: %+v", res.Records.Partners[0])
	}
}

func TestDecodeUnreadableValues(t *testing.T) {
	res := withEmpty(table("Partners",
		row("Name", "Influence", "Stance", "Assessed on", "Ring", "Stage", "Endorses candidates", "Status"),
		row("Faith Coalition", 7, "maybe", "11/23/26", 2.5, "Friends", "perhaps", "paused"),
	))
	checkIssues(t, res.Issues,
		// Left to right along the row, as a volunteer reads it.
		e("Partners", 2, "Influence", "7", "7 is out of range: scores must be 1–5"),
		e("Partners", 2, "Stance", "maybe", "stance must be -2..2 or Strongly opposes…Strongly supports"),
		e("Partners", 2, "Assessed on", "11/23/26", "11/23/26: use 2026-11-23 or 11/23/2026"),
		e("Partners", 2, "Ring", "2.5", "not a whole number"),
		e("Partners", 2, "Stage", "Friends", stageHint),
		e("Partners", 2, "Endorses candidates", "perhaps", "must be yes or no"),
		e("Partners", 2, "Status", "paused", statusHint),
	)
	p := res.Records.Partners[0]
	if p.Influence.Known || p.Stance.Known || !p.AssessedOn.IsZero() || p.RingOverride != 0 || p.Stage != "" || p.Endorses || p.Inactive {
		t.Fatalf("unreadable values must read as blank, row kept: %+v", p)
	}
}

func TestDecodeUnreadableMeetingValues(t *testing.T) {
	res := decodeAll(
		table("Partners", row("Name"), row("Faith Coalition")),
		table("Assets", row("Member", "Asset", "Strength"), row("Ana", "Van", 5)),
		table("Meetings",
			row("Date", "Partner", "Type", "Role", "Ask outcome", "Due", "Done"),
			row("2026-11-23", "Faith Coalition", "Lunch", "Spoke", "Maybe", "someday", "nope")),
	)
	checkIssues(t, res.Issues,
		e("Assets", 2, "Strength", "5", "5 is out of range: strength must be 1–3"),
		e("Meetings", 2, "Type", "Lunch", typeHint),
		e("Meetings", 2, "Role", "Spoke", roleHint),
		e("Meetings", 2, "Ask outcome", "Maybe", outcomeHint),
		e("Meetings", 2, "Due", "someday", "not a date"),
		e("Meetings", 2, "Done", "nope", "must be yes or no"),
	)
	m := res.Records.Meetings[0]
	if m.Type != scoring.OneToOne || m.Role != "" || m.AskOutcome != "" || !m.Due.IsZero() || m.Done {
		t.Fatalf("unreadable meeting values must read as blank (type 1-1): %+v", m)
	}
	if res.Records.Assets[0].Strength != 2 {
		t.Fatalf("unreadable Strength must read as blank (2): %+v", res.Records.Assets[0])
	}
}

func TestDecodeDateOrder(t *testing.T) {
	ts := tabs(
		table("Partners", row("Name"), row("Faith Coalition")),
		table("Assets", row("Member", "Asset")),
		table("Meetings", row("Date", "Partner"), row("23/11/2026", "Faith Coalition"), row("03/04/2026", "Faith Coalition")),
	)
	dmy := Decode(ts, Options{DateOrder: DMY})
	checkIssues(t, dmy.Issues)
	if got := dmy.Records.Meetings; len(got) != 2 || got[0].Date != scoring.DateOf(2026, 11, 23) || got[1].Date != scoring.DateOf(2026, 4, 3) {
		t.Fatalf("DMY meetings = %+v", got)
	}
	mdy := Decode(ts, Options{})
	checkIssues(t, mdy.Issues,
		e("Meetings", 2, "Date", "23/11/2026", "set date_order: DMY in the config; or type 2026-11-23; the meeting is left out"))
	if got := mdy.Records.Meetings; len(got) != 1 || got[0].Date != scoring.DateOf(2026, 3, 4) {
		t.Fatalf("MDY meetings = %+v", got)
	}
}

func TestDecodeRowsMissingRequiredValues(t *testing.T) {
	res := decodeAll(
		table("Partners", row("Name", "Type"), row(nil, "Union"), row("Faith Coalition")),
		table("Assets",
			row("Member", "Asset", "Partner"),
			row(nil, "Van", nil),
			row("Ana", "  ", nil),
			row(nil, nil, "Faith Coalition"),
			row("Ana", "Van")),
		table("Meetings",
			row("Date", "Partner", "Notes"),
			row(nil, "Faith Coalition"),
			row("2026-11-23", nil),
			row(nil, nil, "forgot the rest"),
			row("tomorrow", "Faith Coalition"),
			row("2026-11-23", "Faith Coalition")),
	)
	checkIssues(t, res.Issues,
		e("Partners", 2, "Name", "", "this partner row has no Name"),
		e("Assets", 2, "Member", "", "this asset has no Member"),
		e("Assets", 3, "Asset", "", "this asset has no Asset"),
		e("Assets", 4, "Member", "", "no Member and no Asset"),
		e("Meetings", 2, "Date", "", "this meeting has no Date:"),
		e("Meetings", 3, "Partner", "", "this meeting has no Partner"),
		e("Meetings", 4, "Date", "", "no Date and no Partner"),
		e("Meetings", 5, "Date", "tomorrow", "not a date: use a date like 2026-11-23"),
	)
	if len(res.Records.Partners) != 1 || len(res.Records.Assets) != 1 || len(res.Records.Meetings) != 1 {
		t.Fatalf("rows missing required values must be left out: %+v", res.Records)
	}
	if res.Records.Meetings[0].Row != 6 || res.Records.Assets[0].Row != 5 {
		t.Fatalf("kept rows: %+v", res.Records)
	}
	want := map[string]int{"Partners": 2, "Assets": 4, "Meetings": 5}
	for tab, n := range want {
		if res.Rows[tab] != n {
			t.Errorf("Rows[%s] = %d, want %d (non-blank rows, left out or not)", tab, res.Rows[tab], n)
		}
	}
}

func TestDecodeMissingRequiredColumns(t *testing.T) {
	res := decodeAll(
		table("Partners", row("Organisation name", "Type"), row("Faith Coalition", "Faith")),
		table("Assets", row("Member", "Notes"), row("Ana", "has a van")),
		table("Meetings", row("When", "Partner"), row("2026-11-23", "Nobody we know")),
		table("Members", row("Email")),
	)
	checkIssues(t, res.Issues,
		e("Partners", 0, "Name", "", `required column Name is missing (it may also be headed Partner or Organization or Organisation); row 1 has: Organisation name, Type`),
		w("Partners", 1, "A", "Organisation name", "this column is ignored"),
		e("Assets", 0, "Asset", "", "required column Asset is missing (it may also be headed Description); row 1 has: Member, Notes"),
		e("Meetings", 0, "Date", "", "required column Date is missing"),
		w("Meetings", 1, "A", "When", "this column is ignored"),
		e("Members", 0, "Name", "", "row 1 has: Email"),
	)
	r := res.Records
	if len(r.Partners)+len(r.Assets)+len(r.Meetings)+len(r.Members) != 0 {
		t.Fatalf("tabs missing a required column must yield no records: %+v", r)
	}
	if res.Rows["Partners"] != 1 || res.Rows["Meetings"] != 1 {
		t.Fatalf("rows are still counted: %v", res.Rows)
	}
}

func TestDecodeTabWithoutHeaders(t *testing.T) {
	res := withEmpty(&sheets.Table{Name: "Partners"})
	checkIssues(t, res.Issues, e("Partners", 0, "Name", "", "row 1 has no headers"))
}

func TestDecodeOtherTabsStillDecodeWhenPartnersFails(t *testing.T) {
	res := decodeAll(
		table("Partners", row("Org"), row("Faith Coalition")),
		table("Assets", row("Member", "Asset", "Partner"), row("Ana", "Van", "Faith Coalition")),
		table("Meetings", row("Date", "Partner"), row("2026-11-23", "Faith Coalition"), row("2026-11-24", "Eastside")),
	)
	// One error for the tab, and no unknown-partner warning for every asset and meeting.
	checkIssues(t, res.Issues, e("Partners", 0, "Name", "", "row 1 has: Org"), w("Partners", 1, "A", "Org", "this column is ignored"))
	if len(res.Records.Assets) != 1 || len(res.Records.Meetings) != 2 {
		t.Fatalf("assets and meetings must still decode: %+v", res.Records)
	}
}

func TestDecodeMissingTabs(t *testing.T) {
	cases := []struct {
		name   string
		tables []*sheets.Table
		want   []wantIssue
	}{
		{"no Partners tab is an error, and meetings are not each warned about",
			[]*sheets.Table{table("Assets", row("Member", "Asset", "Partner"), row("Ana", "Van", "Faith")),
				table("Meetings", row("Date", "Partner"), row("2026-11-23", "Faith"))},
			[]wantIssue{e("Partners", 0, "", "", `no tab named "Partners": run `+"`partnermap init`"+` to add the input tabs, or set tabs.partners`)}},
		{"no Assets or Meetings tab is a warning",
			[]*sheets.Table{table("Partners", row("Name"))},
			[]wantIssue{
				w("Assets", 0, "", "", `no tab named "Assets": run `+"`partnermap init`"+` to add the input tabs, or set tabs.assets`),
				w("Meetings", 0, "", "", `no tab named "Meetings": run `+"`partnermap init`"+` to add the input tabs, or set tabs.meetings`),
			}},
		{"no Members tab is fine",
			append([]*sheets.Table{table("Partners", row("Name"))}, emptyTabs()...),
			nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := decodeAll(tc.tables...)
			checkIssues(t, res.Issues, tc.want...)
			if _, ok := res.Rows["Members"]; ok {
				t.Fatal("a missing tab must not appear in Rows")
			}
		})
	}
}

func TestDecodeConfiguredTabNames(t *testing.T) {
	opts := Options{Tabs: TabNames{Partners: "Orgs", Assets: "Our assets", Meetings: "Notes", Members: "Team"}}
	res := Decode(tabs(
		table("Orgs", row("Name", "Owner"), row("Faith Coalition", "Ann")),
		table("Our assets", row("Member", "Asset")),
		table("Notes", row("Date", "Partner"), row("2026-11-23", "Faith Coalitio")),
		table("Team", row("Name"), row("Ana")),
		table("Partners", row("Name"), row("Ignored")),
	), opts)
	checkIssues(t, res.Issues,
		inf("Orgs", 2, "Owner", "Ann", "no member named 'Ann' in the Team tab — did you mean 'Ana'?"),
		w("Notes", 2, "Partner", "Faith Coalitio", "did you mean 'Faith Coalition'?"),
	)
	if len(res.Records.Partners) != 1 || res.Rows["Orgs"] != 1 || res.Rows["Team"] != 1 {
		t.Fatalf("configured names must be used: %+v %v", res.Records.Partners, res.Rows)
	}
}

func TestDecodeDuplicates(t *testing.T) {
	res := decodeAll(
		table("Partners", row("Name", "Type"),
			row("Eastside Tenants Union", "Union"),
			row("Faith Coalition"),
			row("  eastside   TENANTS union ", "Org"),
			row("Faith\u00a0Coalition")),
		table("Assets", row("Member", "Asset")),
		table("Meetings", row("Date", "Partner")),
		table("Members", row("Name"), row("Ana Ruiz"), row("ana ruiz")),
	)
	checkIssues(t, res.Issues,
		e("Partners", 4, "Name", "  eastside   TENANTS union ", "duplicate of row 2 (Eastside Tenants Union)"),
		e("Partners", 5, "Name", "Faith\u00a0Coalition", "duplicate of row 3 (Faith Coalition)"),
		w("Members", 3, "Name", "ana ruiz", "duplicate of row 2 (Ana Ruiz)"),
	)
	if len(res.Records.Partners) != 2 || res.Records.Partners[0].Type != "Union" || len(res.Records.Members) != 1 {
		t.Fatalf("the first row must win: %+v", res.Records)
	}
}

func TestDecodeDuplicateColumns(t *testing.T) {
	res := withEmpty(table("Partners",
		row("Name", "Stance", "Support", "Organization"),
		row("Faith Coalition", 1, -2, "Other name"),
	))
	checkIssues(t, res.Issues,
		w("Partners", 1, "Support", "Support", `column C ("Support") is ignored: column B ("Stance") already gives Stance`),
		w("Partners", 1, "Organization", "Organization", `column D ("Organization") is ignored: column A ("Name") already gives Name`),
	)
	if p := res.Records.Partners[0]; p.Name != "Faith Coalition" || p.Stance != scoring.Some(1) {
		t.Fatalf("the first column must win: %+v", p)
	}
}

func TestDecodeUnknownPartners(t *testing.T) {
	partners := table("Partners", row("Name"),
		row("Eastside Tenants Union"),
		row("Faith Coalition of Greater Springfield"),
		row("Riverside Youth League"),
		row("ACLU"),
	)
	cases := []struct {
		name    string
		partner string
		want    string // "" when it matches
	}{
		{"exact match", "Eastside Tenants Union", ""},
		{"case and spaces fold", "  EASTSIDE  tenants union", ""},
		{"one letter off", "Eastside Tenant Union", "no partner named 'Eastside Tenant Union' — did you mean 'Eastside Tenants Union'?"},
		{"transposed letters", "Riversdie Youth League", "did you mean 'Riverside Youth League'?"},
		{"cut-off name", "Faith Coalition", "did you mean 'Faith Coalition of Greater Springfield'?"},
		{"inner words of a name", "Youth League", "did you mean 'Riverside Youth League'?"},
		{"extra words typed", "Riverside Youth League soccer team", "did you mean 'Riverside Youth League'?"},
		{"nothing close", "City Council", "no partner named 'City Council' in the Partners tab: check the spelling, or add the partner there"},
		{"a third of a short name may differ", "ACL", "did you mean 'ACLU'?"},
		{"very short names need an exact match", "AC", "no partner named 'AC' in the Partners tab"},
		{"too many edits", "Eastsde Tennts Unon Local", "in the Partners tab"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := decodeAll(partners,
				table("Assets", row("Member", "Asset", "Partner"), row("Ana", "Knows them", tc.partner)),
				table("Meetings", row("Date", "Partner"), row("2026-11-23", tc.partner)))
			if tc.want == "" {
				checkIssues(t, res.Issues)
				return
			}
			checkIssues(t, res.Issues,
				w("Assets", 2, "Partner", tc.partner, tc.want),
				w("Meetings", 2, "Partner", tc.partner, tc.want))
			m := res.Records.Meetings[0]
			if m.PartnerKey != scoring.FoldName(tc.partner) || len(res.Records.Assets) != 1 {
				t.Fatalf("rows with an unknown partner are kept with the folded key: %+v", res.Records)
			}
		})
	}
}

func TestDecodeUnknownMembers(t *testing.T) {
	members := table("Members", row("Name"), row("Ana Ruiz"), row("Bo Chen"))
	run := func(ts ...*sheets.Table) Result {
		return decodeAll(append([]*sheets.Table{
			table("Partners", row("Name", "Owner"), row("Faith Coalition", "Ana Ruis"), row("Eastside", "Bo Chen"), row("Riverside", 42)),
			table("Assets", row("Member", "Asset"), row("Zed", "Van")),
			table("Meetings", row("Date", "Partner", "Member"), row("2026-11-23", "Faith Coalition", "bo  chen"), row("2026-11-24", "Eastside", "Cy")),
		}, ts...)...)
	}
	t.Run("checked against the Members tab", func(t *testing.T) {
		res := run(members)
		checkIssues(t, res.Issues,
			inf("Partners", 2, "Owner", "Ana Ruis", "no member named 'Ana Ruis' in the Members tab — did you mean 'Ana Ruiz'?"),
			inf("Partners", 4, "Owner", "42", "no member named '42' in the Members tab: check the spelling, or add them there"),
			inf("Assets", 2, "Member", "Zed", "no member named 'Zed'"),
			inf("Meetings", 3, "Member", "Cy", "no member named 'Cy'"),
		)
		if got := res.Records.Partners[2]; got.Owner != "42" || got.OwnerKey != "42" {
			t.Fatalf("a number where text is expected is taken as its text: %+v", got)
		}
	})
	t.Run("not checked without a Members tab", func(t *testing.T) {
		checkIssues(t, run().Issues)
	})
	t.Run("not checked when the Members tab has no rows", func(t *testing.T) {
		checkIssues(t, run(table("Members", row("Name"), row())).Issues)
	})
}

func TestDecodeIssueOrder(t *testing.T) {
	res := decodeAll(
		table("Members", row("Name", "Max relationships"), row("Ana", "lots")),
		table("Meetings", row("Date", "Partner"), row("2026-11-23", "Nobody"), row("soon", "Faith")),
		table("Assets", row("Member", "Asset", "Strength"), row("Ana", "Van", 9)),
		table("Partners", row("Name", "Influence", "Trust"), row("Faith", 9, nil), row("Other", nil, 0)),
	)
	var got []string
	for _, is := range res.Issues {
		got = append(got, fmt.Sprintf("%s:%d", is.Tab, is.Row))
	}
	want := []string{"Partners:2", "Partners:3", "Assets:2", "Meetings:2", "Meetings:3", "Members:2"}
	if !slices.Equal(got, want) {
		t.Fatalf("issue order = %v, want %v", got, want)
	}
}

func TestDecodeHostileCells(t *testing.T) {
	long := strings.Repeat("Eastside Tenants Union ", 5000)
	res := decodeAll(
		table("Partners", row("Name", "Notes", "Influence"),
			row("Eastside Tenants Union", "\x00\x07\u202e", "\u202e4"),
			row("🏳️‍🌈 Pride Center", "emoji ok", nil),
			row("\u200fمركز الجالية", nil, long),
			row(long, "very long name", nil),
			row("\xff\xfe invalid utf8", nil, nil)),
		table("Assets", row("Member", "Asset", "Partner"), row("Ana", long, long[:len(long)-1]+"s")),
		table("Meetings", row("Date", "Partner", "Introductions"),
			row(long, "Eastside Tenants Union", long),
			row("2026-11-23", "🏳️‍🌈 pride center", strings.Repeat(";", 1000))),
	)
	if len(res.Records.Partners) != 5 || len(res.Records.Meetings) != 1 || len(res.Records.Assets) != 1 {
		t.Fatalf("hostile cells must still decode: %+v", res.Records)
	}
	if res.Records.Partners[0].Influence != scoring.Some(4) {
		t.Fatalf("a direction mark around a number is ignored: %+v", res.Records.Partners[0].Influence)
	}
	for _, is := range res.Issues {
		if n := len([]rune(is.Value)); n > maxQuoted+1 {
			t.Errorf("issue value of %d runes is not shortened: %s", n, is.Problem[:40])
		}
		if len(is.Problem) > 1000 {
			t.Errorf("issue problem of %d bytes quotes a long cell whole", len(is.Problem))
		}
	}
}

func TestColumnLetter(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA"} {
		if got := columnLetter(i); got != want {
			t.Errorf("columnLetter(%d) = %q, want %q", i, got, want)
		}
	}
}

func TestPlacePutsScoringIssuesUnderTheSheetsOwnNames(t *testing.T) {
	tables := map[string]*sheets.Table{
		"Our partners": table("Our partners", row("Partner", "Position", "power"), row("Green Streets", "", "")),
	}
	res := Decode(tables, Options{Tabs: TabNames{Partners: "Our partners"}})
	tests := []struct {
		in, want scoring.Issue
	}{
		{scoring.Issue{Tab: "Partners", Row: 2, Column: "Stance"}, scoring.Issue{Tab: "Our partners", Row: 2, Column: "Position"}},
		{scoring.Issue{Tab: "Partners", Row: 2, Column: "Influence"}, scoring.Issue{Tab: "Our partners", Row: 2, Column: "power"}},
		// A column the sheet lacks keeps the spec's name, so the volunteer knows what to add.
		{scoring.Issue{Tab: "Partners", Row: 2, Column: "Endorses candidates"}, scoring.Issue{Tab: "Our partners", Row: 2, Column: "Endorses candidates"}},
		{scoring.Issue{Tab: "Meetings", Row: 3, Column: "Date"}, scoring.Issue{Tab: "Meetings", Row: 3, Column: "Date"}},
	}
	for _, tc := range tests {
		if got := res.Place(tc.in); got != tc.want {
			t.Errorf("Place(%+v) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}
