package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestCampaignsOnALibreOfficeWorkbook is §8 end to end on testdata/campaigns.xlsx, a
// workbook LibreOffice saved (testdata/campaigns/gen.go says how it was made): three
// campaigns, one of them Won; a Stances tab that overrides some partners' stance and
// influence; a target (Senator Okafor) that is also a partner; one misspelt partner and one
// misspelt campaign.
func TestCampaignsOnALibreOfficeWorkbook(t *testing.T) {
	path := copyFixture(t, "campaigns.xlsx")
	if code, stdout, stderr := partnermap(t, "sync", "--now", "--as-of", "2026-11-23", "--xlsx", path); code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	tabs := readTabs(t, path, []string{"Priorities", "Data Issues", "Campaign Maps"})

	// Worked out by hand from §3 and §8 (power = (2·Influence + Trust + Impact + Capacity) / 5;
	// high power is P ≥ 3, supportive is S > 0). Housing Bill's target is Senator Okafor,
	// Transit Fares' is Mayor Chen (not a partner); Library Hours is Won, so never shown.
	//
	//   partner           own S, P   Housing Bill                 Transit Fares
	//   Eastside Tenants   1, 4      row: S 2, infl 2 → P 3.2: Q1  no row (the misspelt one is left out): Q1
	//   Riverside Faith    1, 3.6    row: S -1 → P 3.6: Q2          no row: Q1
	//   Senator Okafor     0, 4      the target                    row: S 1, infl 4 → P 3.6: Q1
	//   Youth Voices       2, 2.6    row: infl 5 → P 3.8, S 2: Q1   no row: Q3
	//   Northside Chamber -1, 3.6    row: S -2, infl 5 → P 4: Q2    no row: Q2
	//   The Daily Ledger   0, 3.2    no row: Q2                     row: S 1, infl 1 → P 2: Q3
	//   Hillcrest         -1, 2.2    no row: Q4                     misspelt row left out: Q4
	want := map[string]string{
		"Eastside Tenants Union":             "Housing Bill: Q1; Transit Fares: Q1",
		"Riverside Faith Coalition":          "Housing Bill: Q2; Transit Fares: Q1",
		"Senator Okafor":                     "Housing Bill: target; Transit Fares: Q1",
		"Youth Voices Collective":            "Housing Bill: Q1; Transit Fares: Q3",
		"Northside Chamber of Commerce":      "Housing Bill: Q2; Transit Fares: Q2",
		"The Daily Ledger":                   "Housing Bill: Q2; Transit Fares: Q3",
		"Hillcrest Neighborhood Association": "Housing Bill: Q4; Transit Fares: Q4",
	}
	prio := rowsByKey(t, tabs["Priorities"], "Partner")
	if len(prio) != len(want) {
		t.Errorf("Priorities has %d partners, want the %d active ones", len(prio), len(want))
	}
	for partner, cell := range want {
		if got := prio[partner]["Campaigns"]; got != cell {
			t.Errorf("%s: Campaigns %q, want %q", partner, got, cell)
		}
	}
	if h := tabs["Priorities"].Rows[1]; h[len(h)-1].String() != "Campaigns" {
		t.Errorf("Priorities' last column is %q, want Campaigns", h[len(h)-1].String())
	}

	// Both misspellings are on the Stances tab, at their rows, with the right suggestion.
	var stances []map[string]string
	for _, r := range rows(t, tabs["Data Issues"]) {
		if r["Tab"] == "Stances" {
			stances = append(stances, r)
		}
	}
	wantIssues := []struct{ row, column, value, suggestion string }{
		{"9", "Partner", "Hillcrest Neighborhood Asociation", "did you mean 'Hillcrest Neighborhood Association'?"},
		{"10", "Campaign", "Transit Fare", "did you mean 'Transit Fares'?"},
	}
	if len(stances) != len(wantIssues) {
		t.Fatalf("Stances issues %v, want the two misspellings", stances)
	}
	for i, w := range wantIssues {
		got := stances[i]
		if got["Row"] != w.row || got["Column"] != w.column || got["Value"] != w.value || !strings.Contains(got["Problem"], w.suggestion) {
			t.Errorf("Stances issue %v, want row %s, column %s, value %q, %q", got, w.row, w.column, w.value, w.suggestion)
		}
	}

	// The Campaign Maps tab: the two active campaigns, Persuade first by campaign power with
	// warm paths, and who has not been assessed; the Won one is not there.
	maps := cellText(tabs["Campaign Maps"])
	for _, s := range []string{
		"Campaign: Housing Bill\tActive", "Target\tSenator Okafor (leans neutral, 0)",
		"Campaign: Transit Fares\tActive", "Target\tMayor Chen (leans opposed, −1)",
		"Northside Chamber of Commerce\tTom Becker (weak)\t4\t-2\tTom Becker",
		"Riverside Faith Coalition\tDev Patel (medium)\t3.6\t-1\tDev Patel",
	} {
		if !strings.Contains(maps, s) {
			t.Errorf("Campaign Maps lacks %q", s)
		}
	}
	if strings.Contains(maps, "Library Hours") {
		t.Error("the Won campaign is shown")
	}
	goldenTab(t, "campaigns/Campaign_Maps.txt", maps)
	goldenTab(t, "campaigns/Priorities.txt", cellText(tabs["Priorities"]))

	// render --campaign with the name in another case draws that map, naming its target.
	svgPath := filepath.Join(t.TempDir(), "housing.svg")
	code, stdout, stderr := partnermap(t, "render", "--campaign", "HOUSING  bill", "--svg", svgPath, "--as-of", "2026-11-23", "--xlsx", path)
	if code != exitOK {
		t.Fatalf("render exit %d\n%s\n%s", code, stdout, stderr)
	}
	pic, err := os.ReadFile(svgPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Power map: Housing Bill", "Target: Senator Okafor", "Northside Chamber of Commerce"} {
		if !strings.Contains(string(pic), s) {
			t.Errorf("the picture lacks %q", s)
		}
	}
	if strings.Contains(string(pic), ">Senator Okafor<") {
		t.Error("the target is drawn as a partner of its own campaign")
	}
	if code, _, stderr := partnermap(t, "render", "--campaign", "Library Hours", "--svg", svgPath, "--xlsx", path); code != exitConfig ||
		!strings.Contains(stderr, `the active ones are "Housing Bill", "Transit Fares"`) {
		t.Errorf("a won campaign: exit %d, %s; want exit %d naming the active ones", code, stderr, exitConfig)
	}
}

