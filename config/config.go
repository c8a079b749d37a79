// Package config turns config.yaml, PARTNERMAP_* environment variables and command-line
// flags into one typed, validated Config. Every key has a default, so partnermap runs with
// no file at all (PARTNERMAP_SOURCE_XLSX=path is enough).
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/robfig/cron/v3"
	"github.com/spf13/viper"

	"github.com/partnermap/partnermap/scoring"
)

// Config is the whole configuration of one partnermap process.
type Config struct {
	// Source is the spreadsheet to sync when Sources is empty.
	Source Source `mapstructure:"source"`
	// Sources lists several spreadsheets (one per chapter) served by one process.
	Sources []Source `mapstructure:"sources"`
	// Schedule is "@every 15m" or a cron expression (optionally "CRON_TZ=Zone ...").
	Schedule string `mapstructure:"schedule"`
	// Timezone fixes the as-of day; "" means the spreadsheet's own zone (Google) or the local zone (xlsx).
	Timezone string `mapstructure:"timezone"`
	// DateOrder reads 11/12/2026 as month/day (MDY) or day/month (DMY).
	DateOrder string         `mapstructure:"date_order"`
	Tabs      Tabs           `mapstructure:"tabs"`
	Outputs   Outputs        `mapstructure:"outputs"`
	Scoring   scoring.Config `mapstructure:"scoring"`
	History   History        `mapstructure:"history"`
	Google    Google         `mapstructure:"google"`
	XLSX      XLSX           `mapstructure:"xlsx"`
	HTTP      HTTP           `mapstructure:"http"`
	Log       Log            `mapstructure:"log"`
	// Notify sends each relationship owner a weekly digest (SPEC §7).
	Notify Notify `mapstructure:"notify"`
	// StateDir holds lock files and the service's state.
	StateDir string `mapstructure:"state_dir"`
	// SyncTimeout bounds one sync, retries included.
	SyncTimeout time.Duration `mapstructure:"sync_timeout"`
	// Grace is how long a running sync may finish after SIGINT/SIGTERM.
	Grace time.Duration `mapstructure:"grace"`
}

// Source is one spreadsheet: a local workbook or a Google Sheet.
type Source struct {
	// Name labels the source in logs and metrics (default: the file name or sheet id).
	Name string `mapstructure:"name"`
	// XLSX is the path of a local workbook.
	XLSX string `mapstructure:"xlsx"`
	// SpreadsheetID is a Google Sheet's id (from its URL).
	SpreadsheetID string `mapstructure:"spreadsheet_id"`
	// CredentialsFile is a service-account JSON key; "" (and no CredentialsJSON) means
	// Application Default Credentials.
	CredentialsFile string `mapstructure:"credentials_file"`
	// CredentialsJSON is the content of a service-account JSON key, for keys kept in the
	// environment (PARTNERMAP_SOURCE_CREDENTIALS_JSON) or a secret store rather than a file.
	CredentialsJSON Secret `mapstructure:"credentials_json"`
	// Endpoint points the Google client at another server (an emulator or test fake).
	Endpoint string `mapstructure:"endpoint"`
	// Schedule overrides the top-level schedule for this source.
	Schedule string `mapstructure:"schedule"`
	// Tabs and Outputs override tab names for this source; blank fields inherit.
	Tabs    Tabs    `mapstructure:"tabs"`
	Outputs Outputs `mapstructure:"outputs"`
}

// Secret is a configuration value that must never be shown: printed with fmt, encoded as
// JSON or text, or logged, it reads "[redacted]", so a dumped Config or Source cannot leak
// it. Reveal gives the value to the code that needs it.
type Secret string

const redacted = "[redacted]"

// Reveal returns the secret itself.
func (s Secret) Reveal() string { return string(s) }

func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString keeps %#v from printing the value.
func (s Secret) GoString() string { return fmt.Sprintf("config.Secret(%q)", s.String()) }

// MarshalJSON keeps JSON encoders (zerolog's Interface among them) from printing the value.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// MarshalText keeps text encoders (YAML, TOML) from printing the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Label names the source for people: its Name, else its path or sheet id.
func (s Source) Label() string {
	switch {
	case s.Name != "":
		return s.Name
	case s.XLSX != "":
		return s.XLSX
	}
	return s.SpreadsheetID
}

