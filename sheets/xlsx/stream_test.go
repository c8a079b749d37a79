package xlsx

import (
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// piecesSource hands out data in pieces of random length (1 to max bytes), each copied into
// one buffer that is overwritten before the next piece, as a stream reuses its chunks: a
// parser that kept a piece past the next call reads garbage.
type piecesSource struct {
	data []byte
	rng  *rand.Rand
	max  int
	buf  []byte
}

func (s *piecesSource) next() ([]byte, error) {
	for i := range s.buf {
		s.buf[i] = '#'
	}
	if len(s.data) == 0 {
		return nil, io.EOF
	}
	n := min(len(s.data), 1+s.rng.IntN(s.max))
	s.buf = append(s.buf[:0], s.data[:n]...)
	s.data = s.data[n:]
	return s.buf, nil
}

// randomSheet writes a worksheet of awkward cells: shared, inline and rich strings, dates
// in either system, booleans, ISO dates, errors, formulas with cached values, entities,
// CDATA, comments, namespace prefixes, rows and cells without references, gaps, and now
// and then a long row; broken, when asked, in one of the ways a parser must refuse.
func randomSheet(rng *rand.Rand, rows, nStrings int, broken bool) string {
	var b strings.Builder
	px := ""
	if rng.IntN(4) == 0 {
		px = "x:"
	}
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	b.WriteString(`<` + px + `worksheet xmlns` + strings.TrimSuffix(":"+px, ":") + `="` + nsMain + `"><` + px + `dimension ref="A1:C9"/>`)
	b.WriteString(`<` + px + `sheetData>`)
	breakAt := -1
	if broken {
		breakAt = rng.IntN(rows + 1)
	}
	r := 0
	for i := 0; i < rows; i++ {
		r += 1 + rng.IntN(3)/2*rng.IntN(5)
		if i == breakAt {
			switch rng.IntN(4) {
			case 0:
				fmt.Fprintf(&b, `<%srow r="%d"><%sc r="1A"><%sv>1</%sv></%sc></%srow>`, px, r, px, px, px, px, px)
			case 1:
				fmt.Fprintf(&b, `<%srow r="%d"/>`, px, r-1)
			case 2:
				fmt.Fprintf(&b, `<%srow r="%d"><%sc t="s"><%sv>%d</%sv></%sc></%srow>`, px, r, px, px, nStrings, px, px, px)
			default:
				fmt.Fprintf(&b, `<%srow r="%d"><%sc><%sv>1</%sv>`, px, r, px, px, px)
				return b.String() // cut off
			}
			continue
		}
		if rng.IntN(3) == 0 {
			fmt.Fprintf(&b, `<%srow>`, px)
		} else {
			fmt.Fprintf(&b, `<%srow r="%d" spans="1:5">`, px, r)
		}
		cells := rng.IntN(8)
		if rng.IntN(40) == 0 {
			cells = 500 + rng.IntN(3000)
		}
		col := 0
		for c := 0; c < cells; c++ {
			col += 1 + rng.IntN(4)/3*rng.IntN(3)
			ref := ""
			if rng.IntN(4) != 0 {
				ref = ` r="` + colName(col) + strconv.Itoa(r) + `"`
			}
			v := func(s string) string { return `<` + px + `v>` + s + `</` + px + `v>` }
			switch rng.IntN(14) {
			case 0:
				fmt.Fprintf(&b, `<%sc%s t="s">%s</%sc>`, px, ref, v(strconv.Itoa(rng.IntN(nStrings))), px)
			case 1:
				fmt.Fprintf(&b, `<%sc%s t="inlineStr"><%sis><%st>a &amp; b &lt;%d&gt; _x000D_ &#x41;&#66;</%st></%sis></%sc>`, px, ref, px, px, rng.IntN(100), px, px, px)
			case 2:
				rich := `<c` + ref + ` t="inlineStr"><is><r><t>ri</t></r><r><rPr><b/></rPr><t xml:space="preserve"> ch </t></r><rPh><t>ph</t></rPh></is></c>`
				b.WriteString(prefixed(rich, px))
			case 3:
				fmt.Fprintf(&b, `<%sc%s s="1">%s</%sc>`, px, ref, v(strconv.Itoa(40000+rng.IntN(10000))), px)
			case 4:
				fmt.Fprintf(&b, `<%sc%s s="1">%s</%sc>`, px, ref, v(strconv.FormatFloat(40000+rng.Float64()*10000, 'f', -1, 64)), px)
			case 5:
				fmt.Fprintf(&b, `<%sc%s t="b">%s</%sc>`, px, ref, v(strconv.Itoa(rng.IntN(2))), px)
			case 6:
				fmt.Fprintf(&b, `<%sc%s t="d">%s</%sc>`, px, ref, v("2026-11-23T10:30:00"), px)
			case 7:
				fmt.Fprintf(&b, `<%sc%s t="e">%s</%sc>`, px, ref, v("#N/A"), px)
			case 8:
				fmt.Fprintf(&b, `<%sc%s t="str"><%sf>A1&amp;"x"</%sf>%s</%sc>`, px, ref, px, px, v("cached &quot;v&quot;"), px)
			case 9:
				fmt.Fprintf(&b, `<%sc%s>%s</%sc><!-- a comment </row> -->`, px, ref, v("<![CDATA[12.5]]>"), px)
			case 10:
				fmt.Fprintf(&b, `<%sc%s s="2"/>`, px, ref)
			case 11:
				fmt.Fprintf(&b, "<%sc%s>\n  %s\n</%sc>", px, ref, v(" -3.25E+2 "), px)
			default:
				fmt.Fprintf(&b, `<%sc%s>%s</%sc>`, px, ref, v(strconv.Itoa(rng.IntN(1000000))), px)
			}
		}
		fmt.Fprintf(&b, `</%srow>`, px)
	}
	fmt.Fprintf(&b, `</%ssheetData><%spageMargins left="0.7"/></%sworksheet>`, px, px, px)
	return b.String()
}

// prefixed gives every tag of x the namespace prefix px.
func prefixed(x, px string) string {
	var b strings.Builder
	for i := 0; i < len(x); i++ {
		b.WriteByte(x[i])
		if x[i] == '<' {
			if i+1 < len(x) && x[i+1] == '/' {
				i++
				b.WriteByte('/')
			}
			b.WriteString(px)
		}
	}
	return b.String()
}

func colName(col int) string {
	name := ""
	for ; col > 0; col = (col - 1) / 26 {
		name = string(rune('A'+(col-1)%26)) + name
	}
	return name
}

// TestParseFromAnyChunksReadsAsWhole: a worksheet parsed as it streams, in pieces cut
// anywhere (a byte at a time, or at random), reads to exactly the rows of the whole part
// parsed at once, or fails with the same error.
func TestParseFromAnyChunksReadsAsWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 3))
	sst := make([]string, 50)
	for i := range sst {
		sst[i] = "shared " + strconv.Itoa(i)
	}
	for i := 0; i < 300; i++ {
		doc := []byte(randomSheet(rng, rng.IntN(40), len(sst), i%3 == 0))
		for _, date1904 := range []bool{false, true} {
			newParser := func(budget int) *sheetParser {
				return &sheetParser{sst: sst, isDate: []bool{false, true, false}, date1904: date1904, budget: newCellBudget(budget)}
			}
			budget := 1 << 20
			if i%7 == 0 {
				budget = rng.IntN(200) // past the cell limit somewhere
			}
			want, wantErr := newParser(budget).parse(doc)
			for _, maxPiece := range []int{1, 2, 7, 64, 4096} {
				src := &piecesSource{data: doc, rng: rand.New(rand.NewPCG(uint64(i), uint64(maxPiece))), max: maxPiece}
				got, err := newParser(budget).parseFrom(src)
				if fmt.Sprint(err) != fmt.Sprint(wantErr) {
					t.Fatalf("sheet %d in pieces of up to %d bytes: err = %v, want %v\n%s", i, maxPiece, err, wantErr, doc)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("sheet %d in pieces of up to %d bytes: rows differ from the whole part's\n got %v\nwant %v\n%s", i, maxPiece, got, want, doc)
				}
			}
		}
	}
}