// goldenTab compares text with testdata/golden/name, rewriting it with -update.
func goldenTab(t *testing.T, name, got string) {
	t.Helper()
	golden := filepath.Join("..", "..", "testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update after an intended change):\n--- got\n%s\n--- want\n%s", golden, got, want)
	}
}

// TestInitAddValidationListsPartnersAndCampaignsInStances: the Stances tab's Partner and
// Campaign dropdowns list the names in Partners and Campaigns, wherever those tabs keep them
// and under whichever header alias.
func TestInitAddValidationListsPartnersAndCampaignsInStances(t *testing.T) {
	path := filepath.Join(t.TempDir(), "own.xlsx")
	f := excelize.NewFile()
	tabs := map[string][]any{
		"Partners":  {"Type", "Notes", "Organization", "Stance"},
		"Campaigns": {"Goal", "Campaign name"},
		"Stances":   {"Notes", "Campaign", "Partner", "Stance"},
	}
	for _, name := range []string{"Partners", "Campaigns", "Stances"} {
		if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		row := tabs[name]
		if err := f.SetSheetRow(name, "A1", &row); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.DeleteSheet("Sheet1"); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	if code, stdout, stderr := partnermap(t, "init", "--xlsx", path, "--add-validation"); code != exitOK {
		t.Fatalf("init --add-validation: exit %d\n%s\n%s", code, stdout, stderr)
	}
	got := strings.Join(dropdowns(t, path, "Stances"), "\n")
	for _, want := range []string{"C2:C1001 'Partners'!$C$2:$C$10000", "B2:B1001 'Campaigns'!$B$2:$B$10000"} {
		if !strings.Contains(got, want) {
			t.Errorf("Stances dropdowns:\n%s\nwant %s", got, want)
		}
	}
}
