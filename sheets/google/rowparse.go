package google

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/partnermap/partnermap/sheets"
)

// The read's answer is parsed by hand, as it streams in, because it is most of a read's
// CPU: a sheet of 10k partners has a million cells, and encoding/json (a Decoder finding
// each value, then reflection into structs) spent 3–4 s on them. parser walks the bytes
// once, through a buffer it refills from the answer; the cells go straight into
// sheets.Cell rows. Keys the read did not ask for are skipped; anything that is not
// well-formed JSON is an error (TestParseRowMatchesDecoding and
// TestStreamedReadMatchesTheGeneratedClient hold it to encoding/json and to the generated
// client).

// parser reads JSON from b, refilled from r when r is set.
type parser struct {
	b []byte
	i int // next byte of b
	r io.Reader
	// mark is where the token being read began: refilling keeps b[mark:] so the token
	// stays whole. -1 when no token is being read.
	mark   int
	hold   int   // where raw's value began, kept on refill like mark; -1 when not in raw
	base   int64 // bytes of the input before b[0], for error offsets
	rerr   error // the reader's error once it has ended (io.EOF) or failed
	keyBuf []byte
	slab   []sheets.Cell
	row    []sheets.Cell // the row being parsed
	tap    *tap          // hears every byte consumed while set (sections.go)
}

// readChunk is how much a refill asks the answer for: big enough that the parser, not the
// reads, is the cost; small beside the answer (tens of MB at 10k partners).
const readChunk = 256 << 10

// slabCells is how many cells the parser allocates at once for the rows it returns.
const slabCells = 4096

func newParser(r io.Reader) *parser {
	return &parser{b: make([]byte, 0, readChunk), r: r, mark: -1, hold: -1}
}

var errSyntax = errors.New("malformed JSON")

func (p *parser) fail(what string) error {
	at := p.base + int64(p.i)
	switch {
	case p.i < len(p.b):
		return fmt.Errorf("%w at byte %d: invalid character %q: %s", errSyntax, at, p.b[p.i], what)
	case p.rerr != nil && p.rerr != io.EOF:
		return fmt.Errorf("at byte %d: %w", at, p.rerr)
	}
	// The answer ended before its JSON did: cut short.
	return fmt.Errorf("%w at byte %d: %s: %w", errSyntax, at, what, io.ErrUnexpectedEOF)
}

// more reads more of the answer into b, keeping the token being read; false at the end.
func (p *parser) more() bool {
	if p.r == nil || p.rerr != nil {
		return false
	}
	if p.tap != nil {
		// What has been consumed is passed on before the buffer drops it.
		p.tap.pass(p.b[p.tap.at:p.i])
		p.tap.at = p.i
	}
	keep := p.i
	for _, m := range [2]int{p.mark, p.hold} {
		if m >= 0 && m < keep {
			keep = m
		}
	}
	if keep > 0 {
		n := copy(p.b, p.b[keep:])
		p.b = p.b[:n]
		p.i -= keep
		if p.mark >= 0 {
			p.mark -= keep
		}
		if p.hold >= 0 {
			p.hold -= keep
		}
		if p.tap != nil {
			p.tap.at -= keep
		}
		p.base += int64(keep)
	}
	if cap(p.b)-len(p.b) < readChunk/2 {
		// A token longer than the buffer (a long cell): grow it.
		nb := make([]byte, len(p.b), 2*cap(p.b)+readChunk)
		copy(nb, p.b)
		p.b = nb
	}
	for {
		n, err := p.r.Read(p.b[len(p.b):cap(p.b)])
		p.b = p.b[:len(p.b)+n]
		if err != nil {
			p.rerr = err
		}
		if n > 0 {
			return true
		}
		if err != nil {
			return false
		}
	}
}

// ws skips white space.
func (p *parser) ws() {
	for {
		for p.i < len(p.b) {
			switch p.b[p.i] {
			case ' ', '\t', '\n', '\r':
				p.i++
			default:
				return
			}
		}
		if !p.more() {
			return
		}
	}
}

// peek returns the next non-space byte, 0 at the end.
func (p *parser) peek() byte {
	p.ws()
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

func (p *parser) expect(c byte) error {
	if p.peek() != c {
		return p.fail(fmt.Sprintf("want %q", c))
	}
	p.i++
	return nil
}

// end checks that only white space is left.
func (p *parser) end() error {
	if p.peek() != 0 || p.i < len(p.b) {
		return p.fail("trailing data")
	}
	if p.rerr != nil && p.rerr != io.EOF {
		return p.fail("")
	}
	return nil
}

// null consumes a null when one is next.
func (p *parser) null() bool {
	if p.peek() != 'n' {
		return false
	}
	p.mark = p.i
	for p.i+4 > len(p.b) && p.more() {
	}
	p.mark = -1
	if p.i+4 <= len(p.b) && string(p.b[p.i:p.i+4]) == "null" {
		p.i += 4
		return true
	}
	if p.i+4 > len(p.b) && strings.HasPrefix("null", string(p.b[p.i:])) {
		p.i = len(p.b) // cut short inside the null
	}
	return false
}

// object reads an object, calling field with each key with the parser at its value, which
// field must consume. The key's bytes are valid only until field reads on. null is an
// empty object.
func (p *parser) object(field func(key []byte) error) error {
	return p.list('{', '}', func() error {
		key, err := p.key()
		if err != nil {
			return err
		}
		if err := p.expect(':'); err != nil {
			return err
		}
		return field(key)
	})
}

// array reads an array, calling elem with the parser at each element. null is empty.
func (p *parser) array(elem func() error) error {
	return p.list('[', ']', elem)
}

// list reads the items of an object or array between open and end, separated by commas,
// calling item at each. null is empty.
func (p *parser) list(open, end byte, item func() error) error {
	if p.null() {
		return nil
	}
	if err := p.expect(open); err != nil {
		return err
	}
	if p.peek() == end {
		p.i++
		return nil
	}
	for {
		if err := item(); err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.i++
		case end:
			p.i++
			return nil
		default:
			return p.fail("want , or " + string(end))
		}
	}
}

