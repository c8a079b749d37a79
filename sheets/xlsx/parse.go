package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/partnermap/partnermap/internal/memlimit"
	"github.com/partnermap/partnermap/sheets"
)

// Limits of the xlsx format; a reference beyond them is a corrupt file.
const (
	maxColumns = 16384
	maxRows    = 1048576
	// maxSerial is 9999-12-31, the last date a spreadsheet can show.
	maxSerial = 2958465
	// date1904Offset converts a serial of the 1904 date system to the 1900 one.
	date1904Offset = 1462
)

// cellBudget counts the cells read against Options.MaxCells, over the tabs of a read that
// are parsed at once.
type cellBudget struct {
	left atomic.Int64
}

// newCellBudget returns a budget of n cells.
func newCellBudget(n int) *cellBudget {
	b := &cellBudget{}
	b.left.Store(int64(n))
	return b
}

// take reserves n cells, or reports that the limit was reached (and stays reached).
func (b *cellBudget) take(n int) bool {
	return b.left.Add(-int64(n)) >= 0
}

// sheetParser turns one worksheet part into rows of typed cells.
type sheetParser struct {
	sst      []string
	isDate   []bool // by style index (cellXfs)
	date1904 bool
	budget   *cellBudget
	checkCtx func() error
	// size is the part's length, when known: the rows are counted ahead from it.
	size int64
	// slabs, when set, hands out slabs of cells already in memory (touchSlabs).
	slabs <-chan []Cell

	rows [][]Cell
	slab []Cell // free cells; the row being read fills it from index 0
	text []byte
}

// Cell is sheets.Cell, named locally to keep the parser readable.
type Cell = sheets.Cell

// errTooManyCells is returned when the budget runs out; Read turns it into a
// message naming the tab and the limit.
var errTooManyCells = errors.New("too many cells")

// parse reads the <sheetData> of a worksheet part held whole.
func (p *sheetParser) parse(data []byte) ([][]Cell, error) {
	return p.parseFrom(&bytesSource{data: data})
}

