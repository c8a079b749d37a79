// Package xlsx is the local-workbook backend of the sheets port: it reads
// volunteer tabs from an .xlsx file and replaces partnermap's managed tabs in
// one atomic save.
//
// Reads take one pass over the file's bytes, which are hashed so that a write
// can tell whether anyone saved the workbook in between. Writes never touch a
// tab partnermap does not own: managed tabs carry a sheet-scoped defined name
// (the marker), which Excel and LibreOffice keep when they save the file.
package xlsx

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/sheets"
)

// Defaults for Options fields left at zero.
const (
	DefaultMaxBytes         int64 = 100 << 20
	DefaultMaxCells               = 20_000_000
	DefaultMaxUnzippedBytes int64 = 1 << 30
)

// markerName is the defined name, scoped to a sheet, that marks the sheet as
// managed by partnermap. Its value is a constant, so it refers to no cells.
const (
	markerName  = "partnermap_managed"
	markerValue = `"partnermap"`
)

// Options tune a Workbook. The zero value of a size limit means its default.
type Options struct {
	// Backups is how many previous versions are kept next to the workbook as
	// <name>.<YYYYMMDD-HHMMSS>.bak.xlsx; 0 keeps none. DefaultOptions sets 1.
	Backups int
	// MaxBytes refuses workbook files larger than this (default 100 MiB).
	MaxBytes int64
	// MaxCells refuses reads of more cells than this in total (default 20 million),
	// so a sheet with a stray value in its last row cannot exhaust memory.
	MaxCells int
	// MaxUnzippedBytes refuses workbooks whose parts unpack to more than this
	// (default 1 GiB): the guard against zip bombs.
	MaxUnzippedBytes int64
}

// DefaultOptions returns the options a workbook is used with unless configured:
// one backup and the default size limits.
func DefaultOptions() Options {
	return Options{Backups: 1, MaxBytes: DefaultMaxBytes, MaxCells: DefaultMaxCells, MaxUnzippedBytes: DefaultMaxUnzippedBytes}
}

// Workbook is an .xlsx file used as a sheets.Source and sheets.Initializer.
type Workbook struct {
	path string
	opts Options
	// hook, when set by tests, is called at each named step of a save and can
	// fail it, to prove that a failure at that step leaves the original whole.
	hook func(step string) error
	// now is the clock used for backup names.
	now func() time.Time
	// drawChart renders Tab.Chart (addChart); tests swap it.
	drawChart chartDrawer
	// noSplice has excelize write every row of the output tabs (splice.go), for the test
	// that holds the spliced rows to excelize's.
	noSplice bool
	// created is the version of the workbook this Workbook created (init, --demo), "" for
	// none: replacing it keeps no backup, since it holds nothing a person typed.
	created string
}

var (
	_ sheets.Source      = (*Workbook)(nil)
	_ sheets.Initializer = (*Workbook)(nil)
)

// New returns the workbook at path. It does no I/O: a missing file is reported
// by Read, and created by AddInputTabs.
func New(path string, opts Options) *Workbook {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.MaxCells <= 0 {
		opts.MaxCells = DefaultMaxCells
	}
	if opts.MaxUnzippedBytes <= 0 {
		opts.MaxUnzippedBytes = DefaultMaxUnzippedBytes
	}
	if opts.Backups < 0 {
		opts.Backups = 0
	}
	return &Workbook{path: path, opts: opts, now: time.Now, drawChart: addChart}
}

// Describe names the workbook by its path.
func (w *Workbook) Describe() string { return w.path }

// ErrPasswordProtected means the workbook is encrypted with a password, which
// partnermap cannot open.
var ErrPasswordProtected = errors.New("the workbook is password-protected: remove the password or save an unprotected copy")

// ErrNotWorkbook means the file is not an .xlsx workbook.
var ErrNotWorkbook = errors.New("not an .xlsx workbook")

// ErrTooBig means the workbook exceeds a size limit of Options.
var ErrTooBig = errors.New("workbook too big")

// fileState is one read of the workbook file: its bytes and what identifies them.
type fileState struct {
	data    []byte
	size    int64
	modTime time.Time
	mode    fs.FileMode
	owner   owner
	hash    [sha256.Size]byte
}

// version identifies the state for Snapshot.Version.
func (s fileState) version() string {
	return strconv.FormatInt(s.size, 10) + "-" + strconv.FormatInt(s.modTime.UnixNano(), 10) + "-" + hex.EncodeToString(s.hash[:])
}

