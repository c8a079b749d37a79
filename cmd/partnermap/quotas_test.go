package main

import (
	"testing"

	"github.com/partnermap/partnermap/config"
)

// TestEachServiceAccountHasItsOwnQuota: the per-user quota is per service account, so
// sources with the same credentials share a limiter and sources of other accounts get
// their own; a reloaded rate reaches every one.
func TestEachServiceAccountHasItsOwnQuota(t *testing.T) {
	cfg := config.Default()
	q := newQuotas(cfg)
	north := q.limiter(config.Source{Name: "north", SpreadsheetID: "n", CredentialsFile: "/etc/pm/a.json"})
	south := q.limiter(config.Source{Name: "south", SpreadsheetID: "s", CredentialsFile: "/etc/pm/a.json"})
	east := q.limiter(config.Source{Name: "east", SpreadsheetID: "e", CredentialsFile: "/etc/pm/b.json"})
	west := q.limiter(config.Source{Name: "west", SpreadsheetID: "w", CredentialsJSON: `{"client_email":"c"}`})
	west2 := q.limiter(config.Source{Name: "west2", SpreadsheetID: "w2", CredentialsJSON: `{"client_email":"c"}`})
	adc := q.limiter(config.Source{Name: "adc", SpreadsheetID: "x"})
	adc2 := q.limiter(config.Source{Name: "adc2", SpreadsheetID: "y"})
	if north != south || west != west2 || adc != adc2 {
		t.Error("sources with the same credentials got different limiters: together they could go over their account's quota")
	}
	if north == east || north == west || north == adc || east == adc || west == adc {
		t.Error("sources of different accounts share a limiter: each account's quota would go half used")
	}
	before := north.Limit()
	q.setRate(120)
	if north.Limit() <= before || east.Limit() != north.Limit() || adc.Limit() != north.Limit() {
		t.Errorf("after a reload to 120 a minute: limits %v, %v, %v (before %v)", north.Limit(), east.Limit(), adc.Limit(), before)
	}
	if (*quotas)(nil).limiter(config.Source{}) != nil {
		t.Error("no quotas should mean no limit")
	}
}