// parseFrom reads the <sheetData> of a worksheet part from src, a chunk at a time, so that
// a tab is parsed as it is unpacked instead of after. A token or row cut by the end of a
// chunk is read again from its start once the next chunk is there (feed.more): every
// token and row is read from bytes that hold it whole, so the rows are those of parse on
// the whole part, wherever the chunks end. It stops at </sheetData>, leaving the rest of
// src unread.
func (p *sheetParser) parseFrom(src chunkSource) ([][]Cell, error) {
	in := feed{src: src}
	s := scanner{}
	inData := false
	rowNum := 0
	for {
		mark, markRow := s.pos, rowNum
		s.short = false
		done, err := p.step(&s, &inData, &rowNum)
		if s.short && !in.eof {
			rowNum = markRow
			in.read += int64(mark)
			p.reserveRows(in.read)
			if err := in.more(&s, mark); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		if done {
			break
		}
	}
	// Trailing empty rows carry nothing.
	rows := p.rows
	for len(rows) > 0 && len(rows[len(rows)-1]) == 0 {
		rows = rows[:len(rows)-1]
	}
	return rows, nil
}

// reserveRows makes room, once, for as many rows as the part holds at the rate of the rows
// in the first read bytes of it: appending a million rows one at a time reallocates the
// list of rows about 40 times, each time in fresh memory (half a second at 100k partners).
func (p *sheetParser) reserveRows(read int64) {
	if p.size <= 0 || p.rows == nil || cap(p.rows) > len(p.rows)+64 || read < 64<<10 {
		return
	}
	want := min(int64(len(p.rows))*p.size/read*21/20+64, maxRows)
	if want > int64(cap(p.rows)) {
		p.rows = slices.Grow(p.rows, int(want)-len(p.rows))
	}
	p.size = 0 // once
}

// step reads one token outside the rows, and a whole row after its start tag; done is the
// end of <sheetData> or of the document.
func (p *sheetParser) step(s *scanner, inData *bool, rowNum *int) (done bool, err error) {
	ok, err := s.next()
	if err != nil || !ok {
		return true, err
	}
	if s.kind == tokEnd && *inData && string(s.name) == "sheetData" {
		return true, nil
	}
	if s.kind != tokStart {
		return false, nil
	}
	switch string(s.name) {
	case "sheetData":
		if s.selfClosing {
			return true, nil
		}
		*inData = true
	case "row":
		if !*inData {
			return false, nil
		}
		next := *rowNum + 1
		eachAttr(s.attrs, func(name, value []byte) {
			if string(name) == "r" {
				if n, err := strconv.Atoi(string(value)); err == nil {
					next = n
				}
			}
		})
		if next <= *rowNum || next > maxRows {
			return true, fmt.Errorf("row %d out of order or out of range", next)
		}
		*rowNum = next
		if s.selfClosing {
			return false, nil
		}
		if err := p.parseRow(s, next); err != nil {
			return true, err
		}
		if next%4096 == 0 && p.checkCtx != nil {
			if err := p.checkCtx(); err != nil {
				return true, err
			}
		}
	}
	return false, nil
}

// parseRow reads the cells of one <row> and appends it as sheet row rowNum.
// Cells are written straight into the tail of the slab, which the finished
// row is then carved from, so no cell is copied.
func (p *sheetParser) parseRow(s *scanner, rowNum int) error {
	col, width := 0, 0
	for {
		if err := s.nextInside(); err != nil {
			return err
		}
		if s.kind == tokEnd && string(s.name) == "row" {
			break
		}
		if s.kind != tokStart {
			continue
		}
		if string(s.name) != "c" {
			if err := s.skipElement(); err != nil {
				return err
			}
			continue
		}
		cell, c, err := p.parseCell(s, col)
		if err != nil {
			return fmt.Errorf("row %d: %w", rowNum, err)
		}
		col = c
		if cell.Kind == sheets.Blank {
			continue
		}
		if col > len(p.slab) {
			p.grow(width, col)
		}
		p.slab[col-1] = cell
		width = max(width, col)
	}
	if width == 0 {
		return nil
	}
	if !p.budget.take(width) {
		return errTooManyCells
	}
	for len(p.rows) < rowNum-1 {
		p.rows = append(p.rows, nil)
	}
	p.rows = append(p.rows, p.slab[:width:width])
	p.slab = p.slab[width:]
	return nil
}

// grow gives the slab room for a row of at least need cells, keeping the
// first used cells of the row being read.
func (p *sheetParser) grow(used, need int) {
	var slab []Cell
	if need <= slabCells && p.slabs != nil {
		slab = <-p.slabs
	} else {
		slab = make([]Cell, max(need, slabCells))
	}
	copy(slab, p.slab[:used])
	clear(p.slab[:used])
	p.slab = slab
}

// slabCells is how many cells the parser allocates at a time.
const slabCells = 8192

// touchSlabs allocates slabs of cells ahead of a parser and writes to every page of each, on
// its own goroutine, until stop is closed. Writing 390 MB of cells into fresh memory costs
// the parser of a 100k-partner workbook more than a second of page faults, the largest
// part of parsing Meetings; faulting the pages in beside it takes that second off the
// parse, onto the other core.
func touchSlabs(stop <-chan struct{}) <-chan []Cell {
	out := make(chan []Cell, 4)
	go func() {
		for {
			slab := make([]Cell, slabCells)
			memlimit.TouchPages(slab)
			select {
			case out <- slab:
			case <-stop:
				return
			}
		}
	}()
	return out
}

// parseCell reads one <c> element; prevCol is the column of the cell before it,
// used when the cell has no reference.
func (p *sheetParser) parseCell(s *scanner, prevCol int) (Cell, int, error) {
	col := prevCol + 1
	style := 0
	var typ []byte
	var refErr error
	eachAttr(s.attrs, func(name, value []byte) {
		switch string(name) {
		case "r":
			c, ok := refColumn(value)
			if !ok {
				refErr = fmt.Errorf("bad cell reference %q", value)
				return
			}
			col = c
		case "s":
			if n, err := strconv.Atoi(string(value)); err == nil && n >= 0 {
				style = n
			}
		case "t":
			typ = value
		}
	})
	if refErr != nil {
		return Cell{}, col, refErr
	}
	if s.selfClosing {
		return Cell{}, col, nil
	}
	var (
		value    []byte
		hasValue bool
		inline   bool
		err      error
	)
	for {
		if err := s.nextInside(); err != nil {
			return Cell{}, col, err
		}
		if s.kind == tokEnd && string(s.name) == "c" {
			break
		}
		if s.kind != tokStart {
			continue
		}
		switch string(s.name) {
		case "v":
			p.text, err = s.collectText(p.text[:0])
			value, hasValue = p.text, true
		case "is":
			p.text, err = collectString(s, p.text[:0])
			value, hasValue, inline = p.text, true, true
		default: // <f>, <extLst>: the cached <v> is what we read
			err = s.skipElement()
		}
		if err != nil {
			return Cell{}, col, err
		}
	}
	if !hasValue {
		return Cell{}, col, nil
	}
	cell, err := p.typed(typ, value, style, inline)
	return cell, col, err
}

// typed converts a cell's raw value according to its type attribute and style.
func (p *sheetParser) typed(typ, value []byte, style int, inline bool) (Cell, error) {
	switch string(typ) {
	case "s":
		i, err := strconv.Atoi(string(bytes.TrimSpace(value)))
		if err != nil || i < 0 || i >= len(p.sst) {
			return Cell{}, fmt.Errorf("shared string index %q out of range", value)
		}
		return sheets.TextCell(p.sst[i]), nil
	case "inlineStr":
		if !inline {
			return sheets.TextCell(string(value)), nil
		}
		return sheets.TextCell(string(unescapeOOXML(value))), nil
	case "str", "e":
		return sheets.TextCell(string(value)), nil
	case "b":
		switch string(bytes.TrimSpace(value)) {
		case "1", "true", "TRUE":
			return sheets.BoolCell(true), nil
		case "0", "false", "FALSE":
			return sheets.BoolCell(false), nil
		}
		return sheets.TextCell(string(value)), nil
	case "d":
		if t, ok := parseISODate(string(bytes.TrimSpace(value))); ok {
			return sheets.DateCell(t), nil
		}
		return sheets.TextCell(string(value)), nil
	}
	// "n" or absent: a number, shown as a date when its style says so.
	if len(value) == 0 {
		return Cell{}, nil
	}
	f, err := strconv.ParseFloat(string(bytes.TrimSpace(value)), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return sheets.TextCell(string(value)), nil
	}
	if style < len(p.isDate) && p.isDate[style] {
		serial := f
		if p.date1904 {
			serial += date1904Offset
		}
		if serial >= 0 && serial <= maxSerial {
			return Cell{Kind: sheets.Date, Num: serial}, nil
		}
	}
	return Cell{Kind: sheets.Number, Num: f}, nil
}

// collectString appends the text of a rich or plain string item (<si> or <is>),
// leaving out phonetic runs (<rPh>), which are not part of the value.
func collectString(s *scanner, buf []byte) ([]byte, error) {
	if s.selfClosing {
		return buf, nil
	}
	var err error
	for {
		if err := s.nextInside(); err != nil {
			return buf, err
		}
		switch s.kind {
		case tokEnd:
			switch string(s.name) {
			case "si", "is":
				return buf, nil
			}
		case tokStart:
			switch string(s.name) {
			case "t":
				buf, err = s.collectText(buf)
			case "rPh", "rPr", "phoneticPr":
				err = s.skipElement()
			}
			if err != nil {
				return buf, err
			}
		}
	}
}

// parseSharedStrings reads the shared string table.
func parseSharedStrings(data []byte) ([]string, error) {
	s := scanner{data: data}
	var out []string
	var buf []byte
	for {
		ok, err := s.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		if s.kind != tokStart {
			continue
		}
		switch string(s.name) {
		case "sst":
			eachAttr(s.attrs, func(name, value []byte) {
				if string(name) == "uniqueCount" {
					if n, err := strconv.Atoi(string(value)); err == nil && n > 0 && n < 1<<22 {
						out = make([]string, 0, n)
					}
				}
			})
		case "si":
			buf, err = collectString(&s, buf[:0])
			if err != nil {
				return nil, err
			}
			out = append(out, string(unescapeOOXML(buf)))
		}
	}
}

// refColumn returns the 1-based column of a cell reference such as "AB12".
func refColumn(ref []byte) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i]
		switch {
		case c >= 'A' && c <= 'Z':
			col = col*26 + int(c-'A'+1)
		case c >= 'a' && c <= 'z':
			col = col*26 + int(c-'a'+1)
		case c == '$' && i == 0:
		default:
			if i == 0 || col == 0 {
				return 0, false
			}
			return col, col <= maxColumns
		}
		if col > maxColumns {
			return 0, false
		}
	}
	return 0, false
}

// parseISODate reads the ISO 8601 value of a t="d" cell as wall-clock time.
func parseISODate(v string) (time.Time, bool) {
	for _, layout := range []string{
		"2006-01-02T15:04:05.999999999Z07:00",
		"2006-01-02T15:04:05.999999999",
		"2006-01-02T15:04",
		"2006-01-02",
		"15:04:05.999999999",
	} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
