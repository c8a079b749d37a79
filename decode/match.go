package decode

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// index holds the names of one tab (partners or members) by folded key, for exact lookup
// and for suggesting the closest name when a reference matches none. Matching is a map
// lookup; the structures for suggestions are built only on the first miss and each miss is
// searched once, so a sheet whose names all match pays nothing for them.
//
// Once its names are added, an index may be used by several goroutines at once (decode
// reads Meetings in chunks side by side): lookups only read it, a suggestion builds the
// structures and keeps what it found under mu, and each goroutine brings its own search.
type index struct {
	keys  []string // folded, in row order
	names []string // as typed
	pos   map[string]int

	// mu guards built and memo; what follows them is built under it, then only read.
	mu     sync.Mutex
	built  bool
	memo   map[string]string  // missed key → suggested name, "" for none
	fwd    *trie              // the keys, for the typo search (nearest)
	back   *trie              // the keys reversed, for the typo search
	words  map[string][]int32 // word → positions of keys holding it
	sorted []int32            // positions in key order, for prefix search
}

// search is one goroutine's scratch for typo searches, in any index.
type search struct {
	walks [2]walk // the two walks of a typo search
	best  found   // what they found
	a, ra []rune  // the query's characters, and reversed
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

// suggest returns the name closest to a key that matched none, or "" when none is close,
// using sc for the search. Two goroutines missing the same key at once may both search it;
// they find the same name.
func (x *index) suggest(sc *search, key string) string {
	x.mu.Lock()
	x.build()
	s, ok := x.memo[key]
	x.mu.Unlock()
	if ok {
		return s
	}
	if i := x.closest(sc, key); i >= 0 {
		s = x.names[i]
	}
	x.mu.Lock()
	x.memo[key] = s
	x.mu.Unlock()
	return s
}

// build makes the structures of the suggestion search, once; the caller holds mu, or is
// the index's only user.
func (x *index) build() {
	if x.built {
		return
	}
	x.built = true
	x.memo = make(map[string]string)
	// The three parts are independent: built side by side, since while one is built the
	// goroutines decoding other chunks of the tab wait for it at their first miss too.
	keys := validKeys(x.keys)
	var wg sync.WaitGroup
	wg.Go(func() { x.back = newTrie(reversedAll(keys), nil) })
	wg.Go(func() {
		x.words = make(map[string][]int32)
		for i, k := range x.keys {
			p := int32(i)
			for w := range strings.SplitSeq(k, " ") {
				if list := x.words[w]; len(list) == 0 || list[len(list)-1] != p {
					x.words[w] = append(list, p)
				}
			}
		}
	})
	x.sorted = make([]int32, len(x.keys))
	for i := range x.sorted {
		x.sorted[i] = int32(i)
	}
	slices.SortFunc(x.sorted, func(a, b int32) int { return strings.Compare(x.keys[a], x.keys[b]) })
	if len(keys) > 0 && &keys[0] == &x.keys[0] {
		x.fwd = newTrie(keys, x.sorted) // the keys are distinct, so no ties to order
	} else {
		x.fwd = newTrie(keys, nil)
	}
	wg.Wait()
}

// closest tries, in order: a small edit distance (typos), a name the key begins (a cut-off
// name), a name holding the key's words, and a name the key holds (extra words typed).
func (x *index) closest(sc *search, q string) int {
	if i := x.nearest(sc, q); i >= 0 {
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

// nearest finds the key within the edit bound (at most maxEdits, and at most a third of
// the query's characters): the fewest edits, then the earliest row. It asks for the same
// characters, then one edit, two, three, and stops at the first bound that finds a key, so
// the common typo costs only the narrowest walks. At each bound it walks both trees (see
// trie), the edits allowed while reading the query's first half in one and its second half
// in the other adding up to one less than the bound.
func (x *index) nearest(sc *search, q string) int {
	sc.a = appendRunes(sc.a[:0], q)
	n := len(sc.a)
	limit := min(maxEdits, n/3)
	if limit == 0 {
		return -1
	}
	sc.ra = append(sc.ra[:0], sc.a...)
	slices.Reverse(sc.ra)
	sc.best = found{pos: -1}
	for d := 0; d <= limit; d++ {
		// 0 is the same characters: keys with bytes that are not UTF-8 may differ from the
		// query and still read the same, and the forward walk alone finds those.
		fwd, back := x.earlyEdits(d)
		sc.walks[0] = walk{t: x.fwd, q: sc.a, limit: d, half: n / 2, early: fwd, cols: sc.walks[0].cols, best: &sc.best}
		sc.walks[0].run()
		if d > 0 {
			sc.walks[1] = walk{t: x.back, q: sc.ra, limit: d, half: n - n/2, early: back, cols: sc.walks[1].cols, best: &sc.best}
			sc.walks[1].run()
		}
		if sc.best.pos >= 0 {
			return int(sc.best.pos)
		}
	}
	return -1
}

// earlyEdits returns how many edits the forward and the backward walk allow while reading
// their half of the query, when d are allowed in all. A key d edits away, no closer key
// having been found, is found by one of them whenever the two add up to d−1: if more than
// fwd of its edits fall before the middle of the query, at most d−fwd−1 fall after it.
// The spare edit goes to the tree whose keys begin more alike (fewer different first two
// characters), whose root the extra edit fans out over less: names numbered "… local 12"
// are far more alike at the front than at the end. Both trees find the same keys either
// way; only the work differs.
func (x *index) earlyEdits(d int) (fwd, back int) {
	narrowFwd := x.fwd.spread <= x.back.spread
	switch {
	case d < 2:
		return 0, 0
	case d == 2 && narrowFwd:
		return 1, 0
	case d == 2:
		return 0, 1
	case 4*min(x.fwd.spread, x.back.spread) > max(x.fwd.spread, x.back.spread):
		// Alike at both ends: two edits at either root would fan out over far more
		// prefixes than one at each.
		return (d - 1) / 2, d - 1 - (d-1)/2
	case narrowFwd:
		return d - 1, 0
	default:
		return 0, d - 1
	}
}

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

// editDistance returns the Levenshtein distance of a and b when it is at most limit. Only a
// band of width 2·limit+1 is computed, so long names cost linear time.
func editDistance(a, b []rune, limit int) (int, bool) {
	var rows [2][]int
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
