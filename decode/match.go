package decode

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// index holds the names of one tab (partners or members) by folded key, for exact lookup
// and for suggesting the closest name when a reference matches none. Matching is a map
// lookup; the structures for suggestions are built only on the first miss and each miss is
// searched once, so a sheet whose names all match pays nothing for them.
type index struct {
	keys  []string // folded, in row order
	names []string // as typed
	pos   map[string]int

	built bool
	short map[int][]int32 // rune length → positions of keys too short to cut into parts
	// The typo index (see nearest): hashes of key parts, sorted and unique; the positions
	// of the keys holding partHashes[j] are partPos[partStarts[j]:partStarts[j+1]].
	partHashes []uint64
	partStarts []int32
	partPos    []int32
	bucket     []int32                       // partHashes[bucket[b]:bucket[b+1]] are those whose top bits are b
	bits       uint                          // how many top bits of a hash pick its bucket
	seen       []uint32                      // position → the last search that made it a candidate
	search     uint32                        // number of the current search, for seen
	cands      []int32                       // scratch: the candidates of the current search
	runs       [cuts][2*maxEdits + 1][]int32 // scratch: positions found per cut and shift
	offs       []int                         // scratch: byte offset of each rune of the query, and its end
	words      map[string][]int32            // word → positions of keys holding it
	sorted     []int32                       // positions in key order, for prefix search
	hist       []histogram                   // position → rune histogram, a cheap bound on edit distance
	memo       map[string]string             // missed key → suggested name, "" for none
	a, b       []rune                        // scratch for edit distance
	rows       [2][]int                      // scratch rows of the edit-distance table
}

// histogram counts the runes of a key in a few buckets. One edit changes the counts by at
// most 2 in total, so keys whose histograms differ by more than 2·limit are skipped
// before the edit distance is computed.
type histogram [32]uint8

func histogramOf(s string) histogram {
	var h histogram
	for _, r := range s {
		if b := &h[uint32(r)%uint32(len(h))]; *b < 255 {
			*b++
		}
	}
	return h
}

// differ returns the total difference of two histograms, stopping once it passes limit.
func (h *histogram) differ(o *histogram, limit int) int {
	d := 0
	for i := range h {
		if h[i] > o[i] {
			d += int(h[i] - o[i])
		} else {
			d += int(o[i] - h[i])
		}
		if d > limit {
			break
		}
	}
	return d
}

func newIndex(capacity int) *index {
	return &index{pos: make(map[string]int, capacity)}
}

// add records a name; when its key is taken it returns the earlier position and dup true.
func (x *index) add(name, key string) (first int, dup bool) {
	if p, ok := x.pos[key]; ok {
		return p, true
	}
	x.pos[key] = len(x.keys)
	x.keys = append(x.keys, key)
	x.names = append(x.names, name)
	return len(x.keys) - 1, false
}

func (x *index) len() int { return len(x.keys) }

// Bounds of the suggestion search.
const (
	maxEdits   = 3  // at most this many single-character edits, and at most a third of the length
	minAffix   = 4  // a prefix or contained name must have at least this many characters
	maxScan    = 64 // candidates looked at per prefix or word, so a common word cannot make it slow
	maxSpanned = 12 // words of a missed name whose spans are looked up
)

// suggest returns the name closest to a key that matched none, or "" when none is close.
func (x *index) suggest(key string) string {
	if s, ok := x.memo[key]; ok {
		return s
	}
	x.build()
	s := ""
	if i := x.closest(key); i >= 0 {
		s = x.names[i]
	}
	x.memo[key] = s
	return s
}

