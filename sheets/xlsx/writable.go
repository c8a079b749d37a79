package xlsx

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrReadOnly means the workbook file is marked read-only. A save replaces the file by
// renaming a new one over it, which the file's own mode does not prevent, so the mode is
// checked first: someone who marked the workbook read-only meant it to stay as it is.
var ErrReadOnly = errors.New("the workbook is read-only")

// readOnlyError is ErrReadOnly with the workbook's path, mode and what to do.
type readOnlyError struct {
	path string
	mode fs.FileMode
}

func (e *readOnlyError) Error() string {
	return fmt.Sprintf("workbook %s is read-only (mode %04o), so partnermap left it unchanged: "+
		"to let partnermap write its summary tabs, make it writable (chmod u+w %s; in Windows, untick Read-only in the file's Properties)",
		e.path, e.mode, filepath.Base(e.path))
}

func (e *readOnlyError) Is(target error) bool { return target == ErrReadOnly }

// refuseReadOnly returns an error matching ErrReadOnly when nobody may write the file,
// before anything is done to it.
func (w *Workbook) refuseReadOnly(mode fs.FileMode) error {
	if mode.Perm()&0o222 != 0 {
		return nil
	}
	return &readOnlyError{path: w.path, mode: mode.Perm()}
}

// CheckWrite tries what a save will do, changing nothing: the workbook must exist and not
// be read-only, and a temporary file must be creatable beside it, where a save builds the
// new version before renaming it over the old one.
func (w *Workbook) CheckWrite(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	info, err := os.Stat(w.path)
	if err != nil {
		return fmt.Errorf("workbook %s: %w", w.path, err)
	}
	if err := w.refuseReadOnly(info.Mode()); err != nil {
		return err
	}
	target, err := w.realPath()
	if err != nil {
		return err
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	// The same pattern as a save's temporary file, so one left by a crash here is cleaned
	// up by the next save like theirs.
	tmp, err := os.CreateTemp(dir, "."+base+".partnermap-*.tmp")
	if err != nil {
		return fmt.Errorf("workbook %s: a sync could not save it: it writes a temporary file in %s first, and that failed: %w", w.path, dir, err)
	}
	name := tmp.Name()
	_, err = tmp.Write([]byte("partnermap check\n"))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if rerr := os.Remove(name); err == nil && rerr != nil {
		err = fmt.Errorf("remove it again: %w", rerr)
	}
	if err != nil {
		return fmt.Errorf("workbook %s: a sync could not save it: writing a temporary file in %s failed: %w", w.path, dir, err)
	}
	return nil
}
