package main

// Tests of what a new group trips on first: a read-only workbook, a folder sync cannot
// write, a misspelt header, a workbook in another format, a tab under another name.

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/internal/longtest"
)

func TestAReadOnlyWorkbookIsRefusedByCheckAndSyncAndLeftByteIdentical(t *testing.T) {
	path := copyFixture(t, "messy.xlsx")
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	for _, args := range [][]string{{"check"}, {"sync", "--now"}, {"sync", "--now", "--force"}} {
		code, stdout, stderr := partnermap(t, append(args, "--xlsx", path)...)
		if code != exitFailed {
			t.Errorf("%v: exit %d, want %d\n%s%s", args, code, exitFailed, stdout, stderr)
		}
		if out := stdout + stderr; !strings.Contains(out, "is read-only (mode 0444), so partnermap left it unchanged") {
			t.Errorf("%v does not say the workbook is read-only and unchanged:\n%s", args, out)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
			t.Fatalf("%v changed the read-only workbook", args)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*")); len(left) != 1 {
		t.Errorf("files beside the workbook: %v, want only the workbook", left)
	}
}

// check must not say "access: ok" where sync cannot save: sync writes a temporary file
// beside the workbook, so check tries that too.
func TestCheckFailsWhereSyncCannotWriteTheFolder(t *testing.T) {
	dir, err := os.MkdirTemp("", "partnermap-check-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o755); _ = os.RemoveAll(dir) })
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "messy.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "book.xlsx")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	// A writable copy passes.
	if code, stdout, stderr := partnermap(t, "check", "--xlsx", path); code != exitOK || !strings.Contains(stdout, "access: ok (read, and wrote a test file") {
		t.Fatalf("check of a writable workbook: exit %d\n%s%s", code, stdout, stderr)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	var code int
	var out string
	if os.Geteuid() != 0 {
		var stdout, stderr string
		code, stdout, stderr = partnermap(t, "check", "--xlsx", path)
		out = stdout + stderr
	} else {
		// Root writes into any folder, so check runs as nobody, for whom the folder is
		// read-only and the workbook readable.
		longtest.Skip(t, "builds the binary and runs it as another user")
		bin := filepath.Join(dir, "partnermap")
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if msg, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, msg)
		}
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		state, err := os.MkdirTemp("", "partnermap-state-")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(state, 0o777); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.RemoveAll(state) })
		cmd := exec.Command(bin, "check", "--xlsx", path, "--log-format", "json", "--set", "state_dir="+state)
		cmd.Dir = state
		cmd.Env = append(cleanEnv(), "HOME="+state)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		msg, err := cmd.CombinedOutput()
		if cmd.ProcessState == nil {
			t.Fatalf("run as nobody: %v", err)
		}
		out, code = string(msg), cmd.ProcessState.ExitCode()
	}
	if code != exitFailed {
		t.Errorf("check of a workbook in a read-only folder: exit %d, want %d\n%s", code, exitFailed, out)
	}
	if strings.Contains(out, "access: ok") || !strings.Contains(out, "a sync could not save it: it writes a temporary file in") {
		t.Errorf("check does not say sync cannot save there:\n%s", out)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(data, after) {
		t.Error("check changed the workbook")
	}
}

