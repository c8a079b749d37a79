package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// partnermapWith runs the command line in-process with its own state folder, kept across
// runs, and returns its exit code and output.
func partnermapWith(t *testing.T, stateDir string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append(args, "--log-format", "json", "--set", "state_dir="+stateDir), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// The second of two `sync --now` of an unchanged workbook is decided from the fingerprint
// the first kept in state_dir: it says, and exits, exactly what a sync that reads the
// workbook says, --strict included.
func TestSyncNowTwiceTheSecondDecidedFromTheFingerprint(t *testing.T) {
	path := copyFixture(t, "messy.xlsx")
	state := t.TempDir()
	args := []string{"sync", "--now", "--strict", "--as-of", "2026-11-23", "--xlsx", path}
	if code, _, stderr := partnermapWith(t, state, args...); code != exitStrict {
		t.Fatalf("first sync: exit %d, want %d (messy.xlsx has error-level issues): %s", code, exitStrict, stderr)
	}
	written, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	memos, _ := filepath.Glob(filepath.Join(state, "unchanged-messy-*.json"))
	if len(memos) != 1 {
		t.Fatalf("memos in state_dir: %v, want one", memos)
	}
	code, recalled, stderr := partnermapWith(t, state, args...)
	if code != exitStrict || !strings.Contains(stderr, `"unchanged_by_fingerprint":true`) {
		t.Fatalf("second sync: exit %d, want %d, decided from the fingerprint:\n%s", code, exitStrict, stderr)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, written) {
		t.Error("an unchanged sync rewrote the workbook")
	}
	// The same sync reading the workbook in full, with no memo: the same words and exit.
	if err := os.Remove(memos[0]); err != nil {
		t.Fatal(err)
	}
	code, full, stderr := partnermapWith(t, state, args...)
	if code != exitStrict || !strings.Contains(stderr, `"unchanged_by_fingerprint":false`) {
		t.Fatalf("full unchanged sync: exit %d:\n%s", code, stderr)
	}
	if recalled != full || !strings.Contains(full, "Nothing changed") {
		t.Errorf("decided from the fingerprint it said:\n%s\nreading the workbook:\n%s", recalled, full)
	}
	// --force and --dry-run read and compute as before.
	if code, out, stderr := partnermapWith(t, state, "sync", "--now", "--dry-run", "--as-of", "2026-11-23", "--xlsx", path); code != exitOK ||
		!strings.Contains(out, "Dry run") {
		t.Errorf("dry run: exit %d:\n%s%s", code, out, stderr)
	}
	if code, out, stderr := partnermapWith(t, state, "sync", "--now", "--force", "--as-of", "2026-11-23", "--xlsx", path); code != exitOK ||
		!strings.Contains(out, "Wrote") {
		t.Errorf("forced: exit %d:\n%s%s", code, out, stderr)
	}
	// A new day syncs in full.
	if code, out, stderr := partnermapWith(t, state, "sync", "--now", "--as-of", "2026-11-24", "--xlsx", path); code != exitOK ||
		!strings.Contains(out, "Wrote") || !strings.Contains(stderr, `"unchanged_by_fingerprint":false`) {
		t.Errorf("next day: exit %d:\n%s%s", code, out, stderr)
	}
}
