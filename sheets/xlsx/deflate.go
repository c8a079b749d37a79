package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"runtime"
	"sync"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"
)

// Deflating the parts a save writes anew, on every core.
//
// At 100k partners the output tabs are some 350 MB of worksheet XML, and deflating it on
// one core at the standard library's default level was 2.8 s, half of the write. So each
// part is cut into chunks as it is written, and the chunks are deflated at once on
// GOMAXPROCS goroutines while the next ones are being written. Every chunk but the last
// ends in a sync flush (an empty stored block, which leaves the stream byte-aligned and
// open) and the last in the final block, so the chunks laid end to end are one deflate
// stream, as pigz makes them; each chunk is deflated with the 32 KiB before it as its
// dictionary, so cutting costs almost nothing in size. The part goes into the archive
// whole, with the CRC-32 and sizes known, once its last chunk is done.
//
// klauspost/compress's deflate at level 5 compresses the output XML to within 7% of the
// standard library's level 6 in under half the time (BENCHMARKS.md, "Round three: write
// and render"); a lower level is faster again but takes a 100k workbook near xlsx.max_mb.

// deflateLevel is the level of klauspost/compress's flate that new parts are written at.
const deflateLevel = 5

// deflateChunk is how much of a part one goroutine deflates at a time: large enough that
// the flushes and the goroutines cost nothing, small enough that a save holds only a few.
const deflateChunk = 1 << 20

// deflateWindow is deflate's window: the most a match can reach back.
const deflateWindow = 32 << 10

// deflater deflates the chunks of new parts on up to GOMAXPROCS goroutines.
type deflater struct {
	busy    chan struct{} // a token for every chunk being deflated
	writers sync.Pool     // *flate.Writer (each holds about a megabyte of tables)
	chunks  sync.Pool     // *[]byte of deflateChunk capacity
	outs    sync.Pool     // *bytes.Buffer for deflated chunks, back once written
}

func newDeflater() *deflater {
	return &deflater{busy: make(chan struct{}, runtime.GOMAXPROCS(0))}
}

// deflatedChunk is one chunk's deflated bytes, ready once done is closed.
type deflatedChunk struct {
	done chan struct{}
	out  *bytes.Buffer
	err  error
}

// deflate starts deflating in (which it returns to the pool when done) with dict as the
// bytes before it; final ends the stream. It waits while every goroutine is busy, so a
// save holds at most GOMAXPROCS chunks being deflated and the one being filled.
func (d *deflater) deflate(in *[]byte, dict []byte, final bool) *deflatedChunk {
	c := &deflatedChunk{done: make(chan struct{})}
	d.busy <- struct{}{}
	go func() {
		defer func() {
			d.chunks.Put(in)
			<-d.busy
			close(c.done)
		}()
		out, _ := d.outs.Get().(*bytes.Buffer)
		if out == nil {
			out = new(bytes.Buffer)
		}
		out.Reset()
		c.out = out
		zw, _ := d.writers.Get().(*flate.Writer)
		if zw == nil {
			var err error
			if zw, err = flate.NewWriterDict(out, deflateLevel, dict); err != nil {
				c.err = err
				return
			}
		} else {
			zw.ResetDict(out, dict)
		}
		_, c.err = zw.Write(*in)
		if final {
			if err := zw.Close(); c.err == nil {
				c.err = err
			}
		} else if err := zw.Flush(); c.err == nil {
			c.err = err
		}
		d.writers.Put(zw)
	}()
	return c
}

// chunk is an empty chunk buffer.
func (d *deflater) chunk() *[]byte {
	if b, ok := d.chunks.Get().(*[]byte); ok {
		*b = (*b)[:0]
		return b
	}
	b := make([]byte, 0, deflateChunk)
	return &b
}

// partDeflater receives one part's content and deflates it in chunks.
type partDeflater struct {
	d      *deflater
	name   string
	cur    *[]byte
	dict   []byte // the last deflateWindow bytes before cur
	crc    uint32
	size   uint64
	chunks []*deflatedChunk
}

func (d *deflater) part(name string) *partDeflater {
	return &partDeflater{d: d, name: name, cur: d.chunk()}
}

func (p *partDeflater) Write(b []byte) (int, error) {
	p.crc = crc32.Update(p.crc, crc32.IEEETable, b)
	p.size += uint64(len(b))
	n := len(b)
	for len(b) > 0 {
		cur := *p.cur
		take := min(len(b), deflateChunk-len(cur))
		*p.cur = append(cur, b[:take]...)
		b = b[take:]
		if len(*p.cur) == deflateChunk {
			p.send(false)
		}
	}
	return n, nil
}

// send hands the chunk being filled to a goroutine and starts the next.
func (p *partDeflater) send(final bool) {
	cur := *p.cur
	dict := p.dict
	// The next chunk's dictionary is copied first: once deflated, cur goes back to the pool.
	p.dict = append(make([]byte, 0, deflateWindow), cur[max(0, len(cur)-deflateWindow):]...)
	p.chunks = append(p.chunks, p.d.deflate(p.cur, dict, final))
	if !final {
		p.cur = p.d.chunk()
	}
}

// finish deflates what is left, waits for every chunk and adds the part to zw.
func (p *partDeflater) finish(zw *zip.Writer) error {
	p.send(true)
	p.cur = nil
	var compressed uint64
	var err error
	for _, c := range p.chunks {
		<-c.done
		if err == nil {
			err = c.err
		}
		compressed += uint64(c.out.Len())
	}
	if err != nil {
		return fmt.Errorf("deflate part %s: %w", p.name, err)
	}
	if p.size >= math.MaxUint32 || compressed >= math.MaxUint32 {
		// Such a part needs zip64 records, which a raw entry without them would lack.
		return fmt.Errorf("write part %s: %d bytes is more than a workbook part may hold", p.name, p.size)
	}
	fh := &zip.FileHeader{
		Name:               p.name,
		Method:             zip.Deflate,
		CreatorVersion:     20, // as zip.Writer.Create writes them
		ReaderVersion:      20,
		CRC32:              p.crc,
		CompressedSize64:   compressed,
		UncompressedSize64: p.size,
	}
	if !asciiName(p.name) && utf8.ValidString(p.name) {
		fh.Flags |= 0x800 // the name is UTF-8
	}
	w, err := zw.CreateRaw(fh)
	if err != nil {
		return fmt.Errorf("write part %s: %w", p.name, err)
	}
	for i, c := range p.chunks {
		if _, err := w.Write(c.out.Bytes()); err != nil {
			return fmt.Errorf("write part %s: %w", p.name, err)
		}
		p.d.outs.Put(c.out) // for the next chunks
		p.chunks[i] = nil
	}
	return nil
}

func asciiName(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

var _ io.Writer = (*partDeflater)(nil)
