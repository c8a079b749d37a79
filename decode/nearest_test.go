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

// mutate applies n random single-rune edits (insert, delete, substitute) to s.
func mutate(r *rand.Rand, s string, n int) string {
	alphabet := []rune("abcdeé 1ñ")
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

// TestNearestFindsWhatAFullScanFinds checks the typo index against comparing the query with
// every key: same key for typos of 0 to 4 edits, short and long names, accents, and
// names that differ only by a number, where many keys share most parts.
func TestNearestFindsWhatAFullScanFinds(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"eastside", "tenants", "union", "faith", "coalition", "café", "niño", "a", "de", "12"}
	cases := []struct {
		name string
		key  func(i int) string
	}{
		{"numbered names that share most parts", func(i int) string { return fmt.Sprintf("partner organization %d", i) }},
		{"names of a few words", func(i int) string {
			n := 1 + r.IntN(4)
			parts := make([]string, n)
			for j := range parts {
				parts[j] = words[r.IntN(len(words))]
			}
			return strings.Join(parts, " ")
		}},
		{"short names", func(i int) string { return mutate(r, "ab", r.IntN(4)) }},
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
			for i := range queries {
				base := x.keys[r.IntN(len(x.keys))]
				q := mutate(r, base, i%5)
				if _, exact := x.pos[q]; exact {
					continue
				}
				x.build()
				if got, want := x.nearest(q), bruteNearest(x, q); got != want {
					t.Fatalf("nearest(%q) = %d, a full scan finds %d", q, got, want)
				}
			}
		})
	}
}
