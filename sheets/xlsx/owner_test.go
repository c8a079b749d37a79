package xlsx

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/partnermap/partnermap/sheets"
)

// outTab is a small managed tab to write.
var outTab = []sheets.Tab{{Name: "Out", Rows: [][]sheets.Cell{text("x")}}}

// hasTab reports whether the workbook at path has a tab named name.
func hasTab(t *testing.T, path, name string) bool {
	t.Helper()
	for _, ti := range mustRead(t, New(path, Options{})).Tabs {
		if ti.Name == name {
			return true
		}
	}
	return false
}

func TestAReplacedWorkbookKeepsItsOwnerGroupAndMode(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("giving a file to another user needs root")
	}
	path := inputFixture(t)
	// A workbook in a shared group folder: someone else's, readable by the group only.
	must(t, os.Chown(path, 1234, 1234))
	must(t, os.Chmod(path, 0o640))
	w := New(path, Options{Backups: 1})
	writeTabs(t, w, outTab)
	info, err := os.Stat(path)
	must(t, err)
	st := info.Sys().(*syscall.Stat_t)
	if st.Uid != 1234 || st.Gid != 1234 {
		t.Errorf("owner after the save = %d:%d, want 1234:1234", st.Uid, st.Gid)
	}
	if info.Mode().Perm() != 0o640 {
		t.Errorf("mode after the save = %v, want -rw-r-----", info.Mode().Perm())
	}
	if !hasTab(t, path, "Out") {
		t.Error("the new version was not saved")
	}
	backups, err := filepath.Glob(filepath.Join(filepath.Dir(path), "partners.*.bak.xlsx"))
	must(t, err)
	if len(backups) != 1 {
		t.Fatalf("backups = %v", backups)
	}
	binfo, err := os.Stat(backups[0])
	must(t, err)
	if bst := binfo.Sys().(*syscall.Stat_t); bst.Uid != 1234 || bst.Gid != 1234 || binfo.Mode().Perm() != 0o640 {
		t.Errorf("backup is %d:%d %v, want the workbook's 1234:1234 -rw-r-----", bst.Uid, bst.Gid, binfo.Mode().Perm())
	}
}

func TestASymlinkedWorkbookIsWrittenThroughItsLink(t *testing.T) {
	target := inputFixture(t)
	link := filepath.Join(t.TempDir(), "our-partners.xlsx")
	must(t, os.Symlink(target, link))
	w := New(link, Options{Backups: 1})
	writeTabs(t, w, outTab)

	info, err := os.Lstat(link)
	must(t, err)
	if info.Mode()&os.ModeSymlink == 0 {
		t.Fatal("the symlink was replaced by a regular file")
	}
	if dest, _ := os.Readlink(link); dest != target {
		t.Errorf("the link now points to %s, want %s", dest, target)
	}
	if !hasTab(t, target, "Out") {
		t.Error("the link's target was not updated")
	}
	assertNoTempFiles(t, filepath.Dir(link))
	assertNoTempFiles(t, filepath.Dir(target))
	// The next sync through the link sees its own output.
	writeTabs(t, w, []sheets.Tab{{Name: "Out", Rows: [][]sheets.Cell{text("y")}}})
}

func TestAHardLinkedWorkbookIsRefusedWithNothingWritten(t *testing.T) {
	path := inputFixture(t)
	other := filepath.Join(t.TempDir(), "second-name.xlsx")
	must(t, os.Link(path, other))
	before := readFile(t, path)
	w := New(path, Options{Backups: 1})
	err := w.Write(ctx, mustRead(t, w), outTab, nil)
	if !errors.Is(err, ErrHardLinked) {
		t.Fatalf("err = %v, want ErrHardLinked", err)
	}
	if !strings.Contains(err.Error(), "hard links") || !strings.Contains(err.Error(), "nothing was written") {
		t.Errorf("the message does not say what is wrong: %v", err)
	}
	if !bytes.Equal(readFile(t, path), before) || !bytes.Equal(readFile(t, other), before) {
		t.Error("a hard-linked workbook was changed")
	}
	if a, b := statIno(t, path), statIno(t, other); a != b {
		t.Error("the hard link was broken")
	}
	assertNoTempFiles(t, filepath.Dir(path))
}

func statIno(t *testing.T, path string) uint64 {
	t.Helper()
	info, err := os.Stat(path)
	must(t, err)
	return info.Sys().(*syscall.Stat_t).Ino
}

