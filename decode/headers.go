package decode

import "github.com/partnermap/partnermap/sheets"

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
