package xlsx

import (
	"bytes"
	"errors"
	"strconv"
	"unicode/utf8"
)

// The worksheet and shared-string parts are scanned with this small tokenizer
// instead of encoding/xml: a sync reads every cell of every input tab, and
// encoding/xml costs about a microsecond per token, which is most of a
// 100k-row read. The scanner handles exactly the XML that spreadsheet
// programs write (elements, attributes, text, entities, CDATA, comments,
// processing instructions, namespace prefixes) and returns slices of the
// input, so it allocates nothing per token.

// tokKind says what the scanner found.
type tokKind uint8

const (
	tokEOF   tokKind = iota
	tokStart         // <name attrs> or <name attrs/>
	tokEnd           // </name>
	tokText          // character data between tags, still escaped
	tokCDATA         // the content of <![CDATA[...]]>, literal
)

// errMalformed reports XML the scanner cannot make sense of.
var errMalformed = errors.New("malformed XML")

// scanner walks an XML document token by token.
type scanner struct {
	data []byte
	pos  int

	kind        tokKind
	name        []byte // local name (prefix stripped) of a start or end tag
	attrs       []byte // raw attribute text of a start tag
	selfClosing bool
	text        []byte // tokText / tokCDATA content
	// short is set when a token ran into the end of data: the data may be the first part
	// of a longer document (parseFrom), and with the rest the token could read otherwise.
	short bool
}

// next advances to the next token; it returns false at the end of the input
// or on malformed XML (see err).
func (s *scanner) next() (bool, error) {
	d := s.data
	if s.pos >= len(d) {
		s.kind, s.short = tokEOF, true
		return false, nil
	}
	if d[s.pos] != '<' {
		end := bytes.IndexByte(d[s.pos:], '<')
		if end < 0 {
			end, s.short = len(d)-s.pos, true
		}
		s.kind, s.text = tokText, d[s.pos:s.pos+end]
		s.pos += end
		return true, nil
	}
	rest := d[s.pos:]
	if len(rest) < 2 {
		return false, s.cut()
	}
	switch rest[1] {
	case '?':
		end := bytes.Index(rest, []byte("?>"))
		if end < 0 {
			return false, s.cut()
		}
		s.pos += end + 2
		return s.next()
	case '!':
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := bytes.Index(rest[4:], []byte("-->"))
			if end < 0 {
				return false, s.cut()
			}
			s.pos += 4 + end + 3
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			end := bytes.Index(rest[9:], []byte("]]>"))
			if end < 0 {
				return false, s.cut()
			}
			s.kind, s.text = tokCDATA, rest[9:9+end]
			s.pos += 9 + end + 3
			return true, nil
		default:
			// A DOCTYPE or similar declaration: spreadsheet parts have none worth reading.
			end := bytes.IndexByte(rest, '>')
			if end < 0 {
				return false, s.cut()
			}
			s.pos += end + 1
		}
		return s.next()
	case '/':
		end := bytes.IndexByte(rest, '>')
		if end < 0 {
			return false, s.cut()
		}
		name := rest[2:end]
		for len(name) > 0 && isSpace(name[len(name)-1]) {
			name = name[:len(name)-1]
		}
		s.kind, s.name = tokEnd, localName(name)
		s.pos += end + 1
		return true, nil
	}
	// A start tag. Attribute values may contain '>' so quotes are honoured.
	i := 1
	for i < len(rest) && !isSpace(rest[i]) && rest[i] != '>' && rest[i] != '/' {
		i++
	}
	name := rest[1:i]
	attrStart := i
	var quote byte
	for ; i < len(rest); i++ {
		c := rest[i]
		if quote != 0 {
			if c == quote {
				quote = 0
			}
			continue
		}
		if c == '"' || c == '\'' {
			quote = c
		} else if c == '>' {
			break
		}
	}
	if i >= len(rest) {
		return false, s.cut()
	}
	if len(name) == 0 {
		return false, errMalformed
	}
	s.selfClosing = rest[i-1] == '/' && i-1 >= attrStart
	attrEnd := i
	if s.selfClosing {
		attrEnd--
	}
	s.kind, s.name, s.attrs = tokStart, localName(name), rest[attrStart:attrEnd]
	s.pos += i + 1
	return true, nil
}

// cut reports a token that runs past the end of data.
func (s *scanner) cut() error {
	s.short = true
	return errMalformed
}

// nextInside reads the next token of an element that is still open: the end of
// the document there is errMalformed.
func (s *scanner) nextInside() error {
	ok, err := s.next()
	if err == nil && !ok {
		err = errMalformed
	}
	return err
}

// skipElement skips the rest of the element whose start tag was just read.
func (s *scanner) skipElement() error {
	if s.selfClosing {
		return nil
	}
	depth := 1
	for {
		if err := s.nextInside(); err != nil {
			return err
		}
		switch s.kind {
		case tokStart:
			if !s.selfClosing {
				depth++
			}
		case tokEnd:
			depth--
			if depth == 0 {
				return nil
			}
		}
	}
}

