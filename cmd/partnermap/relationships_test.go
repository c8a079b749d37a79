package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/partnermap/partnermap/sheets/google/fake"
)

// TestCommitmentsProfilesAndThemesOnALibreOfficeWorkbook syncs testdata/relationships.xlsx
// (written by LibreOffice from relationships.fods) as of 2026-11-23 and checks the open next
// steps of SPEC §3 version 2, the Profiles tab and the Themes tab against values worked out
// by hand from the workbook.
func TestCommitmentsProfilesAndThemesOnALibreOfficeWorkbook(t *testing.T) {
	path := copyFixture(t, "relationships.xlsx")
	if code, stdout, stderr := partnermap(t, "sync", "--now", "--as-of", "2026-11-23", "--xlsx", path); code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	tabs := readTabs(t, path, []string{"Follow-ups", "Priorities", "Profiles", "Themes", "Owners"})

	type step struct{ partner, kind, step, due, days string }
	var got []step
	for _, r := range rows(t, tabs["Follow-ups"]) {
		if strings.HasPrefix(r["Kind"], "Next step") {
			got = append(got, step{r["Partner"], r["Kind"], r["Next step"], r["Due"], r["Days overdue"]})
		}
	}
	want := []step{
		// The older undone step (meeting 09-01) and the newer meeting's (11-02): both open,
		// each with its own days overdue. "Share the flyer" was repeated on 10-01 and marked
		// done there: closed.
		// Carried forward on 11-05 with a new due date: one follow-up, due on the new date
		// (Dev Patel's block comes before Maria Lopez's).
		{"Riverside Faith Coalition", "Next step overdue", "book the hall", "2026-11-20", "3"},
		{"Eastside Tenants Union", "Next step overdue", "Send the budget", "2026-09-15", "69"},
		{"Eastside Tenants Union", "Next step overdue", "Introduce us to Rev. Lee", "2026-11-16", "7"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("next-step follow-ups\n got %v\nwant %v", got, want)
	}

	prio := rowsByKey(t, tabs["Priorities"], "Partner")
	for partner, move := range map[string]string{
		"Eastside Tenants Union":    "Follow up: Send the budget", // the most overdue
		"Riverside Faith Coalition": "Follow up: book the hall",
		"Youth Voices":              "Get an answer: Speak at the forum", // Pending since 10-20
		"Local 302":                 "Listen again: find a different small ask",
		"Councilmember Rivera":      "Hold a one-to-one: learn what success looks like for them",
	} {
		if got := prio[partner]["Next move"]; got != move {
			t.Errorf("%s: next move %q, want %q", partner, got, move)
		}
	}
	if why := prio["Eastside Tenants Union"]["Why"]; !strings.Contains(why, "2 next steps overdue, the oldest by 69 days") {
		t.Errorf("Eastside's Why does not count both overdue steps: %q", why)
	}
	if got := rowsByKey(t, tabs["Owners"], "Owner")["Maria Lopez"]["Overdue follow-ups"]; got != "2" {
		t.Errorf("Maria Lopez's overdue follow-ups %q, want 2", got)
	}

	profs := rows(t, tabs["Profiles"])
	var order []string
	for _, r := range profs {
		order = append(order, r["Partner"])
	}
	var prioOrder []string
	for _, r := range rows(t, tabs["Priorities"]) {
		prioOrder = append(prioOrder, r["Partner"])
	}
	if !slices.Equal(order, prioOrder) {
		t.Errorf("Profiles order %v, want Priorities order %v", order, prioOrder)
	}
	east := profs[slices.Index(order, "Eastside Tenants Union")]
	for col, want := range map[string]string{
		"Open next steps":       "• Send the budget (due 2026-09-15, 69 days overdue)\n• Introduce us to Rev. Lee (due 2026-11-16, 7 days overdue)",
		"Self-interest":         "Keep members in their homes\nKeep members in their homes and win rent stabilization (2026-09-01)",
		"Success looks like":    "No evictions on the east side this winter (2026-09-01)",
		"Last ask":              "Bring 20 members to the council hearing (2026-09-01): Pending",
		"Warm paths":            "• Maria Lopez: Board member of Eastside Tenants Union (strong tie)\n• Ben Okafor: Neighbour of the union's organizer (weak tie)",
		"Introductions offered": "• Rev. Lee (2026-09-01)\n• Legal Aid Society (2026-09-01)",
		"Represents":            "400 tenant households on the east side",
		"Constraints":           "No paid staff; the board meets monthly",
		"Last notes":            "Anchor partner since the spring\nAsked about the budget again (2026-11-02)",
	} {
		if east[col] != want {
			t.Errorf("Eastside's Profiles %s\n got %q\nwant %q", col, east[col], want)
		}
	}

	themes := rowsByKey(t, tabs["Themes"], "Theme")
	for theme, who := range map[string]string{
		"affordable housing": "Eastside Tenants Union, Riverside Faith Coalition, Local 302",
		"members":            "Eastside Tenants Union, Local 302, Youth Voices",
		"families":           "Eastside Tenants Union, Riverside Faith Coalition, Local 302",
		"jobs":               "Local 302, Youth Voices",
	} {
		if got := themes[theme]["Who said it"]; got != who {
			t.Errorf("theme %q said by %q, want %q", theme, got, who)
		}
	}
	// Councilmember Rivera said "housing" but not "affordable housing": the word stays.
	if got := themes["housing"]["Partners"]; got != "4" {
		t.Errorf(`"housing" said by %q partners, want 4`, got)
	}
	// "affordable" alone was said by the same three as "affordable housing": left out.
	if _, ok := themes["affordable"]; ok {
		t.Error(`"affordable" is listed although "affordable housing" was said by the very same partners`)
	}
}

// TestProfilesOnAGoogleSheet syncs the same workbook's input tabs held by the fake Google
// Sheets server: Profiles and Themes are written in the one batchUpdate after the one read,
// and Profiles' long-text cells wrap (Google grows the row), so nothing is cut.
func TestProfilesOnAGoogleSheet(t *testing.T) {
	in := readTabs(t, copyFixture(t, "relationships.xlsx"), inputTabs)
	srv := fake.New()
	defer srv.Close()
	srv.AddSpreadsheet("chapter-1", "America/Chicago")
	for _, name := range inputTabs {
		srv.AddTab("chapter-1", name, in[name].Rows)
	}
	code, stdout, stderr := partnermap(t, "sync", "--now", "--as-of", "2026-11-23",
		"--spreadsheet-id", "chapter-1", "--set", "source.endpoint="+srv.URL())
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if n := len(srv.Calls()); n != 2 {
		t.Errorf("%d API calls, want 2 (one read, one batchUpdate)", n)
	}
	sheet, ok := srv.Sheet("chapter-1", "Profiles")
	if !ok {
		t.Fatal("Profiles not written")
	}
	grid := sheet.Data[0].RowData
	header := grid[1].Values
	col := -1
	for i, c := range header {
		if c.UserEnteredValue != nil && c.UserEnteredValue.StringValue != nil && *c.UserEnteredValue.StringValue == "Open next steps" {
			col = i
		}
	}
	if col < 0 {
		t.Fatal("Profiles has no Open next steps column")
	}
	cell := grid[2].Values[col]
	if got := *cell.UserEnteredValue.StringValue; !strings.Contains(got, "Send the budget") || !strings.Contains(got, "Introduce us to Rev. Lee") {
		t.Errorf("Eastside's open next steps %q do not name both steps", got)
	}
	if cell.UserEnteredFormat == nil || cell.UserEnteredFormat.WrapStrategy != "WRAP" {
		t.Errorf("Open next steps cell format %+v, want WrapStrategy WRAP", cell.UserEnteredFormat)
	}
	if rows, ok := srv.Cells("chapter-1", "Themes"); !ok || len(rows) < 3 {
		t.Errorf("Themes not written: %v", rows)
	}
}

// TestBriefForAPartnerTypedInOtherCaseAndSpacing: partnermap brief finds the partner however
// its name is typed, and shows what success looks like for them, their self-interest from
// the meeting notes, and their open steps; a near miss names the closest partner and exits 2.
func TestBriefForAPartnerTypedInOtherCaseAndSpacing(t *testing.T) {
	path := copyFixture(t, "relationships.xlsx")
	code, stdout, stderr := partnermap(t, "brief", "  eastside TENANTS   union ", "--as-of", "2026-11-23", "--xlsx", path)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"# 1-1 prep: Eastside Tenants Union",
		"**Success looks like:** No evictions on the east side this winter (2026-09-01)",
		"Keep members in their homes and win rent stabilization (2026-09-01)", // from the meeting notes
		"Send the budget (due 2026-09-15, 69 days overdue)",
		"Introduce us to Rev. Lee (due 2026-11-16, 7 days overdue)",
		"Who else should we talk to?",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("brief does not say %q:\n%s", want, stdout)
		}
	}

	out := filepath.Join(t.TempDir(), "eastside.html")
	if code, _, stderr := partnermap(t, "brief", "Eastside Tenants Union", "--format", "html", "--out", out, "--as-of", "2026-11-23", "--xlsx", path); code != exitOK {
		t.Fatalf("html: exit %d: %s", code, stderr)
	}
	if page, err := os.ReadFile(out); err != nil || !strings.Contains(string(page), "<h1>1-1 prep: Eastside Tenants Union</h1>") {
		t.Errorf("html brief not written to --out (%v)", err)
	}

	code, _, stderr = partnermap(t, "brief", "Eastside Tenant Union", "--as-of", "2026-11-23", "--xlsx", path)
	if code != exitConfig || !strings.Contains(stderr, `did you mean "Eastside Tenants Union"?`) {
		t.Errorf("near miss: exit %d, stderr %q; want 2 and the closest name", code, stderr)
	}
	if code, _, _ := partnermap(t, "brief", "Eastside Tenants Union", "--format", "pdf", "--xlsx", path); code != exitConfig {
		t.Errorf("--format pdf: exit %d, want 2", code)
	}
}
