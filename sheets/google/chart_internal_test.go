package google

import (
	"testing"

	"github.com/partnermap/partnermap/sheets"
)

func TestChartRequestsKeepOnlyTheTabsOwnChart(t *testing.T) {
	const sheetID = 77
	ours, other := chartID(sheetID, 0), int64(12345)
	chart := &sheets.Chart{Title: "t", XMin: -2, XMax: 2, YMin: 1, YMax: 5,
		Series: []sheets.Series{{Name: "s", XCol: 1, YCol: 2, FirstRow: 2, LastRow: 3}}}
	cases := []struct {
		name  string
		chart *sheets.Chart
		have  []int64 // charts already on the tab; nil: a new tab
		want  []string
	}{
		{"a new tab gets its chart added", chart, nil, []string{"add"}},
		{"a tab without its chart gets it added", chart, []int64{}, []string{"add"}},
		{"a tab holding its chart gets the spec updated", chart, []int64{ours}, []string{"update"}},
		{"another chart on a managed tab is deleted", chart, []int64{other, ours}, []string{"delete 12345", "update"}},
		{"a tab that no longer has a chart loses it", nil, []int64{ours}, []string{"delete ours"}},
		{"a tab without a chart and none wanted needs nothing", nil, []int64{}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var ex *tabLayout
			if tc.have != nil {
				ex = &tabLayout{id: sheetID, charts: tc.have}
			}
			var got []string
			for _, r := range chartRequests(sheets.Tab{Chart: tc.chart}, sheetID, ex) {
				switch {
				case r.AddChart != nil:
					if r.AddChart.Chart.ChartId != ours {
						t.Errorf("added chart id %d, want the fixed id %d", r.AddChart.Chart.ChartId, ours)
					}
					got = append(got, "add")
				case r.UpdateChartSpec != nil:
					got = append(got, "update")
				case r.DeleteEmbeddedObject != nil && r.DeleteEmbeddedObject.ObjectId == ours:
					got = append(got, "delete ours")
				case r.DeleteEmbeddedObject != nil:
					got = append(got, "delete 12345")
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("requests %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("requests %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestChartIDIsStableNonZeroAndPerTab(t *testing.T) {
	if a, b := chartID(5, 0), chartID(5, 0); chartID(0, 0) == 0 || a != b || a == chartID(6, 0) {
		t.Errorf("chart ids 0:%d 5:%d 6:%d: want stable, non-zero and distinct per tab", chartID(0, 0), chartID(5, 0), chartID(6, 0))
	}
}