func TestANewWorkbookIsPrivateToItsOwner(t *testing.T) {
	for _, tc := range []struct {
		umask int
		want  os.FileMode
	}{
		{0o022, 0o600}, // the usual umask would have made it world-readable
		{0o002, 0o600},
		{0o077, 0o600},
		{0o277, 0o400}, // a stricter umask wins
	} {
		old := syscall.Umask(tc.umask)
		path := filepath.Join(t.TempDir(), "new.xlsx")
		_, err := New(path, Options{}).AddInputTabs(ctx, []sheets.InputTab{{Name: "Partners", Header: []string{"Name"}}})
		syscall.Umask(old)
		must(t, err)
		info, err := os.Stat(path)
		must(t, err)
		if got := info.Mode().Perm(); got != tc.want {
			t.Errorf("umask %03o: new workbook mode %v, want %v", tc.umask, got, tc.want)
		}
	}
}

func TestAFIFOIsRefusedAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "partners.xlsx")
	must(t, syscall.Mkfifo(path, 0o644))
	done := make(chan error, 1)
	go func() {
		_, err := New(path, Options{}).Read(ctx, []string{"Partners"})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "FIFO") {
			t.Fatalf("err = %v, want ErrNotRegular naming a FIFO", err)
		}
	case <-time.After(10 * time.Second):
		// The open(2) of a FIFO without a writer blocks; unblock it so the test can end.
		if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
			f.Close()
		}
		t.Fatal("reading a FIFO hung")
	}
	if _, err := New("/dev/zero", Options{}).Read(ctx, []string{"Partners"}); !errors.Is(err, ErrNotRegular) {
		t.Errorf("/dev/zero: err = %v, want ErrNotRegular", err)
	}
}

// lockFields parses a LibreOffice lock file as LibreOffice does: five fields
// separated by commas, ended by a semicolon.
func lockFields(data []byte) []string {
	s := string(data)
	if !strings.HasSuffix(s, ";") {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, ";"), ",")
}

func TestLibreOfficeIsToldTheWorkbookIsInUseWhileItIsSaved(t *testing.T) {
	path := inputFixture(t)
	lock := filepath.Join(filepath.Dir(path), ".~lock.partners.xlsx#")
	w := New(path, Options{Backups: 1})
	snap := mustRead(t, w)
	seen := map[string]bool{}
	w.hook = func(step string) error {
		data, err := os.ReadFile(lock)
		if err != nil {
			t.Errorf("no LibreOffice lock file during the %s step", step)
			return nil
		}
		f := lockFields(data)
		if len(f) != 5 || f[0] != "partnermap" || f[2] == "" || !strings.HasPrefix(f[4], lockURLPrefix) {
			t.Errorf("lock file %q is not in LibreOffice's format (name,user,host,date,url;)", data)
		}
		if _, err := time.Parse("02.01.2006 15:04", f[3]); err != nil {
			t.Errorf("lock file date %q: %v", f[3], err)
		}
		seen[step] = true
		return nil
	}
	must(t, w.Write(ctx, snap, outTab, nil))
	for _, step := range []string{"write", "sync", "backup", "rename"} {
		if !seen[step] {
			t.Errorf("step %s not seen", step)
		}
	}
	if _, err := os.Lstat(lock); err == nil {
		t.Error("the lock file was left after the save")
	}
}

// deadPID returns the id of a process that has ended.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	must(t, cmd.Run())
	return cmd.Process.Pid
}

