package decode

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// The typo search (nearest) walks two prefix trees of the keys, one of the keys as typed and
// one of them reversed, with the edit-distance table of the query, one column per character
// of the path. A branch is left as soon as every cell of its column is over the bound, so
// the walk visits only prefixes close to the query's, however many keys the tab has.
//
// Two trees, because a walk from the front alone would still visit every key beginning
// with any two or three letters when three edits are allowed. Cut the query in two halves:
// the edits that turn a key into it fall before the middle or after it, at most D in all, so
// when more than e fall before, at most D−1−e fall after. So the forward walk allows only e
// edits while it reads the query's first half, and the walk of the reversed keys D−1−e while
// it reads the second half (index.earlyEdits picks e): near the roots a walk allows no edit
// or one (two, in a tree whose keys begin much alike), and each key within D edits is found
// by one of the walks with its true distance (TestNearestFindsWhatAFullScanFinds).

// trie is a prefix tree of keys. Its nodes are in depth-first order, each with the
// characters it adds to its parent's (its label), so that a walk reads the labels it needs
// from one block, in order; a node's first child is the next node and its next sibling is
// at next. A node is 16 bytes and its label a few, so two trees of 100k names a few MiB.
type trie struct {
	text   string     // the labels, in node order
	nodes  []trieNode // and one more, whose label marks the end of the last one's
	spread int        // how many different first two characters the keys have
}

type trieNode struct {
	label  int32 // the node's label is text[label:nodes[i+1].label]
	term   int32 // position of the key ending at this node, or -1
	minPos int32 // earliest position under the node, to skip branches that cannot win a tie
	next   int32 // the node after this one's subtree
}

