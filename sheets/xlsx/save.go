package xlsx

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/partnermap/partnermap/sheets"
)

// lockFiles are the owner files spreadsheet programs create next to a
// workbook while a person has it open.
func lockFiles(path string) []string {
	dir, base := filepath.Split(path)
	out := []string{
		filepath.Join(dir, "~$"+base),          // Excel
		filepath.Join(dir, ".~lock."+base+"#"), // LibreOffice
	}
	if r := []rune(base); len(r) > 2 {
		// Office shortens the owner file of long names by their first two characters.
		out = append(out, filepath.Join(dir, "~$"+string(r[2:])))
	}
	return out
}

// checkLocks returns an error wrapping sheets.ErrBusy when a lock file exists,
// other than held (partnermap's own, during a save; nil before one) and than a
// lock partnermap left when it was killed mid-save, which is removed.
func (w *Workbook) checkLocks(held ...*ownerLock) error {
	for _, lf := range lockFiles(w.path) {
		if _, err := os.Lstat(lf); err != nil {
			continue
		}
		if len(held) > 0 && held[0].mine(lf) {
			continue
		}
		if staleOwnLock(lf) && os.Remove(lf) == nil {
			continue
		}
		// Callers name the workbook; the sentinel's text says what the file means.
		return fmt.Errorf("%w (lock file %s)", sheets.ErrBusy, filepath.Base(lf))
	}
	return nil
}

// checkUnchanged re-reads the workbook and returns an error wrapping
// sheets.ErrChanged unless it is still the version that was read.
func (w *Workbook) checkUnchanged(version string) (fileState, error) {
	st, err := w.load()
	if err != nil {
		return fileState{}, err
	}
	if version == "" {
		return fileState{}, fmt.Errorf("%w (the snapshot has no version to compare)", sheets.ErrChanged)
	}
	if st.version() != version {
		return fileState{}, fmt.Errorf("%w (saved again at %s)", sheets.ErrChanged, st.modTime.Format("15:04:05"))
	}
	return st, nil
}

// step runs the test hook for a named step of a save.
func (w *Workbook) step(name string) error {
	if w.hook == nil {
		return nil
	}
	return w.hook(name)
}

// commit saves a new version of the workbook atomically: content is written to
// a temporary file in the same folder, given the workbook's owner, group and
// permissions, and synced; the previous version (prev, nil when the workbook is
// new) is kept as a backup, and the temporary file is renamed over the original
// (over a symlink's target, so the link stays). Any failure leaves the original
// whole and removes the temporary file. LibreOffice's lock file is held
// throughout, so nobody opens the workbook in LibreOffice while it is replaced.
// placed, when not nil, gets the bytes as they are written to the temporary file.
func (w *Workbook) commit(prev *fileState, content func(io.Writer) error, placed *placedBytes) (err error) {
	if prev != nil {
		if err := w.checkReplaceable(prev); err != nil {
			return err
		}
	}
	target, err := w.realPath()
	if err != nil {
		return fmt.Errorf("save workbook: %w", err)
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	lock, err := w.takeOwnerLock()
	if err != nil {
		return err
	}
	defer lock.release()
	// Created 0600 less the umask: a new workbook holds people's names and contacts.
	// The process id in the name lets a later save tell a dead run's leftover at once.
	removeStaleTemps(dir, base)
	tmp, err := os.CreateTemp(dir, "."+base+".partnermap-"+strconv.Itoa(os.Getpid())+"-*.tmp")
	if err != nil {
		return fmt.Errorf("save workbook %s: create temporary file: %w", w.path, err)
	}
	tmpName, renamed := tmp.Name(), false
	defer func() {
		if !renamed {
			_ = tmp.Close()
			_ = os.Remove(tmpName)
		}
	}()
	if err := matchOwner(tmp, prev, w.path); err != nil {
		return err
	}
	if err := w.writeTemp(tmp, content, placed); err != nil {
		return fmt.Errorf("save workbook %s: %w", w.path, err)
	}

	var backup string
	// A workbook this process created a moment ago and nobody has saved since needs no
	// backup: it holds only init's tabs, and a backup of it only crowds out real ones.
	if prev != nil && w.opts.Backups > 0 && prev.version() != w.created {
		if backup, err = w.writeBackup(prev); err != nil {
			return err
		}
	}
	if err := w.step("rename"); err != nil {
		if backup != "" {
			_ = os.Remove(backup)
		}
		return fmt.Errorf("save workbook %s: %w", w.path, err)
	}
	// A last look just before replacing, after every slow step: a person may have
	// opened or saved the workbook while this version was being built. Nothing
	// slow comes between it and the rename.
	if err := w.unchangedSince(prev, lock); err != nil {
		if backup != "" {
			// It holds the version that person just replaced; keeping it would
			// push an older backup out for nothing.
			_ = os.Remove(backup)
		}
		return err
	}
	if prev != nil {
		err = os.Rename(tmpName, target)
	} else {
		err = placeNew(tmpName, target)
	}
	if err != nil {
		return fmt.Errorf("save workbook %s: replace the file: %w", w.path, err)
	}
	renamed = true
	_ = w.step("placed") // tests: a person saves right after the rename
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("save workbook %s: sync folder: %w", w.path, err)
	}
	// The new version is safe; the rest is housekeeping, and a failure there
	// must not turn a good sync into a failed one.
	if backup != "" {
		_ = w.pruneBackups()
	}
	removeStaleTemps(dir, base)
	return nil
}

