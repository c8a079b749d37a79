package profile

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jinzhu/inflection"

	"github.com/partnermap/partnermap/internal/chunks"
)

// Theme is a word or two-word phrase that more than one partner used in their Goals,
// Self-interest or Success looks like.
type Theme struct {
	// Phrase is the form partners wrote most often, lower case ("affordable housing").
	Phrase string
	// Partners who used it, in Priorities order.
	Partners []string
}

// Themes finds the words and two-word phrases that recur across partners: what two or more
// of them said in the Partners tab's Goals and Self-interest and in their past meetings'
// Self-interests and Success looks like. Stop words are left out and singular and plural
// are one ("family", "families"). A phrase is two such words side by side with no stop word
// or punctuation between them. A word is left out when a phrase holding it was said by the
// very same partners: the phrase says more. Most partners first; on a tie phrases first,
// then alphabetical.
func Themes(ps []Profile) []Theme {
	// The words are gathered from contiguous runs of partners side by side, then merged in
	// partner order: the same themes as one pass. A run of 1,024 partners (several texts
	// each) is already worth a goroutine.
	return themesIn(ps, chunks.Count(len(ps), 1024))
}

// seen is what was gathered of one word or phrase.
type seen struct {
	forms    map[string]int // surface form → times written
	partners []int          // profile indexes, ascending, each once
}

// gather collects the words and phrases of profiles lo..hi-1.
func gather(ps []Profile, lo, hi int, fold folds) map[string]*seen {
	all := map[string]*seen{}
	note := func(k, form string, p int) {
		s := all[k]
		if s == nil {
			s = &seen{forms: map[string]int{}}
			all[k] = s
		}
		s.forms[form]++
		if n := len(s.partners); n == 0 || s.partners[n-1] != p {
			s.partners = append(s.partners, p)
		}
	}
	// Reused from text to text: a sync of 100k partners splits millions of them.
	var texts, ws []string
	for i := lo; i < hi; i++ {
		texts = appendListening(texts[:0], &ps[i])
		for _, text := range texts {
			for _, clause := range clauses(text) {
				var prev, prevKey string
				ws = appendWords(ws[:0], clause)
				for _, w := range ws {
					if stopWord(w) {
						prev, prevKey = "", ""
						continue
					}
					k := fold.of(w)
					note(k, w, i)
					if prev != "" {
						note(prevKey+" "+k, prev+" "+w, i)
					}
					prev, prevKey = w, k
				}
			}
		}
	}
	return all
}

// themesIn is Themes with the partners gathered in n runs at once.
func themesIn(ps []Profile, n int) []Theme {
	n = max(n, 1)
	runs := make([]map[string]*seen, n)
	foldsOf := make([]folds, n)
	chunks.Each(len(ps), n, func(r, lo, hi int) {
		foldsOf[r] = folds{}
		runs[r] = gather(ps, lo, hi, foldsOf[r])
	})
	all, fold := runs[0], foldsOf[0]
	for _, run := range runs[1:] {
		for k, s := range run {
			into := all[k]
			if into == nil {
				all[k] = s
				continue
			}
			for form, c := range s.forms {
				into.forms[form] += c
			}
			// A later run's partners all come after an earlier run's.
			into.partners = append(into.partners, s.partners...)
		}
	}
	var out []Theme
	var sets [][]int
	for _, s := range all {
		if len(s.partners) < 2 {
			continue
		}
		names := make([]string, len(s.partners))
		for j, p := range s.partners {
			names[j] = ps[p].Partner.Name
		}
		out = append(out, Theme{Phrase: commonest(s.forms), Partners: names})
		sets = append(sets, s.partners)
	}
	// A word whose partners are exactly those of a phrase holding it adds nothing.
	keep := make([]bool, len(out))
	for i := range out {
		keep[i] = true
		if strings.Contains(out[i].Phrase, " ") {
			continue
		}
		for j := range out {
			if j != i && slices.Equal(sets[i], sets[j]) && fold.holds(out[j].Phrase, out[i].Phrase) {
				keep[i] = false
				break
			}
		}
	}
	kept := out[:0]
	for i := range out {
		if keep[i] {
			kept = append(kept, out[i])
		}
	}
	slices.SortFunc(kept, func(x, y Theme) int {
		if c := cmp.Compare(len(y.Partners), len(x.Partners)); c != 0 {
			return c
		}
		xp, yp := strings.Contains(x.Phrase, " "), strings.Contains(y.Phrase, " ")
		if xp != yp {
			if xp {
				return -1
			}
			return 1
		}
		return strings.Compare(x.Phrase, y.Phrase)
	})
	return kept
}

// appendListening appends what a partner told us about themselves: the texts themes are
// drawn from.
func appendListening(out []string, p *Profile) []string {
	out = append(out, p.Goals, p.SelfInterest)
	for _, m := range p.Meetings {
		out = append(out, m.SelfInterests, m.Success)
	}
	return out
}

// holds reports whether the phrase has the word as one of its two words, folded.
func (f folds) holds(phrase, word string) bool {
	a, b, _ := strings.Cut(phrase, " ")
	w := f.of(word)
	return f.of(a) == w || f.of(b) == w
}

// commonest is the form written most often; on a tie the alphabetically first.
func commonest(forms map[string]int) string {
	best, n := "", 0
	for f, c := range forms {
		if c > n || (c == n && f < best) {
			best, n = f, c
		}
	}
	return best
}

// clauses splits text at punctuation that ends a thought, so a phrase never spans two.
func clauses(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool {
		return strings.ContainsRune(".,;:!?()[]{}\"“”/|•–—\n\r\t", r)
	})
}

// appendWords appends the lower-case words of a clause: letters and digits, with inner
// apostrophes and hyphens kept ("after-school", "don't"); a possessive 's is dropped, and so
// are words of digits only.
func appendWords(out []string, clause string) []string {
	lower := strings.ToLower(clause)
	for start := 0; start < len(lower); {
		// The next run of letters, digits, apostrophes and hyphens.
		for start < len(lower) {
			r, size := utf8.DecodeRuneInString(lower[start:])
			if inWord(r) {
				break
			}
			start += size
		}
		end := start
		for end < len(lower) {
			r, size := utf8.DecodeRuneInString(lower[end:])
			if !inWord(r) {
				break
			}
			end += size
		}
		f := lower[start:end]
		start = end
		if f == "" {
			continue
		}
		if strings.Contains(f, "’") {
			f = strings.ReplaceAll(f, "’", "'")
		}
		f = strings.Trim(f, "'-")
		f = strings.TrimSuffix(f, "'s")
		if f == "" || strings.IndexFunc(f, unicode.IsLetter) < 0 {
			continue
		}
		out = append(out, f)
	}
	return out
}

// inWord reports whether r belongs in a word.
func inWord(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’' || r == '-'
}

// folds makes singular and plural one word, remembering each word's answer: inflection
// tries its rules (regular expressions) one by one, and the same few thousand words recur
// across thousands of partners (at 10k partners, folding every word anew was a fifth of a
// sync's CPU).
type folds map[string]string

func (f folds) of(w string) string {
	k, ok := f[w]
	if !ok {
		k = inflection.Singular(w)
		f[w] = k
	}
	return k
}
