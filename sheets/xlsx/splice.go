package xlsx

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/partnermap/partnermap/sheets"
)

// Splicing rows into the saved worksheet.
//
// excelize's stream writer turns every cell into a struct, escapes its text into a new
// string and counts its UTF-16 units, then writes the row to a temporary file that the
// save copies into the archive: at 100k partners (some 10 million output cells) that was
// 4.5 s of a sync's CPU and a quarter of its allocations. So the rows of an output tab
// are written here instead, from the tab itself, straight into the worksheet part while
// it is being saved: excelize writes the tab around them (columns, panes, the legend row,
// merged cells, page setup) and the rows go in just before its </sheetData>.
//
// The bytes are the ones excelize writes for the values the renderer gives it (text,
// numbers, booleans, blanks, each with its style); a value whose bytes excelize computes
// in ways not copied here (text with "_x" in it, which it escapes as "_x005F_x", text
// over 32,767 characters, which it cuts, a number with more than 15 significant digits,
// which it rounds) has its row and every row before it written by excelize instead.
// TestSplicedRowsAreWhatExcelizeWrites holds the two to the same bytes.

// rowSplice writes rows into a worksheet part being saved.
type rowSplice func(w io.Writer) error

// sheetDataEnd is where the spliced rows go: excelize writes it once, after its own rows.
var sheetDataEnd = []byte("</sheetData>")

// spliceable reports whether writeRows writes v exactly as excelize does.
func spliceable(v outValue) bool {
	switch v.kind {
	case outText:
		return len(v.text) <= 32767 && !strings.Contains(v.text, "_x")
	case outNumber:
		if v.num == math.Trunc(v.num) && math.Abs(v.num) < 1e15 {
			return true
		}
		var buf [32]byte
		digits := 0
		for _, c := range strconv.AppendFloat(buf[:0], v.num, 'f', -1, 64) {
			if c >= '1' && c <= '9' || c == '0' && digits > 0 {
				digits++
			}
		}
		return digits <= 15
	}
	return true // blank, bool
}

// writeRows writes rows from.. of g as excelize's stream writer would. Encoding them is
// most of a large sync's write, and the deflating of what it writes is spread over the
// processors already (deflate.go), so a large tab's rows are encoded a piece at a time,
// a few pieces ahead of out; the bytes are those of one pass.
func (r *renderer) writeRows(out io.Writer, g *tabGrid, from int) error {
	return r.rowPieces.Run(g.last+1-from, func(b []byte, lo, hi int) ([]byte, error) {
		return r.appendRows(b, g, from+lo, from+hi)
	}, func(b []byte) error {
		_, err := out.Write(b)
		return err
	})
}

