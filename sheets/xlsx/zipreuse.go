package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"sort"

	"github.com/xuri/excelize/v2"
)

// reuseWriter is the zip writer excelize saves through. A part that excelize
// writes back unchanged (the volunteers' tabs, the shared strings: most of the
// bytes) is copied still compressed from the original archive instead of being
// compressed again, which is most of the cost of a save. A part counts as
// unchanged when its name, length and CRC-32 equal the original's. The parts
// written anew are deflated on every core (deflate.go).
type reuseWriter struct {
	zw      *zip.Writer
	deflate *deflater
	orig    map[string]*zip.File
	// held are original parts excelize only had stand-ins for (see book.held).
	// A held part is copied in place of its stand-in; only the parts in
	// rewritable may be written with other content.
	held       map[string]*zip.File
	rewritable map[string]bool
	written    map[string]bool
	cur        *reuseEntry
	// splices are rows to write into parts as they pass (splice.go), by part name;
	// splicing is the part being written through one.
	splices  map[string]rowSplice
	splicing *spliceWriter
	// reused counts parts copied without recompression (for tests).
	reused int
}

var _ excelize.ZipWriter = (*reuseWriter)(nil)

func newReuseWriter(w io.Writer, orig *zip.Reader, held map[string]*zip.File, rewritable map[string]bool) *reuseWriter {
	r := &reuseWriter{zw: zip.NewWriter(w), deflate: newDeflater(), orig: map[string]*zip.File{}, held: held, rewritable: rewritable, written: map[string]bool{}}
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
	if r.written[name] {
		return nil, fmt.Errorf("part %s written twice", name)
	}
	r.written[name] = true
	r.cur = &reuseEntry{r: r, name: name, orig: r.orig[name]}
	if h := r.held[name]; h != nil && !r.rewritable[name] {
		r.cur.orig, r.cur.stub = h, true
	}
	if splice := r.splices[name]; splice != nil {
		r.splicing = &spliceWriter{out: r.cur, splice: splice}
		return r.splicing, nil
	}
	return r.cur, nil
}

// AddFS adds the files of fsys (part of excelize's interface; unused by saves).
func (r *reuseWriter) AddFS(fsys fs.FS) error {
	if err := r.finish(); err != nil {
		return err
	}
	return r.zw.AddFS(fsys)
}

// Close finishes the last part, copies the held parts and closes the archive.
func (r *reuseWriter) Close() error {
	err := r.finish()
	for name := range r.splices {
		if err == nil && !r.written[name] {
			err = fmt.Errorf("part %s, which a tab's rows were to be written into, was not saved", name)
		}
	}
	var names []string // held parts excelize did not write at all
	for name := range r.held {
		if !r.written[name] {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		if err != nil {
			break
		}
		if err = r.zw.Copy(r.held[name]); err != nil {
			err = fmt.Errorf("copy part %s: %w", name, err)
		}
		r.reused++
	}
	if cerr := r.zw.Close(); err == nil {
		err = cerr
	}
	return err
}

func (r *reuseWriter) finish() error {
	e := r.cur
	r.cur = nil
	if e == nil {
		return nil
	}
	if sp := r.splicing; sp != nil {
		r.splicing = nil
		if err := sp.close(e.name); err != nil {
			return err
		}
	}
	if e.stub {
		if e.stubAt != len(heldStub) || e.stubBad {
			// A safety net: the stand-in of a tab that must not change was edited.
			return fmt.Errorf("part %s of a tab that must not change was about to be rewritten", e.name)
		}
		e.state = entryMatched
	}
	switch e.state {
	case entryMatched:
		if err := r.zw.Copy(e.orig); err != nil {
			return fmt.Errorf("copy part %s: %w", e.name, err)
		}
		r.reused++
	case entryPending: // empty
		if _, err := r.zw.Create(e.name); err != nil {
			return fmt.Errorf("write part %s: %w", e.name, err)
		}
	case entryCompressing:
		return e.out.finish(r.zw)
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
	out   *partDeflater // the part's new content, once it differs from the original
	// stub entries stand in for a held part: their content must be heldStub.
	stub    bool
	stubAt  int
	stubBad bool
}

func (e *reuseEntry) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if e.stub {
		if e.stubAt+len(p) > len(heldStub) || !bytes.Equal(p, heldStub[e.stubAt:e.stubAt+len(p)]) {
			e.stubBad = true
		}
		e.stubAt += len(p)
		return len(p), nil
	}
	switch e.state {
	case entryPending:
		if e.orig != nil && uint64(len(p)) == e.orig.UncompressedSize64 && crc32.ChecksumIEEE(p) == e.orig.CRC32 {
			// Not retained: if more follows, the original is decompressed instead.
			e.state = entryMatched
			return len(p), nil
		}
		e.compress()
	case entryMatched:
		// Longer than the original after all: write what matched, then the rest.
		e.compress()
		if err := e.copyOriginal(); err != nil {
			return 0, err
		}
	}
	return e.out.Write(p)
}

func (e *reuseEntry) compress() {
	e.out, e.state = e.r.deflate.part(e.name), entryCompressing
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
