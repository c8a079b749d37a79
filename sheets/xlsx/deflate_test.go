package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/sheets"
)

// TestChunkedPartsReadBackIdentical writes parts of every awkward length around the chunk
// size (empty, one byte, a chunk less one, a chunk, a chunk and one, several chunks), in
// pieces of random sizes, and reads each back through archive/zip, which checks the
// CRC-32 and both sizes against the bytes: the chunks' deflate streams laid end to end
// must be one stream of exactly what was written.
func TestChunkedPartsReadBackIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := []int{0, 1, 100, deflateWindow - 1, deflateWindow + 1, deflateChunk - 1, deflateChunk, deflateChunk + 1,
		2*deflateChunk + deflateWindow, 5*deflateChunk/2 + 17}
	want := map[string][]byte{}
	var out bytes.Buffer
	rw := newReuseWriter(&out, nil, nil, nil)
	for i, size := range sizes {
		name := fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1)
		content := worksheetLike(rng, size)
		if i%3 == 2 {
			for j := range content { // incompressible: stored blocks inside the chunks
				content[j] = byte(rng.Uint32())
			}
		}
		want[name] = content
		part, err := rw.Create(name)
		must(t, err)
		for rest := content; len(rest) > 0; {
			n := min(len(rest), 1+rng.IntN(3*deflateWindow))
			if _, err := part.Write(rest[:n]); err != nil {
				t.Fatal(err)
			}
			rest = rest[n:]
		}
	}
	must(t, rw.Close())

	zr, err := zip.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len()))
	must(t, err)
	if len(zr.File) != len(sizes) {
		t.Fatalf("%d parts in the archive, want %d", len(zr.File), len(sizes))
	}
	for i, f := range zr.File {
		if wantName := fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1); f.Name != wantName {
			t.Errorf("part %d is %s, want %s: parts must keep the order they were written in", i, f.Name, wantName)
		}
		rc, err := f.Open()
		must(t, err)
		got, err := io.ReadAll(rc) // fails on a CRC-32 or size that does not match
		must(t, err)
		must(t, rc.Close())
		if !bytes.Equal(got, want[f.Name]) {
			t.Errorf("part %s: read back %d bytes differing from the %d written", f.Name, len(got), len(want[f.Name]))
		}
		if f.CRC32 != crc32.ChecksumIEEE(want[f.Name]) || f.UncompressedSize64 != uint64(len(want[f.Name])) {
			t.Errorf("part %s: header says CRC %08x and %d bytes", f.Name, f.CRC32, f.UncompressedSize64)
		}
		if f.Method != zip.Deflate {
			t.Errorf("part %s stored with method %d, want deflate", f.Name, f.Method)
		}
	}
}

// TestChunkedDeflateIsDeterministic: the same content makes the same archive, however the
// goroutines are scheduled, so a save is reproducible.
func TestChunkedDeflateIsDeterministic(t *testing.T) {
	content := worksheetLike(rand.New(rand.NewPCG(3, 4)), 2*deflateChunk+5)
	archive := func() []byte {
		var out bytes.Buffer
		rw := newReuseWriter(&out, nil, nil, nil)
		for i := range 3 {
			part, err := rw.Create("part" + strconv.Itoa(i) + ".xml")
			must(t, err)
			_, err = part.Write(content)
			must(t, err)
		}
		must(t, rw.Close())
		return out.Bytes()
	}
	first := archive()
	for range 3 {
		if !bytes.Equal(archive(), first) {
			t.Fatal("the same parts made different archives")
		}
	}
}

// TestChunkingCostsLittleSize: deflating in chunks, each with the window before it as its
// dictionary, must compress about as well as one stream.
func TestChunkingCostsLittleSize(t *testing.T) {
	content := worksheetLike(rand.New(rand.NewPCG(5, 6)), 4*deflateChunk)
	var out bytes.Buffer
	rw := newReuseWriter(&out, nil, nil, nil)
	part, err := rw.Create("sheet.xml")
	must(t, err)
	_, err = part.Write(content)
	must(t, err)
	must(t, rw.Close())
	zr, err := zip.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len()))
	must(t, err)
	chunked := zr.File[0].CompressedSize64

	d := newDeflater()
	whole := d.deflate(&content, nil, true)
	<-whole.done
	must(t, whole.err)
	if limit := uint64(whole.out.Len()) * 101 / 100; chunked > limit {
		t.Errorf("deflated in chunks to %d bytes, in one stream to %d: more than 1%% larger", chunked, whole.out.Len())
	}
}

// worksheetLike is n bytes of rows such as a sync writes: repetitive markup around
// varied names and numbers.
func worksheetLike(rng *rand.Rand, n int) []byte {
	words := []string{"tenants", "union", "eastside", "church", "council", "follow up", "Maria", "Q1 Engage", "supportive"}
	var b []byte
	for r := 1; len(b) < n; r++ {
		b = fmt.Appendf(b, `<row r="%d"><c r="A%d" s="3"><v>%d</v></c><c r="B%d" t="inlineStr"><is><t>%s %s %d</t></is></c></row>`,
			r, r, rng.IntN(100), r, words[rng.IntN(len(words))], words[rng.IntN(len(words))], rng.IntN(1000))
	}
	return b[:n]
}

// TestATabSpanningSeveralChunksReadsBack writes an output tab whose worksheet part is
// several deflate chunks long and reads it back both with excelize and with this package's
// own reader: every cell must be what was written.
func TestATabSpanningSeveralChunksReadsBack(t *testing.T) {
	w := New(inputFixture(t), Options{})
	rows := [][]sheets.Cell{{sheets.TextCell("Name"), sheets.TextCell("Score"), sheets.TextCell("Note")}}
	for i := range 12000 {
		rows = append(rows, []sheets.Cell{sheets.TextCell(fmt.Sprintf("Partner organization %d", i)), sheets.IntCell(i % 97),
			sheets.TextCell(fmt.Sprintf("met on the %dth about the rent strike; follow up with Maria %d", i%28+1, i*7919%1000))})
	}
	tab := sheets.Tab{Name: "Long", Rows: rows, BoldRows: []int{0}}
	writeTabs(t, w, []sheets.Tab{tab})

	f, err := excelize.OpenFile(w.path)
	must(t, err)
	defer f.Close()
	got, err := f.GetRows("Long")
	must(t, err)
	snap := mustRead(t, w, "Long")
	ours := snap.Tables["Long"]
	if ours == nil {
		t.Fatal("our reader found no tab Long")
	}
	if len(got) != len(rows) || len(ours.Rows) != len(rows) {
		t.Fatalf("read back %d rows (excelize) and %d (ours), want %d", len(got), len(ours.Rows), len(rows))
	}
	for i, row := range rows {
		for j, c := range row {
			if got[i][j] != c.String() || ours.Rows[i][j].String() != c.String() {
				t.Fatalf("row %d, column %d: excelize read %q, ours %q, want %q", i+1, j+1, got[i][j], ours.Rows[i][j].String(), c.String())
			}
		}
	}
	zr, err := zip.OpenReader(w.path)
	must(t, err)
	defer zr.Close()
	largest := uint64(0)
	for _, f := range zr.File {
		largest = max(largest, f.UncompressedSize64)
	}
	if largest < 2*deflateChunk {
		t.Errorf("the largest part is %d bytes: fewer than two chunks, the test proves little", largest)
	}
}