// appendRows appends rows from..to-1 of g to b. It only reads g and r (their styles are
// all known after the scan), so pieces of a tab are encoded side by side.
func (r *renderer) appendRows(b []byte, g *tabGrid, from, to int) ([]byte, error) {
	var esc bytes.Buffer
	// The style of the cell above, by column: a column's cells mostly share one, and
	// comparing keys is cheaper than looking each up.
	var above []styleKey
	var aboveID []int
	for ri := from; ri < to; ri++ {
		row, err := g.row(ri)
		if err != nil {
			return b, err
		}
		if row.width == 0 {
			continue
		}
		if len(above) < row.width {
			above = append(above, make([]styleKey, row.width-len(above))...)
			aboveID = append(aboveID, make([]int, row.width-len(aboveID))...)
		}
		b = append(b, `<row r="`...)
		numAt := len(b)
		b = strconv.AppendInt(b, int64(ri+1), 10)
		num := b[numAt:len(b):len(b)] // the row number, for the cells' references
		b = append(b, '"')
		if h := g.height(row); h > 0 {
			b = append(b, ` ht="`...)
			b = strconv.AppendFloat(b, h, 'f', -1, 64)
			b = append(b, `" customHeight="1"`...)
		}
		b = append(b, '>')
		for ci := 0; ci < row.width; ci++ {
			v, k := g.cell(r, row, ci)
			if k != above[ci] {
				above[ci], aboveID[ci] = k, r.styles[k]
			}
			style := aboveID[ci]
			if v.kind == outBlank && style == 0 {
				continue
			}
			b = append(b, `<c r="`...)
			b = appendColumnName(b, ci)
			b = append(b, num...)
			b = append(b, '"')
			if style != 0 {
				b = append(b, ` s="`...)
				b = strconv.AppendInt(b, int64(style), 10)
				b = append(b, '"')
			}
			switch v.kind {
			case outBlank:
				b = append(b, `></c>`...)
			case outBool:
				b = append(b, ` t="b"><v>`...)
				if v.bool {
					b = append(b, '1')
				} else {
					b = append(b, '0')
				}
				b = append(b, `</v></c>`...)
			case outNumber:
				b = append(b, `><v>`...)
				b = strconv.AppendFloat(b, v.num, 'f', -1, 64)
				b = append(b, `</v></c>`...)
			case outText:
				t := v.text
				b = append(b, ` t="inlineStr"><is><t`...)
				if first, last := t[0], t[len(t)-1]; spaceByte(first) || spaceByte(last) {
					b = append(b, ` xml:space="preserve"`...)
				}
				b = append(b, '>')
				if plainText(t) {
					b = append(b, t...)
				} else {
					esc.Reset()
					if err := xml.EscapeText(&esc, []byte(t)); err != nil {
						return b, err
					}
					// excelize keeps line breaks as they are rather than as &#xA;.
					b = append(b, bytes.ReplaceAll(esc.Bytes(), []byte("&#xA;"), []byte("\n"))...)
				}
				b = append(b, `</t></is></c>`...)
			}
		}
		b = append(b, `</row>`...)
	}
	return b, nil
}

// appendColumnName appends the letters of the 0-based column ci (0 → A, 26 → AA).
func appendColumnName(b []byte, ci int) []byte {
	if ci < 26 {
		return append(b, byte('A'+ci))
	}
	return append(b, sheets.ColumnName(ci)...)
}

// plainText reports whether xml.EscapeText leaves s as it is: printable ASCII with none
// of the characters it escapes (most text a sync writes).
func plainText(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e, c == '&', c == '<', c == '>', c == '"', c == '\'':
			return false
		}
	}
	return true
}

// spaceByte is a byte excelize keeps text's edges for (xml:space="preserve").
func spaceByte(c byte) bool { return c == '\t' || c == '\n' || c == '\r' || c == ' ' }

// spliceWriter passes a worksheet part through to the archive and writes the spliced rows
// just before its </sheetData>.
type spliceWriter struct {
	out    io.Writer
	splice rowSplice
	done   bool
	buf    []byte // bytes not passed on yet: a chunk may end inside the marker
}

func (s *spliceWriter) Write(p []byte) (int, error) {
	if s.done {
		return s.out.Write(p)
	}
	s.buf = append(s.buf, p...)
	if i := bytes.Index(s.buf, sheetDataEnd); i >= 0 {
		if _, err := s.out.Write(s.buf[:i]); err != nil {
			return 0, err
		}
		if err := s.splice(s.out); err != nil {
			return 0, err
		}
		s.done = true
		_, err := s.out.Write(s.buf[i:])
		s.buf = nil
		return len(p), err
	}
	keep := min(len(s.buf), len(sheetDataEnd)-1)
	if _, err := s.out.Write(s.buf[:len(s.buf)-keep]); err != nil {
		return 0, err
	}
	s.buf = append(s.buf[:0], s.buf[len(s.buf)-keep:]...)
	return len(p), nil
}

// close passes on what is held back; a part that ended without </sheetData> lost its rows.
func (s *spliceWriter) close(name string) error {
	if s.done {
		return nil
	}
	return fmt.Errorf("part %s ended before the rows of its tab could be written into it", name)
}