// Tabs are the names of the volunteers' input tabs.
type Tabs struct {
	Partners string `mapstructure:"partners"`
	Assets   string `mapstructure:"assets"`
	Meetings string `mapstructure:"meetings"`
	Members  string `mapstructure:"members"`
	// Campaigns and Stances are optional (§8): a group that runs no campaign has neither.
	Campaigns string `mapstructure:"campaigns"`
	Stances   string `mapstructure:"stances"`
}

// Outputs are the names of the tabs partnermap writes; "off" (or "") turns one off.
type Outputs struct {
	Priorities  string `mapstructure:"priorities"`
	FollowUps   string `mapstructure:"follow_ups"`
	PowerMap    string `mapstructure:"power_map"`
	Connections string `mapstructure:"connections"`
	Owners      string `mapstructure:"owners"`
	DataIssues  string `mapstructure:"data_issues"`
	SyncStatus  string `mapstructure:"sync_status"`
	// History is read back as data as well as written: partnermap's record of each partner
	// over time. Progress is drawn from it, so it is left out when History is off.
	History  string `mapstructure:"history"`
	Progress string `mapstructure:"progress"`
	// Campaigns is written only when the Campaigns tab has an active campaign.
	Campaigns string `mapstructure:"campaigns"`
	// Profiles holds what we know about each partner; Themes what recurs across them.
	Profiles string `mapstructure:"profiles"`
	Themes   string `mapstructure:"themes"`
}

// Enabled returns the output names that are turned on, in display order.
func (o Outputs) Enabled() []string {
	var names []string
	for _, n := range []string{o.Priorities, o.FollowUps, o.PowerMap, o.Connections, o.Owners, o.DataIssues, o.SyncStatus, o.History, o.Progress, o.Campaigns, o.Profiles, o.Themes} {
		if n != "" {
			names = append(names, n)
		}
	}
	return names
}

// History bounds the History tab.
type History struct {
	// KeepDays drops History rows older than this many days, except each partner's latest;
	// 0 keeps every row.
	KeepDays int `mapstructure:"keep_days"`
}

// Google holds settings shared by every Google source of the process.
type Google struct {
	// RequestsPerMinute caps the API calls in any minute of all sources that use the same
	// service account (credentials) together: the per-user quota is 60.
	RequestsPerMinute int `mapstructure:"requests_per_minute"`
}

// XLSX holds settings of the local workbook backend.
type XLSX struct {
	// Backups is how many previous versions of a workbook are kept beside it.
	Backups int `mapstructure:"backups"`
	// MaxMB refuses workbooks larger than this many megabytes.
	MaxMB int `mapstructure:"max_mb"`
}

// HTTP is the optional health and metrics listener.
type HTTP struct {
	// Listen is an address like 127.0.0.1:9464; "" turns the listener off.
	Listen string `mapstructure:"listen"`
}

// Notify configures the weekly digests by mail and chat webhook.
type Notify struct {
	// Enabled makes the service send digests on Schedule; `notify --now` sends whenever
	// SMTP.Host or Webhook is set.
	Enabled bool `mapstructure:"enabled"`
	// Schedule is a cron expression in the configured timezone (default Mondays 08:00).
	Schedule string `mapstructure:"schedule"`
	// From is the sender, e.g. "Eastside Coalition <partnermap@example.org>".
	From    string `mapstructure:"from"`
	ReplyTo string `mapstructure:"reply_to"`
	// Leaders get the leaders' digest besides the members whose Role is Leader: addresses,
	// or names of members.
	Leaders []string `mapstructure:"leaders"`
	// Webhook is a Google Chat or Slack incoming-webhook URL; its token is in the URL, so it
	// is a secret.
	Webhook Secret `mapstructure:"webhook"`
	// RetryFor bounds the retries of temporary failures (SMTP 4xx, dropped connections,
	// webhook 429/5xx) in one run.
	RetryFor time.Duration `mapstructure:"retry_for"`
	SMTP     SMTP          `mapstructure:"smtp"`
}

// SMTP is the mail server digests are sent through.
type SMTP struct {
	Host     string `mapstructure:"host"`
	Port     int    `mapstructure:"port"`
	Username string `mapstructure:"username"`
	Password Secret `mapstructure:"password"`
	// TLS is starttls (upgrade a plain connection, port 587), tls (implicit TLS, port 465)
	// or none (loopback hosts only: a relay on the same machine).
	TLS string `mapstructure:"tls"`
	// Timeout bounds connecting and each SMTP command.
	Timeout time.Duration `mapstructure:"timeout"`
	// CAFile is a PEM file of certificates to trust for the server, besides the system's:
	// for a relay with a certificate from the group's own authority.
	CAFile string `mapstructure:"ca_file"`
}

