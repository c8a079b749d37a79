package main

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/partnermap/partnermap/cmd/partnermap-bench/workload"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/xlsx"
)

// writeWorkbook writes the generated tabs to path as one .xlsx workbook, streaming the rows
// from gen into the worksheets as they are generated.
//
// Writing a million rows through the spreadsheet library's cell-by-cell API held them all
// twice (the generated tabs, then the library's in-memory sheets): over 7 GiB at 100k
// partners. Here everything but the rows (headers, notes, widths, frozen panes, dropdowns,
// styles) is made by `partnermap init`'s own code (xlsx.AddInputTabs) on a workbook whose
// tabs hold one date cell each, and the rows are written into that workbook's worksheets
// the way the library writes them: text as shared strings (as spreadsheet programs save
// it), numbers plain, dates as serials with the date style, true/false as booleans, blank
// cells and rows left out. Only the table of distinct strings is held.
// TestStreamedWorkbookReadsLikeTheLibrarysOwn holds it to the cell-by-cell write.
func writeWorkbook(ctx context.Context, file string, gen *workload.Generator) (err error) {
	layout := gen.Layout()
	skeleton := strings.TrimSuffix(file, ".xlsx") + ".skeleton.xlsx"
	os.Remove(skeleton)
	defer os.Remove(skeleton)
	// A date cell in each tab makes the library create the date style the rows need.
	probe := sheets.DateCell(sheets.FromSerial(46000))
	for i := range layout {
		layout[i].Rows = [][]sheets.Cell{{probe}}
	}
	if _, err := xlsx.New(skeleton, xlsx.Options{}).AddInputTabs(ctx, layout); err != nil {
		return fmt.Errorf("lay out the workbook: %w", err)
	}
	zr, err := zip.OpenReader(skeleton)
	if err != nil {
		return fmt.Errorf("lay out the workbook: %w", err)
	}
	defer zr.Close()
	parts, err := worksheetParts(&zr.Reader)
	if err != nil {
		return fmt.Errorf("lay out the workbook: %w", err)
	}

	out, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("write the workbook: %w", err)
	}
	defer func() {
		if cerr := out.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write the workbook: %w", cerr)
		}
		if err != nil {
			os.Remove(file)
		}
	}()
	buffered := bufio.NewWriterSize(out, 1<<20)
	zw := zip.NewWriter(buffered)
	sst := &stringTable{index: map[string]int{}}
	sheetsDone := map[string]bool{}

	// The rows come tab by tab, in layout order; each tab's worksheet is written whole
	// before the next one starts, since a zip archive takes one part at a time.
	var ws *worksheetWriter
	tab := -1
	finish := func() error {
		if ws == nil {
			return nil
		}
		sheetsDone[ws.part] = true
		return ws.close()
	}
	for t, row := range gen.Rows() {
		for tab < t {
			if err := finish(); err != nil {
				return err
			}
			tab++
			name := layout[tab].Name
			zf := parts[name]
			if zf == nil {
				return fmt.Errorf("lay out the workbook: no worksheet for tab %q", name)
			}
			if ws, err = openWorksheet(zw, zf, sst, layout[tab].Header); err != nil {
				return fmt.Errorf("write tab %q: %w", name, err)
			}
		}
		if err := ws.row(row); err != nil {
			return fmt.Errorf("write tab %q: %w", layout[tab].Name, err)
		}
		if ws.rowNum%100_000 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	if err := finish(); err != nil {
		return err
	}
	for _, zf := range zr.File {
		switch {
		case sheetsDone[zf.Name]:
			continue
		case zf.Name == sharedStringsPart:
			continue
		case isWorksheetOf(parts, zf.Name):
			return fmt.Errorf("write the workbook: tab with worksheet %s got no rows", zf.Name)
		}
		if err := copyPart(zw, zf); err != nil {
			return fmt.Errorf("write the workbook: %w", err)
		}
	}
	if err := sst.write(zw); err != nil {
		return fmt.Errorf("write the workbook's strings: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write the workbook: %w", err)
	}
	if err := buffered.Flush(); err != nil {
		return fmt.Errorf("write the workbook: %w", err)
	}
	return nil
}

// sharedStringsPart is where the library keeps a new workbook's table of strings; the
// skeleton's (its headers) is replaced by one holding every string of the rows.
const sharedStringsPart = "xl/sharedStrings.xml"

func isWorksheetOf(parts map[string]*zip.File, name string) bool {
	for _, zf := range parts {
		if zf.Name == name {
			return true
		}
	}
	return false
}

// worksheetParts maps each tab's name to its worksheet part, from the workbook part and
// its relationships.
func worksheetParts(zr *zip.Reader) (map[string]*zip.File, error) {
	byName := map[string]*zip.File{}
	for _, zf := range zr.File {
		byName[zf.Name] = zf
	}
	var book struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodePart(byName["xl/workbook.xml"], &book); err != nil {
		return nil, err
	}
	if err := decodePart(byName["xl/_rels/workbook.xml.rels"], &rels); err != nil {
		return nil, err
	}
	targets := map[string]string{}
	for _, r := range rels.Rel {
		targets[r.ID] = path.Clean(path.Join("xl", strings.TrimPrefix(r.Target, "/xl/")))
	}
	out := map[string]*zip.File{}
	for _, s := range book.Sheets {
		zf := byName[targets[s.ID]]
		if zf == nil {
			return nil, fmt.Errorf("tab %q: no worksheet part %q", s.Name, targets[s.ID])
		}
		out[s.Name] = zf
	}
	return out, nil
}

