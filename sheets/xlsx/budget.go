package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The memory budget of a read. A small workbook can describe a huge number of
// XML elements: a million empty <si/> compress to a kilobyte, and excelize turns
// every element of the parts it decodes (the workbook, styles, theme, calculation
// chain, content types, relationships) into Go structs of a few hundred bytes, or
// nests one decoder frame per level. Those costs, not the file's size, are what
// exhausted memory (13.7 GB for a 1.5 MB workbook). So before excelize sees a part,
// partnermap's own streaming scan counts the archive's entries and each part's
// elements and depth, and refuses a workbook past these limits, none of which a
// workbook a person made comes near.
const (
	// maxEntries bounds the parts of the archive (archive/zip allocates a few hundred
	// bytes for each before anything is read): a workbook with 100 tabs, each with a
	// drawing, a chart and comments, has under 1,000.
	maxEntries = 10_000
	// maxDepth bounds the nesting of elements in any part; spreadsheet programs
	// write under 20 levels.
	maxDepth = 256
	// maxPartElements bounds the elements of each XML part other than the tabs and
	// the shared strings: excelize decodes such a part whole when it needs it, at a
	// few hundred bytes an element (250,000 <xf/> took 109 MiB). Excel caps a
	// workbook at 64,000 cell formats; its styles part then has a few hundred thousand.
	maxPartElements = 500_000
	// maxDecodedElements bounds those of the parts excelize decodes in every sync
	// (the workbook, styles, theme, calculation chain, content types, relationships,
	// document properties) together, and maxOtherElements all the rest (drawings,
	// comments, charts), which only the scan reads.
	maxDecodedElements = 1_000_000
	maxOtherElements   = 8_000_000
	// maxSharedStrings bounds the shared strings (16 bytes each and their text once
	// read), and maxSharedStringElements everything in their part (rich-text runs and
	// their formats).
	maxSharedStrings        = 2_000_000
	maxSharedStringElements = 4_000_000
)

// maxEditedSheetElements bounds a volunteer's tab that excelize must decode to change it
// (init --add-validation): it costs about 350 bytes an element (3 million empty <c/>
// passed 1 GiB), so a million (some 300,000 cells, 15,000 partners of 20 columns) stay
// within the budget. A sync never decodes a tab with excelize.
const maxEditedSheetElements = 1_000_000

// checkEditable refuses to have excelize decode the worksheet of sheet when it is past
// maxEditedSheetElements.
func checkEditable(f *excelize.File, b *book, sheet string) error {
	lay, err := readLayout(f)
	if err != nil {
		return err
	}
	if sh := b.shapes[lay.sheets[sheet]]; sh.elements > maxEditedSheetElements {
		return fmt.Errorf("the tab has %d XML elements, more than the %d partnermap edits in memory: "+
			"add the dropdowns in a spreadsheet program: %w", sh.elements, maxEditedSheetElements, ErrTooBig)
	}
	return nil
}

// partShape is what the scan found in one part.
type partShape struct {
	elements int64 // start tags
	depth    int   // deepest nesting
	strings  int64 // <si> items (the shared-strings part)
}

// shapeScanner follows the structure of an XML stream written to it, in chunks of
// any size, without keeping any of it: it counts start tags, tracks the nesting
// depth and counts <si> start tags. It understands what a tokenizer must not be
// fooled by: quoted attribute values, comments, CDATA sections, processing
// instructions and declarations. A part it cannot follow is left to the real
// parsers, which refuse it.
type shapeScanner struct {
	shape partShape
	depth int
	state scanState
	quote byte
	// name collects the first bytes of a start tag's name, to spot <si>.
	name    [8]byte
	nameLen int
	// tail keeps the last bytes of a comment, CDATA or instruction, to find its end.
	tail [2]byte
	// prev is the byte before the current one in a start tag ('/' before '>' closes it).
	prev byte
	// over stops the scan as soon as the shape so far is refused (the caller says why).
	over func(partShape) bool
	stop bool
}

type scanState uint8

const (
	stText        scanState = iota // character data
	stOpen                         // just after '<'
	stBang                         // after "<!": comment, CDATA or declaration
	stBangDash                     // after "<!-"
	stComment                      // inside <!-- -->
	stCDATA                        // inside <![CDATA[ ]]>
	stDecl                         // inside <!DOCTYPE ...> and the like
	stPI                           // inside <? ?>
	stName                         // in a start tag's name
	stAttrs                        // in a start tag, after the name
	stEnd                          // in an end tag
	stBangBracket                  // after "<![", before "CDATA["
)

// errShapeRefused stops the unpacking of a part the scan has seen enough of.
var errShapeRefused = errors.New("part refused")