// quoted finds the next string and returns its bytes, quotes included, and whether it
// holds escapes. The bytes are valid until the parser reads on.
func (p *parser) quoted() ([]byte, bool, error) {
	if p.peek() != '"' {
		return nil, false, p.fail("want a string")
	}
	p.mark = p.i
	defer func() { p.mark = -1 }()
	p.i++
	escaped := false
	for {
		for p.i < len(p.b) {
			switch c := p.b[p.i]; {
			case c == '"':
				p.i++
				return p.b[p.mark:p.i], escaped, nil
			case c == '\\':
				if p.i+1 >= len(p.b) {
					goto refill // the escaped byte is not in yet
				}
				escaped = true
				p.i += 2
				continue
			case c < 0x20:
				return nil, false, p.fail("control character in a string")
			}
			p.i++
		}
	refill:
		if !p.more() {
			p.i = len(p.b)
			return nil, false, p.fail("unterminated string")
		}
	}
}

// key reads an object key into the parser's key buffer (a refill moves the bytes of the
// input buffer, and one may come before the field looks at its key).
func (p *parser) key() ([]byte, error) {
	q, escaped, err := p.quoted()
	if err != nil {
		return nil, err
	}
	if !escaped {
		p.keyBuf = append(p.keyBuf[:0], q[1:len(q)-1]...)
		return p.keyBuf, nil
	}
	s, err := unquote(q)
	if err != nil {
		return nil, p.fail(err.Error())
	}
	return []byte(s), nil
}

// str reads a string; one with escapes is unquoted by encoding/json, which knows them all.
func (p *parser) str() (string, error) {
	q, escaped, err := p.quoted()
	if err != nil {
		return "", err
	}
	if !escaped {
		return string(q[1 : len(q)-1]), nil
	}
	s, err := unquote(q)
	if err != nil {
		return "", p.fail(err.Error())
	}
	return s, nil
}

func unquote(q []byte) (string, error) {
	var s string
	err := json.Unmarshal(q, &s)
	return s, err
}

// token reads a bare literal (a number, true or false), valid until the parser reads on.
func (p *parser) token() []byte {
	p.ws()
	p.mark = p.i
	for {
		for p.i < len(p.b) {
			switch p.b[p.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				t := p.b[p.mark:p.i]
				p.mark = -1
				return t
			}
			p.i++
		}
		if !p.more() {
			t := p.b[p.mark:p.i]
			p.mark = -1
			return t
		}
	}
}

func (p *parser) number() (float64, error) {
	t := p.token()
	if len(t) == 0 || !(t[0] == '-' || (t[0] >= '0' && t[0] <= '9')) {
		return 0, p.fail("want a number")
	}
	f, err := strconv.ParseFloat(string(t), 64)
	if err != nil {
		return 0, p.fail("bad number " + string(t))
	}
	return f, nil
}

// integer reads a number that must be a whole one (a row or column index).
func (p *parser) integer() (int, error) {
	f, err := p.number()
	if err == nil && (f != float64(int(f)) || f < 0 || f > 1<<40) {
		return 0, p.fail("want a whole number")
	}
	return int(f), err
}

func (p *parser) boolean() (bool, error) {
	switch string(p.token()) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, p.fail("want true or false")
}

// skip consumes any value.
func (p *parser) skip() error {
	switch p.peek() {
	case '{':
		return p.object(func([]byte) error { return p.skip() })
	case '[':
		return p.array(p.skip)
	case '"':
		_, _, err := p.quoted()
		return err
	case 't', 'f':
		_, err := p.boolean()
		return err
	case 'n':
		if p.null() {
			return nil
		}
		return p.fail("bad literal")
	}
	_, err := p.number()
	return err
}