// Sends reports whether there is anywhere to send digests.
func (n Notify) Sends() bool { return n.SMTP.Host != "" || n.Webhook != "" }

// Log sets the log output.
type Log struct {
	Level  string `mapstructure:"level"`  // trace, debug, info, warn, error
	Format string `mapstructure:"format"` // auto (console on a terminal, else JSON), console, json
}

// Default returns the configuration used when nothing is set.
func Default() Config {
	return Config{
		Schedule:  "@every 15m",
		DateOrder: "MDY",
		Tabs: Tabs{Partners: "Partners", Assets: "Assets", Meetings: "Meetings", Members: "Members",
			Campaigns: "Campaigns", Stances: "Stances"},
		Outputs: Outputs{
			Priorities: "Priorities", FollowUps: "Follow-ups", PowerMap: "Power Map",
			Connections: "Connections", Owners: "Owners", DataIssues: "Data Issues", SyncStatus: "Sync Status",
			History: "History", Progress: "Progress", Campaigns: "Campaign Maps",
			Profiles: "Profiles", Themes: "Themes",
		},
		History: History{KeepDays: 1095},
		Scoring: scoring.DefaultConfig(),
		Google:  Google{RequestsPerMinute: 60},
		XLSX:    XLSX{Backups: 3, MaxMB: 100},
		Log:     Log{Level: "info", Format: "auto"},
		Notify: Notify{
			Schedule: "0 8 * * 1",
			RetryFor: 5 * time.Minute,
			SMTP:     SMTP{Port: 587, TLS: "starttls", Timeout: 30 * time.Second},
		},
		StateDir:    defaultStateDir(),
		SyncTimeout: 5 * time.Minute,
		Grace:       30 * time.Second,
	}
}

// Error is a configuration problem: the admin's file, environment or flags. It maps to exit code 2.
type Error struct{ Err error }

func (e *Error) Error() string { return "configuration: " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// EnvPrefix prefixes every environment variable: scoring.window_days is PARTNERMAP_SCORING_WINDOW_DAYS.
const EnvPrefix = "PARTNERMAP"

// Load reads the config file (if path is not empty; a missing explicit file is an error), then the
// environment, then the overrides (flag values keyed like "source.xlsx"), and validates the result.
func Load(path string, overrides map[string]any) (Config, error) {
	v := viper.New()
	setDefaults(v, Default())
	v.SetEnvPrefix(EnvPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	if path != "" {
		data, err := ReadFile(path)
		if err != nil {
			return Config{}, &Error{fmt.Errorf("read %s: %w", path, err)}
		}
		v.SetConfigFile(path)
		v.SetConfigType(configType(path))
		if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
			return Config{}, &Error{fmt.Errorf("read %s: %w", path, err)}
		}
	}
	for key, val := range overrides {
		if !knownKey(v, key) {
			return Config{}, &Error{errors.New(unknownKeyLine(key, "on the command line", KnownKeys()))}
		}
		v.Set(key, val)
	}
	from := origins{v: v, path: path, overrides: overrides}
	var cfg Config
	err := v.UnmarshalExact(&cfg, viper.DecodeHook(mapstructure.ComposeDecodeHookFunc(
		mapstructure.StringToTimeDurationHookFunc(),
		mapstructure.StringToSliceHookFunc(","),
		splitListHook,
		secretHook,
	)))
	if err != nil {
		return Config{}, &Error{explainDecode(err, from, KnownKeys())}
	}
	cfg.normalize()
	if err := cfg.Validate(); err != nil {
		return Config{}, &Error{withOrigins(err, from)}
	}
	return cfg, nil
}

// secretHook decodes a Secret. A JSON key pasted into YAML without quotes is a YAML
// mapping (JSON is YAML), so a mapping becomes its JSON text again; any other type is
// refused without echoing the value, which mapstructure's own message would do.
func secretHook(from, to reflect.Type, data any) (any, error) {
	if to != reflect.TypeOf(Secret("")) {
		return data, nil
	}
	switch d := data.(type) {
	case string, Secret:
		return data, nil
	case map[string]any:
		b, err := json.Marshal(d)
		if err != nil {
			return nil, errors.New("could not turn the mapping back into JSON text: put the key in quotes")
		}
		return string(b), nil
	}
	return nil, fmt.Errorf("must be text (the whole JSON key), got a %s", from.Kind())
}

// splitListHook splits "14,30,60" from an environment variable or flag into a list of any
// element type (mapstructure's own hook only makes lists of strings).
func splitListHook(from, to reflect.Type, data any) (any, error) {
	if to.Kind() != reflect.Slice {
		return data, nil
	}
	if s, ok := data.(string); ok {
		data = []string{s}
		from = reflect.TypeOf(data)
	}
	if from.Kind() != reflect.Slice {
		return data, nil
	}
	v := reflect.ValueOf(data)
	if v.Len() != 1 {
		return data, nil
	}
	s, ok := v.Index(0).Interface().(string)
	if !ok || !strings.Contains(s, ",") {
		return data, nil
	}
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts, nil
}

// configType is the format of a config file, by its extension (YAML when it has none).
func configType(path string) string {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	for _, e := range viper.SupportedExts {
		if e == ext {
			return ext
		}
	}
	return "yaml"
}

// setDefaults registers every key with viper so environment variables can override it.
func setDefaults(v *viper.Viper, cfg Config) {
	var walk func(prefix string, val reflect.Value)
	walk = func(prefix string, val reflect.Value) {
		t := val.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			key := f.Tag.Get("mapstructure")
			if key == "" {
				continue
			}
			if prefix != "" {
				key = prefix + "." + key
			}
			fv := val.Field(i)
			if fv.Kind() == reflect.Struct && f.Type != reflect.TypeOf(time.Duration(0)) {
				walk(key, fv)
				continue
			}
			if sec, ok := fv.Interface().(Secret); ok {
				v.SetDefault(key, sec.Reveal()) // viper's casts would print "[redacted]"
				continue
			}
			v.SetDefault(key, fv.Interface())
		}
	}
	walk("", reflect.ValueOf(cfg))
}

