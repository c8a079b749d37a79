package google

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/partnermap/partnermap/sheets"
)

// parseRow reads one RowData object of the read's answer straight into cells, trimmed of
// trailing blanks (nil for a blank row). It does by hand what decoding into rowJSON does by
// reflection, three to four times as fast, because it is most of a read's CPU: a sheet of
// 10k partners has a million cells. Keys the read did not ask for are skipped; anything
// that is not well-formed JSON is an error (TestParseRowMatchesDecoding holds it to the
// reflection decoder).
func parseRow(b []byte) ([]sheets.Cell, error) {
	p := &rowParser{b: b}
	var cells []sheets.Cell
	err := p.object(func(key string) error {
		if key != "values" {
			return p.skip()
		}
		return p.array(func() error {
			c, err := p.cell()
			cells = append(cells, c)
			return err
		})
	})
	if err == nil {
		p.ws()
		if p.i != len(p.b) {
			err = p.fail("trailing data")
		}
	}
	if err != nil {
		return nil, err
	}
	n := len(cells)
	for n > 0 && cells[n-1].IsBlank() {
		n--
	}
	if n == 0 {
		return nil, nil
	}
	return cells[:n:n], nil
}

type rowParser struct {
	b []byte
	i int
}

var errSyntax = errors.New("malformed JSON")

func (p *rowParser) fail(what string) error {
	return fmt.Errorf("%w at byte %d: %s", errSyntax, p.i, what)
}

func (p *rowParser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, 0 at the end.
func (p *rowParser) peek() byte {
	p.ws()
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

func (p *rowParser) expect(c byte) error {
	if p.peek() != c {
		return p.fail(fmt.Sprintf("want %q", c))
	}
	p.i++
	return nil
}

// null consumes a null when one is next.
func (p *rowParser) null() bool {
	if p.peek() == 'n' && p.i+4 <= len(p.b) && string(p.b[p.i:p.i+4]) == "null" {
		p.i += 4
		return true
	}
	return false
}

func (p *rowParser) object(field func(key string) error) error {
	if p.null() {
		return nil
	}
	if err := p.expect('{'); err != nil {
		return err
	}
	if p.peek() == '}' {
		p.i++
		return nil
	}
	for {
		key, err := p.str()
		if err != nil {
			return err
		}
		if err := p.expect(':'); err != nil {
			return err
		}
		if err := field(key); err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.i++
		case '}':
			p.i++
			return nil
		default:
			return p.fail("want , or }")
		}
	}
}

func (p *rowParser) array(elem func() error) error {
	if p.null() {
		return nil
	}
	if err := p.expect('['); err != nil {
		return err
	}
	if p.peek() == ']' {
		p.i++
		return nil
	}
	for {
		if err := elem(); err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.i++
		case ']':
			p.i++
			return nil
		default:
			return p.fail("want , or ]")
		}
	}
}

// str reads a string; one with escapes is unquoted by encoding/json, which knows them all.
func (p *rowParser) str() (string, error) {
	if p.peek() != '"' {
		return "", p.fail("want a string")
	}
	start := p.i
	p.i++
	escaped := false
	for p.i < len(p.b) {
		switch c := p.b[p.i]; {
		case c == '\\':
			escaped = true
			p.i += 2
			continue
		case c == '"':
			p.i++
			if !escaped {
				return string(p.b[start+1 : p.i-1]), nil
			}
			var s string
			if err := json.Unmarshal(p.b[start:p.i], &s); err != nil {
				return "", p.fail(err.Error())
			}
			return s, nil
		case c < 0x20:
			return "", p.fail("control character in a string")
		}
		p.i++
	}
	return "", p.fail("unterminated string")
}

// token reads a bare literal: a number, true or false.
func (p *rowParser) token() []byte {
	p.ws()
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			break
		}
		p.i++
	}
	return p.b[start:p.i]
}

func (p *rowParser) number() (float64, error) {
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

func (p *rowParser) boolean() (bool, error) {
	switch string(p.token()) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, p.fail("want true or false")
}

// skip consumes any value.
func (p *rowParser) skip() error {
	switch p.peek() {
	case '{':
		return p.object(func(string) error { return p.skip() })
	case '[':
		return p.array(p.skip)
	case '"':
		_, err := p.str()
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

// cell reads one CellData: its effective value and, for a number, its format type.
func (p *rowParser) cell() (sheets.Cell, error) {
	var c cellJSON
	err := p.object(func(key string) error {
		switch key {
		case "effectiveValue":
			if p.null() {
				return nil
			}
			c.EffectiveValue = &struct {
				StringValue *string  `json:"stringValue"`
				NumberValue *float64 `json:"numberValue"`
				BoolValue   *bool    `json:"boolValue"`
				ErrorValue  *struct {
					Type string `json:"type"`
				} `json:"errorValue"`
			}{}
			v := c.EffectiveValue
			return p.object(func(key string) error {
				switch key {
				case "stringValue":
					if p.null() {
						return nil
					}
					s, err := p.str()
					v.StringValue = &s
					return err
				case "numberValue":
					if p.null() {
						return nil
					}
					f, err := p.number()
					v.NumberValue = &f
					return err
				case "boolValue":
					if p.null() {
						return nil
					}
					b, err := p.boolean()
					v.BoolValue = &b
					return err
				case "errorValue":
					if p.null() {
						return nil
					}
					v.ErrorValue = &struct {
						Type string `json:"type"`
					}{}
					return p.object(func(key string) error {
						if key != "type" || p.null() {
							return p.skip()
						}
						var err error
						v.ErrorValue.Type, err = p.str()
						return err
					})
				}
				return p.skip()
			})
		case "effectiveFormat":
			return p.object(func(key string) error {
				if key != "numberFormat" {
					return p.skip()
				}
				return p.object(func(key string) error {
					if key != "type" || p.null() {
						return p.skip()
					}
					t, err := p.str()
					if err == nil {
						c.EffectiveFormat = &struct {
							NumberFormat *struct {
								Type string `json:"type"`
							} `json:"numberFormat"`
						}{NumberFormat: &struct {
							Type string `json:"type"`
						}{Type: t}}
					}
					return err
				})
			})
		}
		return p.skip()
	})
	return c.cell(), err
}