// newTrie builds the tree of keys (position → key). Keys must be valid UTF-8, so that a
// label ends between characters; equal keys are one key, at the earliest position.
func newTrie(keys []string, sorted []int32) *trie {
	if sorted == nil {
		sorted = make([]int32, len(keys))
		for i := range sorted {
			sorted[i] = int32(i)
		}
		slices.SortFunc(sorted, func(a, b int32) int {
			if c := strings.Compare(keys[a], keys[b]); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
	}
	b := trieBuilder{keys: keys, sorted: sorted, nodes: make([]trieNode, 0, 2*len(keys)+1)}
	if len(keys) > 0 {
		b.add(0, int32(len(keys)), 0, 0)
	}
	b.nodes = append(b.nodes, trieNode{label: int32(len(b.text)), term: -1, minPos: -1})
	// The nodes were given room for the most a tree of these keys can have; keep what it has.
	return &trie{text: string(b.text), nodes: slices.Clone(b.nodes), spread: b.spread}
}

type trieBuilder struct {
	keys   []string
	sorted []int32 // positions in key order; equal keys by position
	text   []byte
	nodes  []trieNode
	spread int
}

// add appends the node of the keys sorted[lo:hi], which share their first from bytes
// (depth characters), and its subtree, and returns its minPos.
func (b *trieBuilder) add(lo, hi int32, from, depth int) int32 {
	first, last := b.keys[b.sorted[lo]], b.keys[b.sorted[hi-1]]
	end := from
	for end < len(first) && end < len(last) && first[end] == last[end] {
		end++
	}
	for end < len(first) && !utf8.RuneStart(first[end]) {
		end-- // keys sorted together share whole characters: stop before a split one
	}
	me := len(b.nodes)
	b.nodes = append(b.nodes, trieNode{label: int32(len(b.text)), term: -1})
	b.text = append(b.text, first[from:end]...)
	endDepth := depth + utf8.RuneCountInString(first[from:end])
	if depth < 2 && (endDepth >= 2 || len(first) == end) {
		b.spread++ // keys that begin with these two characters, or a key shorter than two
	}
	minPos := int32(-1)
	c := lo
	if len(first) == end {
		minPos = b.sorted[lo] // the first of equal keys is the earliest
		b.nodes[me].term = minPos
		for c < hi && len(b.keys[b.sorted[c]]) == end {
			c++
		}
	}
	for c < hi {
		_, size := utf8.DecodeRuneInString(b.keys[b.sorted[c]][end:])
		head := b.keys[b.sorted[c]][end : end+size]
		to := c + 1
		for to < hi && strings.HasPrefix(b.keys[b.sorted[to]][end:], head) {
			to++
		}
		if p := b.add(c, to, end, endDepth); minPos < 0 || p < minPos {
			minPos = p
		}
		c = to
	}
	b.nodes[me].minPos = minPos
	b.nodes[me].next = int32(len(b.nodes))
	return minPos
}

// walk is one search of one tree: the query's characters, the bound on edits, and how many
// of them are allowed while the first half characters of the query are read.
type walk struct {
	t     *trie
	q     []rune
	limit int // at most this many edits
	half  int // query characters [0, half) ...
	early int // ... may be reached with at most this many edits
	cols  []int32
	best  *found
}

// found is the best key so far: the fewest edits, then the earliest position.
type found struct {
	pos  int32
	dist int
}

const far = 1 << 20 // a cell over every bound

// width is the band of the edit table a column keeps: query characters depth−limit to
// depth+limit; every other cell is over the bound.
func (w *walk) width() int { return 2*w.limit + 1 }

// run searches the whole tree.
func (w *walk) run() {
	if len(w.t.nodes) == 1 {
		return // no keys
	}
	wd := w.width()
	w.cols = slices.Grow(w.cols[:0], wd)[:wd]
	for k := range w.cols {
		w.cols[k] = w.cap(k-w.limit, int32(k-w.limit))
	}
	w.visit(0, 0)
}

// cap returns v for query position j, or far when it is over the bound there.
func (w *walk) cap(j int, v int32) int32 {
	if j < 0 || j > len(w.q) || v > int32(w.limit) || (j < w.half && v > int32(w.early)) {
		return far
	}
	return v
}

// visit reads node n's label (depth characters having been read before it), then records
// a key ending there and visits the children.
func (w *walk) visit(n int32, depth int) {
	nd := w.t.nodes[n]
	if w.best.pos >= 0 && nd.minPos > w.best.pos {
		// Every key below comes later than one already found, and within one bound every
		// key found is as close as the rest (no closer one exists): none below can win.
		return
	}
	label := w.t.text[nd.label:w.t.nodes[n+1].label]
	for i := 0; i < len(label); {
		r, size := rune(label[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(label[i:])
		}
		i += size
		if !w.step(depth, r) {
			return
		}
		depth++
	}
	if nd.term >= 0 {
		if k := len(w.q) - depth + w.limit; k >= 0 && k < w.width() {
			if d := int(w.cols[depth*w.width()+k]); d < far {
				w.record(nd.term, d)
			}
		}
	}
	for c := n + 1; c < nd.next; c = w.t.nodes[c].next {
		w.visit(c, depth)
	}
}

// step computes the column after reading r at depth, and reports whether any cell is
// still within the bound.
func (w *walk) step(depth int, r rune) bool {
	wd := w.width()
	if need := (depth + 2) * wd; len(w.cols) < need {
		w.cols = slices.Grow(w.cols, need-len(w.cols))[:need]
	}
	prev, cur := w.cols[depth*wd:(depth+1)*wd], w.cols[(depth+1)*wd:(depth+2)*wd]
	alive := false
	for k := range cur {
		// Cell k of column depth+1 is query position j = depth+1−limit+k; in the previous
		// column, j−1 is cell k and j is cell k+1.
		j := depth + 1 - w.limit + k
		v := int32(far)
		if j >= 1 && j <= len(w.q) {
			v = prev[k]
			if w.q[j-1] != r {
				v++
			}
		}
		if k+1 < wd {
			v = min(v, prev[k+1]+1)
		}
		if k > 0 {
			v = min(v, cur[k-1]+1)
		}
		cur[k] = w.cap(j, v)
		alive = alive || cur[k] < far
	}
	return alive
}

func (w *walk) record(pos int32, d int) {
	if b := w.best; b.pos < 0 || d < b.dist || (d == b.dist && pos < b.pos) {
		b.pos, b.dist = pos, d
	}
}

// validKeys returns keys with any byte that is not UTF-8 replaced by U+FFFD, as []rune
// reads it, so the trees and the edit distance see the same characters.
func validKeys(keys []string) []string {
	out := keys
	for i, k := range keys {
		if utf8.ValidString(k) {
			continue
		}
		if &out[0] == &keys[0] {
			out = slices.Clone(keys)
		}
		out[i] = string([]rune(k))
	}
	return out
}

// reversedAll returns every key reversed, in one allocation.
func reversedAll(keys []string) []string {
	total := 0
	for _, k := range keys {
		total += len(k)
	}
	buf := make([]byte, 0, total)
	for _, k := range keys {
		for i := len(k); i > 0; {
			size := 1
			if k[i-1] >= utf8.RuneSelf {
				_, size = utf8.DecodeLastRuneInString(k[:i])
			}
			buf = append(buf, k[i-size:i]...)
			i -= size
		}
	}
	all := string(buf)
	out := make([]string, len(keys))
	at := 0
	for i, k := range keys {
		out[i] = all[at : at+len(k)]
		at += len(k)
	}
	return out
}
