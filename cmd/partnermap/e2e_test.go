package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/xlsx"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

var (
	inputTabs  = []string{"Partners", "Assets", "Meetings", "Members"}
	outputTabs = []string{"Priorities", "Follow-ups", "Power Map", "Connections", "Owners", "Profiles", "Themes", "Data Issues", "Sync Status", "History", "Progress"}
)

// copyFixture copies a testdata workbook into a fresh folder and returns its path.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// partnermap runs the command line in-process and returns its exit code and output.
func partnermap(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append(args, "--log-format", "json", "--set", "state_dir="+t.TempDir()), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func readTabs(t *testing.T, path string, names []string) map[string]*sheets.Table {
	t.Helper()
	snap, err := xlsx.New(path, xlsx.Options{}).Read(context.Background(), names)
	if err != nil {
		t.Fatal(err)
	}
	return snap.Tables
}

// cellText renders a tab as text lines for golden files, masking what changes from run to run.
func cellText(tab *sheets.Table) string {
	var b strings.Builder
	for i, row := range tab.Rows {
		cells := make([]string, len(row))
		for j, c := range row {
			cells[j] = c.String()
		}
		line := strings.TrimRight(strings.Join(cells, "\t"), "\t")
		switch {
		case i == 0 && strings.Contains(line, "computed"):
			line = line[:strings.Index(line, "computed")] + "computed <time> …"
		case strings.HasPrefix(line, "Last sync\t"), strings.HasPrefix(line, "Duration\t"), strings.HasPrefix(line, "Source\t"):
			line = line[:strings.Index(line, "\t")] + "\t<varies>"
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

func TestGoldenSyncNowOnMessyWorkbook(t *testing.T) {
	path := copyFixture(t, "messy.xlsx")
	before := readTabs(t, path, inputTabs)

	code, stdout, stderr := partnermap(t, "sync", "--now", "--as-of", "2026-11-23", "--xlsx", path)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	after := readTabs(t, path, append(append([]string{}, inputTabs...), outputTabs...))

	for _, name := range inputTabs {
		if got, want := cellText(after[name]), cellText(before[name]); got != want {
			t.Errorf("input tab %s changed:\n--- before\n%s\n--- after\n%s", name, want, got)
		}
	}
	for _, name := range outputTabs {
		tab, ok := after[name]
		if !ok {
			t.Errorf("output tab %s missing", name)
			continue
		}
		golden := filepath.Join("..", "..", "testdata", "golden", strings.ReplaceAll(name, " ", "_")+".txt")
		got := cellText(tab)
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if got != string(want) {
			t.Errorf("tab %s differs from %s (run with -update after an intended change):\n--- got\n%s\n--- want\n%s", name, golden, got, want)
		}
	}
}

// TestSyncNowFollowsTheSpec checks a few partners of the messy workbook against values worked
// out by hand from shared/SPEC.md §3 (as of 2026-11-23, window 180 days).
func TestSyncNowFollowsTheSpec(t *testing.T) {
	path := copyFixture(t, "messy.xlsx")
	if code, stdout, stderr := partnermap(t, "sync", "--now", "--as-of", "2026-11-23", "--xlsx", path); code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	tabs := readTabs(t, path, outputTabs)
	prio := rowsByKey(t, tabs["Priorities"], "Partner")
	tests := []struct {
		partner, quadrant string
		ring, score       int
	}{
		// leadership 3 in window → b 1; alignment 5 → cap 1; P (2·4+5+4+3)/5 = 4; S 2;
		// access 3/3; step due 11-27 is due soon → u ½: 30 + 25 + 20 + 7.5 = 82.5 → 83.
		{"Eastside Tenants Union", "Q1 Engage", 1, 83},
		// no meeting in window → b 4; A from stance 0 → 3 → cap 3 → ring 4; P 4; S 0 → Q2;
		// access 2/3; step overdue → u 1: 30 + 12.5 + 13.3 + 15 = 70.8 → 71.
		{"Councilmember Rivera", "Q2 Persuade", 4, 71},
		// ring override 1; P = influence 5; S −1: 40 + 6.25 = 46.25 → 46.
		{"Mayor's Task Force", "Q2 Persuade", 1, 46},
	}
	for _, tt := range tests {
		row, ok := prio[tt.partner]
		if !ok {
			t.Errorf("%s: not in Priorities", tt.partner)
			continue
		}
		if row["Quadrant"] != tt.quadrant || row["Ring"] != strconv.Itoa(tt.ring) || row["Score"] != strconv.Itoa(tt.score) {
			t.Errorf("%s: quadrant %q ring %q score %q; want %q %d %d", tt.partner, row["Quadrant"], row["Ring"], row["Score"], tt.quadrant, tt.ring, tt.score)
		}
	}
	if _, ok := prio["Old Town Arts"]; ok {
		t.Error("inactive partner Old Town Arts is in Priorities")
	}
	if row, ok := prio[`=HYPERLINK("http://example.com","click")`]; !ok || row["Partner"] == "" {
		t.Error("formula-looking partner name did not come back as text")
	}

	follow := map[string]string{}
	for _, r := range rows(t, tabs["Follow-ups"]) {
		follow[r["Partner"]+" / "+r["Kind"]] = r["Days overdue"]
	}
	for key, days := range map[string]string{
		"Councilmember Rivera / Next step overdue":    "173", // due 05-20 + 14 = 06-03
		"Councilmember Rivera / Check-in overdue":     "97",  // 187 days since 05-20, ring-4 cadence 90
		"Councilmember Rivera / Reassess":             "385", // assessed 2024-11-03, due a year later, 2025-11-03
		"Eastside Tenants Union / Next step due soon": "",
		"Mayor's Task Force / Never met":              "",
		"Northside Chamber / No owner":                "",
	} {
		got, ok := follow[key]
		if !ok {
			t.Errorf("follow-up %q missing", key)
		} else if got != days {
			t.Errorf("follow-up %q: days overdue %q, want %q", key, got, days)
		}
	}
	if _, ok := follow["Riverside Faith Coalition / Next step overdue"]; ok {
		t.Error("a next step marked done (TRUE) is still listed as overdue")
	}

	issues := rows(t, tabs["Data Issues"])
	for _, want := range []struct{ tab, row, column string }{
		{"Partners", "6", "Organization"},  // duplicate
		{"Partners", "8", "power"},         // influence 7
		{"Partners", "14", "Position"},     // stance "against"
		{"Assets", "6", "Connects to"},     // Daily Ledgr
		{"Meetings", "14", "Partner"},      // Eastside Tenant Union
		{"Meetings", "15", "Meeting date"}, // 31/31/2026
		{"Members", "6", "Max relationships"},
	} {
		found := false
		for _, r := range issues {
			if r["Tab"] == want.tab && r["Row"] == want.row && r["Column"] == want.column {
				found = true
			}
		}
		if !found {
			t.Errorf("no data issue for %s row %s column %s", want.tab, want.row, want.column)
		}
	}
}

func TestSyncNowTwiceWritesOnceAndKeepsInputs(t *testing.T) {
	path := copyFixture(t, "messy.xlsx")
	if code, _, stderr := partnermap(t, "sync", "--now", "--as-of", "2026-11-23", "--xlsx", path); code != exitOK {
		t.Fatalf("first sync: exit %d: %s", code, stderr)
	}
	first, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := partnermap(t, "sync", "--now", "--as-of", "2026-11-23", "--xlsx", path)
	if code != exitOK {
		t.Fatalf("second sync: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Nothing changed") {
		t.Errorf("second sync should report nothing changed, said:\n%s", stdout)
	}
	second, _ := os.ReadFile(path)
	if !bytes.Equal(first, second) {
		t.Error("an unchanged sync rewrote the workbook")
	}
}

func TestExitCodes(t *testing.T) {
	path := copyFixture(t, "messy.xlsx")
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"strict with error-level issues", []string{"sync", "--now", "--strict", "--as-of", "2026-11-23", "--xlsx", path}, exitStrict},
		{"bad as-of", []string{"sync", "--now", "--as-of", "23/11/2026", "--xlsx", path}, exitConfig},
		{"unknown flag", []string{"sync", "--now", "--frobnicate"}, exitConfig},
		{"bad config value", []string{"sync", "--now", "--xlsx", path, "--set", "scoring.window_days=-3"}, exitConfig},
		{"no source", []string{"sync", "--now"}, exitConfig},
		{"missing workbook", []string{"sync", "--now", "--xlsx", filepath.Join(t.TempDir(), "nope.xlsx")}, exitFailed},
		{"dry run", []string{"sync", "--now", "--dry-run", "--as-of", "2026-11-23", "--xlsx", path}, exitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("PARTNERMAP_SOURCE_XLSX", "")
			if code, stdout, stderr := partnermap(t, tt.args...); code != tt.want {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.want, stdout, stderr)
			}
		})
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	path := copyFixture(t, "messy.xlsx")
	before, _ := os.ReadFile(path)
	code, stdout, stderr := partnermap(t, "sync", "--now", "--dry-run", "--as-of", "2026-11-23", "--xlsx", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("--dry-run changed the workbook")
	}
	if !strings.Contains(stdout, "Priorities") || !strings.Contains(stdout, "new tab") {
		t.Errorf("dry run should list the tabs it would create:\n%s", stdout)
	}
}

func TestEnvironmentAloneIsEnough(t *testing.T) {
	path := copyFixture(t, "messy.xlsx")
	t.Chdir(t.TempDir()) // no config.yaml here
	t.Setenv("PARTNERMAP_SOURCE_XLSX", path)
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"sync", "--now", "--log-format", "json"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "Wrote Priorities") {
		t.Errorf("unexpected output:\n%s", stdout.String())
	}
}

func TestDemoIsTheNewcomersFirstCommand(t *testing.T) {
	t.Chdir(t.TempDir())
	code, stdout, stderr := partnermap(t, "sync", "--now", "--demo")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"Created partnermap-demo.xlsx", "Top priorities", "Wrote Priorities", "Open partnermap-demo.xlsx"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	tabs := readTabs(t, demoWorkbook, outputTabs)
	if n := len(tabs["Priorities"].Rows); n < 10 {
		t.Errorf("demo Priorities has %d rows", n)
	}
	// A second run reuses the workbook rather than creating it again.
	code, stdout, _ = partnermap(t, "sync", "--now", "--demo")
	if code != exitOK || strings.Contains(stdout, "Created") {
		t.Errorf("second demo run: exit %d\n%s", code, stdout)
	}
}

func TestInitCreatesWorkbookAndNeverTouchesExistingTabs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.xlsx")
	code, stdout, stderr := partnermap(t, "init", "--xlsx", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	tabs := readTabs(t, path, inputTabs)
	for _, name := range inputTabs {
		if tabs[name] == nil || len(tabs[name].Rows) != 2 {
			t.Errorf("tab %s: want a header and one example row, got %v", name, tabs[name])
		}
	}
	before, _ := os.ReadFile(path)
	code, stdout, _ = partnermap(t, "init", "--xlsx", path)
	after, _ := os.ReadFile(path)
	if code != exitOK || !strings.Contains(stdout, "nothing changed") || !bytes.Equal(before, after) {
		t.Errorf("second init changed something: exit %d\n%s", code, stdout)
	}
}

func TestCheckPrintsDataIssues(t *testing.T) {
	path := copyFixture(t, "messy.xlsx")
	before, _ := os.ReadFile(path)
	code, stdout, stderr := partnermap(t, "check", "--xlsx", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"config: ok", "access: ok (read, and wrote a test file", `tab "Meetings": 17 rows`, "did you mean 'Eastside Tenants Union'?"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("check output lacks %q:\n%s", want, stdout)
		}
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("check changed the workbook")
	}
}

// rows reads a rendered table (legend in row 1, header in row 2) as maps by header.
func rows(t *testing.T, tab *sheets.Table) []map[string]string {
	t.Helper()
	if tab == nil || len(tab.Rows) < 2 {
		t.Fatalf("table too short: %v", tab)
	}
	header := tab.Rows[1]
	var out []map[string]string
	for _, r := range tab.Rows[2:] {
		m := map[string]string{}
		for i, h := range header {
			if i < len(r) {
				m[h.String()] = r[i].String()
			}
		}
		out = append(out, m)
	}
	return out
}

func rowsByKey(t *testing.T, tab *sheets.Table, key string) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, r := range rows(t, tab) {
		out[r[key]] = r
	}
	return out
}