// unchangedSince checks, just before the rename, that no lock file but ours has
// appeared and that the workbook is still the file prev describes (or still absent
// when prev is nil).
func (w *Workbook) unchangedSince(prev *fileState, held *ownerLock) error {
	if err := w.checkLocks(held); err != nil {
		return err
	}
	if prev == nil {
		return nil
	}
	info, err := os.Stat(w.path)
	if err != nil || info.Size() != prev.size || !info.ModTime().Equal(prev.modTime) {
		return fmt.Errorf("%w (saved again while partnermap was writing it)", sheets.ErrChanged)
	}
	if now := ownerOf(info); now.known && prev.owner.known && (now.ino != prev.owner.ino || now.dev != prev.owner.dev) {
		return fmt.Errorf("%w (replaced by another file while partnermap was writing it)", sheets.ErrChanged)
	}
	return nil
}

// staleTempAge is how old a temporary file of a save must be before a later save
// removes it when its name does not say which process wrote it (or that process
// ran on another machine): older than any save takes, so it belongs to a process
// that was killed.
const staleTempAge = time.Hour

// removeStaleTemps deletes temporary files that saves of this workbook killed
// midway left in dir: at once when the process that wrote one no longer runs on
// this machine, else once it is staleTempAge old.
func removeStaleTemps(dir, base string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := "." + base + ".partnermap-"
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, ".tmp") {
			continue
		}
		path := filepath.Join(dir, name)
		if pid, ok := tempPID(strings.TrimPrefix(name, prefix)); ok && !processAlive(pid) {
			_ = os.Remove(path)
			continue
		}
		info, err := e.Info()
		if err != nil || time.Since(info.ModTime()) < staleTempAge {
			continue
		}
		_ = os.Remove(path)
	}
}

// tempPID reads the process id from the tail of a temporary file's name,
// "<pid>-<random>.tmp".
func tempPID(tail string) (int, bool) {
	pidPart, rest, ok := strings.Cut(strings.TrimSuffix(tail, ".tmp"), "-")
	if !ok || rest == "" {
		return 0, false
	}
	pid, err := strconv.Atoi(pidPart)
	return pid, err == nil && pid > 0
}

// writeTemp fills the temporary file and makes it durable.
func (w *Workbook) writeTemp(tmp *os.File, content func(io.Writer) error, placed *placedBytes) error {
	if err := w.step("write"); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(placed.tee(tmp), 1<<20)
	if err := content(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write temporary file: %w", err)
	}
	if err := w.step("sync"); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync temporary file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close temporary file: %w", err)
	}
	return nil
}

