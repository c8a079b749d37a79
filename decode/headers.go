package decode

import (
	"fmt"

	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// HeaderNames says, for the input tab called tab (one of names), how its header row spells
// each column it has: the column's name as §2 gives it (the templates' spelling) maps to the
// header text that names it there, the name itself or an alias, found as Decode finds it.
// It is nil for a tab that is not an input tab. `init --add-validation` uses it to put the
// dropdowns on a column a group calls "Support" rather than "Stance".
func HeaderNames(names TabNames, tab string, header []sheets.Cell) map[string]string {
	names = names.WithDefaults()
	var spec []column
	switch tab {
	case names.Partners:
		spec = partnerColumns()
	case names.Assets:
		spec = assetColumns()
	case names.Meetings:
		spec = meetingColumns()
	case names.Members:
		spec = memberColumns()
	case names.Campaigns:
		spec = campaignColumns()
	case names.Stances:
		spec = stanceColumns()
	default:
		return nil
	}
	tb, _ := openTab(tab, &sheets.Table{Name: tab, Rows: [][]sheets.Cell{header}}, spec)
	out := make(map[string]string, len(spec))
	for f, c := range spec {
		if tb.col[f] >= 0 {
			out[c.name] = tb.head[f]
		}
	}
	return out
}

// columnGuess is the column a misspelt header most likely means.
type columnGuess struct {
	field   int
	spelled string // the name or alias it is closest to, "" for no guess
}

// guess finds the column, among those the tab lacks, whose name or alias header h is a
// typing slip of: a few edits away, fewer for short headers, so that a column of the
// group's own ("Phone") is not taken for one of ours.
func (t *tab) guess(h string) (columnGuess, bool) {
	key := []rune(HeaderKey(h))
	limit := typoLimit(len(key))
	if limit == 0 {
		return columnGuess{}, false
	}
	best, bestD := columnGuess{}, limit+1
	for f, c := range t.spec {
		if t.col[f] >= 0 {
			continue
		}
		for _, name := range append([]string{c.name}, c.aliases...) {
			if d, ok := typoDistance(key, []rune(HeaderKey(name)), limit); ok && d < bestD {
				best, bestD = columnGuess{field: f, spelled: name}, d
			}
		}
	}
	return best, best.spelled != ""
}

// typoLimit is how many edits a header of n letters may be from a column's name and still
// be taken for it.
func typoLimit(n int) int {
	switch {
	case n < 4:
		return 0
	case n < 7:
		return 1
	case n < 12:
		return 2
	}
	return 3
}

// typoDistance is the edit distance, counting two swapped neighbours ("Nmae") as one edit.
func typoDistance(a, b []rune, limit int) (int, bool) {
	if len(a) == len(b) {
		diff := -1
		for i := range a {
			if a[i] != b[i] {
				diff = i
				break
			}
		}
		if diff >= 0 && diff+1 < len(a) && a[diff] == b[diff+1] && a[diff+1] == b[diff] &&
			string(a[diff+2:]) == string(b[diff+2:]) {
			return 1, limit >= 1
		}
	}
	return editDistance(a, b, limit)
}

// unknownHeader warns about a header that names no column partnermap reads: its whole
// column is ignored, which for a misspelt "Stance" silently turns every stance blank.
func (t *tab) unknownHeader(i int, h string, g columnGuess) {
	problem := "partnermap reads no column of this name, so this column is ignored"
	if g.spelled != "" {
		problem += " — did you mean " + g.spelled
		if name := t.spec[g.field].name; g.spelled != name {
			problem += fmt.Sprintf(" (the %s column)", name)
		}
		problem += "? Rename the header to have it read"
	} else {
		problem += "; that is fine for a column of your own (the README lists the columns partnermap reads)"
	}
	t.add(scoring.SevWarning, 1, i, columnLetter(i), h, problem)
}