func TestLeftoversOfAKilledRunAreClearedAtOnce(t *testing.T) {
	path := inputFixture(t)
	dir := filepath.Dir(path)
	host, _ := os.Hostname()
	dead := deadPID(t)
	lock := filepath.Join(dir, ".~lock.partners.xlsx#")
	must(t, os.WriteFile(lock, []byte("partnermap,root,"+host+",01.12.2026 10:00,"+lockURLPrefix+itoa(dead)+";"), 0o644))
	// A zero-byte temporary file of the killed run, seconds old, and one of a run still going.
	deadTemp := filepath.Join(dir, ".partners.xlsx.partnermap-"+itoa(dead)+"-123.tmp")
	liveTemp := filepath.Join(dir, ".partners.xlsx.partnermap-"+itoa(os.Getpid())+"-456.tmp")
	must(t, os.WriteFile(deadTemp, nil, 0o600))
	must(t, os.WriteFile(liveTemp, nil, 0o600))

	w := New(path, Options{Backups: 1})
	writeTabs(t, w, outTab)
	if _, err := os.Lstat(lock); err == nil {
		t.Error("the lock file of a killed run was left (and would skip every sync)")
	}
	if _, err := os.Lstat(deadTemp); err == nil {
		t.Error("the temporary file of a killed run was kept")
	}
	if _, err := os.Lstat(liveTemp); err != nil {
		t.Error("the temporary file of a running save was removed")
	}

	// A volunteer's own LibreOffice lock is never taken for a leftover.
	must(t, os.WriteFile(lock, []byte(",ana,laptop,01.12.2026 10:00,file:///home/ana/.config/libreoffice/4;"), 0o644))
	if err := w.Write(ctx, mustRead(t, w), outTab, nil); !errors.Is(err, sheets.ErrBusy) {
		t.Fatalf("with a volunteer's lock: err = %v, want ErrBusy", err)
	}
	if _, err := os.Lstat(lock); err != nil {
		t.Error("the volunteer's lock file was removed")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// childWorkbookEnv hands the workbook to the copy of the test binary that runs as
// another user in TestAWorkbookThatCannotKeepItsOwnerIsRefused.
const childWorkbookEnv = "XLSX_TEST_OTHER_USERS_WORKBOOK"

func TestAWorkbookThatCannotKeepItsOwnerIsRefused(t *testing.T) {
	if path := os.Getenv(childWorkbookEnv); path != "" {
		// The child: uid 1234, not the workbook's owner (1235), not root.
		w := New(path, Options{Backups: 1})
		err := w.Write(ctx, mustRead(t, w), outTab, nil)
		if !errors.Is(err, ErrOwnership) || !strings.Contains(err.Error(), "nothing was written") {
			t.Fatalf("err = %v, want ErrOwnership saying nothing was written", err)
		}
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("running a save as another user needs root")
	}
	// A folder everyone may write, as a shared folder is, holding another user's workbook.
	dir, err := os.MkdirTemp("", "partnermap-owner-")
	must(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	must(t, os.Chmod(dir, 0o777))
	path := filepath.Join(dir, "partners.xlsx")
	must(t, os.WriteFile(path, readFile(t, inputFixture(t)), 0o666))
	must(t, os.Chown(path, 1235, 1235))
	must(t, os.Chmod(path, 0o666))
	before := readFile(t, path)

	self, err := os.Executable()
	must(t, err)
	bin := filepath.Join(dir, "xlsx.test")
	must(t, os.WriteFile(bin, readFile(t, self), 0o755))
	cmd := exec.Command(bin, "-test.run=^TestAWorkbookThatCannotKeepItsOwnerIsRefused$", "-test.count=1")
	cmd.Env = append(os.Environ(), childWorkbookEnv+"="+path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 1234, Gid: 1234}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the save as uid 1234: %v\n%s", err, out)
	}
	if !bytes.Equal(readFile(t, path), before) {
		t.Error("the workbook was replaced")
	}
	info, err := os.Stat(path)
	must(t, err)
	if st := info.Sys().(*syscall.Stat_t); st.Uid != 1235 || st.Gid != 1235 {
		t.Errorf("owner now %d:%d, want 1235:1235", st.Uid, st.Gid)
	}
	entries, err := os.ReadDir(dir)
	must(t, err)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") || strings.Contains(e.Name(), ".bak") || strings.HasPrefix(e.Name(), ".~lock") {
			t.Errorf("left %s beside the workbook", e.Name())
		}
	}
}

func TestAFileRenamedIntoPlaceWithTheSameSizeAndTimeIsNoticed(t *testing.T) {
	path := inputFixture(t)
	w := New(path, Options{Backups: 1})
	snap := mustRead(t, w)
	info, err := os.Stat(path)
	must(t, err)
	w.hook = func(step string) error {
		if step != "rename" {
			return nil
		}
		// A program that saves by writing a new file and renaming it over the old one, within
		// the same clock tick and to the same length: only the file's identity differs.
		other := path + ".other"
		must(t, os.WriteFile(other, readFile(t, path), 0o644))
		must(t, os.Chtimes(other, info.ModTime(), info.ModTime()))
		must(t, os.Rename(other, path))
		return nil
	}
	if err := w.Write(ctx, snap, outTab, nil); !errors.Is(err, sheets.ErrChanged) {
		t.Fatalf("err = %v, want ErrChanged", err)
	}
	if hasTab(t, path, "Out") {
		t.Error("the file renamed into place was overwritten")
	}
}
