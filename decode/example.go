package decode

import (
	"fmt"
	"strings"

	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// The example rows `partnermap init` puts in new tabs (package demo) are marked so that a
// sync never takes them for the group's own: a partner, asset or meeting whose name starts
// with ExamplePrefix, and a member called ExampleMember.
const (
	ExamplePrefix = "Example: "
	ExampleMember = "Your name"
)

// isExample reports whether a partner, asset or meeting name is one of init's, however its
// case and spaces.
func isExample(name string) bool {
	p := strings.TrimSpace(sheets.ExamplePrefix)
	name = strings.TrimSpace(name)
	return len(name) >= len(p) && strings.EqualFold(name[:len(p)], p)
}

// isExampleMember reports whether a member name is init's placeholder.
func isExampleMember(name string) bool {
	return scoring.FoldName(name) == scoring.FoldName(sheets.ExampleMember)
}

// example leaves out a row whose field f is one of init's examples by match, saying so in
// Data Issues: a new group that synced its workbook as init made it saw "Example: …" ranked
// as a partner.
func (d *decoder) example(tb *tab, n, f int, c sheets.Cell, match func(string) bool) bool {
	if isBlank(c) || !match(text(c)) {
		return false
	}
	tb.bad(scoring.SevInfo, n, f, c, fmt.Sprintf("this is the example row `partnermap init` added: it is left out of every summary tab; "+
		"delete the row once your own %s are in", strings.ToLower(tb.name)))
	return true
}
