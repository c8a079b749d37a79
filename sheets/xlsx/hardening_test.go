package xlsx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/sheets"
)

// volunteerSave saves the workbook at path as a spreadsheet program would after a person
// added a partner: new bytes, new modification time.
func volunteerSave(t testing.TB, path string) []byte {
	t.Helper()
	f, err := excelize.OpenFile(path)
	must(t, err)
	must(t, f.SetCellStr("Partners", "A9", "added by a volunteer"))
	// Pass the save into the next clock tick on filesystems with coarse times.
	time.Sleep(10 * time.Millisecond)
	must(t, f.Save())
	must(t, f.Close())
	return readFile(t, path)
}

func TestAVolunteerSaveDuringAWriteIsNeverOverwritten(t *testing.T) {
	// Every named step of a save, in order; the volunteer saves just before it runs.
	for _, step := range []string{"write", "sync", "backup", "rename"} {
		t.Run("saved before the "+step+" step", func(t *testing.T) {
			path := inputFixture(t)
			w := New(path, Options{Backups: 2})
			snap := mustRead(t, w)
			var theirs []byte
			w.hook = func(s string) error {
				if s == step {
					theirs = volunteerSave(t, path)
				}
				return nil
			}
			err := w.Write(ctx, snap, []sheets.Tab{{Name: "Out", Rows: [][]sheets.Cell{text("x")}}}, nil)
			if !errors.Is(err, sheets.ErrChanged) {
				t.Fatalf("err = %v, want ErrChanged", err)
			}
			if !bytes.Equal(readFile(t, path), theirs) {
				t.Fatal("the volunteer's save was overwritten")
			}
			if got := mustRead(t, New(path, Options{}), "Partners").Tables["Partners"]; len(got.Rows) < 9 ||
				got.Rows[8][0].Text != "added by a volunteer" {
				t.Errorf("the volunteer's row is not in the workbook: %v", grid(got.Rows))
			}
			assertNoTempFiles(t, filepath.Dir(path))
		})
	}
}

func TestALockFileAppearingDuringAWriteSkipsIt(t *testing.T) {
	for _, lock := range []string{"~$partners.xlsx", ".~lock.partners.xlsx#"} {
		for _, step := range []string{"write", "sync", "backup", "rename"} {
			t.Run(lock+" before the "+step+" step", func(t *testing.T) {
				path := inputFixture(t)
				w := New(path, Options{Backups: 1})
				snap := mustRead(t, w)
				before := readFile(t, path)
				w.hook = func(s string) error {
					if s == step {
						must(t, os.WriteFile(filepath.Join(filepath.Dir(path), lock), []byte("owner"), 0o644))
					}
					return nil
				}
				err := w.Write(ctx, snap, []sheets.Tab{{Name: "Out", Rows: [][]sheets.Cell{text("x")}}}, nil)
				if !errors.Is(err, sheets.ErrBusy) {
					t.Fatalf("err = %v, want ErrBusy", err)
				}
				if !bytes.Equal(readFile(t, path), before) {
					t.Error("the open workbook was replaced")
				}
				assertNoTempFiles(t, filepath.Dir(path))
			})
		}
	}
}

func TestLeftoversOfAKilledSaveAreClearedByTheNextOne(t *testing.T) {
	path := inputFixture(t)
	dir := filepath.Dir(path)
	stale := filepath.Join(dir, ".partners.xlsx.partnermap-111.tmp")
	fresh := filepath.Join(dir, ".partners.xlsx.partnermap-222.tmp")
	other := filepath.Join(dir, ".other.xlsx.partnermap-333.tmp")
	for _, p := range []string{stale, fresh, other} {
		must(t, os.WriteFile(p, []byte("half a workbook"), 0o600))
	}
	old := time.Now().Add(-3 * time.Hour)
	must(t, os.Chtimes(stale, old, old))
	must(t, os.Chtimes(other, old, old))

	w := New(path, Options{Backups: 1})
	writeTabs(t, w, []sheets.Tab{{Name: "Out", Rows: [][]sheets.Cell{text("x")}}})

	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	if exists(stale) {
		t.Error("a temporary file of a save killed long ago was left behind")
	}
	if !exists(fresh) {
		t.Error("a recent temporary file, perhaps of a save still running, was removed")
	}
	if !exists(other) {
		t.Error("a temporary file of another workbook was removed")
	}
}

