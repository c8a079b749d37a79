package xlsx

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/partnermap/partnermap/sheets"
)

// A workbook someone marked read-only is left byte for byte as it was, by every kind of
// save, with a message that says why and how to let partnermap write. Renaming over a
// file ignores its mode, so without the check the write succeeds.
func TestAReadOnlyWorkbookIsRefusedAndLeftUnchanged(t *testing.T) {
	saves := map[string]func(w *Workbook, snap *sheets.Snapshot) error{
		"sync": func(w *Workbook, snap *sheets.Snapshot) error {
			return w.Write(ctx, snap, []sheets.Tab{{Name: "Out", Rows: [][]sheets.Cell{text("x")}}}, nil)
		},
		"init": func(w *Workbook, _ *sheets.Snapshot) error {
			_, err := w.AddInputTabs(ctx, []sheets.InputTab{{Name: "Members", Header: []string{"Name"}}})
			return err
		},
		"init --add-validation": func(w *Workbook, _ *sheets.Snapshot) error {
			_, err := w.AddValidation(ctx, []sheets.InputTab{{Name: "Partners", Header: []string{"Name", "Stance"},
				Notes: []string{"who", "where they stand"}}})
			return err
		},
	}
	for name, save := range saves {
		t.Run(name, func(t *testing.T) {
			path := inputFixture(t)
			w := New(path, Options{Backups: 2})
			snap := mustRead(t, w)
			must(t, os.Chmod(path, 0o444))
			before := readFile(t, path)
			infoBefore, err := os.Stat(path)
			must(t, err)

			err = save(w, snap)
			if !errors.Is(err, ErrReadOnly) {
				t.Fatalf("err = %v, want ErrReadOnly", err)
			}
			for _, want := range []string{path, "read-only", "0444", "unchanged", "chmod u+w"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("message %q does not say %q", err, want)
				}
			}
			if !bytes.Equal(readFile(t, path), before) {
				t.Error("the read-only workbook was changed")
			}
			info, err := os.Stat(path)
			must(t, err)
			if info.Mode() != infoBefore.Mode() || !info.ModTime().Equal(infoBefore.ModTime()) {
				t.Errorf("mode/mtime %v %v, was %v %v", info.Mode(), info.ModTime(), infoBefore.Mode(), infoBefore.ModTime())
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*")); len(left) != 1 {
				t.Errorf("files beside the workbook: %v, want only the workbook (no backup, no temporary file)", left)
			}
		})
	}
}

func TestCheckWriteTriesWhatASaveDoes(t *testing.T) {
	t.Run("writable", func(t *testing.T) {
		path := inputFixture(t)
		before := readFile(t, path)
		must(t, New(path, Options{}).CheckWrite(ctx))
		if !bytes.Equal(readFile(t, path), before) {
			t.Error("the check changed the workbook")
		}
		if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*")); len(left) != 1 {
			t.Errorf("files beside the workbook: %v, want only the workbook", left)
		}
	})
	t.Run("read-only", func(t *testing.T) {
		path := inputFixture(t)
		must(t, os.Chmod(path, 0o444))
		if err := New(path, Options{}).CheckWrite(ctx); !errors.Is(err, ErrReadOnly) {
			t.Fatalf("err = %v, want ErrReadOnly", err)
		}
	})
	t.Run("folder not writable", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "book.xlsx")
		must(t, os.WriteFile(path, readFile(t, inputFixture(t)), 0o644))
		if os.Geteuid() == 0 {
			t.Skip("root writes into a read-only folder anyway; cmd/partnermap's check test runs this as another user")
		}
		w := New(path, Options{})
		must(t, os.Chmod(dir, 0o555))
		t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
		err := w.CheckWrite(ctx)
		if err == nil || !strings.Contains(err.Error(), "temporary file") {
			t.Fatalf("err = %v, want a failed temporary file", err)
		}
	})
}

// The first sync of a workbook init (or --demo) created a moment ago kept a backup of it,
// which held nothing anyone typed. It keeps none; once the workbook has been written or
// saved by someone else, backups are kept as before.
func TestNoBackupOfAWorkbookCreatedAMomentAgo(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "new.xlsx")
	w := New(path, Options{Backups: 3})
	_, err := w.AddInputTabs(ctx, []sheets.InputTab{partnersTab()})
	must(t, err)
	out := []sheets.Tab{{Name: "Out", Rows: [][]sheets.Cell{text("x")}}}
	must(t, w.Write(ctx, mustRead(t, w), out, nil))
	backups := func() []string {
		list, _ := filepath.Glob(filepath.Join(dir, "new.*.bak.xlsx"))
		return list
	}
	if b := backups(); len(b) != 0 {
		t.Fatalf("backups of the workbook just created: %v", b)
	}
	w.now = func() time.Time { return time.Now().Add(time.Hour) } // a later second, a distinct backup name
	must(t, w.Write(ctx, mustRead(t, w), out, nil))
	if b := backups(); len(b) != 1 {
		t.Fatalf("backups after a second write: %v, want 1", b)
	}
	// Another process that did not create it keeps a backup of its first write too.
	path2 := filepath.Join(dir, "other.xlsx")
	_, err = New(path2, Options{}).AddInputTabs(ctx, []sheets.InputTab{partnersTab()})
	must(t, err)
	w2 := New(path2, Options{Backups: 3})
	must(t, w2.Write(ctx, mustRead(t, w2), out, nil))
	if list, _ := filepath.Glob(filepath.Join(dir, "other.*.bak.xlsx")); len(list) != 1 {
		t.Errorf("backups of a workbook another process created: %v, want 1", list)
	}
}
