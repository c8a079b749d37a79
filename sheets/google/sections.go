package google

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"sort"

	"github.com/partnermap/partnermap/sheets"
)

// The Sheets API has no cheap way to ask whether a spreadsheet changed under the scopes
// partnermap uses (GOOGLE.md), so an unchanged sync still downloads it. What it need not do
// is parse it: each wanted tab's grid data is hashed as the answer spells it, and a sync
// passes the hashes of the input tabs it last read in full. A tab with a known hash is only
// scanned (and its bytes kept) while the answer streams; once the whole answer is in, either
// every known tab was byte for byte as known and none is parsed, or one was not and all are
// parsed from the kept bytes, so a read never returns part of the input tabs. The kept bytes
// are the answer's own (51 MB of JSON for the input tabs at 10k partners), held only until
// the answer ends.

// sectionChunk is the size of the pieces a kept section is held in: no doubling copies.
const sectionChunk = 1 << 20

// chunkPool keeps the pieces of sections let go, for the next one: an answer whose grid
// data comes before each tab's title (a server that sorts keys) has every tab's kept in
// turn, output tabs included, and reusing the pieces spares the memory of all but one.
type chunkPool struct {
	free [][]byte
}

func (c *chunkPool) held() *heldSection { return &heldSection{pool: c} }

func (c *chunkPool) chunk() []byte {
	if n := len(c.free); n > 0 {
		b := c.free[n-1]
		c.free = c.free[:n-1]
		return b[:0]
	}
	return make([]byte, 0, sectionChunk)
}

// heldSection is a tab's grid data kept as the answer spelt it, in pieces.
type heldSection struct {
	pool   *chunkPool
	chunks [][]byte
}

// release hands the pieces back to the pool; a nil section has none.
func (h *heldSection) release() {
	if h == nil {
		return
	}
	h.pool.free = append(h.pool.free, h.chunks...)
	h.chunks = nil
}

// parse parses the kept grid data into rows and lets the pieces go.
func (h *heldSection) parse() ([][]sheets.Cell, error) {
	defer h.release()
	p := newParser(h.reader())
	rows, err := decodeGrids(p)
	if err == nil {
		err = p.end()
	}
	return rows, err
}

func (h *heldSection) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		if len(h.chunks) == 0 || len(h.chunks[len(h.chunks)-1]) == sectionChunk {
			h.chunks = append(h.chunks, h.pool.chunk())
		}
		last := &h.chunks[len(h.chunks)-1]
		k := copy((*last)[len(*last):sectionChunk], b)
		*last = (*last)[:len(*last)+k]
		b = b[k:]
	}
	return n, nil
}

func (h *heldSection) reader() io.Reader {
	rs := make([]io.Reader, len(h.chunks))
	for i, c := range h.chunks {
		rs[i] = bytes.NewReader(c)
	}
	return io.MultiReader(rs...)
}

// tap hashes (and, with keep, keeps) the bytes the parser consumes while it is set.
type tap struct {
	h    hash.Hash
	keep io.Writer
	at   int // the first byte of the parser's buffer not yet passed on
}

func (t *tap) pass(b []byte) {
	t.h.Write(b)
	if t.keep != nil {
		_, _ = t.keep.Write(b)
	}
}

// tapped runs read over the next value and returns the SHA-256 of the value's bytes as the
// answer spelt them, from its first byte to its last; with keep, the bytes are kept there too.
func (p *parser) tapped(keep *heldSection, read func() error) (string, error) {
	p.ws()
	t := &tap{h: sha256.New(), at: p.i}
	if keep != nil {
		t.keep = keep
	}
	p.tap = t
	err := read()
	p.tap = nil
	if err != nil {
		return "", err
	}
	t.pass(p.b[t.at:p.i])
	return hex.EncodeToString(t.h.Sum(nil)), nil
}

// settle decides, once the whole answer is in, what to do with the kept sections: when each
// hashes to what is known, none is parsed (same); else all are parsed into tables.
func (rd *sheetRead) settle(held map[string]*heldSection, known map[string]string) error {
	if len(held) == 0 {
		return nil
	}
	titles := make([]string, 0, len(held))
	for title := range held {
		titles = append(titles, title)
	}
	// Every known tab must be there, with grid data, as known: one deleted or emptied is a
	// change as much as one edited.
	all := true
	for title, sum := range known {
		all = all && held[title] != nil && rd.sums[title] == sum
	}
	sort.Strings(titles)
	if all {
		for _, h := range held {
			h.release()
		}
		rd.same = titles
		return nil
	}
	for _, title := range titles {
		rows, err := held[title].parse()
		if err != nil {
			return fmt.Errorf("data of %q: %w", title, err)
		}
		rd.tables[title] = rows
		delete(held, title)
	}
	return nil
}