// load reads the whole file once, refusing files over MaxBytes.
func (w *Workbook) load() (fileState, error) {
	st, err := w.loadUnhashed()
	if err != nil {
		return st, err
	}
	st.hash = sha256.Sum256(st.data)
	return st, nil
}

// loadUnhashed is load without the hash, which a read takes beside its parsing.
func (w *Workbook) loadUnhashed() (fileState, error) {
	// Non-blocking, so that a FIFO planted at the path cannot hang the run in open(2);
	// it is refused below.
	file, err := os.OpenFile(w.path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fileState{}, fmt.Errorf("no workbook at %s: run `partnermap init` to create one (%w)", w.path, fs.ErrNotExist)
		}
		return fileState{}, fmt.Errorf("open workbook %s: %w", w.path, err)
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return fileState{}, fmt.Errorf("open workbook %s: %w", w.path, err)
	}
	if info.IsDir() {
		return fileState{}, fmt.Errorf("workbook %s is a folder: %w", w.path, ErrNotWorkbook)
	}
	if !info.Mode().IsRegular() {
		return fileState{}, fmt.Errorf("workbook %s is a %s, not a regular file: point source.xlsx at the workbook itself: %w: %w",
			w.path, fileKind(info.Mode()), ErrNotRegular, ErrNotWorkbook)
	}
	if info.Size() > w.opts.MaxBytes {
		return fileState{}, w.tooBig(info.Size())
	}
	data, err := readAllSized(io.LimitReader(file, w.opts.MaxBytes+1), info.Size())
	if err != nil {
		return fileState{}, fmt.Errorf("read workbook %s: %w", w.path, err)
	}
	if int64(len(data)) > w.opts.MaxBytes {
		return fileState{}, w.tooBig(int64(len(data)))
	}
	return fileState{
		data:    data,
		size:    int64(len(data)),
		modTime: info.ModTime(),
		mode:    info.Mode().Perm(),
		owner:   ownerOf(info),
	}, nil
}

