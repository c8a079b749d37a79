package xlsx

import (
	"archive/zip"
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/sheets"
)

// Read returns the named tabs that exist, typed cell by cell, and the list of
// every tab with its marker state.
//
// excelize opens the workbook without its worksheets and shared strings (readPackage), for
// the tabs' names, markers and styles; the tabs read are parsed as they stream out of the
// archive (stream.go), at once on as many cores as there are (Meetings, three quarters of a
// large workbook's cells, beside the other tabs). Whatever the timing, the result is that of
// checking every part first and then parsing the tabs in order: a refused part is reported
// before any parse error (the first in archive order), and of the parse errors the first in
// the order of tabs.
func (w *Workbook) Read(ctx context.Context, tabs []string) (*sheets.Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st, err := w.loadUnhashed()
	if err != nil {
		return nil, err
	}
	// The hash (0.16 s for 46 MB) is only needed for the snapshot's version: it is taken
	// on another core while the tabs are parsed.
	hashed := make(chan [sha256.Size]byte, 1)
	go func() { hashed <- sha256.Sum256(st.data) }()
	b, err := w.openRead(st.data)
	if err != nil {
		return nil, err
	}
	f := b.f
	defer f.Close()

	snap := &sheets.Snapshot{Tables: map[string]*sheets.Table{}}
	managed := managedSheets(f)
	for _, name := range f.GetSheetList() {
		snap.Tabs = append(snap.Tabs, sheets.TabInfo{Name: name, Managed: managed[name]})
	}
	lay, err := readLayout(f)
	if err != nil {
		return nil, fmt.Errorf("read workbook %s: %w", w.path, err)
	}
	r := &tabsRead{w: w, ctx: ctx, b: b, budget: newCellBudget(w.opts.MaxCells)}
	for _, name := range tabs {
		partName, ok := lay.sheets[name]
		if !ok || slices.ContainsFunc(r.tabs, func(t *tabRead) bool { return t.name == name }) {
			continue // missing, a chart sheet or asked twice: absent from Tables, or read once
		}
		r.tabs = append(r.tabs, &tabRead{name: name, part: b.partOf(partName), partName: partName})
	}
	if slices.ContainsFunc(r.tabs, func(t *tabRead) bool { return t.part.exists() }) && lay.sharedStrings != "" {
		r.sst = &tabRead{part: b.partOf(lay.sharedStrings)}
	}
	if err := r.run(); err != nil {
		return nil, err
	}
	st.hash = <-hashed
	snap.Version = st.version()
	for _, t := range r.tabs {
		snap.Tables[t.name] = &sheets.Table{Name: t.name, Rows: t.rows}
	}
	return snap, nil
}

// openRead checks the bytes are a workbook within the limits and opens it for a read:
// excelize is given every part but the worksheets and shared strings (readPackage).
func (w *Workbook) openRead(data []byte) (*readBook, error) {
	zr, err := w.archive(data)
	if err != nil {
		return nil, err
	}
	registerInflate(zr)
	// The parts excelize decodes are checked before it opens them; the worksheets and
	// shared strings (checkedLater) as they stream, unless packed too tightly to be held
	// even in part.
	if _, err := w.checkParts(zr); err != nil {
		return nil, err
	}
	pkg, streamed, err := readPackage(zr)
	if err != nil {
		return nil, fmt.Errorf("open workbook %s: %v: %w", w.path, err, ErrNotWorkbook)
	}
	f, err := w.excelize(pkg)
	if err != nil {
		return nil, err
	}
	b := &readBook{f: f, streamed: streamed, files: zr.File, order: map[*zip.File]int{}}
	for i, zf := range zr.File {
		b.order[zf] = i
	}
	return b, nil
}

// readBook is a workbook opened for a read.
type readBook struct {
	f *excelize.File
	// streamed are the parts excelize was not given, by name.
	streamed map[string]*zip.File
	// files are the archive's parts, and order each one's place among them.
	files []*zip.File
	order map[*zip.File]int
}

// tabPart is where a part's bytes are: in the archive, or (a part named unlike its kind,
// which excelize was given and which checkParts checked) held by excelize.
type tabPart struct {
	zf   *zip.File
	data []byte
}

