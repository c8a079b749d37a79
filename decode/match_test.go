package decode

import (
	"fmt"
	"testing"

	"github.com/partnermap/partnermap/scoring"
)

func indexOf(names ...string) *index {
	x := newIndex(len(names))
	for _, n := range names {
		x.add(n, scoring.FoldName(n))
	}
	return x
}

func TestSuggest(t *testing.T) {
	x := indexOf("Eastside Tenants Union", "Eastside Tenants Union Local 7", "Faith Coalition", "Faith Coalition of Greater Springfield",
		"Riverside Youth League", "Bo", "St. Mark's Church")
	cases := []struct{ name, miss, want string }{
		{"closest edit wins over a longer name", "eastside tenant union", "Eastside Tenants Union"},
		{"ties in distance go to the earlier row", "faith coalitio", "Faith Coalition"},
		{"a cut-off name suggests the shortest name it begins", "faith coal", "Faith Coalition"},
		{"whole inner words", "youth league", "Riverside Youth League"},
		{"extra words: the longest name held", "st. mark's church youth group", "St. Mark's Church"},
		{"short held names are not suggested", "bo and friends", ""},
		{"unrelated", "city council", ""},
		{"two letters never match by edits", "bx", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := x.suggest(new(search), tc.miss); got != tc.want {
				t.Fatalf("suggest(%q) = %q, want %q", tc.miss, got, tc.want)
			}
		})
	}
}

func TestSuggestionsAmongManyNumberedNames(t *testing.T) {
	const n = 10_000
	x := newIndex(n)
	for i := range n {
		name := fmt.Sprintf("Partner Organization %05d", i)
		x.add(name, scoring.FoldName(name))
	}
	for _, i := range []int{0, 42, 9999} {
		miss := fmt.Sprintf("partner organisation %05d", i)
		if got, want := x.suggest(new(search), miss), fmt.Sprintf("Partner Organization %05d", i); got != want {
			t.Fatalf("suggest(%q) = %q, want %q", miss, got, want)
		}
	}
	if got := x.suggest(new(search), "unknown group name 00001"); got != "" {
		t.Fatalf("an unrelated name must get no suggestion, got %q", got)
	}
}

func TestSuggestionsAreRemembered(t *testing.T) {
	x := indexOf("Eastside Tenants Union")
	first := x.suggest(new(search), "eastside tenant union")
	if got, ok := x.memo["eastside tenant union"]; !ok || got != first {
		t.Fatalf("a miss must be remembered: memo = %q, %v", got, ok)
	}
	x.memo["eastside tenant union"] = "remembered"
	if again := x.suggest(new(search), "eastside tenant union"); again != "remembered" {
		t.Fatalf("a repeated miss must be answered from memory, got %q", again)
	}
}

func TestLookupInternsKeys(t *testing.T) {
	x := indexOf("Eastside Tenants Union")
	var scratch []byte
	key, ok := x.lookup(&scratch, "  EASTSIDE\u00a0tenants  union")
	if !ok || key != "eastside tenants union" {
		t.Fatalf("lookup = %q, %v", key, ok)
	}
	if allocs := testing.AllocsPerRun(100, func() { x.lookup(&scratch, "Eastside Tenants Union") }); allocs != 0 {
		t.Fatalf("a matched name must cost no allocation, got %v", allocs)
	}
	if _, ok := x.lookup(&scratch, "Westside"); ok {
		t.Fatal("an unknown name must not match")
	}
}

func TestEditDistance(t *testing.T) {
	cases := []struct {
		a, b  string
		limit int
		want  int
		ok    bool
	}{
		{"kitten", "sitting", 3, 3, true},
		{"kitten", "sitting", 2, 0, false},
		{"", "abc", 3, 3, true},
		{"abc", "abc", 0, 0, true},
		{"ab", "ba", 2, 2, true},
		{"eastside tenant union", "eastside tenants union", 3, 1, true},
		{"abcdef", "a", 3, 0, false},
	}
	for _, tc := range cases {
		got, ok := editDistance([]rune(tc.a), []rune(tc.b), tc.limit)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("editDistance(%q, %q, %d) = %d, %v; want %d, %v", tc.a, tc.b, tc.limit, got, ok, tc.want, tc.ok)
		}
	}
}
