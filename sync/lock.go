package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"

	"github.com/partnermap/partnermap/config"
)

// lockPoll is how often a waiting process retries a held lock. An OS file lock has no
// wake-up, and a sync takes seconds, so a short poll costs nothing.
const lockPoll = 100 * time.Millisecond

// Lock is a held per-source lock: an OS file lock in the state folder, so a `sync --now` and
// the service (or two services) never sync one spreadsheet at the same time. The OS drops it
// when the process dies, so a crash never leaves a stale lock behind.
type Lock struct {
	f *flock.Flock
}

// LockedError says that another process holds a source's lock.
type LockedError struct {
	Source string
	// Holder describes the process holding it ("pid 1234 since 10:02:03"), when known.
	Holder string
	// Waited is how long the caller waited before giving up.
	Waited time.Duration
	// Path is the lock file.
	Path string
}

func (e *LockedError) Error() string {
	holder := ""
	if e.Holder != "" {
		holder = " (" + e.Holder + ")"
	}
	waited := ""
	if w := e.Waited.Round(time.Second); w > 0 {
		waited = ", still after waiting " + w.String()
	}
	return fmt.Sprintf("another partnermap sync of %s is running%s%s; try again when it is done (lock file %s)",
		e.Source, holder, waited, e.Path)
}

// LockPath is the lock file of src in stateDir. It is keyed by what the source is (the
// workbook's absolute path, or the sheet's id), not by its name, so two configs that name
// the same spreadsheet differently still share one lock.
func LockPath(stateDir string, src config.Source) string {
	return stateFile(stateDir, "sync", src, ".lock")
}

// stateFile is the file of src in stateDir named kind-<readable name>-<hash of its key>ext.
func stateFile(stateDir, kind string, src config.Source, ext string) string {
	key, base := SourceKey(src)
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(stateDir, kind+"-"+slug(base)+"-"+hex.EncodeToString(sum[:4])+ext)
}

// SourceKey identifies the spreadsheet itself, whatever the config calls it: "xlsx:" and the
// workbook's absolute, symlink-free path, or "sheet:" and the sheet's id. base is a short
// readable name for file names.
func SourceKey(src config.Source) (key, base string) {
	if src.XLSX == "" {
		return "sheet:" + src.SpreadsheetID, src.SpreadsheetID
	}
	abs, err := filepath.Abs(src.XLSX)
	if err != nil {
		abs = src.XLSX
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	return "xlsx:" + abs, strings.TrimSuffix(filepath.Base(abs), filepath.Ext(abs))
}

// slug keeps a readable, file-name-safe part of a name.
func slug(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 40 {
			break
		}
	}
	return b.String()
}

// LockSource takes the lock of src, waiting up to wait for a sync in another process (or
// another goroutine) to finish. It returns *LockedError when the lock is still held after
// wait, and ctx's error when ctx ends first. onWait, if not nil, is called once when the lock
// is busy and the caller is going to wait, so a person can be told why nothing happens.
func LockSource(ctx context.Context, stateDir string, src config.Source, wait time.Duration, onWait func(holder string)) (*Lock, error) {
	if err := ensureStateDir(stateDir); err != nil {
		return nil, fmt.Errorf("lock %s: %w", src.Label(), err)
	}
	path := LockPath(stateDir, src)
	// Readable by others so an admin's `sync --now` and the service's user can share one lock file.
	f := flock.New(path, flock.SetPermissions(0o644))
	start := time.Now()
	var ticker *time.Ticker
	for {
		ok, err := f.TryLock()
		if err != nil {
			return nil, fmt.Errorf("lock %s: %s: %w", src.Label(), path, err)
		}
		if ok {
			// Best effort: say who holds it, for the message of whoever waits next.
			_ = os.WriteFile(path, []byte(fmt.Sprintf("pid %d since %s\n", os.Getpid(), time.Now().Format(time.DateTime))), 0o644)
			return &Lock{f: f}, nil
		}
		waited := time.Since(start)
		if waited >= wait {
			return nil, &LockedError{Source: src.Label(), Holder: holder(path), Waited: waited.Truncate(time.Millisecond), Path: path}
		}
		if ticker == nil {
			if onWait != nil {
				onWait(holder(path))
			}
			ticker = time.NewTicker(min(lockPoll, wait))
			defer ticker.Stop()
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("lock %s: %w", src.Label(), ctx.Err())
		case <-ticker.C:
		}
	}
}

// ensureStateDir creates the state folder. The one in the shared temp folder (for a
// user without a home folder) must be a private folder of this user: anyone could have
// created that name first, or planted a symlink there to have lock files written
// elsewhere.
func ensureStateDir(dir string) error {
	if filepath.Clean(dir) != filepath.Clean(config.TempStateDir()) {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("create state folder: %w", err)
		}
		return nil
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create state folder: %w", err)
	}
	info, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("state folder: %w", err)
	}
	if !info.IsDir() || info.Mode().Perm()&0o077 != 0 || !ownedByMe(info) {
		return fmt.Errorf("state folder %s (used because HOME is not set) is not a private folder of this user: "+
			"it is a symlink, someone else's, or open to others; set state_dir (or HOME) to a folder of your own", dir)
	}
	return nil
}

// holder reads what the lock's holder wrote about itself.
func holder(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(data))
}

// Unlock releases the lock. It is safe to call on a nil Lock and more than once.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	if err := l.f.Unlock(); err != nil {
		return fmt.Errorf("unlock %s: %w", l.f.Path(), err)
	}
	return nil
}

// IsLocked reports whether err says a source's lock is held elsewhere.
func IsLocked(err error) bool {
	var le *LockedError
	return errors.As(err, &le)
}