func knownKey(v *viper.Viper, key string) bool {
	key = strings.ToLower(key)
	for _, k := range v.AllKeys() {
		if k == key || strings.HasPrefix(k, key+".") {
			return true
		}
	}
	return false
}

// normalize trims names and applies "off".
func (c *Config) normalize() {
	off := func(s *string) {
		*s = strings.TrimSpace(*s)
		if isOff(*s) {
			*s = ""
		}
	}
	for _, p := range []*string{&c.Outputs.Priorities, &c.Outputs.FollowUps, &c.Outputs.PowerMap,
		&c.Outputs.Connections, &c.Outputs.Owners, &c.Outputs.DataIssues, &c.Outputs.SyncStatus,
		&c.Outputs.History, &c.Outputs.Progress, &c.Outputs.Campaigns,
		&c.Outputs.Profiles, &c.Outputs.Themes} {
		off(p)
	}
	c.DateOrder = strings.ToUpper(strings.TrimSpace(c.DateOrder))
	if strings.TrimSpace(c.StateDir) == "" {
		c.StateDir = defaultStateDir()
	}
	c.Notify.SMTP.Host = strings.TrimSpace(c.Notify.SMTP.Host)
	c.Notify.SMTP.TLS = strings.ToLower(strings.TrimSpace(c.Notify.SMTP.TLS))
	c.Notify.Webhook = Secret(strings.TrimSpace(c.Notify.Webhook.Reveal()))
	leaders := c.Notify.Leaders[:0:0]
	for _, l := range c.Notify.Leaders {
		if l = strings.TrimSpace(l); l != "" {
			leaders = append(leaders, l)
		}
	}
	c.Notify.Leaders = leaders
	c.Source.XLSX = strings.TrimSpace(c.Source.XLSX)
	c.Source.SpreadsheetID = strings.TrimSpace(c.Source.SpreadsheetID)
}

// isOff reports an output tab name that turns the tab off, at the top level or in a source.
func isOff(name string) bool {
	name = strings.TrimSpace(name)
	return strings.EqualFold(name, "off") || name == "-"
}

// SourceList returns the sources to sync: Sources, or the single Source when that is empty.
// Each is completed with the top-level schedule and tab names where it leaves them blank.
func (c Config) SourceList() []Source {
	list := c.Sources
	if len(list) == 0 && (c.Source.XLSX != "" || c.Source.SpreadsheetID != "") {
		list = []Source{c.Source}
	}
	out := make([]Source, len(list))
	for i, s := range list {
		if s.Schedule == "" {
			s.Schedule = c.Schedule
		}
		if s.CredentialsFile == "" && s.CredentialsJSON == "" {
			// source.credentials_* (and so PARTNERMAP_SOURCE_CREDENTIALS_JSON) serve every
			// listed source that names no key of its own.
			s.CredentialsFile, s.CredentialsJSON = c.Source.CredentialsFile, c.Source.CredentialsJSON
		}
		s.Tabs = inheritTabs(s.Tabs, c.Tabs)
		s.Outputs = inheritOutputs(s.Outputs, c.Outputs)
		out[i] = s
	}
	return out
}

