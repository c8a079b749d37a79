package decode

import (
	"reflect"
	"testing"

	"github.com/partnermap/partnermap/sheets"
)

func TestHeaderNamesFollowAliases(t *testing.T) {
	row := func(hs ...string) []sheets.Cell {
		out := make([]sheets.Cell, len(hs))
		for i, h := range hs {
			out[i] = sheets.TextCell(h)
		}
		return out
	}
	names := TabNames{Partners: "Orgs"}
	tests := []struct {
		name, tab string
		header    []sheets.Cell
		want      map[string]string
	}{
		{"aliases and case", "Orgs", row("Organization", "SUPPORT", "Power", "Stage"),
			map[string]string{"Name": "Organization", "Stance": "SUPPORT", "Influence": "Power", "Stage": "Stage"}},
		{"the same word means another column in another tab", "Assets", row("Who", "Type"),
			map[string]string{"Member": "Who", "Category": "Type"}},
		{"the first of two headers for one column wins", "Meetings", row("Date", "Completed", "Done"),
			map[string]string{"Date": "Date", "Done": "Completed"}},
		{"not an input tab", "Priorities", row("Name"), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := HeaderNames(names, tc.tab, tc.header); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("HeaderNames = %v, want %v", got, tc.want)
			}
		})
	}
}
