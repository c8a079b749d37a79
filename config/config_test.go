package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
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

// The digest settings: plain SMTP only to this machine, and a webhook URL (its token) never
// quoted in an error.
func TestNotifyConfig(t *testing.T) {
	base := map[string]any{"source.xlsx": "a.xlsx", "notify.from": "Group <a@example.org>", "notify.smtp.tls": "none"}
	for _, host := range []string{"localhost", "127.0.0.1", "::1"} {
		o := maps.Clone(base)
		o["notify.smtp.host"] = host
		if _, err := Load("", o); err != nil {
			t.Errorf("tls none to %s: %v", host, err)
		}
	}
	o := maps.Clone(base)
	o["notify.webhook"] = "ftp://chat.example.org/v1/spaces/AAA?token=s3cr3t"
	_, err := Load("", o)
	if err == nil || strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "spaces/AAA") {
		t.Errorf("bad webhook: %v", err)
	}
	t.Setenv("PARTNERMAP_NOTIFY_SMTP_PASSWORD", "app password")
	t.Setenv("PARTNERMAP_NOTIFY_LEADERS", "chair@example.org, Lena Kim")
	cfg, err := Load("", map[string]any{"source.xlsx": "a.xlsx", "notify.from": "a@example.org", "notify.smtp.host": "smtp.example.org", "notify.smtp.username": "a@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Notify.SMTP.Password.Reveal() != "app password" || cfg.Notify.SMTP.Port != 587 || cfg.Notify.SMTP.TLS != "starttls" ||
		strings.Join(cfg.Notify.Leaders, "|") != "chair@example.org|Lena Kim" {
		t.Errorf("notify = %+v", cfg.Notify)
	}
	if strings.Contains(fmt.Sprintf("%v %+v", cfg, cfg), "app password") {
		t.Error("the SMTP password shows when the config is printed")
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
		{"short cadence", "source:\n  xlsx: a.xlsx\nscoring:\n  cadence: [14, 30]\n", "scoring.cadence"},
		{"unknown top-level key", "source:\n  xlsx: a.xlsx\nschedual: \"@every 1h\"\n", "schedual"},
		{"unknown key in a listed source", "sources:\n  - name: north\n    xlsx: a.xlsx\n    spreadsheet: abc\n", "spreadsheet"},
		{"wrong type in a listed source", "sources:\n  - name: north\n    xlsx: [a.xlsx]\n", "xlsx"},
		{"negative weight", "source:\n  xlsx: a.xlsx\nscoring:\n  trust_weight: -1\n", "scoring.trust_weight"},
		{"weight over 100", "source:\n  xlsx: a.xlsx\nscoring:\n  impact_weight: 250\n", "scoring.impact_weight"},
		{"threshold off the 1-5 scale", "source:\n  xlsx: a.xlsx\nscoring:\n  high_power: 7\n", "scoring.high_power"},
		{"threshold off the stance scale", "source:\n  xlsx: a.xlsx\nscoring:\n  supportive_above: 3\n", "scoring.supportive_above"},
		{"urgency over 1", "source:\n  xlsx: a.xlsx\nscoring:\n  overdue_urgency: 1.5\n", "scoring.overdue_urgency"},
		{"wrong type of duration", "source:\n  xlsx: a.xlsx\nsync_timeout: soon\n", "sync_timeout"},
		{"negative backups", "source:\n  xlsx: a.xlsx\nxlsx:\n  backups: -1\n", "xlsx.backups"},
		{"no size cap", "source:\n  xlsx: a.xlsx\nxlsx:\n  max_mb: 0\n", "xlsx.max_mb"},
		{"digests on with nowhere to send", "source:\n  xlsx: a.xlsx\nnotify:\n  enabled: true\n", "notify.enabled"},
		{"plain SMTP to another host", "source:\n  xlsx: a.xlsx\nnotify:\n  from: a@example.org\n  smtp:\n    host: smtp.example.org\n    tls: none\n", "notify.smtp.tls"},
		{"unknown TLS mode", "source:\n  xlsx: a.xlsx\nnotify:\n  from: a@example.org\n  smtp:\n    host: smtp.example.org\n    tls: ssl\n", "notify.smtp.tls"},
		{"password without user", "source:\n  xlsx: a.xlsx\nnotify:\n  from: a@example.org\n  smtp:\n    host: smtp.example.org\n    password: x\n", "notify.smtp.password"},
		{"bad sender", "source:\n  xlsx: a.xlsx\nnotify:\n  from: not an address\n", "notify.from"},
		{"digest schedule as an interval", "source:\n  xlsx: a.xlsx\nnotify:\n  schedule: \"@every 1h\"\n", "notify.schedule"},
		{"webhook over http", "source:\n  xlsx: a.xlsx\nnotify:\n  webhook: http://hooks.example.org/T0/B0/s3cr3t\n", "notify.webhook"},
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

func TestWrongTypeFromTheEnvironmentNamesTheKey(t *testing.T) {
	t.Setenv("PARTNERMAP_SOURCE_XLSX", "a.xlsx")
	t.Setenv("PARTNERMAP_SCORING_HIGH_POWER", "high")
	_, err := Load("", nil)
	var cerr *Error
	if !errors.As(err, &cerr) || !strings.Contains(err.Error(), "high_power") {
		t.Fatalf("want a *config.Error naming high_power, got %v", err)
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

// keyJSON is a service-account key shaped like Google's; privateKey is the part that must
// never be shown.
const privateKey = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7kLSecretBody\n-----END PRIVATE KEY-----\n"

func keyJSON(t *testing.T) string {
	t.Helper()
	b, err := json.Marshal(map[string]string{"type": "service_account", "project_id": "chapter-123",
		"private_key_id": "0123456789abcdef", "private_key": privateKey,
		"client_email": "partnermap@chapter-123.iam.gserviceaccount.com", "token_uri": "https://oauth2.googleapis.com/token"})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// shown renders cfg every way a program might print or log it.
func shown(t *testing.T, v any) string {
	t.Helper()
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%v\n%+v\n%#v\n%s", v, v, v, j)
}

func TestCredentialsJSONComesFromTheEnvironmentAndIsNeverShown(t *testing.T) {
	key := keyJSON(t)
	t.Setenv("PARTNERMAP_SOURCE_SPREADSHEET_ID", "abc123")
	t.Setenv("PARTNERMAP_SOURCE_CREDENTIALS_JSON", key)
	cfg, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Source.CredentialsJSON.Reveal() != key {
		t.Errorf("source.credentials_json did not come from the environment")
	}
	list := cfg.SourceList()
	if len(list) != 1 || list[0].CredentialsJSON.Reveal() != key {
		t.Fatalf("the source to sync lost its key: %d sources", len(list))
	}
	for _, v := range []any{cfg, list[0], cfg.Source.CredentialsJSON} {
		if out := shown(t, v); strings.Contains(out, "SecretBody") || strings.Contains(out, "PRIVATE KEY") {
			t.Errorf("the key shows when the config is printed:\n%s", out)
		}
	}
	if got := fmt.Sprint(cfg.Source.CredentialsJSON); got != "[redacted]" {
		t.Errorf("a set secret prints as %q; want [redacted]", got)
	}
}

func TestListedSourcesUseTheKeyFromTheEnvironment(t *testing.T) {
	key := keyJSON(t)
	t.Setenv("PARTNERMAP_SOURCE_CREDENTIALS_JSON", key)
	path := filepath.Join(t.TempDir(), "config.yaml")
	write(t, path, `sources:
  - name: north
    spreadsheet_id: north123
  - name: south
    spreadsheet_id: south123
    credentials_file: /etc/partnermap/south-key.json
  - name: west
    xlsx: west.xlsx
`)
	cfg, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	list := cfg.SourceList()
	if list[0].CredentialsJSON.Reveal() != key || list[0].CredentialsFile != "" {
		t.Errorf("north does not use the key from the environment")
	}
	if list[1].CredentialsJSON != "" || list[1].CredentialsFile != "/etc/partnermap/south-key.json" {
		t.Errorf("south's own key file was replaced")
	}
}

func TestKeyPastedIntoYAMLIsUsed(t *testing.T) {
	key := keyJSON(t)
	path := filepath.Join(t.TempDir(), "config.yaml")
	// Unquoted JSON is a YAML mapping; it must still reach the client as the JSON text.
	write(t, path, "source:\n  spreadsheet_id: abc123\n  credentials_json: "+key+"\n")
	cfg, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got, want map[string]string
	if err := json.Unmarshal([]byte(cfg.Source.CredentialsJSON.Reveal()), &got); err != nil {
		t.Fatalf("credentials_json is not JSON any more: %v", err)
	}
	_ = json.Unmarshal([]byte(key), &want)
	if got["private_key"] != want["private_key"] || got["client_email"] != want["client_email"] {
		t.Errorf("the pasted key changed on the way")
	}
}

func TestBadKeyInTheEnvironmentIsNamedNotShown(t *testing.T) {
	key := keyJSON(t)
	tests := []struct {
		name, value, want string
	}{
		{"cut short", key[:len(key)/2], "not JSON"},
		{"a file name instead of the content", "/etc/partnermap/key.json", "not JSON"},
		{"another type of key", strings.Replace(key, "service_account", "authorized_user", 1), `"authorized_user"`},
		{"no private key", strings.Replace(key, `"private_key"`, `"private_kee"`, 1), "private_key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("PARTNERMAP_SOURCE_SPREADSHEET_ID", "abc123")
			t.Setenv("PARTNERMAP_SOURCE_CREDENTIALS_JSON", tt.value)
			_, err := Load("", nil)
			var cerr *Error
			if !errors.As(err, &cerr) {
				t.Fatalf("want a *config.Error, got %v", err)
			}
			msg := err.Error()
			for _, want := range []string{"source.credentials_json", "PARTNERMAP_SOURCE_CREDENTIALS_JSON", tt.want} {
				if !strings.Contains(msg, want) {
					t.Errorf("error does not say %q: %s", want, msg)
				}
			}
			for _, secret := range []string{"SecretBody", "PRIVATE KEY", "/etc/partnermap/key.json"} {
				if strings.Contains(msg, secret) {
					t.Errorf("error shows the value (%q): %s", secret, msg)
				}
			}
		})
	}
}

func TestCredentialsJSONOfTheWrongTypeIsRefusedWithoutItsValue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	write(t, path, "source:\n  spreadsheet_id: abc123\n  credentials_json: [4815162342]\n")
	_, err := Load(path, nil)
	if err == nil || !strings.Contains(err.Error(), "credentials_json") || strings.Contains(err.Error(), "4815162342") {
		t.Fatalf("want an error naming credentials_json without its value, got %v", err)
	}
}

func TestKeyFileAndKeyContentTogetherAreRefused(t *testing.T) {
	t.Setenv("PARTNERMAP_SOURCE_SPREADSHEET_ID", "abc123")
	t.Setenv("PARTNERMAP_SOURCE_CREDENTIALS_FILE", "/etc/partnermap/key.json")
	t.Setenv("PARTNERMAP_SOURCE_CREDENTIALS_JSON", keyJSON(t))
	_, err := Load("", nil)
	if err == nil || !strings.Contains(err.Error(), "source.credentials_json") || !strings.Contains(err.Error(), "credentials_file") {
		t.Fatalf("want an error naming both keys, got %v", err)
	}
}

// TestSecretLikeKeysAreSecrets keeps the rule for keys added later: anything named like a
// secret is a Secret, so it prints redacted and can be set from the environment.
func TestSecretLikeKeysAreSecrets(t *testing.T) {
	secretish := []string{"json", "token", "password", "secret", "api_key", "private"}
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			key := prefix + f.Tag.Get("mapstructure")
			ft := f.Type
			if ft.Kind() == reflect.Slice {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && ft != reflect.TypeOf(time.Duration(0)) {
				walk(key+".", ft)
				continue
			}
			for _, word := range secretish {
				if strings.Contains(strings.ToLower(key), word) && f.Type != reflect.TypeOf(Secret("")) {
					t.Errorf("%s looks secret but is a %s, not a config.Secret", key, f.Type)
				}
			}
		}
	}
	walk("", reflect.TypeOf(Config{}))
	if _, ok := reflect.TypeOf(Source{}).FieldByName("CredentialsJSON"); !ok {
		t.Fatal("Source.CredentialsJSON is gone; this test no longer sees the secret it guards")
	}
}

func TestASourceTurnsOutputsOffAsTheTopLevelDoes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	write(t, path, `outputs:
  owners: "-"
sources:
  - name: north
    xlsx: north.xlsx
    outputs:
      priorities: " Off "
      connections: "-"
      power_map: " Our map "
`)
	cfg, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := cfg.SourceList()[0].Outputs
	if out.Priorities != "" || out.Connections != "" || out.Owners != "" {
		t.Errorf("off, - and a padded Off should turn a tab off: %+v", out)
	}
	if out.PowerMap != "Our map" || out.FollowUps != "Follow-ups" {
		t.Errorf("names should be trimmed and the rest inherited: %+v", out)
	}
}

func TestSmallConfigHolesAreClosed(t *testing.T) {
	for _, tt := range []struct {
		name, yaml, want string
	}{
		{"a cron schedule that never fires", "source:\n  xlsx: a.xlsx\nschedule: \"0 0 30 2 *\"\n", "never runs"},
		{"a listed source's schedule that never fires", "sources:\n  - name: north\n    xlsx: a.xlsx\n    schedule: \"0 0 31 4 *\"\n", "never runs"},
		{"max_mb that would wrap around as bytes", "source:\n  xlsx: a.xlsx\nxlsx:\n  max_mb: 17592186044416\n", "xlsx.max_mb"},
		{"max_mb over what is read into memory", "source:\n  xlsx: a.xlsx\nxlsx:\n  max_mb: 4096\n", "xlsx.max_mb"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			write(t, path, tt.yaml)
			_, err := Load(path, nil)
			var cerr *Error
			if !errors.As(err, &cerr) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a config error mentioning %q", err, tt.want)
			}
		})
	}
	t.Run("log level trace, which zerolog has", func(t *testing.T) {
		t.Setenv("PARTNERMAP_SOURCE_XLSX", "a.xlsx")
		cfg, err := Load("", map[string]any{"log.level": "trace"})
		if err != nil || cfg.Log.Level != "trace" {
			t.Fatalf("log.level trace: %v, %q", err, cfg.Log.Level)
		}
	})
}

func TestAConfigFileThatIsNoFileIsRefusedWithoutReadingIt(t *testing.T) {
	dir := t.TempDir()
	zero := filepath.Join(dir, "config.yaml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.yaml")
	write(t, big, "# "+strings.Repeat("x", 2<<20)+"\nsource:\n  xlsx: a.xlsx\n")
	for path, want := range map[string]string{zero: "not a regular file", big: "larger than"} {
		done := make(chan error, 1)
		go func() { _, err := Load(path, nil); done <- err }()
		select {
		case err := <-done:
			var cerr *Error
			if !errors.As(err, &cerr) || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: err = %v, want a config error saying %q", filepath.Base(path), err, want)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: loading never ended", filepath.Base(path))
		}
	}
}
