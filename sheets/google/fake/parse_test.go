package fake

import (
	"encoding/json"
	"testing"
)

func TestParseA1(t *testing.T) {
	cases := []struct {
		in    string
		sheet string
		want  rect
		bad   bool
	}{
		{in: "Partners", sheet: "Partners", want: rect{0, 0, -1, -1}},
		{in: "Partners!A1:C5", sheet: "Partners", want: rect{0, 0, 5, 3}},
		{in: "'My Notes'!B2", sheet: "My Notes", want: rect{1, 1, 2, 2}},
		{in: "'It''s'!A:B", sheet: "It's", want: rect{0, 0, -1, 2}},
		{in: "Partners!2:4", sheet: "Partners", want: rect{1, 0, 4, -1}},
		{in: "Partners!A2:C", sheet: "Partners", want: rect{1, 0, -1, 3}},
		{in: "AA10:AB11", sheet: "", want: rect{9, 26, 11, 28}},
		{in: "Partners!A0", bad: true},
		{in: "'Open", bad: true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseA1(tc.in)
			if tc.bad {
				if err == nil {
					t.Errorf("parsed %+v; want an error", got)
				}
				return
			}
			if err != nil || got.sheet != tc.sheet || got.cells != tc.want {
				t.Errorf("got %+v, %v; want sheet %q cells %+v", got, err, tc.sheet, tc.want)
			}
		})
	}
}

func TestFieldMask(t *testing.T) {
	doc := `{"properties":{"timeZone":"UTC","title":"T"},"sheets":[{"properties":{"sheetId":1,"title":"A","index":0},
		"data":[{"rowData":[{"values":[{"effectiveValue":{"numberValue":1},"effectiveFormat":{"numberFormat":{"type":"DATE"},"textFormat":{}},"note":"n"}]}]}]}]}`
	cases := []struct {
		mask, want string
	}{
		{"properties.timeZone", `{"properties":{"timeZone":"UTC"}}`},
		{"sheets(properties(title))", `{"sheets":[{"properties":{"title":"A"}}]}`},
		{"sheets/properties/sheetId,properties", `{"properties":{"timeZone":"UTC","title":"T"},"sheets":[{"properties":{"sheetId":1}}]}`},
		{"sheets(data(rowData(values(effectiveValue,effectiveFormat/numberFormat/type))))",
			`{"sheets":[{"data":[{"rowData":[{"values":[{"effectiveFormat":{"numberFormat":{"type":"DATE"}},"effectiveValue":{"numberValue":1}}]}]}]}]}`},
		{"*", doc},
	}
	for _, tc := range cases {
		t.Run(tc.mask, func(t *testing.T) {
			tree, err := parseMask(tc.mask)
			if err != nil {
				t.Fatal(err)
			}
			var v any
			if err := json.Unmarshal([]byte(doc), &v); err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(tree.prune(v))
			var want any
			_ = json.Unmarshal([]byte(tc.want), &want)
			wantJSON, _ := json.Marshal(want)
			if string(got) != string(wantJSON) {
				t.Errorf("prune = %s; want %s", got, wantJSON)
			}
		})
	}
	for _, bad := range []string{"sheets(", "a,,b", "a)"} {
		if _, err := parseMask(bad); err == nil {
			t.Errorf("parseMask(%q) succeeded; want an error", bad)
		}
	}
}