// rawPart replaces a part of a workbook's archive with content, deflated, under a header
// that may lie: a declared size other than the real one (when size is not 0), or a wrong
// checksum. That is how a crafted or damaged archive looks.
type rawPart struct {
	content []byte
	size    uint64
	badCRC  bool
}

// rawZip rebuilds the workbook at path with some parts replaced.
func rawZip(t *testing.T, path string, parts map[string]rawPart) []byte {
	t.Helper()
	data := readFile(t, path)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	must(t, err)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		p, replace := parts[zf.Name]
		if !replace {
			must(t, zw.Copy(zf))
			continue
		}
		var packed bytes.Buffer
		fw, err := flate.NewWriter(&packed, flate.BestSpeed)
		must(t, err)
		_, err = fw.Write(p.content)
		must(t, err)
		must(t, fw.Close())
		size := p.size
		if size == 0 {
			size = uint64(len(p.content))
		}
		sum := crc32.ChecksumIEEE(p.content)
		if p.badCRC {
			sum++
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, CRC32: sum,
			CompressedSize64: uint64(packed.Len()), UncompressedSize64: size})
		must(t, err)
		_, err = io.Copy(w, &packed)
		must(t, err)
	}
	must(t, zw.Close())
	return buf.Bytes()
}

func TestZipBombsAndDamagedPartsAreRefusedWithoutUnpackingThem(t *testing.T) {
	const sheet, book = "xl/worksheets/sheet1.xml", "xl/workbook.xml"
	zeros := make([]byte, 96<<20) // deflates about a thousandfold
	tests := []struct {
		name  string
		parts func(orig map[string][]byte) map[string]rawPart
		is    error
	}{
		{"a part that says it unpacks to 96 MiB is refused by its header", func(map[string][]byte) map[string]rawPart {
			return map[string]rawPart{sheet: {content: zeros}}
		}, ErrTooBig},
		{"a part that lies about its size is stopped where the lie shows", func(map[string][]byte) map[string]rawPart {
			return map[string]rawPart{sheet: {content: zeros, size: 4096}}
		}, ErrNotWorkbook},
		{"sizes that overflow when added up are refused", func(orig map[string][]byte) map[string]rawPart {
			return map[string]rawPart{sheet: {content: orig[sheet], size: 1 << 63}, book: {content: orig[book], size: 1 << 63}}
		}, ErrTooBig},
		{"a part with a wrong checksum is refused, not read in part", func(orig map[string][]byte) map[string]rawPart {
			return map[string]rawPart{sheet: {content: orig[sheet], badCRC: true}}
		}, ErrNotWorkbook},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := inputFixture(t)
			data := rawZip(t, path, tc.parts(partBytes(t, path)))
			must(t, os.WriteFile(path, data, 0o644))

			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := New(path, Options{MaxUnzippedBytes: 64 << 20}).Read(ctx, []string{"Partners"})
			runtime.ReadMemStats(&after)
			if !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %v", err, tc.is)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 48<<20 {
				t.Errorf("refusing a %d KiB file allocated %d MiB: the bomb was unpacked", len(data)>>10, alloc>>20)
			}
		})
	}
}