func (p tabPart) exists() bool { return p.zf != nil || p.data != nil }

// partOf finds the part name refers to, also when its name differs in case or in the kind
// of slash (excelize normalises both).
func (b *readBook) partOf(name string) tabPart {
	if zf := b.streamed[name]; zf != nil {
		return tabPart{zf: zf}
	}
	for _, zf := range b.files { // in archive order, so that the same part is found every time
		if b.streamed[zf.Name] != nil && strings.EqualFold(strings.ReplaceAll(zf.Name, `\`, "/"), name) {
			return tabPart{zf: zf}
		}
	}
	if data, ok := partData(b.f, name); ok {
		return tabPart{data: data}
	}
	return tabPart{}
}

// tabsRead is the parsing of the tabs of one read.
type tabsRead struct {
	w      *Workbook
	ctx    context.Context
	b      *readBook
	budget *cellBudget
	tabs   []*tabRead // in the order asked
	sst    *tabRead   // the shared strings, when a tab is read and the workbook has them
	// What every tab's parser shares: the date styles, the date system, the shared strings.
	isDate   []bool
	date1904 bool
	strings  []string
}

// tabRead is one tab (or the shared strings) of a read.
type tabRead struct {
	name     string
	partName string
	part     tabPart
	rows     [][]Cell
	err      error // the parser's
	// overBudget says the cells of the tabs read passed Options.MaxCells while this one was
	// parsed (err says so too).
	overBudget bool
	// checked says the part's checks are done (all of it streamed through them), with
	// refused their verdict.
	checked bool
	refused error
}

// run parses the tabs; its error is the one a read reports.
func (r *tabsRead) run() error {
	r.isDate, r.date1904 = dateStyles(r.b.f), uses1904(r.b.f)
	if r.sst != nil {
		r.readStrings()
	}
	if r.failed() {
		return r.verdict()
	}
	workers := min(runtime.GOMAXPROCS(0), len(r.tabs))
	r.parseAll(workers)
	if workers > 1 && slices.ContainsFunc(r.tabs, func(t *tabRead) bool { return t.overBudget }) {
		// Which tab passed the limit depends on how the parsers raced: the tabs are read
		// again one after another, as the message names the first to pass it in tab order.
		r.budget.left.Store(int64(r.w.opts.MaxCells))
		for _, t := range r.tabs {
			*t = tabRead{name: t.name, partName: t.partName, part: t.part}
		}
		r.parseAll(1)
	}
	if r.failed() {
		return r.verdict()
	}
	return nil
}

// readStrings unpacks the shared strings through their checks and parses them.
func (r *tabsRead) readStrings() {
	t := r.sst
	data := t.part.data
	if t.part.zf != nil {
		ps := r.w.stream(t.part.zf)
		// Room for the whole part when its header is believable (see checkedLater);
		// otherwise it grows as it passes its checks.
		var err error
		data, err = collect(ps, checkedLater(t.part.zf), int64(t.part.zf.UncompressedSize64))
		t.checked = true
		if err != nil {
			t.refused = err
			return
		}
	}
	if r.strings, t.err = parseSharedStrings(data); t.err != nil {
		t.err = fmt.Errorf("read shared strings of %s: %w", r.w.path, t.err)
	}
}

// collect reads a stream whole.
func collect(ps *partStream, sized bool, size int64) ([]byte, error) {
	var data []byte
	if sized {
		data = make([]byte, 0, size)
	}
	for {
		chunk, err := ps.next()
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, unwrapCheck(err)
		}
		data = append(data, chunk...)
	}
}

// parseAll parses the tabs on workers goroutines, the largest first; with one, in order,
// stopping at the first that fails (the verdict checks the rest).
func (r *tabsRead) parseAll(workers int) {
	if workers <= 1 {
		for _, t := range r.tabs {
			if r.parse(t); t.err != nil || t.refused != nil {
				return
			}
		}
		return
	}
	order := slices.Clone(r.tabs)
	slices.SortStableFunc(order, func(a, b *tabRead) int { return cmp.Compare(b.size(), a.size()) })
	queue := make(chan *tabRead, len(order))
	for _, t := range order {
		queue <- t
	}
	close(queue)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for t := range queue {
				r.parse(t)
			}
		})
	}
	wg.Wait()
}

func (t *tabRead) size() uint64 {
	if t.part.zf != nil {
		return t.part.zf.UncompressedSize64
	}
	return uint64(len(t.part.data))
}

// parse reads one tab: its rows, its parse error, and its part's checks (finished after a
// parse error, so that a refused part is still reported as such).
func (r *tabsRead) parse(t *tabRead) {
	if !t.part.exists() {
		t.err = fmt.Errorf("read tab %q of %s: worksheet part %s is missing", t.name, r.w.path, t.partName)
		return
	}
	p := &sheetParser{
		sst:      r.strings,
		isDate:   r.isDate,
		date1904: r.date1904,
		budget:   r.budget,
		checkCtx: r.ctx.Err,
	}
	if t.part.data != nil {
		t.checked = true
		t.rows, t.err = p.parse(t.part.data)
		t.overBudget = errors.Is(t.err, errTooManyCells)
		t.err = r.parseError(t, t.err)
		return
	}
	p.size = int64(t.part.zf.UncompressedSize64)
	if p.size > 32<<20 {
		stop := make(chan struct{})
		defer close(stop)
		p.slabs = touchSlabs(stop)
	}
	ps := r.w.stream(t.part.zf)
	rows, err := p.parseFrom(ps)
	if ce := (*checkError)(nil); errors.As(err, &ce) {
		t.checked, t.refused = true, ce.err
		return
	}
	if t.overBudget = errors.Is(err, errTooManyCells); t.overBudget || err != nil && r.ctx.Err() != nil {
		ps.abort() // the read fails as it is (or is read again): its checks need not go on
		t.err = r.parseError(t, err)
		return
	}
	t.checked, t.refused = true, unwrapCheck(ps.finish())
	t.rows, t.err = rows, r.parseError(t, err)
}

// parseError says which tab a parse error is in.
func (r *tabsRead) parseError(t *tabRead, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errTooManyCells):
		return fmt.Errorf("read tab %q of %s: more than %d cells in the tabs read (Options.MaxCells): "+
			"delete unused rows and columns, or raise the limit: %w", t.name, r.w.path, r.w.opts.MaxCells, ErrTooBig)
	case r.ctx.Err() != nil:
		return err
	}
	return fmt.Errorf("read tab %q of %s: %w", t.name, r.w.path, err)
}

func unwrapCheck(err error) error {
	if ce := (*checkError)(nil); errors.As(err, &ce) {
		return ce.err
	}
	return err
}

// failed reports whether any tab or the shared strings failed a check or their parse.
func (r *tabsRead) failed() bool {
	for _, t := range r.all() {
		if t.err != nil || t.refused != nil {
			return true
		}
	}
	return false
}

func (r *tabsRead) all() []*tabRead {
	if r.sst != nil {
		return append([]*tabRead{r.sst}, r.tabs...)
	}
	return r.tabs
}

// verdict is the error of a read that failed: a cancelled read's; else the first part in
// the archive refused by its checks (the checks left unfinished are finished first), as
// when every part was checked before any was parsed; else the first parse error in tab
// order (the shared strings' before the first tab that has a part).
func (r *tabsRead) verdict() error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	var refused error
	first := -1
	seen := map[*zip.File]bool{}
	for _, t := range r.all() {
		zf := t.part.zf
		if zf == nil || seen[zf] {
			continue
		}
		seen[zf] = true
		if !t.checked {
			t.checked, t.refused = true, unwrapCheck(r.w.stream(zf).finish())
		}
		if t.refused != nil && (first < 0 || r.b.order[zf] < first) {
			refused, first = t.refused, r.b.order[zf]
		}
	}
	if refused != nil {
		return refused
	}
	for _, t := range r.tabs {
		if t.part.exists() && r.sst != nil && r.sst.err != nil {
			return r.sst.err
		}
		if t.err != nil {
			return t.err
		}
	}
	return nil
}
