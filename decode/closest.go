package decode

import "github.com/partnermap/partnermap/scoring"

// Closest returns the name among names that is closest to name, with the same rules as the
// "did you mean" of Data Issues, or "" when none is close. Commands that take a partner's
// name (partnermap brief) use it to suggest one.
func Closest(names []string, name string) string {
	x := newIndex(len(names))
	for _, n := range names {
		x.add(n, scoring.FoldName(n))
	}
	return x.suggest(new(search), scoring.FoldName(name))
}
