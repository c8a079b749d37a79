package decode

import (
	"iter"

	"github.com/partnermap/partnermap/internal/chunks"
	"github.com/partnermap/partnermap/internal/memlimit"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// minChunk is the fewest rows worth a goroutine of their own: below it, starting one and
// merging its records costs about what it saves.
const minChunk = 4096

// rowDecoder decodes data row n (1-based sheet row) of a tab into out, returning out with
// the row's record appended, or unchanged when the row is left out. It reports problems
// through tb and reads other tabs only through d's indexes, which are complete by then.
type rowDecoder[R any] func(d *decoder, tb *tab, n int, row []sheets.Cell, out []R) []R

// decodeRows decodes the rows of t below the header with each, and returns the records in
// row order and the tab's issues sorted as tab.sorted sorts them. A large tab (Meetings:
// a million rows at 100k partners) is cut into contiguous chunks decoded side by side, one
// goroutine each (inChunks); the records of chunk i come before
// those of chunk i+1 and so do its issues, so the result is the one a single pass gives.
// The records of every chunk are appended into one slice, each chunk into its own part
// (a row gives at most one record), then moved together: no second copy of them is made.
func decodeRows[R any](d *decoder, tb *tab, t *sheets.Table, each rowDecoder[R], room *recordRoom[R]) ([]R, []scoring.Issue) {
	rows := len(t.Rows) - 1
	if room == nil {
		room = newRecordRoom[R](d, t)
	} else if room.ready != nil {
		<-room.ready
	}
	k, at, all := room.k, room.at, room.all
	outs, counts := make([][]R, k), make([]int, k)
	tabs := d.inChunks(tb, rows, k, func(c int, d *decoder, tb *tab, lo, hi int) {
		lo, hi = lo+1, hi+1 // below the header
		outs[c] = all[at[c]:at[c]:at[c+1]]
		for n, row := range d.rowRange(tb, t, lo, hi, &counts[c]) {
			outs[c] = each(d, tb, n, row, outs[c])
		}
	})
	n, count, found := 0, 0, 0
	for c, out := range outs {
		n += copy(all[n:], out)
		count += counts[c]
		found += len(tabs[c].issues)
	}
	issues := make([]scoring.Issue, 0, found)
	for _, tb := range tabs {
		issues = tb.appendSorted(issues)
	}
	clear(all[n:]) // what was moved down must not be kept alive twice
	d.res.Rows[tb.name] = count
	return all[:n], issues
}

// recordRoom is where decodeRows puts a tab's records: room for a record per row that
// holds anything, chunk by chunk (chunk c's from at[c]). A sheet padded out to a cell in
// its last row is a million empty rows, which get none.
type recordRoom[R any] struct {
	k     int
	at    []int
	all   []R
	ready chan struct{} // when not nil, closed once every page of all has been written to
}

func newRecordRoom[R any](d *decoder, t *sheets.Table) *recordRoom[R] {
	rows := len(t.Rows) - 1
	k := d.chunks(rows)
	at := make([]int, k+1)
	for c := range k {
		at[c+1] = at[c] + filled(t.Rows, rows*c/k+1, rows*(c+1)/k+1)
	}
	return &recordRoom[R]{k: k, at: at, all: make([]R, at[k])}
}

// touchAhead writes to every page of the room on a goroutine of its own, which decodeRows
// waits for. New memory costs the kernel's zeroing when first written, some 0.4 s for the
// million meetings of 100k partners on the machine measured (BENCHMARKS.md): done while
// the partners and assets are decoded, it is not in the way of the meetings' decoders.
func (r *recordRoom[R]) touchAhead() {
	r.ready = make(chan struct{})
	go func() {
		defer close(r.ready)
		memlimit.TouchPages(r.all)
	}()
}

// filled counts the rows of rows[lo:hi] that hold any cell.
func filled(rows [][]sheets.Cell, lo, hi int) int {
	n := 0
	for i := lo; i < hi; i++ {
		if len(rows[i]) > 0 {
			n++
		}
	}
	return n
}

// inChunks calls fn for k contiguous chunks [lo, hi) of n items side by side, one goroutine
// each: the first here, with d and tb (which holds the header's issues already), each other
// with a fork of them. It returns the tabs the chunks reported to, in order.
func (d *decoder) inChunks(tb *tab, n, k int, fn func(c int, d *decoder, tb *tab, lo, hi int)) []*tab {
	tabs, decs := make([]*tab, k), make([]*decoder, k)
	tabs[0], decs[0] = tb, d
	for c := 1; c < k; c++ {
		tabs[c], decs[c] = tb.fork(), d.fork()
	}
	chunks.Each(n, k, func(c, lo, hi int) { fn(c, decs[c], tabs[c], lo, hi) })
	return tabs
}

// chunks is how many pieces the rows of a tab of rows data rows are decoded in: one per
// processor the program may use, each of at least minChunk rows. Options.workers, set by
// tests, overrides both.
func (d *decoder) chunks(rows int) int {
	if w := d.opts.workers; w > 0 {
		return max(1, min(w, rows))
	}
	return chunks.Count(rows, minChunk)
}

// fork returns a decoder for one chunk of a tab: the same options and indexes of the tabs
// decoded before, its own scratch, and no result (the chunk's records and issues are
// merged by decodeRows).
func (d *decoder) fork() *decoder {
	return &decoder{opts: d.opts, tabs: d.tabs, members: d.members, partners: d.partners, campaigns: d.campaigns}
}

// fork returns the tab with no issues, for one chunk of its rows.
func (t *tab) fork() *tab {
	c := *t
	c.issues, c.at = nil, nil
	return &c
}

// rows yields each row below the header that is not blank in the columns partnermap reads,
// with its 1-based sheet row number, and records how many there were, for Sync Status.
func (d *decoder) rows(tb *tab, t *sheets.Table) iter.Seq2[int, []sheets.Cell] {
	return func(yield func(int, []sheets.Cell) bool) {
		count := 0
		d.rowRange(tb, t, 1, len(t.Rows), &count)(yield)
		d.res.Rows[tb.name] = count
	}
}

// rowRange is rows over t.Rows[lo:hi], adding the rows it yields to *count. With
// Options.Release it clears each row it passes.
func (d *decoder) rowRange(tb *tab, t *sheets.Table, lo, hi int, count *int) iter.Seq2[int, []sheets.Cell] {
	return func(yield func(int, []sheets.Cell) bool) {
		for i := lo; i < hi; i++ {
			row := t.Rows[i]
			if d.opts.Release {
				t.Rows[i] = nil
			}
			if tb.blankRow(row) {
				continue
			}
			*count++
			if !yield(i+1, row) {
				return
			}
		}
	}
}