func decodePart(zf *zip.File, into any) error {
	if zf == nil {
		return errors.New("the workbook part is missing")
	}
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(into); err != nil {
		return fmt.Errorf("%s: %w", zf.Name, err)
	}
	return nil
}

func copyPart(zw *zip.Writer, zf *zip.File) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	w, err := zw.Create(zf.Name)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, rc)
	return err
}

// stringTable is the workbook's shared strings, in the order they are first written.
type stringTable struct {
	index map[string]int
	list  []string
}

func (s *stringTable) id(text string) int {
	if i, ok := s.index[text]; ok {
		return i
	}
	s.index[text] = len(s.list)
	s.list = append(s.list, text)
	return len(s.list) - 1
}

func (s *stringTable) write(zw *zip.Writer) error {
	w, err := zw.Create(sharedStringsPart)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	n := strconv.Itoa(len(s.list))
	bw.WriteString(xml.Header + `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="` + n + `" uniqueCount="` + n + `">`)
	for _, text := range s.list {
		// As the library writes it: space kept when the text starts or ends with it.
		if c0, c1 := text[0], text[len(text)-1]; strings.IndexByte("\t\n\r ", c0) >= 0 || strings.IndexByte("\t\n\r ", c1) >= 0 {
			bw.WriteString(`<si><t xml:space="preserve">`)
		} else {
			bw.WriteString(`<si><t>`)
		}
		if err := xml.EscapeText(bw, []byte(text)); err != nil {
			return err
		}
		bw.WriteString(`</t></si>`)
	}
	bw.WriteString(`</sst>`)
	return bw.Flush()
}

// worksheetWriter streams one tab's rows into the skeleton's worksheet in place of its
// rows, keeping everything around them (views, columns, dropdowns, the notes' drawing).
type worksheetWriter struct {
	part            string
	w               *bufio.Writer
	sst             *stringTable
	tail            string // the skeleton's XML after its rows
	bold, dateStyle string
	rowNum          int
	cell            []byte
}

var (
	headerStyle = regexp.MustCompile(`<c r="A1" s="(\d+)"`)
	probeStyle  = regexp.MustCompile(`<c r="A2" s="(\d+)"`)
)

func openWorksheet(zw *zip.Writer, zf *zip.File, sst *stringTable, header []string) (*worksheetWriter, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return nil, err
	}
	skel := string(data)
	start, end := strings.Index(skel, "<sheetData>"), strings.Index(skel, "</sheetData>")
	bold, date := headerStyle.FindStringSubmatch(skel), probeStyle.FindStringSubmatch(skel)
	if start < 0 || end < start || bold == nil || date == nil {
		return nil, fmt.Errorf("the laid-out worksheet %s is not as expected", zf.Name)
	}
	w, err := zw.Create(zf.Name)
	if err != nil {
		return nil, err
	}
	ws := &worksheetWriter{part: zf.Name, w: bufio.NewWriterSize(w, 64<<10), sst: sst, tail: skel[end:], bold: bold[1], dateStyle: date[1]}
	ws.w.WriteString(skel[:start+len("<sheetData>")])
	head := make([]sheets.Cell, len(header))
	for i, h := range header {
		head[i] = sheets.TextCell(h)
	}
	return ws, ws.write(head, ws.bold)
}

// row writes the next row of data; a blank row takes its row number and is left out.
func (ws *worksheetWriter) row(cells []sheets.Cell) error { return ws.write(cells, "") }

func (ws *worksheetWriter) write(cells []sheets.Cell, style string) error {
	ws.rowNum++
	r := strconv.Itoa(ws.rowNum)
	opened := false
	for ci, c := range cells {
		if c.IsBlank() {
			continue
		}
		if !opened {
			ws.w.WriteString(`<row r="` + r + `">`)
			opened = true
		}
		b := append(ws.cell[:0], `<c r="`...)
		b = append(b, sheets.ColumnName(ci)...)
		b = append(b, r...)
		b = append(b, '"')
		s := style
		var t, v string
		switch c.Kind {
		case sheets.Text:
			t, v = "s", strconv.Itoa(ws.sst.id(c.Text))
		case sheets.Number:
			if math.IsNaN(c.Num) || math.IsInf(c.Num, 0) {
				return fmt.Errorf("row %d: %v is not a number a sheet holds", ws.rowNum, c.Num)
			}
			v = strconv.FormatFloat(c.Num, 'f', -1, 64)
		case sheets.Date:
			serial := c.Num
			if serial != math.Trunc(serial) {
				return fmt.Errorf("row %d: a date with a time of day, which the generator does not make", ws.rowNum)
			}
			s, v = ws.dateStyle, strconv.FormatFloat(serial, 'f', -1, 64)
		case sheets.Bool:
			t, v = "b", "0"
			if c.Bool {
				v = "1"
			}
		}
		if s != "" {
			b = append(append(append(b, ` s="`...), s...), '"')
		}
		if t != "" {
			b = append(append(append(b, ` t="`...), t...), '"')
		}
		b = append(append(append(b, "><v>"...), v...), "</v></c>"...)
		ws.w.Write(b)
		ws.cell = b
	}
	if opened {
		ws.w.WriteString(`</row>`)
	}
	return nil
}

func (ws *worksheetWriter) close() error {
	ws.w.WriteString(ws.tail)
	return ws.w.Flush()
}