func (x *index) build() {
	if x.built {
		return
	}
	x.built = true
	x.memo = make(map[string]string)
	x.short = make(map[int][]int32)
	x.words = make(map[string][]int32)
	x.sorted = make([]int32, len(x.keys))
	x.hist = make([]histogram, len(x.keys))
	x.seen = make([]uint32, len(x.keys))
	parts := make([]part, 0, cuts*len(x.keys))
	for i, k := range x.keys {
		x.hist[i] = histogramOf(k)
		p := int32(i)
		x.offs = runeOffsets(x.offs[:0], k)
		if n := len(x.offs) - 1; n < cuts {
			x.short[n] = append(x.short[n], p)
		} else {
			for c := range cuts {
				from, to := cutOf(n, c)
				parts = append(parts, part{hash: partHash(n, c, k[x.offs[from]:x.offs[to]]), pos: p})
			}
		}
		for w := range strings.SplitSeq(k, " ") {
			if list := x.words[w]; len(list) == 0 || list[len(list)-1] != p {
				x.words[w] = append(list, p)
			}
		}
		x.sorted[i] = p
	}
	slices.SortFunc(x.sorted, func(a, b int32) int { return strings.Compare(x.keys[a], x.keys[b]) })
	x.indexParts(parts)
}

// indexParts files the parts of every key by hash: sorted, grouped, and bucketed by the
// top bits of the hash so that a lookup costs O(1) however many keys share a part.
func (x *index) indexParts(parts []part) {
	slices.SortFunc(parts, func(a, b part) int {
		if c := cmp.Compare(a.hash, b.hash); c != 0 {
			return c
		}
		return cmp.Compare(a.pos, b.pos)
	})
	unique := 0
	for j := range parts {
		if j == 0 || parts[j].hash != parts[j-1].hash {
			unique++
		}
	}
	x.partPos = make([]int32, len(parts))
	x.partHashes = make([]uint64, 0, unique)
	x.partStarts = make([]int32, 0, unique+1)
	for j, pt := range parts {
		x.partPos[j] = pt.pos
		if j == 0 || pt.hash != parts[j-1].hash {
			x.partHashes = append(x.partHashes, pt.hash)
			x.partStarts = append(x.partStarts, int32(j))
		}
	}
	x.partStarts = append(x.partStarts, int32(len(parts)))
	x.bits = uint(max(1, bits.Len(uint(len(x.partHashes)))))
	x.bucket = make([]int32, 1<<x.bits+1)
	b := 0
	for j, h := range x.partHashes {
		for top := int(h >> (64 - x.bits)); b <= top; b++ {
			x.bucket[b] = int32(j)
		}
	}
	for ; b < len(x.bucket); b++ {
		x.bucket[b] = int32(len(x.partHashes))
	}
}

// keysWith returns the positions of the keys holding the part with this hash.
func (x *index) keysWith(hash uint64) []int32 {
	top := hash >> (64 - x.bits)
	for j := x.bucket[top]; j < x.bucket[top+1]; j++ {
		if x.partHashes[j] == hash {
			return x.partPos[x.partStarts[j]:x.partStarts[j+1]]
		}
	}
	return nil
}

// closest tries, in order: a small edit distance (typos), a name the key begins (a cut-off
// name), a name holding the key's words, and a name the key holds (extra words typed).
func (x *index) closest(q string) int {
	if i := x.nearest(q); i >= 0 {
		return i
	}
	if utf8.RuneCountInString(q) < minAffix {
		return -1
	}
	if i := x.prefixed(q); i >= 0 {
		return i
	}
	if i := x.containing(q); i >= 0 {
		return i
	}
	return x.contained(q)
}

// better reports whether candidate i beats the best so far: a shorter key, then an earlier row.
func (x *index) better(i, best int) bool {
	if best < 0 {
		return true
	}
	if li, lb := len(x.keys[i]), len(x.keys[best]); li != lb {
		return li < lb
	}
	return i < best
}

// cuts is how many parts a key is cut into for the typo index. A key within L edits of a
// query keeps at least cuts−L of its parts whole, so any L+1 of its parts include a whole
// one: nearest looks up the L+1 that fewest keys share. More, shorter parts give more
// choice of rare ones.
const cuts = 2*maxEdits + 2

// part is one cut of a key in the typo index: the hash of (key length, cut number, text)
// and the key's position. Hashes may collide; that only adds a candidate to check.
type part struct {
	hash uint64
	pos  int32
}

// cutOf returns the runes [from, to) of cut c of a key of n runes.
func cutOf(n, c int) (from, to int) { return c * n / cuts, (c + 1) * n / cuts }