// skipGrid consumes a value by its brackets and strings alone, several times faster than
// skip: for grid data the read does not parse, an output tab's or an input tab kept to be
// compared (which, when it is needed after all, is parsed in full from its kept bytes). It
// checks that strings end and brackets pair, so a cut answer is still an error, but not
// what lies between them: an unparsed tab's cells are not looked at.
func (p *parser) skipGrid() error {
	if c := p.peek(); c != '[' && c != '{' {
		return p.skip()
	}
	var stack []byte // the closing bracket of each open one
	for {
		for p.i < len(p.b) {
			switch c := p.b[p.i]; c {
			case '"':
				end := p.stringEnd(p.i + 1)
				if end < 0 {
					goto refill // the string goes on past the buffer
				}
				p.i = end
				continue
			case '[':
				stack = append(stack, ']')
			case '{':
				stack = append(stack, '}')
			case ']', '}':
				if len(stack) == 0 || stack[len(stack)-1] != c {
					return p.fail("unbalanced bracket")
				}
				stack = stack[:len(stack)-1]
				if len(stack) == 0 {
					p.i++
					return nil
				}
			}
			p.i++
		}
	refill:
		p.mark = p.i // keep a string cut by the buffer whole
		ok := p.more()
		p.mark = -1
		if !ok {
			p.i = len(p.b)
			return p.fail("unterminated value")
		}
	}
}

// stringEnd is the index just past the closing quote of the string whose text starts at
// b[from], or -1 when it does not end within the buffer. A quote is the closing one when an
// even number of backslashes stands before it.
func (p *parser) stringEnd(from int) int {
	b := p.b
	for i := from; i < len(b); {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return -1
		}
		q := i + j
		n := 0
		for k := q - 1; k >= from && b[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return q + 1
		}
		i = q + 1
	}
	return -1
}

// raw returns a copy of the next value's bytes, for the small parts of the answer that
// are decoded by the generated client's types.
func (p *parser) raw() ([]byte, error) {
	p.ws()
	p.hold = p.i
	defer func() { p.hold = -1 }()
	if err := p.skip(); err != nil {
		return nil, err
	}
	return bytes.Clone(p.b[p.hold:p.i]), nil
}

// cells reads one RowData object into cells, trimmed of trailing blanks (nil for a blank
// row), allocated from the parser's slab.
func (p *parser) cells() ([]sheets.Cell, error) {
	p.row = p.row[:0]
	err := p.object(func(key []byte) error {
		if string(key) != "values" {
			return p.skip()
		}
		return p.array(func() error {
			c, err := p.cell()
			p.row = append(p.row, c)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	n := len(p.row)
	for n > 0 && p.row[n-1].IsBlank() {
		n--
	}
	if n == 0 {
		return nil, nil
	}
	if cap(p.slab)-len(p.slab) < n {
		p.slab = make([]sheets.Cell, 0, max(slabCells, n))
	}
	out := p.slab[len(p.slab) : len(p.slab)+n : len(p.slab)+n]
	p.slab = p.slab[:len(p.slab)+n]
	copy(out, p.row)
	return out, nil
}

// cell reads one CellData: its effective value and, for a number, its format type. A
// repeated key and a null behave as encoding/json has them: the later value wins, and null
// clears a pointer (leaves a string as it was).
func (p *parser) cell() (sheets.Cell, error) {
	// Values and flags, not pointers: a pointer to a value read in a closure would put
	// every value on the heap (three allocations a cell).
	var (
		hasValue, hasStr, hasNum, hasBool, hasErr bool
		str, errType, format                      string
		num                                       float64
		boolean                                   bool
	)
	err := p.object(func(key []byte) error {
		switch string(key) {
		case "effectiveValue":
			if p.null() {
				hasValue, hasStr, hasNum, hasBool, hasErr = false, false, false, false, false
				return nil
			}
			hasValue = true
			return p.object(func(key []byte) error {
				var err error
				switch string(key) {
				case "stringValue":
					if hasStr = !p.null(); hasStr {
						str, err = p.str()
					}
				case "numberValue":
					if hasNum = !p.null(); hasNum {
						num, err = p.number()
					}
				case "boolValue":
					if hasBool = !p.null(); hasBool {
						boolean, err = p.boolean()
					}
				case "errorValue":
					if p.null() {
						hasErr = false
						return nil
					}
					if !hasErr {
						hasErr, errType = true, ""
					}
					return p.object(func(key []byte) error {
						if string(key) != "type" {
							return p.skip()
						}
						if p.null() {
							return nil
						}
						var err error
						errType, err = p.str()
						return err
					})
				default:
					return p.skip()
				}
				return err
			})
		case "effectiveFormat":
			if p.null() {
				format = ""
				return nil
			}
			return p.object(func(key []byte) error {
				if string(key) != "numberFormat" {
					return p.skip()
				}
				if p.null() {
					format = ""
					return nil
				}
				return p.object(func(key []byte) error {
					if string(key) != "type" {
						return p.skip()
					}
					if p.null() {
						return nil
					}
					var err error
					format, err = p.str()
					return err
				})
			})
		}
		return p.skip()
	})
	if err != nil || !hasValue {
		return sheets.Cell{}, err
	}
	var strP, errP *string
	var numP *float64
	var boolP *bool
	if hasStr {
		strP = &str
	}
	if hasNum {
		numP = &num
	}
	if hasBool {
		boolP = &boolean
	}
	if hasErr {
		errP = &errType
	}
	return effectiveCell(strP, boolP, numP, errP, format), nil
}
