package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A wrong value names its key, where it was set (file, variable, command line) and the form
// expected; an unknown key gets the closest one; mapstructure's own words never show.
func TestConfigErrorsNameTheKeyWhereItWasSetAndTheFormExpected(t *testing.T) {
	dir := t.TempDir()
	n := 0
	file := func(text string) string {
		n++
		p := filepath.Join(dir, fmt.Sprintf("config%d.yaml", n))
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name      string
		path      string
		env       map[string]string
		overrides map[string]any
		want      []string
	}{
		{"a word for a number in the file", file("source:\n  xlsx: a.xlsx\nscoring:\n  window_days: lots\n"), nil, nil,
			[]string{`scoring.window_days (in PATH) is "lots": expected a whole number, like 90`}},
		{"a word for a number in a variable", "", map[string]string{"PARTNERMAP_SOURCE_XLSX": "a.xlsx", "PARTNERMAP_SCORING_WINDOW_DAYS": "lots"}, nil,
			[]string{`scoring.window_days (from environment variable PARTNERMAP_SCORING_WINDOW_DAYS) is "lots": expected a whole number`}},
		{"a word for a number on the command line", "", nil, map[string]any{"source.xlsx": "a.xlsx", "scoring.window_days": "lots"},
			[]string{`scoring.window_days (from the command line) is "lots": expected a whole number`}},
		{"a bad duration, a yes/no and misspelt keys at once",
			file("source:\n  xlsx: a.xlsx\nscoring:\n  windw_days: 3\n  nonpartisan: maybe\nschedual: x\ngrace: soon\n"), nil, nil,
			[]string{
				"unknown key scoring.windw_days in PATH — did you mean scoring.window_days?",
				"unknown key schedual in PATH — did you mean schedule?",
				"grace (in PATH) is not a duration: expected a duration like 90s, 5m or 1h",
				`scoring.nonpartisan (in PATH) is "maybe": expected true or false`,
			}},
		{"a list for text in a listed source", file("sources:\n  - name: north\n    xlsx: [a.xlsx]\n    spreadsheet: abc\n"), nil, nil,
			[]string{"sources[0].xlsx (in PATH) is a list: expected text",
				"unknown key sources[0].spreadsheet in PATH — did you mean sources[0].spreadsheet_id?"}},
		{"an unknown key on the command line", "", nil, map[string]any{"source.xlsx": "a.xlsx", "scoring.window_dys": "3"},
			[]string{"unknown key scoring.window_dys on the command line — did you mean scoring.window_days?"}},
		{"a value refused by validation names its variable", "", map[string]string{"PARTNERMAP_SOURCE_XLSX": "a.xlsx", "PARTNERMAP_DATE_ORDER": "YMD"}, nil,
			[]string{`date_order (from environment variable PARTNERMAP_DATE_ORDER): must be MDY`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			_, err := Load(tc.path, tc.overrides)
			if err == nil {
				t.Fatal("no error")
			}
			for _, want := range tc.want {
				if want = strings.ReplaceAll(want, "PATH", tc.path); !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
			for _, raw := range []string{"decoding failed", "invalid keys", "cannot parse", "unconvertible", "strconv", "'"} {
				if strings.Contains(err.Error(), raw) {
					t.Errorf("error shows mapstructure's words %q:\n%v", raw, err)
				}
			}
		})
	}
}

func TestAnEnvironmentVariableMatchingNoKeyIsAWarningWithTheClosest(t *testing.T) {
	got := UnknownEnv([]string{
		"PARTNERMAP_SCORING_WINDOWDAYS=90", "PARTNERMAP_SOURCE_XSLX=a.xlsx", "PARTNERMAP_ZZZ=1",
		"PARTNERMAP_SCORING_WINDOW_DAYS=90", "PARTNERMAP_SCORING=x", "HOME=/root", "LONG_TESTS=1",
	})
	want := []string{
		"environment variable PARTNERMAP_SCORING_WINDOWDAYS matches no setting and is ignored — did you mean PARTNERMAP_SCORING_WINDOW_DAYS (scoring.window_days)?",
		"environment variable PARTNERMAP_SOURCE_XSLX matches no setting and is ignored — did you mean PARTNERMAP_SOURCE_XLSX (source.xlsx)?",
		"environment variable PARTNERMAP_ZZZ matches no setting and is ignored (config.example.yaml lists every key",
	}
	if len(got) != len(want) {
		t.Fatalf("got %d warnings, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("warning %d:\n got  %s\n want %s", i, got[i], want[i])
		}
	}
	// Every key's own variable is known.
	var all []string
	for _, k := range KnownKeys() {
		all = append(all, EnvName(k)+"=x")
	}
	if w := UnknownEnv(all); len(w) != 0 {
		t.Errorf("known variables warned about: %v", w)
	}
}
