package decode

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/partnermap/partnermap/internal/longtest"
)

// bruteNearest is the definition nearest must agree with: among all keys within
// min(maxEdits, runes/3) edits, the fewest edits, then the earliest position.
func bruteNearest(x *index, q string) int {
	a := []rune(q)
	limit := min(maxEdits, len(a)/3)
	if limit == 0 {
		return -1
	}
	best, bestD := -1, limit+1
	for i, k := range x.keys {
		if d, ok := editDistance(a, []rune(k), limit); ok && d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

// mutate applies n random single-rune edits (insert, delete, substitute) to s, with
// characters of one to four bytes.
func mutate(r *rand.Rand, s string, n int) string {
	alphabet := []rune("abcdeé 1ñ")
	if r.IntN(4) == 0 {
		alphabet = []rune("ab東京🙂é 9")
	}
	rs := []rune(s)
	for range n {
		i := r.IntN(len(rs) + 1)
		switch op := r.IntN(3); {
		case op == 0 || i == len(rs):
			rs = append(rs[:i], append([]rune{alphabet[r.IntN(len(alphabet))]}, rs[i:]...)...)
		case op == 1 && len(rs) > 1:
			rs = append(rs[:i], rs[i+1:]...)
		default:
			rs[i] = alphabet[r.IntN(len(alphabet))]
		}
	}
	return string(rs)
}

// TestNearestFindsWhatAFullScanFinds checks the typo search against comparing the query
// with every key: the same key for typos of 0 to 4 edits and for unrelated text, on names
// built to be hard for it: numbered chapters (many keys a digit or two apart, in the row
// order a big network types them), keys that share all but one part, short keys, ties
// between keys as close as each other, accents and characters of three and four bytes,
// and bytes that are not UTF-8.
func TestNearestFindsWhatAFullScanFinds(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"eastside", "tenants", "union", "faith", "coalition", "café", "niño", "a", "de", "12", "東京", "🙂"}
	places := []string{"eastside", "westside", "old town", "union square", "fairview", "bayview", "élan"}
	kinds := []string{"tenants union", "credit union", "faith coalition", "bike coalition", "teachers local", "arts council"}
	cases := []struct {
		name string
		key  func(i int) string
	}{
		{"numbered names that share most parts", func(i int) string { return fmt.Sprintf("partner organization %d", i) }},
		{"numbered chapters in row order", func(i int) string {
			k := i % (len(places) * len(kinds))
			name := places[k%len(places)] + " " + kinds[k/len(places)]
			if c := i / (len(places) * len(kinds)); c > 0 {
				name += fmt.Sprintf(" %d", c+1)
			}
			return name
		}},
		{"numbers first, names alike at the end", func(i int) string { return fmt.Sprintf("%d east local", i) }},
		{"names of a few words", func(i int) string {
			n := 1 + r.IntN(4)
			parts := make([]string, n)
			for j := range parts {
				parts[j] = words[r.IntN(len(words))]
			}
			return strings.Join(parts, " ")
		}},
		{"one letter apart, in shuffled order", func(i int) string {
			return "aaaa" + string(rune('a'+r.IntN(6))) + "aaaa" + string(rune('a'+r.IntN(6))) + "aaa" + fmt.Sprint(r.IntN(40))
		}},
		{"short names", func(i int) string { return mutate(r, "ab", r.IntN(4)) }},
		{"non-ASCII names", func(i int) string { return mutate(r, "東京 café niño 🙂", 1+r.IntN(6)) }},
		{"bytes that are not UTF-8", func(i int) string {
			b := []byte(mutate(r, "café union", r.IntN(4)))
			if len(b) > 0 && r.IntN(3) == 0 {
				b[r.IntN(len(b))] = byte(0x80 + r.IntN(0x80))
			}
			return string(b)
		}},
	}
	// Each query is checked against a full scan of 2,000 keys: 300 queries a case take a
	// second, the long suite's 3,000 ten.
	queries := 300
	if longtest.Enabled() {
		queries = 3000
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := newIndex(0)
			for i := range 2000 {
				k := c.key(i)
				x.add(k, k)
			}
			x.build()
			var sc search
			for i := range queries {
				q := mutate(r, x.keys[r.IntN(len(x.keys))], i%5)
				if i%10 == 9 {
					q = c.key(r.IntN(1 << 20)) // often a key the index does not hold
				}
				if got, want := x.nearest(&sc, q), bruteNearest(x, q); got != want {
					t.Fatalf("nearest(%q) = %d, a full scan finds %d", q, got, want)
				}
			}
		})
	}
}

// TestNearestBreaksTiesByRow checks the tie-break on keys made to be equally close: the
// query is one edit from each, and the earliest row wins, whatever the keys' order.
func TestNearestBreaksTiesByRow(t *testing.T) {
	for _, tc := range []struct {
		keys []string
		q    string
		want int
	}{
		{[]string{"zeta union 7", "alpha union 7", "zeta union 8"}, "zeta union 9", 0},
		{[]string{"local 19", "local 12", "local 13"}, "local 1", 0},
		{[]string{"blocal 1", "alocal 1", "local 12"}, "local 1", 0},
		{[]string{"xx tenants", "tenants x", "tenants"}, "tenant", 2},
		{[]string{"café 2", "cafe 1", "café 1"}, "cafe 2", 0},
		{[]string{"union 2", "cafe 1", "cafe 3"}, "cafe 2", 1},
		{[]string{"faith coalition 22", "faith coalition 21", "faith coalitionn 2"}, "faith coalition 2", 0},
	} {
		x := newIndex(0)
		for _, k := range tc.keys {
			x.add(k, k)
		}
		x.build()
		if got, brute := x.nearest(new(search), tc.q), bruteNearest(x, tc.q); got != tc.want || brute != tc.want {
			t.Errorf("nearest(%q) in %q = %d, a full scan %d, want %d", tc.q, tc.keys, got, brute, tc.want)
		}
	}
}

// FuzzNearest checks the typo search against a full scan on keys and a query of any text:
// the keys are the lines of keys.
func FuzzNearest(f *testing.F) {
	f.Add("eastside tenants union 12\neastside tenants union 13\nwestside tenants union 12", "eastside tenant union 1")
	f.Add("café\ncafe\ncafé niño", "cafe niño")
	f.Add("東京 🙂\n東京\n🙂🙂🙂", "東京🙂")
	f.Add("ab\nabc\n\xff\xfeabc", "\xffabc")
	f.Add("aaaa\naaab\naaba\nabaa\nbaaa", "aaaaa")
	f.Fuzz(func(t *testing.T, keys, q string) {
		x := newIndex(0)
		for k := range strings.SplitSeq(keys, "\n") {
			x.add(k, k)
		}
		x.build()
		if got, want := x.nearest(new(search), q), bruteNearest(x, q); got != want {
			t.Fatalf("nearest(%q) = %d, a full scan finds %d", q, got, want)
		}
	})
}

// TestTrieSpread checks the count that decides which walk gets the spare edit: the
// different first two characters of the keys, a key shorter than two counting as its own.
func TestTrieSpread(t *testing.T) {
	for _, tc := range []struct {
		keys []string
		want int
	}{
		{nil, 0},
		{[]string{""}, 1},
		{[]string{"ab1", "ab2", "ac", "a"}, 3},
		{[]string{"local 12", "local 13", "locale"}, 1},
		{[]string{"東京 1", "東京 2", "東", "éa", "éb"}, 4},
	} {
		if got := newTrie(tc.keys, nil).spread; got != tc.want {
			t.Errorf("spread of %q = %d, want %d", tc.keys, got, tc.want)
		}
	}
}