func inheritTabs(t, base Tabs) Tabs {
	pick := func(a, b string) string {
		if a != "" {
			return a
		}
		return b
	}
	return Tabs{Partners: pick(t.Partners, base.Partners), Assets: pick(t.Assets, base.Assets), Meetings: pick(t.Meetings, base.Meetings),
		Members: pick(t.Members, base.Members), Campaigns: pick(t.Campaigns, base.Campaigns), Stances: pick(t.Stances, base.Stances)}
}

func inheritOutputs(o, base Outputs) Outputs {
	if o == (Outputs{}) {
		return base
	}
	pick := func(a, b string) string {
		a = strings.TrimSpace(a)
		switch {
		case isOff(a):
			return ""
		case a != "":
			return a
		}
		return b
	}
	return Outputs{pick(o.Priorities, base.Priorities), pick(o.FollowUps, base.FollowUps), pick(o.PowerMap, base.PowerMap),
		pick(o.Connections, base.Connections), pick(o.Owners, base.Owners), pick(o.DataIssues, base.DataIssues), pick(o.SyncStatus, base.SyncStatus),
		pick(o.History, base.History), pick(o.Progress, base.Progress), pick(o.Campaigns, base.Campaigns),
		pick(o.Profiles, base.Profiles), pick(o.Themes, base.Themes)}
}

// Validate reports every problem at once, each naming its key.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{key}, args...)...))
	}
	sources := c.SourceList()
	if len(sources) == 0 {
		bad("source", "set xlsx (a local workbook) or spreadsheet_id (a Google Sheet), e.g. PARTNERMAP_SOURCE_XLSX=groups.xlsx")
	}
	if len(c.Sources) > 0 && (c.Source.XLSX != "" || c.Source.SpreadsheetID != "") {
		bad("sources", "use either source: (one spreadsheet) or sources: (a list), not both")
	}
	for i, s := range sources {
		key := "source"
		if len(c.Sources) > 0 {
			key = fmt.Sprintf("sources[%d]", i)
		}
		switch {
		case s.XLSX != "" && s.SpreadsheetID != "":
			bad(key, "set either xlsx (a local workbook) or spreadsheet_id (a Google Sheet), not both")
		case s.XLSX == "" && s.SpreadsheetID == "":
			bad(key, "set xlsx (a local workbook) or spreadsheet_id (a Google Sheet)")
		}
		// What the file at source.xlsx really is (an .ods, a CSV) is told by the xlsx backend
		// from its content, with how to save it as .xlsx; its name alone proves nothing.
		if s.SpreadsheetID != "" {
			if err := checkCredentials(s); err != nil {
				bad(key+".credentials_json", "%v", err)
			}
		}
		if s.Schedule != c.Schedule {
			if err := checkSchedule(s.Schedule); err != nil {
				bad(key+".schedule", "%v", err)
			}
		}
		if err := checkTabNames(s.Tabs, s.Outputs); err != nil {
			bad(key+".tabs", "%v", err)
		}
	}
	labels := map[string]bool{}
	for i, s := range sources {
		if labels[s.Label()] {
			bad(fmt.Sprintf("sources[%d].name", i), "%q is used by two sources: give each a distinct name", s.Label())
		}
		labels[s.Label()] = true
	}
	if err := checkSchedule(c.Schedule); err != nil {
		bad("schedule", "%v", err)
	}
	if c.Timezone != "" {
		if _, err := time.LoadLocation(c.Timezone); err != nil {
			bad("timezone", "unknown time zone %q (use a name like America/Chicago)", c.Timezone)
		}
	}
	if c.History.KeepDays < 0 {
		bad("history.keep_days", "must be 0 (keep every row) or a number of days, got %d", c.History.KeepDays)
	}
	if c.DateOrder != "MDY" && c.DateOrder != "DMY" {
		bad("date_order", "must be MDY (11/23/2026) or DMY (23/11/2026), got %q", c.DateOrder)
	}
	if err := checkTabNames(c.Tabs, c.Outputs); err != nil {
		bad("tabs", "%v", err)
	}
	if err := c.Scoring.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Google.RequestsPerMinute < 1 {
		bad("google.requests_per_minute", "must be at least 1, got %d", c.Google.RequestsPerMinute)
	}
	if c.XLSX.Backups < 0 {
		bad("xlsx.backups", "must be 0 or more, got %d", c.XLSX.Backups)
	}
	if c.XLSX.MaxMB < 1 || c.XLSX.MaxMB > MaxWorkbookMB {
		// Bounded above too: the megabytes become bytes, which must not wrap around, and the
		// whole file is read into memory.
		bad("xlsx.max_mb", "must be from 1 to %d, got %d", MaxWorkbookMB, c.XLSX.MaxMB)
	}
	switch c.Log.Level {
	case "trace", "debug", "info", "warn", "error":
	default:
		bad("log.level", "must be trace, debug, info, warn or error, got %q", c.Log.Level)
	}
	switch c.Log.Format {
	case "auto", "console", "json":
	default:
		bad("log.format", "must be auto, console or json, got %q", c.Log.Format)
	}
	errs = append(errs, c.Notify.validate()...)
	if c.SyncTimeout < time.Second {
		bad("sync_timeout", "must be at least 1s, got %s", c.SyncTimeout)
	}
	if c.Grace < 0 {
		bad("grace", "must not be negative, got %s", c.Grace)
	}
	return errors.Join(errs...)
}

