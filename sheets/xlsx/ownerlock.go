package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/partnermap/partnermap/sheets"
)

// While a save runs, partnermap holds the lock file LibreOffice uses
// (".~lock.<name>#" beside the workbook), written in LibreOffice's own format, so
// that a volunteer who opens the workbook at that moment is told it is in use by
// partnermap and offered a read-only copy, instead of editing a version that is
// about to be replaced. Excel does not read these files (it locks through the
// file system on Windows shares), so for Excel users the last check before the
// rename is all there is; see RELIABILITY.md.

// lockOwnerName is the user name LibreOffice shows for partnermap's lock.
const lockOwnerName = "partnermap"

// lockURLPrefix marks a lock file as partnermap's: LibreOffice's fifth field is the
// owner's profile URL, which partnermap fills with its process id, so that a lock
// left by a killed run can be recognised and cleared.
const lockURLPrefix = "partnermap-pid:"

// staleLockAge is how old a lock partnermap left on another machine must be
// before it is taken to belong to a run that died: a save takes seconds.
const staleLockAge = 10 * time.Minute

// ownerLock is a held LibreOffice lock file.
type ownerLock struct {
	path    string
	content []byte
}

// libreOfficeLock names the lock file LibreOffice creates for path.
func libreOfficeLock(path string) string {
	dir, base := filepath.Split(path)
	return filepath.Join(dir, ".~lock."+base+"#")
}

// takeOwnerLock creates the LibreOffice lock file of path, failing with
// sheets.ErrBusy (through checkLocks' message) when someone holds it.
func (w *Workbook) takeOwnerLock() (*ownerLock, error) {
	path := libreOfficeLock(w.path)
	host, _ := os.Hostname()
	sysUser := strconv.Itoa(os.Geteuid())
	if u, err := user.Current(); err == nil {
		sysUser = u.Username
	}
	// LibreOffice's format: name, system user, host, "DD.MM.YYYY HH:MM", profile URL;
	// commas in a field would shift the others, so none are written.
	clean := func(s string) string { return strings.NewReplacer(",", " ", ";", " ", "\n", " ").Replace(s) }
	content := []byte(fmt.Sprintf("%s,%s,%s,%s,%s%d;", lockOwnerName, clean(sysUser), clean(host),
		time.Now().Format("02.01.2006 15:04"), lockURLPrefix, os.Getpid()))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		if err := w.checkLocks(); err != nil {
			return nil, err
		}
		// It was a lock a killed run left, now removed: take it once more.
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("%w (lock file %s)", sheets.ErrBusy, filepath.Base(path))
		}
	}
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
		// The link's folder may be read-only while its target's is not: the save goes
		// on without the courtesy of the lock, guarded by the checks before the rename.
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("save workbook %s: create lock file %s: %w", w.path, filepath.Base(path), err)
	}
	_, err = f.Write(content)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return nil, fmt.Errorf("save workbook %s: write lock file %s: %w", w.path, filepath.Base(path), err)
	}
	return &ownerLock{path: path, content: content}, nil
}

// mine reports whether the lock file at path is this lock (and not one a
// spreadsheet program wrote over it).
func (l *ownerLock) mine(path string) bool {
	if l == nil || path != l.path {
		return false
	}
	data, err := os.ReadFile(path)
	return err == nil && bytes.Equal(data, l.content)
}

// release removes the lock file if it is still this lock (nil holds none).
func (l *ownerLock) release() {
	if l != nil && l.mine(l.path) {
		_ = os.Remove(l.path)
	}
}

// staleOwnLock reports whether the file at path is a lock partnermap left behind
// when it was killed mid-save: written by a process of this host that no longer
// runs, or older than staleLockAge.
func staleOwnLock(path string) bool {
	info, err := os.Lstat(path)
	if err != nil || !info.Mode().IsRegular() || info.Size() > 4096 {
		return false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	fields := strings.Split(strings.TrimSuffix(strings.TrimSpace(string(data)), ";"), ",")
	if len(fields) != 5 || fields[0] != lockOwnerName || !strings.HasPrefix(fields[4], lockURLPrefix) {
		return false
	}
	if time.Since(info.ModTime()) > staleLockAge {
		return true
	}
	pid, err := strconv.Atoi(strings.TrimPrefix(fields[4], lockURLPrefix))
	host, _ := os.Hostname()
	if err != nil || pid <= 0 || fields[2] != host {
		return false
	}
	return !processAlive(pid)
}

// processAlive reports whether a process of this host has the id pid.
func processAlive(pid int) bool {
	if pid == os.Getpid() {
		return true
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}
