package xlsx

import (
	"crypto/sha256"
	"errors"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/partnermap/partnermap/sheets"
)

// fingerprintOf is the fingerprint of bytes, as the package computes it.
func fingerprintOf(data []byte) string {
	sum := sha256.Sum256(data)
	return fingerprint(sum[:], int64(len(data)))
}

func TestFingerprintsAreOfTheBytesReadAndWritten(t *testing.T) {
	path := inputFixture(t)
	w := New(path, Options{Backups: 1})
	before := readFile(t, path)
	now, err := w.Fingerprint(ctx)
	must(t, err)
	if now != fingerprintOf(before) {
		t.Fatalf("Fingerprint = %s, want the SHA-256 and length of the file, %s", now, fingerprintOf(before))
	}
	snap := mustRead(t, w, "Partners")
	if got := w.ReadFingerprint(snap); got != now {
		t.Errorf("ReadFingerprint = %q, want %q", got, now)
	}
	placed, err := w.WriteFingerprinted(ctx, snap, outTab, nil)
	must(t, err)
	after := readFile(t, path)
	if placed != fingerprintOf(after) || placed == now {
		t.Errorf("WriteFingerprinted = %s, want the new file's %s", placed, fingerprintOf(after))
	}
	if got, err := w.Fingerprint(ctx); err != nil || got != placed {
		t.Errorf("Fingerprint after the write = %s, %v; want %s", got, err, placed)
	}
	if got := w.ReadFingerprint(&sheets.Snapshot{Version: "not ours"}); got != "" {
		t.Errorf("ReadFingerprint of a foreign snapshot = %q, want \"\"", got)
	}
	if got := w.ReadFingerprint(&sheets.Snapshot{Version: "12--5-" + strings.Repeat("ab", sha256.Size)}); got != "sha256:"+strings.Repeat("ab", sha256.Size)+":12" {
		t.Errorf("ReadFingerprint of a version with a negative time = %q", got)
	}
}

// A person may save the workbook a moment after partnermap's rename: the fingerprint of
// what partnermap placed must be of partnermap's bytes, never of theirs read back, or the
// next sync would take their edit for partnermap's own unchanged file.
func TestAVolunteerSaveRightAfterAWriteIsNotTakenForPartnermaps(t *testing.T) {
	path := inputFixture(t)
	w := New(path, Options{Backups: 1})
	snap := mustRead(t, w)
	var ours, theirs []byte
	w.hook = func(s string) error {
		if s == "placed" {
			ours = readFile(t, path)
			theirs = volunteerSave(t, path)
		}
		return nil
	}
	placed, err := w.WriteFingerprinted(ctx, snap, outTab, nil)
	must(t, err)
	if ours == nil || theirs == nil {
		t.Fatal("the hook did not run after the rename")
	}
	if placed != fingerprintOf(ours) {
		t.Errorf("placed = %s, want partnermap's bytes' %s", placed, fingerprintOf(ours))
	}
	now, err := w.Fingerprint(ctx)
	must(t, err)
	if now != fingerprintOf(theirs) || now == placed {
		t.Errorf("Fingerprint = %s, want the volunteer's bytes' %s, not partnermap's %s", now, fingerprintOf(theirs), placed)
	}
}

func TestFingerprintRefusesWhatReadRefuses(t *testing.T) {
	dir := t.TempDir()
	if _, err := New(dir+"/missing.xlsx", Options{}).Fingerprint(ctx); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v, want ErrNotExist", err)
	}
	if _, err := New(dir, Options{}).Fingerprint(ctx); !errors.Is(err, ErrNotRegular) {
		t.Errorf("folder: err = %v, want ErrNotRegular", err)
	}
	path := inputFixture(t)
	if _, err := New(path, Options{MaxBytes: 100}).Fingerprint(ctx); !errors.Is(err, ErrTooBig) {
		t.Errorf("over MaxBytes: err = %v, want ErrTooBig", err)
	}
}

func TestWritesExactlyIsWhatReadsBack(t *testing.T) {
	for _, tc := range []struct {
		name string
		cell sheets.Cell
		want bool
	}{
		{"blank", sheets.Cell{}, true},
		{"short text", sheets.TextCell("Eastside Tenants"), true},
		{"text longer than a cell holds", sheets.TextCell(strings.Repeat("x", 32768)), false},
		{"text the writer escapes", sheets.TextCell("a_x0041_b"), false},
		{"whole number", sheets.IntCell(120000), true},
		{"15 significant digits", sheets.NumberCell(0.123456789012345), true},
		{"17 significant digits", sheets.NumberCell(7.0 / 3), false},
		{"NaN, written as text", sheets.NumberCell(math.NaN()), false},
		{"a day", sheets.DateCell(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)), true},
		{"a time of day", sheets.DateCell(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)), true},
		{"bool", sheets.BoolCell(true), true},
	} {
		if got := (&Workbook{}).WritesExactly(tc.cell); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
