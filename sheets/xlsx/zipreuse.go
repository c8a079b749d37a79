package xlsx

import (
	"archive/zip"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"

	"github.com/xuri/excelize/v2"
)

// reuseWriter is the zip writer excelize saves through. A part that excelize
// writes back unchanged (the volunteers' tabs, the shared strings: most of the
// bytes) is copied still compressed from the original archive instead of being
// compressed again, which is most of the cost of a save. A part counts as
// unchanged when its name, length and CRC-32 equal the original's.
type reuseWriter struct {
	zw   *zip.Writer
	orig map[string]*zip.File
	cur  *reuseEntry
	// reused counts parts copied without recompression (for tests).
	reused int
}

var _ excelize.ZipWriter = (*reuseWriter)(nil)

func newReuseWriter(w io.Writer, orig *zip.Reader) *reuseWriter {
	r := &reuseWriter{zw: zip.NewWriter(w), orig: map[string]*zip.File{}}
	if orig != nil {
		for _, f := range orig.File {
			r.orig[f.Name] = f
		}
	}
	return r
}

// Create starts the next part.
func (r *reuseWriter) Create(name string) (io.Writer, error) {
	if err := r.finish(); err != nil {
		return nil, err
	}
	r.cur = &reuseEntry{r: r, name: name, orig: r.orig[name]}
	return r.cur, nil
}

// AddFS adds the files of fsys (part of excelize's interface; unused by saves).
func (r *reuseWriter) AddFS(fsys fs.FS) error {
	if err := r.finish(); err != nil {
		return err
	}
	return r.zw.AddFS(fsys)
}

// Close finishes the last part and the archive.
func (r *reuseWriter) Close() error {
	if err := r.finish(); err != nil {
		_ = r.zw.Close()
		return err
	}
	return r.zw.Close()
}

func (r *reuseWriter) finish() error {
	e := r.cur
	r.cur = nil
	if e == nil {
		return nil
	}
	switch e.state {
	case entryMatched:
		if err := r.zw.Copy(e.orig); err != nil {
			return fmt.Errorf("copy part %s: %w", e.name, err)
		}
		r.reused++
	case entryPending:
		if _, err := r.zw.Create(e.name); err != nil {
			return fmt.Errorf("write part %s: %w", e.name, err)
		}
	}
	return nil
}

// entryState tracks what is known about the part being written.
type entryState uint8

const (
	entryPending     entryState = iota // nothing written yet
	entryMatched                       // content so far equals the original part
	entryCompressing                   // content differs: being compressed anew
)

// reuseEntry receives one part's content.
type reuseEntry struct {
	r     *reuseWriter
	name  string
	orig  *zip.File
	state entryState
	out   io.Writer
}

func (e *reuseEntry) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	switch e.state {
	case entryPending:
		if e.orig != nil && uint64(len(p)) == e.orig.UncompressedSize64 && crc32.ChecksumIEEE(p) == e.orig.CRC32 {
			// Not retained: if more follows, the original is decompressed instead.
			e.state = entryMatched
			return len(p), nil
		}
		if err := e.compress(); err != nil {
			return 0, err
		}
	case entryMatched:
		// Longer than the original after all: write what matched, then the rest.
		if err := e.compress(); err != nil {
			return 0, err
		}
		if err := e.copyOriginal(); err != nil {
			return 0, err
		}
	}
	return e.out.Write(p)
}

func (e *reuseEntry) compress() error {
	w, err := e.r.zw.Create(e.name)
	if err != nil {
		return fmt.Errorf("write part %s: %w", e.name, err)
	}
	e.out, e.state = w, entryCompressing
	return nil
}

func (e *reuseEntry) copyOriginal() error {
	rc, err := e.orig.Open()
	if err != nil {
		return fmt.Errorf("read part %s: %w", e.name, err)
	}
	_, err = io.Copy(e.out, rc)
	if cerr := rc.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("copy part %s: %w", e.name, err)
	}
	return nil
}