// readAllSized is io.ReadAll starting from room for size bytes, the file's length when it
// was opened (it may have changed since). Growing from 512 bytes by doubling allocated
// 21 MB to read a 4.3 MB workbook (profile of a 10k-partner sync), all of it new pages.
func readAllSized(r io.Reader, size int64) ([]byte, error) {
	b := make([]byte, 0, size+bytes.MinRead)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// fileKind names a non-regular file type for a message.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

func (w *Workbook) tooBig(size int64) error {
	return fmt.Errorf("workbook %s is %s, over the %s limit: archive old rows to another file or raise the limit: %w",
		w.path, mib(size), mib(w.opts.MaxBytes), ErrTooBig)
}

func mib(n int64) string { return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB" }

// oleMagic starts a compound file: an encrypted workbook or a legacy .xls.
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// book is an open workbook.
type book struct {
	f *excelize.File
	// zip is the original archive.
	zip *zip.Reader
	// held are worksheet parts kept back from excelize (see open); a save
	// copies them into the new file in place of their stand-ins.
	held map[string]*zip.File
	// shapes are the XML parts' shapes found by checkParts (none when skipped).
	shapes map[string]partShape
}

// open checks the bytes are a workbook within the limits and opens it. With
// holdWorksheets, excelize is given the package with an empty stand-in for
// each worksheet part: a write replaces whole tabs and never needs their old
// XML, and unpacking a large volunteer tab only to copy it back costs most of
// a save. A read opens the workbook with openRead.
func (w *Workbook) open(data []byte, holdWorksheets bool) (*book, error) {
	zr, err := w.archive(data)
	if err != nil {
		return nil, err
	}
	b := &book{zip: zr}
	var check *partCheck
	if !holdWorksheets {
		if check, err = w.checkParts(zr); err != nil {
			return nil, err
		}
	}
	pkg := data
	if holdWorksheets {
		if pkg, b.held, err = withoutWorksheets(zr); err != nil {
			return nil, fmt.Errorf("open workbook %s: %v: %w", w.path, err, ErrNotWorkbook)
		}
	}
	if b.f, err = w.excelize(pkg); err != nil {
		return nil, err
	}
	if check != nil {
		if err := w.checkUnpacked(b.f, check); err != nil {
			_ = b.f.Close()
			return nil, err
		}
		b.shapes = check.shapes
	}
	return b, nil
}

// archive checks that data is an .xlsx archive within the size limits, without unpacking
// any part, and opens it.
func (w *Workbook) archive(data []byte) (*zip.Reader, error) {
	if bytes.HasPrefix(data, oleMagic) {
		if bytes.Contains(data, utf16le("EncryptionInfo")) || bytes.Contains(data, utf16le("EncryptedPackage")) {
			return nil, fmt.Errorf("open workbook %s: %w", w.path, ErrPasswordProtected)
		}
	}
	if tooManyEntries(data) {
		return nil, fmt.Errorf("open workbook %s: the archive has more than %d parts, far more than any workbook a person made; "+
			"it is damaged or crafted: open it in a spreadsheet program and save a copy: %w", w.path, maxEntries, ErrTooBig)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if what, fix := notXLSX(data, zipOrNil(zr, err)); what != "" {
		return nil, &notWorkbookError{path: w.path, what: what, fix: fix}
	}
	if err != nil {
		return nil, fmt.Errorf("open workbook %s: the file is not a zip archive (%v): %w", w.path, err, ErrNotWorkbook)
	}
	limit := w.opts.MaxUnzippedBytes
	var unzipped uint64
	for _, zf := range zr.File {
		// A part must lie inside the file: buffers are sized from these claims (a crafted
		// 12 KB file claiming 900 MiB of packed bytes had a read allocate them, or panic).
		if off, err := zf.DataOffset(); err != nil || off < 0 || off > int64(len(data)) || zf.CompressedSize64 > uint64(int64(len(data))-off) {
			return nil, fmt.Errorf("open workbook %s: its part %s claims more bytes than the file holds: it is damaged or crafted: "+
				"open it in a spreadsheet program and save a copy: %w", w.path, zf.Name, ErrNotWorkbook)
		}
		// Compared part by part so that sizes adding up past 2^64 cannot wrap around.
		if zf.UncompressedSize64 > uint64(limit)-unzipped {
			return nil, fmt.Errorf("open workbook %s: it unpacks to more than the %s limit: %w", w.path, mib(limit), ErrTooBig)
		}
		unzipped += zf.UncompressedSize64
	}
	return zr, nil
}

// excelize opens the package pkg with excelize.
func (w *Workbook) excelize(pkg []byte) (*excelize.File, error) {
	limit := w.opts.MaxUnzippedBytes
	// Both limits equal: every part stays in memory, where Read scans it.
	f, err := excelize.OpenReader(bytes.NewReader(pkg), excelize.Options{
		UnzipSizeLimit:    limit,
		UnzipXMLSizeLimit: limit,
	})
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		return nil, fmt.Errorf("open workbook %s: the file is a zip archive but no workbook could be read from it (%v): %w", w.path, err, ErrNotWorkbook)
	}
	if f.WorkBook == nil || len(f.GetSheetList()) == 0 {
		_ = f.Close()
		return nil, fmt.Errorf("open workbook %s: the file is a zip archive but holds no sheets: %w", w.path, ErrNotWorkbook)
	}
	return f, nil
}

// checkParts checks that every part unpacks to the bytes its header promises, within the
// size limit, and scans each XML part's shape against the memory budget (budget.go) before
// it is decoded. A crafted header can understate a part's size, and excelize ignores read
// errors, so a bomb or a damaged part (bad checksum, cut short) would otherwise be read as
// silently truncated data, and written back so by AddInputTabs. Writes skip this: they open
// only the exact bytes a Read already checked (the version holds their hash).
//
// The parts excelize decodes when it opens the workbook are unpacked and checked here,
// before it does. Worksheets and shared strings, which excelize only holds (partnermap's
// own scanner reads them) and which are nearly all of a workbook's bytes, are checked after
// it opened the workbook, on the bytes it unpacked (checkUnpacked): unpacking them here as
// well cost about 8% of a sync.
func (w *Workbook) checkParts(zr *zip.Reader) (*partCheck, error) {
	c := &partCheck{left: w.opts.MaxUnzippedBytes, shapes: map[string]partShape{}}
	for _, zf := range zr.File {
		if checkedLater(zf) {
			c.later = append(c.later, zf)
			continue
		}
		if err := w.checkPacked(c, zf); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// checkedLater reports whether a part may be unpacked by excelize before it is checked. Only
// worksheets and shared strings may, and only when what excelize holds is bounded by an
// ordinary compression ratio: archive/zip never yields more than a part's header size, and a
// part packed tighter than 20 to 1 (a 1 MB file of millions of empty elements unpacking to
// hundreds of MB) is scanned as it streams here, before excelize allocates any of it.
func checkedLater(zf *zip.File) bool {
	if kind := kindOf(zf.Name); kind != partWorksheet && kind != partSharedStrings {
		return false
	}
	return zf.UncompressedSize64 <= 8<<20 || zf.UncompressedSize64 <= 20*zf.CompressedSize64
}

// partCheck is the state of checking one workbook's parts.
type partCheck struct {
	left   int64 // bytes the parts may still unpack to
	budget shapeBudget
	shapes map[string]partShape // the XML parts' shapes, by name
	later  []*zip.File          // parts checked on excelize's unpacked bytes
}

// checkUnpacked checks the parts checkParts left for later on the bytes excelize unpacked:
// their length and checksum must be the header's (an understated or damaged part reads
// short or different), and their shape within the budget. Any such part excelize does not
// hold is unpacked and checked as checkParts does.
func (w *Workbook) checkUnpacked(f *excelize.File, c *partCheck) error {
	for _, zf := range c.later {
		if data, held := part(f, zf.Name); held {
			if uint64(len(data)) != zf.UncompressedSize64 || crc32.ChecksumIEEE(data) != zf.CRC32 {
				return w.damaged(zf.Name, zip.ErrChecksum)
			}
			if err := w.checkCounted(c, zf.Name, bytes.NewReader(data)); err != nil {
				return err
			}
			continue
		}
		if err := w.checkPacked(c, zf); err != nil {
			return err
		}
	}
	return nil
}

// checkPacked unpacks one part through its check, keeping none of it.
func (w *Workbook) checkPacked(c *partCheck, zf *zip.File) error {
	rc, err := zf.Open()
	if err != nil {
		return w.unpackable(zf.Name, err)
	}
	defer func() { _ = rc.Close() }()
	return w.checkCounted(c, zf.Name, rc)
}

// checkCounted checks one part and counts its bytes against what is left of the limit.
func (w *Workbook) checkCounted(c *partCheck, name string, r io.Reader) error {
	n, err := w.checkPart(c, name, r)
	if err != nil {
		return err
	}
	c.left -= n
	return nil
}

// checkPart reads one part's bytes through its shape scanner, within what is left of the
// size limit, and returns how many there were.
func (w *Workbook) checkPart(c *partCheck, name string, r io.Reader) (int64, error) {
	kind := kindOf(name)
	var sink io.Writer = io.Discard
	var shape *shapeScanner
	if kind != partBinary {
		shape = newShapeScanner(kind, &c.budget)
		sink = shape
	}
	n, err := io.Copy(sink, io.LimitReader(r, c.left+1))
	if shape != nil {
		if why := c.budget.check(kind, shape.shape); why != "" {
			return 0, w.refused(name, why)
		}
		c.budget.add(kind, shape.shape)
		c.shapes[name] = shape.shape
	}
	if n > c.left {
		return 0, fmt.Errorf("open workbook %s: it unpacks to more than the %s limit: %w", w.path, mib(w.opts.MaxUnzippedBytes), ErrTooBig)
	}
	if err != nil {
		return 0, w.damaged(name, err)
	}
	return n, nil
}

// refused is the error for a part whose shape is past the budget.
func (w *Workbook) refused(name, why string) error {
	return fmt.Errorf("open workbook %s: part %s is refused before it is read: %s, far more than any workbook a person made; "+
		"it is damaged or crafted: open it in a spreadsheet program and save a copy: %w", w.path, name, why, ErrTooBig)
}

// damaged is the error for a part that does not unpack to what its header says.
func (w *Workbook) damaged(name string, err error) error {
	return fmt.Errorf("open workbook %s: part %s is damaged (%v): %w", w.path, name, err, ErrNotWorkbook)
}

// unpackable is the error for a part that cannot be opened.
func (w *Workbook) unpackable(name string, err error) error {
	return fmt.Errorf("open workbook %s: part %s cannot be unpacked (%v): %w", w.path, name, err, ErrNotWorkbook)
}

func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

// managedSheets returns the names of the sheets that carry the marker.
func managedSheets(f *excelize.File) map[string]bool {
	out := map[string]bool{}
	for _, dn := range f.GetDefinedName() {
		if strings.EqualFold(dn.Name, markerName) && dn.Scope != "Workbook" && dn.Scope != "" {
			out[dn.Scope] = true
		}
	}
	return out
}

// uses1904 reports whether the workbook counts date serials from 1904.
func uses1904(f *excelize.File) bool {
	return f.WorkBook != nil && f.WorkBook.WorkbookPr != nil && f.WorkBook.WorkbookPr.Date1904
}