func (s *shapeScanner) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if s.stop {
			return n - len(p), errShapeRefused
		}
		// Most bytes are text between tags, attribute values and end tags: each is skipped
		// to its end at memchr speed, with the state step would leave.
		switch s.state {
		case stText:
			i := bytes.IndexByte(p, '<')
			if i < 0 {
				return n, nil
			}
			s.state, p = stOpen, p[i+1:]
			continue
		case stEnd:
			i := bytes.IndexByte(p, '>')
			if i < 0 {
				return n, nil
			}
			s.depth--
			s.state, p = stText, p[i+1:]
			continue
		case stAttrs:
			p = s.attrs(p)
			continue
		case stOpen:
			if c := p[0]; c == '!' || c == '?' || c == '/' {
				break
			}
			// As step: the byte after '<' starts the name, whatever it is.
			s.state, s.nameLen = stName, 0
			s.addName(p[0])
			if p = p[1:]; len(p) == 0 {
				return n, nil
			}
			fallthrough
		case stName:
			// A start tag's name, up to the byte that ends it, which step then takes.
			i := 0
			for i < len(p) && !nameEnd[p[i]] {
				s.addName(p[i])
				i++
			}
			if i > 0 {
				s.prev = p[i-1]
			}
			if p = p[i:]; len(p) == 0 {
				return n, nil
			}
		}
		s.step(p[0])
		p = p[1:]
	}
	if s.stop {
		return n, errShapeRefused
	}
	return n, nil
}

// attrs reads the bytes of a start tag after its name up to and including the next quote
// or '>' outside a quoted value, as step would, and returns the rest.
func (s *shapeScanner) attrs(p []byte) []byte {
	if s.quote != 0 {
		i := bytes.IndexByte(p, s.quote)
		if i < 0 {
			s.prev = p[len(p)-1]
			return nil
		}
		s.prev, s.quote = s.quote, 0
		return p[i+1:]
	}
	j := 0
	for j < len(p) && !attrEnd[p[j]] {
		j++
	}
	if j > 0 {
		s.prev = p[j-1]
	}
	if j == len(p) {
		return nil
	}
	switch c := p[j]; c {
	case '>':
		if s.prev == '/' {
			s.selfClosed()
		}
		s.state = stText
		s.prev = c
	default:
		s.quote, s.prev = c, c
	}
	return p[j+1:]
}

func (s *shapeScanner) step(c byte) {
	switch s.state {
	case stText:
		if c == '<' {
			s.state = stOpen
		}
	case stOpen:
		switch {
		case c == '/':
			s.state = stEnd
		case c == '!':
			s.state = stBang
		case c == '?':
			s.state, s.tail = stPI, [2]byte{}
		default:
			s.state, s.nameLen = stName, 0
			s.addName(c)
		}
	case stBang:
		switch c {
		case '-':
			s.state = stBangDash
		case '[':
			s.state = stBangBracket
		default:
			s.state = stDecl
		}
	case stBangDash:
		s.state, s.tail = stComment, [2]byte{}
	case stBangBracket:
		if c == '[' {
			s.state, s.tail = stCDATA, [2]byte{}
		}
	case stComment:
		if c == '>' && s.tail == [2]byte{'-', '-'} {
			s.state = stText
		}
		s.tail = [2]byte{s.tail[1], c}
	case stCDATA:
		if c == '>' && s.tail == [2]byte{']', ']'} {
			s.state = stText
		}
		s.tail = [2]byte{s.tail[1], c}
	case stPI:
		if c == '>' && s.tail[1] == '?' {
			s.state = stText
		}
		s.tail = [2]byte{s.tail[1], c}
	case stDecl:
		if c == '>' {
			s.state = stText
		}
	case stName:
		switch {
		case c == '>':
			s.startTag()
			s.state = stText
		case c == '/':
			// "<si/>": counted now, closed by the '>' that follows.
			s.startTag()
			s.state = stAttrs
		case isSpace(c):
			s.startTag()
			s.state = stAttrs
		default:
			s.addName(c)
		}
		s.prev = c
	case stAttrs:
		if s.quote != 0 {
			if c == s.quote {
				s.quote = 0
			}
			s.prev = c
			return
		}
		switch c {
		case '"', '\'':
			s.quote = c
		case '>':
			if s.prev == '/' {
				s.selfClosed()
			}
			s.state = stText
		}
		s.prev = c
	case stEnd:
		if c == '>' {
			s.depth--
			s.state = stText
		}
	}
}

// nameEnd marks the bytes that end a start tag's name, attrEnd those that end a stretch of
// its attributes outside a quoted value: tables, since the scan tests every byte of a tag.
var nameEnd, attrEnd = func() (name, attr [256]bool) {
	for _, c := range []byte(" \t\r\n/>") {
		name[c] = true
	}
	for _, c := range []byte("\"'>") {
		attr[c] = true
	}
	return
}()

