package decode

import (
	"strings"
	"testing"
)

func TestAMissingTabNamesTheTabItIsProbablyUnder(t *testing.T) {
	tests := []struct {
		name     string
		existing []string
		want     string
		initToo  bool
	}{
		{"Gnumeric names a CSV's tab after the file", []string{"Partners.csv", "Meetings.csv"},
			`no tab named "Partners"; the tabs are: "Partners.csv", "Meetings.csv". "Partners.csv" looks like it: rename that tab to Partners, or set tabs.partners: "Partners.csv"`, false},
		{"another case", []string{"Budget", "PARTNERS"}, `"PARTNERS" looks like it`, false},
		{"a copy", []string{"Partners (2)"}, `"Partners (2)" looks like it`, false},
		{"a typing slip", []string{"Parnters"}, `"Parnters" looks like it`, false},
		{"the closest of several", []string{"Partner list 2025", "Partners.csv"}, `"Partners.csv" looks like it`, false},
		{"nothing like it", []string{"Budget", "Sheet2"}, `the tabs are: "Budget", "Sheet2". Run ` + "`partnermap init`", true},
		{"an empty spreadsheet", nil, `no tab named "Partners": run ` + "`partnermap init`", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := MissingTab("Partners", "partners", tc.existing)
			if !strings.Contains(got, tc.want) {
				t.Errorf("MissingTab = %q\nwant it to contain %q", got, tc.want)
			}
			if adviseInit := strings.Contains(got, "init"); adviseInit != tc.initToo {
				t.Errorf("MissingTab = %q: advises init %v, want %v (never when the data is under another name)", got, adviseInit, tc.initToo)
			}
		})
	}
	long := make([]string, 40)
	for i := range long {
		long[i] = "Sheet" + string(rune('A'+i%26)) + string(rune('a'+i/26))
	}
	if got := MissingTab("Partners", "partners", long); !strings.Contains(got, "… (25 more)") {
		t.Errorf("a long list of tabs is not cut short: %q", got)
	}
}
