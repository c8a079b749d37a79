package svg

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partnermap/partnermap/campaign"
	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/decode"
	"github.com/partnermap/partnermap/demo"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// demoCampaigns maps the demo workbook's campaigns as a sync would.
func demoCampaigns(t *testing.T) campaign.Result {
	t.Helper()
	tabs := config.Default().Tabs
	tables := map[string]*sheets.Table{}
	for _, it := range demo.Workbook(tabs, demo.Day(asOf)) {
		header := make([]sheets.Cell, len(it.Header))
		for i, h := range it.Header {
			header[i] = sheets.TextCell(h)
		}
		tables[it.Name] = &sheets.Table{Name: it.Name, Rows: append([][]sheets.Cell{header}, it.Rows...)}
	}
	dec := decode.Decode(tables, decode.Options{})
	res := scoring.Score(dec.Records, scoring.DefaultConfig(), asOf)
	return campaign.Compute(dec.Campaigns, res, scoring.DefaultConfig())
}

func TestDemoCampaignMapDrawsItsTargetAtTheTop(t *testing.T) {
	maps := demoCampaigns(t)
	m, ok := maps.Find("just-cause eviction ordinance")
	if !ok {
		t.Fatalf("no such campaign among %v", maps.Names())
	}
	var got bytes.Buffer
	if err := Campaign(&got, m, asOf, Options{}); err != nil {
		t.Fatal(err)
	}
	pic := got.String()
	// The target is a partner (the councilmember's office): it is drawn once, as the target,
	// in the band above the plot, not as a partner of its own campaign.
	if n := strings.Count(pic, "Councilmember Rivera&#39;s office"); n != 1 || !strings.Contains(pic, "Target: Councilmember Rivera&#39;s office") {
		t.Errorf("the target's name appears %d times (want the target label only)", n)
	}
	golden := filepath.Join("testdata", "demo-campaign.svg")
	if *update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("picture differs from %s (run with -update after an intended change, and look at it)", golden)
	}
}