// addName keeps the local name's first bytes (after any namespace prefix).
func (s *shapeScanner) addName(c byte) {
	if c == ':' {
		s.nameLen = 0
		return
	}
	if s.nameLen < len(s.name) {
		s.name[s.nameLen] = c
	}
	s.nameLen++
}

// startTag counts a start tag whose name just ended.
func (s *shapeScanner) startTag() {
	s.shape.elements++
	if s.nameLen == 2 && s.name[0] == 's' && s.name[1] == 'i' {
		s.shape.strings++
	}
	s.depth++
	deeper := s.depth > s.shape.depth
	s.shape.depth = max(s.shape.depth, s.depth)
	// Asked when the shape reaches a new depth, a shared string or a 4096th element: every
	// limit is far above 4096 elements, and the caller checks the exact shape after each
	// write, so a refusal is the same and the scan stops soon after the limit.
	if s.over != nil && (deeper || s.shape.elements&4095 == 0 || s.nameLen == 2 && s.name[0] == 's' && s.name[1] == 'i') && s.over(s.shape) {
		s.stop = true
	}
}

// selfClosed closes the element whose start tag ended with "/>".
func (s *shapeScanner) selfClosed() { s.depth-- }

// partKind says how a part is used, for its limits.
type partKind uint8

const (
	partDecoded       partKind = iota // excelize decodes it whole in every sync
	partOther                         // other XML: excelize decodes it only when a tab it belongs to is changed
	partWorksheet                     // partnermap's own scanner reads it; excelize never decodes it in a sync
	partSharedStrings                 // partnermap's scanner reads it
	partBinary                        // not XML (images, embedded files)
)

// kindOf classifies a part by its name; worksheets are the parts under
// xl/worksheets/, where every writer puts them. A part named unlike its role (a
// workbook part called xl/book.xml) still has maxPartElements as its own bound.
func kindOf(name string) partKind {
	lower := strings.ToLower(name)
	ext := path.Ext(lower)
	base := path.Base(lower)
	switch {
	case ext != ".xml" && ext != ".rels" && ext != ".vml":
		return partBinary
	case strings.HasPrefix(lower, "xl/worksheets/") && ext == ".xml":
		return partWorksheet
	case strings.HasSuffix(lower, "sharedstrings.xml"):
		return partSharedStrings
	case ext == ".rels", lower == "[content_types].xml", strings.HasPrefix(lower, "docprops/"),
		strings.HasPrefix(lower, "xl/theme/"), strings.HasPrefix(base, "workbook"),
		base == "styles.xml", base == "calcchain.xml":
		return partDecoded
	}
	return partOther
}

// shapeBudget totals the shapes of the parts scanned so far against the limits.
type shapeBudget struct {
	decoded int64 // elements of partDecoded parts
	other   int64 // elements of partOther parts
}

// check returns why a part of this kind and shape is refused, or "".
func (b *shapeBudget) check(kind partKind, sh partShape) string {
	switch {
	case sh.depth > maxDepth:
		return fmt.Sprintf("its elements nest more than %d deep", maxDepth)
	case kind == partSharedStrings && sh.strings > maxSharedStrings:
		return fmt.Sprintf("it has more than %d shared strings", maxSharedStrings)
	case kind == partSharedStrings && sh.elements > maxSharedStringElements:
		return fmt.Sprintf("its shared strings have more than %d elements", maxSharedStringElements)
	case (kind == partDecoded || kind == partOther) && sh.elements > maxPartElements:
		return fmt.Sprintf("it has more than %d elements", maxPartElements)
	case kind == partDecoded && b.decoded+sh.elements > maxDecodedElements:
		return fmt.Sprintf("the parts read in every sync hold more than %d elements", maxDecodedElements)
	case kind == partOther && b.other+sh.elements > maxOtherElements:
		return fmt.Sprintf("the drawings, comments and other parts hold more than %d elements", maxOtherElements)
	}
	return ""
}

// add counts a part that passed.
func (b *shapeBudget) add(kind partKind, sh partShape) {
	switch kind {
	case partDecoded:
		b.decoded += sh.elements
	case partOther:
		b.other += sh.elements
	}
}

// newShapeScanner returns a scanner for a part that stops as soon as the part is
// refused by budget.
func newShapeScanner(kind partKind, budget *shapeBudget) *shapeScanner {
	return &shapeScanner{over: func(sh partShape) bool { return budget.check(kind, sh) != "" }}
}

// centralHeader starts each entry of a zip archive's directory.
var centralHeader = []byte("PK\x01\x02")

// tooManyEntries reports whether the archive has more than maxEntries entries, by
// counting their directory headers in the bytes (at memchr speed): archive/zip
// would allocate for each before partnermap could count them, and the count in
// the archive's end record can lie. A stray match inside compressed data only
// adds one.
func tooManyEntries(data []byte) bool {
	return bytes.Count(data, centralHeader) > maxEntries
}