// placeNew moves a new workbook into place without replacing a file someone
// created in the meantime.
func placeNew(tmp, path string) error {
	err := os.Link(tmp, path)
	if err == nil {
		return os.Remove(tmp)
	}
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("a file appeared at %s meanwhile: %w", path, sheets.ErrChanged)
	}
	// The filesystem has no hard links: check, then rename.
	if _, statErr := os.Lstat(path); statErr == nil {
		return fmt.Errorf("a file appeared at %s meanwhile: %w", path, sheets.ErrChanged)
	}
	return os.Rename(tmp, path)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}

// backupStamp is the time layout in backup names.
const backupStamp = "20060102-150405"

// backupParts splits a workbook path into the stem and extension of its backups:
// "/x/partners.xlsx" → "/x/partners", ".xlsx".
func backupParts(path string) (stem, ext string) {
	ext = filepath.Ext(path)
	if ext == "" {
		ext = ".xlsx"
	}
	return strings.TrimSuffix(path, filepath.Ext(path)), ext
}

// writeBackup keeps prev as <name>.<YYYYMMDD-HHMMSS>.bak.xlsx (with a -N suffix
// on the stamp when a backup of the same second exists).
func (w *Workbook) writeBackup(prev *fileState) (string, error) {
	stem, ext := backupParts(w.path)
	stamp := w.now().Format(backupStamp)
	if err := w.step("backup"); err != nil {
		return "", fmt.Errorf("back up workbook %s: %w", w.path, err)
	}
	for n := 1; n < 1000; n++ {
		name := stem + "." + stamp
		if n > 1 {
			name += "-" + strconv.Itoa(n)
		}
		name += ".bak" + ext
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, prev.mode)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("back up workbook %s: %w", w.path, err)
		}
		chownLike(f, prev)
		_, err = f.Write(prev.data)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(name)
			return "", fmt.Errorf("back up workbook %s: %w", w.path, err)
		}
		_ = os.Chtimes(name, prev.modTime, prev.modTime)
		return name, nil
	}
	return "", fmt.Errorf("back up workbook %s: too many backups within one second", w.path)
}

// backupFile is a backup found next to the workbook.
type backupFile struct {
	path  string
	stamp time.Time
	seq   int
}

// listBackups returns the workbook's backups, newest first.
func (w *Workbook) listBackups() ([]backupFile, error) {
	stem, ext := backupParts(w.path)
	dir, prefix := filepath.Split(stem)
	if dir == "" {
		dir = "."
	}
	prefix += "."
	suffix := ".bak" + ext
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []backupFile
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, suffix) || e.IsDir() {
			continue
		}
		mid := strings.TrimSuffix(strings.TrimPrefix(name, prefix), suffix)
		seq := 1
		if len(mid) > len(backupStamp) {
			n, err := strconv.Atoi(strings.TrimPrefix(mid[len(backupStamp):], "-"))
			if err != nil || mid[len(backupStamp)] != '-' || n < 2 {
				continue
			}
			seq, mid = n, mid[:len(backupStamp)]
		}
		t, err := time.Parse(backupStamp, mid)
		if err != nil {
			continue
		}
		out = append(out, backupFile{path: filepath.Join(dir, name), stamp: t, seq: seq})
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].stamp.Equal(out[j].stamp) {
			return out[i].stamp.After(out[j].stamp)
		}
		return out[i].seq > out[j].seq
	})
	return out, nil
}

// pruneBackups removes all but the newest Options.Backups backups.
func (w *Workbook) pruneBackups() error {
	list, err := w.listBackups()
	if err != nil {
		return err
	}
	var first error
	for i := w.opts.Backups; i < len(list); i++ {
		if err := os.Remove(list[i].path); err != nil && first == nil {
			first = err
		}
	}
	return first
}
