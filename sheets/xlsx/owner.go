package xlsx

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// A save replaces the workbook by renaming a new file over it. The new file is
// made to look like the old one first: same owner, group and permissions, so that
// in a shared folder the people who could open the workbook still can. A symlinked
// workbook is saved through the link (its target is replaced, the link stays), and
// a workbook with other hard links is refused, because a rename would leave the
// other names on the old version without a word (see DECISIONS.md).

// ErrNotRegular means the workbook path names something other than a regular file
// (a FIFO, a device, a socket): reading it could block forever or never end.
var ErrNotRegular = errors.New("not a regular file")

// ErrHardLinked means the workbook has other hard links, which a save would break.
var ErrHardLinked = errors.New("the workbook has other hard links")

// ErrOwnership means the new version could not be given the workbook's owner or group.
var ErrOwnership = errors.New("cannot keep the workbook's owner and group")

// owner is who owns a file and how many names it has.
type owner struct {
	uid, gid uint32
	nlink    uint64
	// ino and dev identify the file: a program that saves by renaming a new file into
	// place changes them even when size and modification time come out the same.
	ino, dev uint64
	known    bool
}

// realPath is the file a save replaces: the workbook path with symlinks resolved,
// so that the link stays a link and its target gets the new version. A missing
// workbook is created at its own path.
func (w *Workbook) realPath() (string, error) {
	real, err := filepath.EvalSymlinks(w.path)
	if errors.Is(err, fs.ErrNotExist) {
		if _, lerr := os.Lstat(w.path); lerr == nil {
			return "", fmt.Errorf("workbook %s is a symlink to a file that does not exist: fix or remove the link", w.path)
		}
		return w.path, nil
	}
	if err != nil {
		return "", fmt.Errorf("workbook %s: follow symlink: %w", w.path, err)
	}
	return real, nil
}

// checkReplaceable refuses, before any work, a workbook that a save could not
// replace faithfully: one with other hard links.
func (w *Workbook) checkReplaceable(st *fileState) error {
	if st.owner.known && st.owner.nlink > 1 {
		return fmt.Errorf("workbook %s has %d names (hard links), and saving would leave the others on the old version: "+
			"nothing was written; give the workbook a file of its own (copy it, delete the original, rename the copy) and sync again: %w",
			w.path, st.owner.nlink, ErrHardLinked)
	}
	return nil
}

// matchOwner gives the temporary file the owner, group and permissions of the
// workbook it replaces (prev), before any content is written to it. A new workbook
// keeps the temporary file's own: the running user, and 0600 less the umask, as
// it holds people's names and contacts.
func matchOwner(tmp *os.File, prev *fileState, path string) error {
	if prev == nil {
		return nil
	}
	if prev.owner.known {
		info, err := tmp.Stat()
		if err != nil {
			return fmt.Errorf("inspect temporary file: %w", err)
		}
		if now := ownerOf(info); now.known && (now.uid != prev.owner.uid || now.gid != prev.owner.gid) {
			if err := tmp.Chown(int(prev.owner.uid), int(prev.owner.gid)); err != nil {
				return fmt.Errorf("workbook %s belongs to uid %d, gid %d, and partnermap (uid %d) may not give a new version that owner and group (%v): "+
					"nothing was written; run partnermap as the workbook's owner, or make its owner the user partnermap runs as "+
					"and its group one that user belongs to: %w",
					path, prev.owner.uid, prev.owner.gid, os.Geteuid(), err, ErrOwnership)
			}
		}
	}
	if err := tmp.Chmod(prev.mode); err != nil {
		return fmt.Errorf("set permissions of temporary file: %w", err)
	}
	return nil
}

// chownLike gives a backup the workbook's owner and group where permitted; a
// backup that cannot have them keeps the running user's, which is stricter.
func chownLike(f *os.File, prev *fileState) {
	if prev.owner.known {
		_ = f.Chown(int(prev.owner.uid), int(prev.owner.gid))
	}
}