// collectText appends the decoded text content of the element whose start tag
// was just read (all nested text, e.g. <t> inside <is>) to buf.
func (s *scanner) collectText(buf []byte) ([]byte, error) {
	if s.selfClosing {
		return buf, nil
	}
	// Fast path for the usual <v>123</v>: plain text straight up to the end tag.
	rest := s.data[s.pos:]
	if i := bytes.IndexByte(rest, '<'); i >= 0 && i+1 < len(rest) && rest[i+1] == '/' {
		if txt := rest[:i]; bytes.IndexByte(txt, '&') < 0 && bytes.IndexByte(txt, '\r') < 0 {
			if end := bytes.IndexByte(rest[i:], '>'); end >= 0 {
				s.pos += i + end + 1
				return append(buf, txt...), nil
			}
		}
	}
	depth := 1
	for {
		if err := s.nextInside(); err != nil {
			return buf, err
		}
		switch s.kind {
		case tokText:
			buf = appendUnescaped(buf, s.text)
		case tokCDATA:
			buf = append(buf, s.text...)
		case tokStart:
			if !s.selfClosing {
				depth++
			}
		case tokEnd:
			depth--
			if depth == 0 {
				return buf, nil
			}
		}
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// localName strips a namespace prefix ("x:c" → "c").
func localName(name []byte) []byte {
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// eachAttr calls fn with the local name and raw value of every attribute.
func eachAttr(raw []byte, fn func(name, value []byte)) {
	i := 0
	for i < len(raw) {
		for i < len(raw) && isSpace(raw[i]) {
			i++
		}
		start := i
		for i < len(raw) && raw[i] != '=' && !isSpace(raw[i]) {
			i++
		}
		name := raw[start:i]
		for i < len(raw) && (isSpace(raw[i]) || raw[i] == '=') {
			i++
		}
		if i >= len(raw) || (raw[i] != '"' && raw[i] != '\'') {
			return
		}
		quote := raw[i]
		i++
		vstart := i
		for i < len(raw) && raw[i] != quote {
			i++
		}
		if len(name) > 0 {
			fn(localName(name), raw[vstart:min(i, len(raw))])
		}
		i++
	}
}

// appendUnescaped appends XML character data with entities and character
// references resolved and line endings normalised, as an XML parser would.
func appendUnescaped(dst, src []byte) []byte {
	if bytes.IndexByte(src, '&') < 0 && bytes.IndexByte(src, '\r') < 0 {
		return append(dst, src...)
	}
	for len(src) > 0 {
		i := bytes.IndexAny(src, "&\r")
		if i < 0 {
			return append(dst, src...)
		}
		dst = append(dst, src[:i]...)
		src = src[i:]
		if src[0] == '\r' {
			dst = append(dst, '\n')
			src = src[1:]
			if len(src) > 0 && src[0] == '\n' {
				src = src[1:]
			}
			continue
		}
		semi := bytes.IndexByte(src, ';')
		if semi < 0 || semi > 12 {
			dst = append(dst, '&')
			src = src[1:]
			continue
		}
		ent := src[1:semi]
		switch string(ent) {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "quot":
			dst = append(dst, '"')
		case "apos":
			dst = append(dst, '\'')
		default:
			r, ok := charRef(ent)
			if !ok {
				dst = append(dst, src[:semi+1]...)
				src = src[semi+1:]
				continue
			}
			dst = utf8.AppendRune(dst, r)
		}
		src = src[semi+1:]
	}
	return dst
}

// charRef decodes "#123" or "#x7B".
func charRef(ent []byte) (rune, bool) {
	if len(ent) < 2 || ent[0] != '#' {
		return 0, false
	}
	var n uint64
	var err error
	if ent[1] == 'x' || ent[1] == 'X' {
		n, err = strconv.ParseUint(string(ent[2:]), 16, 32)
	} else {
		n, err = strconv.ParseUint(string(ent[1:]), 10, 32)
	}
	if err != nil || n > utf8.MaxRune {
		return 0, false
	}
	return rune(n), true
}

// unescapeOOXML resolves the _xHHHH_ escapes spreadsheet programs use for
// characters XML cannot carry (ST_Xstring), as Excel and excelize read them.
func unescapeOOXML(s []byte) []byte {
	if !bytes.Contains(s, []byte("_x")) {
		return s
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' && isHex4(s[i+2:i+6]) {
			n, _ := strconv.ParseUint(string(s[i+2:i+6]), 16, 32)
			if n < 0xD800 || n > 0xDFFF {
				out = utf8.AppendRune(out, rune(n))
				i += 7
				continue
			}
		}
		out = append(out, s[i])
		i++
	}
	return out
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