func TestUnreadableFilesAreNeverWritten(t *testing.T) {
	dir := t.TempDir()
	encrypted := filepath.Join(dir, "secret.xlsx")
	f := excelize.NewFile()
	must(t, f.SaveAs(encrypted, excelize.Options{Password: "hunter2"}))
	must(t, f.Close())
	notes := filepath.Join(dir, "notes.xlsx")
	must(t, os.WriteFile(notes, []byte("Name,Owner\nEastside Tenants Union,Ana\n"), 0o644))
	for _, tc := range []struct {
		name, path string
		is         error
	}{
		{"a password-protected workbook", encrypted, ErrPasswordProtected},
		{"a text file named .xlsx", notes, ErrNotWorkbook},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := readFile(t, tc.path)
			w := New(tc.path, Options{Backups: 1})
			_, err := w.Read(ctx, []string{"Partners"})
			if !errors.Is(err, tc.is) {
				t.Fatalf("Read = %v, want %v", err, tc.is)
			}
			// A write with a snapshot of some other file must not touch it either.
			err = w.Write(ctx, &sheets.Snapshot{Version: "1-2-3"}, []sheets.Tab{{Name: "Out", Rows: [][]sheets.Cell{text("x")}}}, nil)
			if err == nil {
				t.Fatal("Write succeeded on a file that is not a readable workbook")
			}
			if !bytes.Equal(readFile(t, tc.path), before) {
				t.Error("the file was changed")
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.Contains(e.Name(), ".bak") || strings.HasSuffix(e.Name(), ".tmp") {
					t.Errorf("left %s beside the file", e.Name())
				}
			}
		})
	}
}

// TestATabTheReadDoesNotParseIsNeverUnpacked: a read checks and parses the tabs it is asked
// for only; another tab's part (an output tab, or a volunteer's tab that is not an input) is
// not unpacked, so even a damaged one costs nothing, and a save copies it as it was.
func TestATabTheReadDoesNotParseIsNeverUnpacked(t *testing.T) {
	path := fixture(t, func(f *excelize.File) {
		must(t, f.SetSheetName("Sheet1", "Partners"))
		must(t, f.SetSheetRow("Partners", "A1", &[]any{"Name", "Stance"}))
		_, err := f.NewSheet("Notes")
		must(t, err)
		must(t, f.SetSheetRow("Notes", "A1", &[]any{"a volunteer's own notes"}))
	})
	const notes = "xl/worksheets/sheet2.xml"
	orig := partBytes(t, path)
	if !strings.Contains(string(orig[notes]), "<sheetData") {
		t.Fatalf("%s is not the Notes worksheet", notes)
	}
	damaged := rawZip(t, path, map[string]rawPart{notes: {content: orig[notes], badCRC: true}})
	must(t, os.WriteFile(path, damaged, 0o644))
	w := New(path, Options{})
	snap, err := w.Read(ctx, []string{"Partners"})
	if err != nil {
		t.Fatalf("reading Partners beside a damaged Notes tab: %v", err)
	}
	must(t, w.Write(ctx, snap, []sheets.Tab{{Name: "Priorities", Rows: [][]sheets.Cell{text("out")}}}, nil))
	if !bytes.Equal(rawEntry(t, readFile(t, path), notes), rawEntry(t, damaged, notes)) {
		t.Error("the save did not copy the unread Notes part as it was")
	}
	if _, err := New(path, Options{}).Read(ctx, []string{"Notes"}); !errors.Is(err, ErrNotWorkbook) {
		t.Errorf("reading the damaged Notes tab itself: err = %v, want %v", err, ErrNotWorkbook)
	}
}

// rawEntry returns a zip entry's packed bytes and header checksum, as stored.
func rawEntry(t *testing.T, data []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	must(t, err)
	for _, zf := range zr.File {
		if zf.Name == name {
			r, err := zf.OpenRaw()
			must(t, err)
			b, err := io.ReadAll(r)
			must(t, err)
			return append(b, byte(zf.CRC32), byte(zf.CRC32>>8), byte(zf.CRC32>>16), byte(zf.CRC32>>24))
		}
	}
	t.Fatalf("no part %s", name)
	return nil
}