// partHash hashes a cut with the key length and cut number it was taken at, so a cut is
// only found where it can line up with the query.
func partHash(n, c int, s string) uint64 {
	h := uint64(14695981039346656037) ^ uint64(n)<<8 ^ uint64(c)
	h *= 1099511628211
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// runeOffsets appends the byte offset of each rune of s, then len(s).
func runeOffsets(dst []int, s string) []int {
	for i := range s {
		dst = append(dst, i)
	}
	return append(dst, len(s))
}

// nearest finds the key within the edit bound: the fewest edits, then the earliest row.
//
// Comparing the query with every key of nearby length made a sheet with many misspelt names
// quadratic (10k typos against 100k partners took seconds). Instead each key of length l
// is cut into `cuts` parts (the typo index). The at most L edits that turn a key into the
// query touch at most L of its parts; every other part sits whole in the query, moved by
// the insertions less the deletions before it. So for each length l near the query's, each
// cut is looked up at every shift the edit bound allows, and the keys holding one of the
// L+1 rarest cuts are the candidates: they include every key within L edits (pigeonhole),
// and only they get the histogram bound and the edit distance.
func (x *index) nearest(q string) int {
	x.a = appendRunes(x.a[:0], q)
	n := len(x.a)
	limit := min(maxEdits, n/3)
	if limit == 0 {
		return -1
	}
	x.search++
	x.cands = x.cands[:0]
	x.offs = runeOffsets(x.offs[:0], q)
	for l := n - limit; l <= n+limit; l++ {
		if l < cuts {
			x.cands = append(x.cands, x.short[l]...)
			continue
		}
		var shared [cuts]int
		var order [cuts]int
		for c := range cuts {
			order[c] = c
			from, to := cutOf(l, c)
			for s := range 2*limit + 1 {
				// Edits before the part move it by shift, edits after it by n−l−shift.
				shift := s - limit
				x.runs[c][s] = nil
				if from+shift < 0 || to+shift > n || abs(shift)+abs(n-l-shift) > limit {
					continue
				}
				x.runs[c][s] = x.keysWith(partHash(l, c, q[x.offs[from+shift]:x.offs[to+shift]]))
				shared[c] += len(x.runs[c][s])
			}
		}
		slices.SortFunc(order[:], func(a, b int) int { return cmp.Compare(shared[a], shared[b]) })
		for _, c := range order[:limit+1] {
			for _, run := range x.runs[c][:2*limit+1] {
				for _, p := range run {
					if x.seen[p] != x.search {
						x.seen[p] = x.search
						x.cands = append(x.cands, p)
					}
				}
			}
		}
	}
	h := histogramOf(q)
	best, bestD := -1, limit+1
	for _, p := range x.cands {
		i := int(p)
		if h.differ(&x.hist[i], 2*limit) > 2*min(bestD, limit) {
			continue
		}
		x.b = appendRunes(x.b[:0], x.keys[i])
		d, ok := x.distance(x.a, x.b, min(bestD, limit))
		if !ok {
			continue
		}
		if d < bestD || (d == bestD && i < best) {
			best, bestD = i, d
		}
	}
	return best
}

func abs(v int) int { return max(v, -v) }

func appendRunes(dst []rune, s string) []rune {
	for _, r := range s {
		dst = append(dst, r)
	}
	return dst
}

// prefixed finds a key that begins with q.
func (x *index) prefixed(q string) int {
	start, _ := slices.BinarySearchFunc(x.sorted, q, func(p int32, q string) int { return strings.Compare(x.keys[p], q) })
	best := -1
	for j := start; j < len(x.sorted) && j < start+maxScan; j++ {
		i := int(x.sorted[j])
		if !strings.HasPrefix(x.keys[i], q) {
			break
		}
		if x.better(i, best) {
			best = i
		}
	}
	return best
}

// containing finds a key holding all of q as whole words, looking only at the keys that
// share q's rarest word.
func (x *index) containing(q string) int {
	var rarest []int32
	for w := range strings.SplitSeq(q, " ") {
		list, ok := x.words[w]
		if !ok {
			return -1
		}
		if rarest == nil || len(list) < len(rarest) {
			rarest = list
		}
	}
	best := -1
	for j, p := range rarest {
		if j == maxScan {
			break
		}
		i := int(p)
		if hasWords(x.keys[i], q) && x.better(i, best) {
			best = i
		}
	}
	return best
}

// hasWords reports whether s holds sub at word boundaries.
func hasWords(s, sub string) bool {
	for from := 0; from <= len(s)-len(sub); {
		j := strings.Index(s[from:], sub)
		if j < 0 {
			return false
		}
		j += from
		end := j + len(sub)
		if (j == 0 || s[j-1] == ' ') && (end == len(s) || s[end] == ' ') {
			return true
		}
		from = j + 1
	}
	return false
}

// contained finds the longest key that q holds as a run of whole words.
func (x *index) contained(q string) int {
	var starts, ends []int
	for i := 0; i <= len(q); i++ {
		if i == len(q) || q[i] == ' ' {
			ends = append(ends, i)
			if len(ends) == maxSpanned {
				break
			}
			continue
		}
		if i == 0 || q[i-1] == ' ' {
			starts = append(starts, i)
		}
	}
	best, bestLen := -1, 0
	for s := range ends {
		for e := s; e < len(ends); e++ {
			span := q[starts[s]:ends[e]]
			if len(span) == len(q) || len(span) <= bestLen || utf8.RuneCountInString(span) < minAffix {
				continue
			}
			if i, ok := x.pos[span]; ok {
				best, bestLen = i, len(span)
			}
		}
	}
	return best
}

// distance is editDistance with the index's scratch rows, so a search does not allocate per candidate.
func (x *index) distance(a, b []rune, limit int) (int, bool) {
	return editDistanceIn(&x.rows, a, b, limit)
}

// editDistance returns the Levenshtein distance of a and b when it is at most limit. Only a
// band of width 2·limit+1 is computed, so long names cost linear time.
func editDistance(a, b []rune, limit int) (int, bool) {
	var rows [2][]int
	return editDistanceIn(&rows, a, b, limit)
}

func editDistanceIn(rows *[2][]int, a, b []rune, limit int) (int, bool) {
	if d := len(a) - len(b); d > limit || -d > limit {
		return 0, false
	}
	const far = 1 << 30
	for i := range rows {
		rows[i] = slices.Grow(rows[i][:0], len(b)+1)[:len(b)+1]
	}
	prev, cur := rows[0], rows[1]
	for j := range prev {
		prev[j] = far
		if j <= limit {
			prev[j] = j
		}
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-limit), min(len(b), i+limit)
		if lo == 1 {
			cur[0] = far
			if i <= limit {
				cur[0] = i
			}
		} else {
			cur[lo-1] = far
		}
		rowMin := cur[lo-1]
		for j := lo; j <= hi; j++ {
			v := prev[j-1]
			if a[i-1] != b[j-1] {
				v++
			}
			v = min(v, prev[j]+1, cur[j-1]+1)
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if hi < len(b) {
			cur[hi+1] = far
		}
		if rowMin > limit {
			return 0, false
		}
		prev, cur = cur, prev
	}
	if d := prev[len(b)]; d <= limit {
		return d, true
	}
	return 0, false
}

// lookup finds a name by its folded key without allocating: the key is folded into scratch,
// and a match returns the index's own copy of it.
func (x *index) lookup(scratch *[]byte, name string) (key string, ok bool) {
	*scratch = appendFold((*scratch)[:0], name)
	if i, ok := x.pos[string(*scratch)]; ok {
		return x.keys[i], true
	}
	return "", false
}

// appendFold appends scoring.FoldName(s) to dst. It must agree with FoldName exactly
// (FuzzAppendFold checks); only runes beyond ASCII take FoldName's own lowercasing.
func appendFold(dst []byte, s string) []byte {
	start := len(dst)
	space := false
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if r == ' ' || (r >= '\t' && r <= '\r') {
				space = len(dst) > start
				continue
			}
		case unicode.IsSpace(r):
			space = len(dst) > start
			continue
		case unicode.Is(unicode.Cf, r):
			continue
		}
		if space {
			dst = append(dst, ' ')
			space = false
		}
		switch {
		case r >= 'A' && r <= 'Z':
			dst = append(dst, byte(r+'a'-'A'))
		case r < utf8.RuneSelf:
			dst = append(dst, byte(r))
		default:
			dst = append(dst, strings.ToLower(string(r))...)
		}
	}
	return dst
}