// testdata/misspelt.xlsx was typed in LibreOffice (from misspelt.fods) with the headers
// "Relatonship owner" and "Stnce": check and the Data Issues tab each name the column meant.
func TestMisspeltHeadersTypedInLibreOfficeAreReportedWithTheColumnMeant(t *testing.T) {
	path := copyFixture(t, "misspelt.xlsx")
	wants := []string{
		`Partners row 1, column C: "Relatonship owner": partnermap reads no column of this name, so this column is ignored — did you mean Relationship owner (the Owner column)?`,
		`Partners row 1, column D: "Stnce": partnermap reads no column of this name, so this column is ignored — did you mean Stance?`,
	}
	code, stdout, stderr := partnermap(t, "check", "--xlsx", path)
	if code != exitOK {
		t.Fatalf("check: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range wants {
		if !strings.Contains(stdout, "warning: "+want) {
			t.Errorf("check does not warn %q:\n%s", want, stdout)
		}
	}
	if code, stdout, stderr = partnermap(t, "sync", "--now", "--xlsx", path, "--as-of", "2026-11-23"); code != exitOK {
		t.Fatalf("sync: exit %d\n%s%s", code, stdout, stderr)
	}
	issues := rows(t, readTabs(t, path, []string{"Data Issues"})["Data Issues"])
	for _, header := range []string{"Relatonship owner", "Stnce"} {
		found := false
		for _, is := range issues {
			if is["Value"] == header && is["Severity"] == "warning" && strings.Contains(is["Problem"], "did you mean") {
				found = true
			}
		}
		if !found {
			t.Errorf("Data Issues has no warning about the header %q: %v", header, issues)
		}
	}
}

// testdata/misspelt.ods was saved by LibreOffice: sync and check say what it is and how to
// save it as .xlsx, and leave it as it was.
func TestAnODSWorkbookGetsAHintToSaveItAsXLSX(t *testing.T) {
	path := copyFixture(t, "misspelt.ods")
	before, _ := os.ReadFile(path)
	for _, args := range [][]string{{"sync", "--now"}, {"check"}} {
		code, stdout, stderr := partnermap(t, append(args, "--xlsx", path)...)
		out := stdout + strings.ReplaceAll(stderr, `\"`, `"`) // the log is JSON
		if code != exitFailed || !strings.Contains(out, "it is an OpenDocument spreadsheet (.ods)") ||
			!strings.Contains(out, `File › Save As…, file type "Excel 2007-365 (.xlsx)"`) {
			t.Errorf("%v: exit %d, want %d with the .ods named and how to save it as .xlsx:\n%s", args, code, exitFailed, out)
		}
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the .ods was changed")
	}
}

// A workbook made by init and synced as it is lists no example partner anywhere, and Data
// Issues says the example rows are still there.
func TestAWorkbookMadeByInitAndSyncedAsIsListsNoExamplePartner(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.xlsx")
	if code, stdout, stderr := partnermap(t, "init", "--xlsx", path); code != exitOK {
		t.Fatalf("init: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr := partnermap(t, "sync", "--now", "--xlsx", path)
	if code != exitOK {
		t.Fatalf("sync: exit %d\n%s%s", code, stdout, stderr)
	}
	if strings.Contains(stdout, "Example:") || !strings.Contains(stdout, "0 active partners") {
		t.Errorf("sync reports the example as a partner:\n%s", stdout)
	}
	outs := readTabs(t, path, outputTabs)
	for _, name := range outputTabs {
		if name == "Data Issues" {
			continue
		}
		if tab := outs[name]; tab != nil && strings.Contains(cellText(tab), "Example:") {
			t.Errorf("%s lists an example row:\n%s", name, cellText(tab))
		}
	}
	issues := rows(t, outs["Data Issues"])
	tabs := map[string]bool{}
	for _, is := range issues {
		if strings.Contains(is["Problem"], "example row `partnermap init` added") {
			tabs[is["Tab"]] = true
		}
	}
	for _, tab := range inputTabs {
		if !tabs[tab] {
			t.Errorf("Data Issues does not say the example row of %s is still there: %v", tab, issues)
		}
	}
}

// testdata/gnumeric.xlsx was made by Gnumeric from Partners.csv and Meetings.csv
// (testdata/gnumeric/), so its tabs are "Partners.csv" and "Meetings.csv". sync and check
// list the tabs, point at the one meant, and do not advise init, which would add empty tabs
// beside the group's data.
func TestATabUnderAnotherNameIsPointedAtAndInitIsNotAdvised(t *testing.T) {
	path := copyFixture(t, "gnumeric.xlsx")
	before, _ := os.ReadFile(path)
	want := `no tab named "Partners"; the tabs are: "Partners.csv", "Meetings.csv". "Partners.csv" looks like it: rename that tab to Partners, or set tabs.partners: "Partners.csv"`
	for _, args := range [][]string{{"sync", "--now"}, {"check"}} {
		code, stdout, stderr := partnermap(t, append(args, "--xlsx", path)...)
		out := stdout + strings.ReplaceAll(stderr, `\"`, `"`) // the log is JSON
		if code != exitFailed || !strings.Contains(out, want) || strings.Contains(out, "init") {
			t.Errorf("%v: exit %d, want %d, saying %q and not advising init:\n%s", args, code, exitFailed, want, out)
		}
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the workbook was changed")
	}
	// Pointed at the tab, sync reads it, and says where the meetings are.
	code, stdout, stderr := partnermap(t, "check", "--xlsx", path, "--set", "tabs.partners=Partners.csv")
	if code != exitOK || !strings.Contains(stdout, `tab "Partners.csv": 2 rows`) ||
		!strings.Contains(stdout, `"Meetings.csv" looks like it: rename that tab to Meetings, or set tabs.meetings: "Meetings.csv"`) {
		t.Errorf("check with tabs.partners set: exit %d\n%s%s", code, stdout, stderr)
	}
}

// A volunteer's tab "priorities" has the Priorities output's name in the eyes of a
// spreadsheet program. check and sync fail alike (exit 1) with the same words, and only
// that tab is skipped: it used to block every output.
func TestATabNamedLikeAnOutputInOtherCaseSkipsOnlyThatOutput(t *testing.T) {
	path := copyFixture(t, "messy.xlsx")
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("priorities"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStr("priorities", "A1", "our own list"); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	want := `output tab "Priorities" was not written: a tab "priorities" that partnermap did not create has its name ` +
		`(tab names ignore case, so "priorities" is "Priorities"), and it was left as it is; the other outputs are written. ` +
		`Rename or delete that tab, set outputs.priorities to another name, or let partnermap take it over with --adopt "priorities"`
	sync := []string{"sync", "--now", "--xlsx", path, "--as-of", "2026-11-23"}
	// The second sync finds nothing changed and still says so.
	for _, args := range [][]string{{"check", "--xlsx", path}, sync, sync} {
		code, stdout, stderr := partnermap(t, args...)
		if code != exitFailed {
			t.Errorf("%v: exit %d, want %d\n%s%s", args, code, exitFailed, stdout, stderr)
		}
		if out := stdout + strings.ReplaceAll(stderr, `\"`, `"`); !strings.Contains(out, want) {
			t.Errorf("%v does not say %q:\n%s", args, want, out)
		}
	}
	tabs := readTabs(t, path, append(outputTabs, "priorities"))
	if got := tabs["priorities"]; got == nil || len(got.Rows) != 1 || got.Rows[0][0].Text != "our own list" {
		t.Errorf("the volunteer's tab was changed: %v", got)
	}
	for _, name := range outputTabs {
		if name != "Priorities" && tabs[name] == nil {
			t.Errorf("output %s was not written", name)
		}
	}
}

func TestAMistypedVariableIsWarnedAboutWithTheClosest(t *testing.T) {
	t.Setenv("PARTNERMAP_SCORING_WINDOWDAYS", "90")
	code, stdout, stderr := partnermap(t, "check", "--xlsx", copyFixture(t, "misspelt.xlsx"))
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, `"level":"warn"`) || !strings.Contains(stderr,
		"environment variable PARTNERMAP_SCORING_WINDOWDAYS matches no setting and is ignored — did you mean PARTNERMAP_SCORING_WINDOW_DAYS (scoring.window_days)?") {
		t.Errorf("no warning about the variable:\n%s", stderr)
	}
}
