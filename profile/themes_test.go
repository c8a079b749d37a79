package profile

import (
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/partnermap/partnermap/scoring"
)

// said builds profiles whose Goals are the given texts, one partner each, named P1, P2, …
func said(texts ...string) []Profile {
	ps := make([]Profile, len(texts))
	for i, t := range texts {
		ps[i] = Profile{Assessment: &scoring.Assessment{Partner: &scoring.Partner{Name: "P" + string(rune('1'+i))}}, Goals: t}
	}
	return ps
}

func TestThemes(t *testing.T) {
	tests := []struct {
		name  string
		profs []Profile
		want  []Theme
	}{
		{
			name:  "a word said by one partner only is no theme",
			profs: said("housing", "parks"),
		},
		{
			name:  "a word said twice by one partner is no theme",
			profs: said("housing and more housing", "parks"),
		},
		{
			name:  "stop words are left out",
			profs: said("we want to have the best", "they want the best for their"),
			want:  []Theme{{"best", []string{"P1", "P2"}}},
		},
		{
			name:  "singular and plural are one, shown as written most",
			profs: say("Families", "a family", "families first"),
			want:  []Theme{{"families", []string{"P1", "P2", "P3"}}},
		},
		{
			name:  "a phrase said by the same partners as its words hides them",
			profs: said("Affordable housing now", "more affordable housing"),
			want:  []Theme{{"affordable housing", []string{"P1", "P2"}}},
		},
		{
			name:  "a word said by more partners than its phrase stays",
			profs: said("Affordable housing", "affordable housing", "housing repairs"),
			want: []Theme{
				{"housing", []string{"P1", "P2", "P3"}},
				{"affordable housing", []string{"P1", "P2"}},
			},
		},
		{
			name:  "punctuation and stop words break phrases",
			profs: said("youth, jobs", "youth; jobs", "youth and jobs"),
			want: []Theme{
				{"jobs", []string{"P1", "P2", "P3"}},
				{"youth", []string{"P1", "P2", "P3"}},
			},
		},
		{
			name:  "possessives, apostrophes and case fold",
			profs: said("Children’s health", "CHILDREN'S HEALTH", "the children"),
			want: []Theme{
				{"children", []string{"P1", "P2", "P3"}},
				{"children health", []string{"P1", "P2"}},
			},
		},
		{
			name:  "numbers alone are no theme, hyphenated words are one word",
			profs: said("2026 after-school programs", "after-school in 2026"),
			want:  []Theme{{"after-school", []string{"P1", "P2"}}},
		},
		{
			name:  "most partners first, then phrases, then alphabetical",
			profs: said("clean air; zoning", "clean air; zoning; wages", "wages, zoning, transit", "transit"),
			want: []Theme{
				{"zoning", []string{"P1", "P2", "P3"}},
				{"clean air", []string{"P1", "P2"}},
				{"transit", []string{"P3", "P4"}},
				{"wages", []string{"P2", "P3"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Themes(tt.profs)
			if len(got) == 0 && len(tt.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("themes\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

// say is said for texts whose commonest form matters: each text twice in one partner.
func say(texts ...string) []Profile {
	ps := said(texts...)
	ps[2].SelfInterest = texts[2]
	return ps
}

func TestThemesReadEveryListeningField(t *testing.T) {
	ps := []Profile{
		{Assessment: &scoring.Assessment{Partner: &scoring.Partner{Name: "A"}}, SelfInterest: "transit"},
		{Assessment: &scoring.Assessment{Partner: &scoring.Partner{Name: "B"}},
			Meetings: []*scoring.Meeting{{SelfInterests: "transit"}, {Success: "wages"}}},
		{Assessment: &scoring.Assessment{Partner: &scoring.Partner{Name: "C"}}, Goals: "wages",
			Represents: "transit riders", Constraints: "transit", Notes: "transit"},
	}
	want := []Theme{{"transit", []string{"A", "B"}}, {"wages", []string{"B", "C"}}}
	if got := Themes(ps); !reflect.DeepEqual(got, want) {
		t.Errorf("themes %v, want %v (Represents, Constraints and Notes are not listening fields)", got, want)
	}
}

func FuzzThemes(f *testing.F) {
	for _, s := range []string{"Affordable housing, youth jobs", "children’s health; CHILDREN'S", "'-'", "a-", "’s", "2026", "\u00a0housing\u200b"} {
		f.Add(s, s+" and more")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, th := range Themes(said(a, b, a)) {
			if len(th.Partners) < 2 || th.Phrase == "" {
				t.Fatalf("theme %+v", th)
			}
			for _, w := range strings.Fields(th.Phrase) {
				if stopWord(w) {
					t.Fatalf("stop word %q in theme %+v", w, th)
				}
			}
		}
	})
}

// TestThemesGatheredInRunsAreThemesGatheredInOne: partners gathered in several runs side by
// side (run it with -race) give exactly the themes of one pass, partners in order, forms
// counted across runs.
func TestThemesGatheredInRunsAreThemesGatheredInOne(t *testing.T) {
	vocab := strings.Fields("affordable housing families family children child's after-school programs " +
		"safe streets jobs job training rent tenants union wages schools school parks park don't leave " +
		"the and to of for our we community communities clean water bus buses")
	texts := make([]string, 900)
	seed := uint32(7)
	next := func(n int) int { seed = seed*1664525 + 1013904223; return int(seed>>8) % n }
	for i := range texts {
		var b strings.Builder
		for range 3 + next(12) {
			b.WriteString(vocab[next(len(vocab))])
			b.WriteString([]string{" ", " ", " ", ", ", ". "}[next(5)])
		}
		texts[i] = b.String()
	}
	ps := make([]Profile, len(texts))
	for i, text := range texts {
		ps[i] = Profile{Assessment: &scoring.Assessment{Partner: &scoring.Partner{Name: "P" + strings.Repeat("x", i%7) + string(rune('A'+i%26))}},
			Goals: text, SelfInterest: texts[(i*31)%len(texts)]}
	}
	one := themesIn(ps, 1)
	if len(one) < 20 {
		t.Fatalf("only %d themes: the comparison proves little", len(one))
	}
	for _, n := range []int{2, 3, 8, 50} {
		if got := themesIn(ps, n); !reflect.DeepEqual(got, one) {
			t.Errorf("gathered in %d runs: %d themes differing from one pass's %d", n, len(got), len(one))
		}
	}
}

// TestAppendWordsIsTheFieldsSplit holds appendWords, which splits without allocating a
// list per clause, to the split it replaced (strings.FieldsFunc), on awkward text.
func TestAppendWordsIsTheFieldsSplit(t *testing.T) {
	reference := func(clause string) []string {
		var out []string
		for _, f := range strings.FieldsFunc(strings.ToLower(clause), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’' && r != '-'
		}) {
			f = strings.ReplaceAll(f, "’", "'")
			f = strings.Trim(f, "'-")
			f = strings.TrimSuffix(f, "'s")
			if f == "" || strings.IndexFunc(f, unicode.IsLetter) < 0 {
				continue
			}
			out = append(out, f)
		}
		return out
	}
	pieces := []string{"Families", " ", "after-school", "don’t", "child's", "'quoted'", "--", "42", "4th", "ÉCOLE", "naïve",
		"\xff", "\xe2\x80", "İstanbul", "日本語", "  ", "\t", "-x-", "'s", "’s", "a", "x’y’s"}
	seed := uint32(11)
	for range 2000 {
		var b strings.Builder
		for range 1 + int(seed>>28) {
			seed = seed*1664525 + 1013904223
			b.WriteString(pieces[int(seed>>8)%len(pieces)])
		}
		clause := b.String()
		if got, want := appendWords(nil, clause), reference(clause); !reflect.DeepEqual(got, want) {
			t.Fatalf("appendWords(%q) = %q, want %q", clause, got, want)
		}
	}
}
