package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadWithNoFileUsesEnvironment(t *testing.T) {
	t.Setenv("PARTNERMAP_SOURCE_XLSX", "groups/eastside.xlsx")
	t.Setenv("PARTNERMAP_SCORING_WINDOW_DAYS", "90")
	t.Setenv("PARTNERMAP_SCORING_CADENCE", "7,30,60,90,0")
	t.Setenv("PARTNERMAP_OUTPUTS_POWER_MAP", "off")
	cfg, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Source.XLSX != "groups/eastside.xlsx" {
		t.Errorf("source.xlsx = %q", cfg.Source.XLSX)
	}
	if cfg.Scoring.WindowDays != 90 {
		t.Errorf("scoring.window_days = %d, want 90", cfg.Scoring.WindowDays)
	}
	if got := cfg.Scoring.Cadence; len(got) != 5 || got[0] != 7 {
		t.Errorf("scoring.cadence = %v", got)
	}
	if cfg.Outputs.PowerMap != "" {
		t.Errorf("outputs.power_map = %q, want off", cfg.Outputs.PowerMap)
	}
	if cfg.Outputs.Priorities != "Priorities" || cfg.Scoring.SoonDays != 7 || cfg.Grace != 30*time.Second {
		t.Errorf("defaults lost: %+v", cfg)
	}
}

func TestLoadFileThenEnvThenFlags(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	write(t, path, "source:\n  xlsx: file.xlsx\nschedule: \"0 7 * * *\"\nscoring:\n  window_days: 120\n  soon_days: 3\n")
	t.Setenv("PARTNERMAP_SCORING_SOON_DAYS", "5")
	cfg, err := Load(path, map[string]any{"source.xlsx": "flag.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Source.XLSX != "flag.xlsx" || cfg.Scoring.WindowDays != 120 || cfg.Scoring.SoonDays != 5 || cfg.Schedule != "0 7 * * *" {
		t.Errorf("precedence wrong: xlsx=%q window=%d soon=%d schedule=%q", cfg.Source.XLSX, cfg.Scoring.WindowDays, cfg.Scoring.SoonDays, cfg.Schedule)
	}
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"no source", "schedule: \"@every 15m\"\n", "source: set xlsx"},
		{"both sources", "source:\n  xlsx: a.xlsx\n  spreadsheet_id: abc\n", "not both"},
		{"unknown key", "source:\n  xlsx: a.xlsx\nscoring:\n  windw_days: 3\n", "windw_days"},
		{"wrong type", "source:\n  xlsx: a.xlsx\nscoring:\n  window_days: lots\n", "window_days"},
		{"bad schedule", "source:\n  xlsx: a.xlsx\nschedule: every day\n", "schedule"},
		{"too frequent", "source:\n  xlsx: a.xlsx\nschedule: \"@every 5s\"\n", "schedule"},
		{"bad timezone", "source:\n  xlsx: a.xlsx\ntimezone: Mars/Base\n", "timezone"},
		{"bad date order", "source:\n  xlsx: a.xlsx\ndate_order: YMD\n", "date_order"},
		{"weights not 100", "source:\n  xlsx: a.xlsx\nscoring:\n  power_points: 50\n", "scoring.power_points"},
		{"output clashes with input", "source:\n  xlsx: a.xlsx\noutputs:\n  priorities: Partners\n", "outputs.priorities"},
		{"not an xlsx", "source:\n  xlsx: a.csv\n", "source.xlsx"},
		{"short cadence", "source:\n  xlsx: a.xlsx\nscoring:\n  cadence: [14, 30]\n", "scoring.cadence"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			write(t, path, tt.yaml)
			_, err := Load(path, nil)
			var cerr *Error
			if !errors.As(err, &cerr) {
				t.Fatalf("want a *config.Error, got %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestUnknownOverrideKeyIsRefused(t *testing.T) {
	t.Setenv("PARTNERMAP_SOURCE_XLSX", "a.xlsx")
	if _, err := Load("", map[string]any{"scoring.nope": 1}); err == nil || !strings.Contains(err.Error(), "scoring.nope") {
		t.Fatalf("want an error naming scoring.nope, got %v", err)
	}
}

func TestMissingExplicitFileIsAnError(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"), nil)
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Fatalf("want an error naming the file, got %v", err)
	}
}

func TestSourcesInheritScheduleAndTabs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	write(t, path, `schedule: "@every 30m"
tabs:
  partners: Allies
sources:
  - name: north
    xlsx: north.xlsx
  - name: south
    spreadsheet_id: abc123
    schedule: "0 6 * * 1"
    outputs:
      power_map: "off"
`)
	cfg, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	list := cfg.SourceList()
	if len(list) != 2 {
		t.Fatalf("got %d sources", len(list))
	}
	if list[0].Schedule != "@every 30m" || list[0].Tabs.Partners != "Allies" || list[0].Outputs.Priorities != "Priorities" {
		t.Errorf("north did not inherit: %+v", list[0])
	}
	if list[1].Schedule != "0 6 * * 1" || list[1].Outputs.PowerMap != "" || list[1].Outputs.Priorities != "Priorities" {
		t.Errorf("south overrides lost: %+v", list[1])
	}
}

func TestExampleConfigIsValid(t *testing.T) {
	if _, err := Load("../config.example.yaml", nil); err != nil {
		t.Fatalf("config.example.yaml: %v", err)
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
