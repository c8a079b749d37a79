package sheets

import "testing"

func TestColumnName(t *testing.T) {
	for _, tc := range []struct {
		col  int
		want string
	}{{0, "A"}, {3, "D"}, {25, "Z"}, {26, "AA"}, {27, "AB"}, {51, "AZ"}, {52, "BA"}, {701, "ZZ"}, {702, "AAA"}} {
		if got := ColumnName(tc.col); got != tc.want {
			t.Errorf("ColumnName(%d) = %q, want %q", tc.col, got, tc.want)
		}
	}
}

func TestRuleFormula(t *testing.T) {
	for _, tc := range []struct {
		name string
		rule Rule
		want string
	}{
		{"overdue: a date before today, blanks excluded", Rule{Col: 3, FirstRow: 2, When: DateBeforeToday}, "AND(ISNUMBER(D3),D3<TODAY())"},
		{"due soon: today up to Days ahead", Rule{Col: 3, FirstRow: 2, When: DateWithinDays, Days: 7}, "AND(ISNUMBER(D3),D3>=TODAY(),D3<=TODAY()+7)"},
		{"days overdue above zero", Rule{Col: 4, FirstRow: 9, When: NumberAboveZero}, "AND(ISNUMBER(E10),E10>0)"},
		{"unknown condition has no formula", Rule{Col: 0, When: "bogus"}, ""},
	} {
		if got := tc.rule.Formula(); got != tc.want {
			t.Errorf("%s: Formula() = %q, want %q", tc.name, got, tc.want)
		}
	}
}