// checkCredentials looks at a key given as content without ever quoting it: a JSON error
// would show the character it stopped at.
func checkCredentials(s Source) error {
	if s.CredentialsJSON == "" {
		return nil
	}
	if s.CredentialsFile != "" {
		return errors.New("credentials_file is set too: keep one of the two")
	}
	var key struct {
		Type        string `json:"type"`
		ClientEmail string `json:"client_email"`
		PrivateKey  string `json:"private_key"`
	}
	const fix = "set it to the whole content of the service-account key file, " +
		`e.g. PARTNERMAP_SOURCE_CREDENTIALS_JSON="$(cat key.json)"`
	if json.Unmarshal([]byte(s.CredentialsJSON.Reveal()), &key) != nil {
		return errors.New("not JSON (its content is not shown): " + fix)
	}
	switch {
	case key.Type != "service_account":
		return fmt.Errorf("a key of type %q, not a service-account key: %s", key.Type, fix)
	case key.ClientEmail == "" || key.PrivateKey == "":
		return errors.New("no client_email or private_key in the key (its content is not shown): " + fix)
	}
	return nil
}

// MaxWorkbookMB is the largest xlsx.max_mb: a workbook is read whole into memory.
const MaxWorkbookMB = 1024

func checkSchedule(s string) error {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "@every ") {
		d, err := time.ParseDuration(strings.TrimSpace(strings.TrimPrefix(s, "@every ")))
		if err != nil || d < time.Minute {
			return fmt.Errorf("%q: @every needs a duration of at least 1m, like @every 15m", s)
		}
		return nil
	}
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	sched, err := parser.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is neither @every DURATION nor a cron expression (minute hour day month weekday): %v", s, err)
	}
	if sched.Next(time.Now()).IsZero() {
		// The cron library looks five years ahead and gives up: a date like 30 February.
		return fmt.Errorf("%q never runs (no such date in the next five years): check the day and month", s)
	}
	return nil
}

func checkTabNames(in Tabs, out Outputs) error {
	seen := map[string]string{}
	var errs []error
	add := func(key, name string, required bool) {
		if name == "" {
			if required {
				errs = append(errs, fmt.Errorf("%s needs a tab name", key))
			}
			return
		}
		fold := strings.ToLower(strings.TrimSpace(name))
		if other, ok := seen[fold]; ok {
			errs = append(errs, fmt.Errorf("%s and %s both name the tab %q", other, key, name))
		}
		seen[fold] = key
	}
	add("tabs.partners", in.Partners, true)
	add("tabs.assets", in.Assets, true)
	add("tabs.meetings", in.Meetings, true)
	add("tabs.members", in.Members, true)
	add("tabs.campaigns", in.Campaigns, true)
	add("tabs.stances", in.Stances, true)
	keys := map[string]string{"outputs.priorities": out.Priorities, "outputs.follow_ups": out.FollowUps,
		"outputs.power_map": out.PowerMap, "outputs.connections": out.Connections, "outputs.owners": out.Owners,
		"outputs.data_issues": out.DataIssues, "outputs.sync_status": out.SyncStatus,
		"outputs.history": out.History, "outputs.progress": out.Progress, "outputs.campaigns": out.Campaigns,
		"outputs.profiles": out.Profiles, "outputs.themes": out.Themes}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		add(k, keys[k], false)
	}
	return errors.Join(errs...)
}
