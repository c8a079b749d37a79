package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/scoring"
)

// Exit codes of §5b.
const (
	exitOK       = 0
	exitFailed   = 1
	exitConfig   = 2
	exitStrict   = 3
	demoWorkbook = "partnermap-demo.xlsx"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

// exitError carries an exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// app holds what every command shares: the streams, and the flags that become config overrides.
type app struct {
	stdout, stderr io.Writer
	configFile     string
	sets           []string
	xlsxPath       string
	spreadsheetID  string
	logLevel       string
	logFormat      string
}

// run executes the command line and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := &app{stdout: stdout, stderr: stderr}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "partnermap:", ee.err)
		}
		return ee.code
	}
	var ce *config.Error
	if errors.As(err, &ce) {
		fmt.Fprintln(stderr, "partnermap:", err)
		return exitConfig
	}
	// cobra's own errors are usage errors: unknown flags, missing arguments.
	fmt.Fprintln(stderr, "partnermap:", err)
	fmt.Fprintln(stderr, "Run 'partnermap --help' for usage.")
	return exitConfig
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "partnermap",
		Short: "Turn a group's partner spreadsheet into rings, a power map, priorities and follow-ups",
		Long: `partnermap reads the Partners, Assets, Meetings and Members tabs of a spreadsheet
(a local .xlsx workbook or a Google Sheet), computes alignment rings, power-map quadrants,
a ranked priority list, overdue follow-ups and warm introduction paths, and writes them
back as summary tabs. It never writes the volunteers' own tabs.

Try it with no setup:  partnermap sync --now --demo`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	pf := root.PersistentFlags()
	pf.StringVar(&a.configFile, "config", "", "config file (default: ./config.yaml if present)")
	pf.StringArrayVar(&a.sets, "set", nil, "override any config key, e.g. --set scoring.window_days=90 (repeatable)")
	pf.StringVar(&a.xlsxPath, "xlsx", "", "local workbook to sync (source.xlsx)")
	pf.StringVar(&a.spreadsheetID, "spreadsheet-id", "", "Google Sheet to sync (source.spreadsheet_id)")
	pf.StringVar(&a.logLevel, "log-level", "", "trace, debug, info, warn or error (log.level)")
	pf.StringVar(&a.logFormat, "log-format", "", "auto, console or json (log.format)")
	root.AddCommand(a.syncCommand(), a.checkCommand(), a.initCommand(), a.versionCommand())
	root.AddCommand(a.renderCommand(), a.notifyCommand(), a.historyCommand(), a.briefCommand())
	return root
}

// loadConfig merges the config file, PARTNERMAP_* variables and the flags;
// demo points the source at the demo workbook (--xlsx, or demoWorkbook in this folder).
func (a *app) loadConfig(demo bool) (config.Config, error) {
	overrides := map[string]any{}
	for _, s := range a.sets {
		key, val, ok := strings.Cut(s, "=")
		if !ok || strings.TrimSpace(key) == "" {
			return config.Config{}, &config.Error{Err: fmt.Errorf("--set %q: use --set key=value", s)}
		}
		overrides[strings.TrimSpace(key)] = val
	}
	flags := map[string]string{"source.xlsx": a.xlsxPath, "source.spreadsheet_id": a.spreadsheetID,
		"log.level": a.logLevel, "log.format": a.logFormat}
	for k, v := range flags {
		if v != "" {
			overrides[k] = v
		}
	}
	if demo {
		path := a.xlsxPath
		if path == "" {
			path = demoWorkbook
		}
		overrides["source.xlsx"] = path
		overrides["source.spreadsheet_id"] = ""
	}
	cfg, err := config.Load(a.configPath(), overrides)
	if err == nil {
		log := a.logger(cfg.Log)
		for _, w := range config.UnknownEnv(os.Environ()) {
			log.Warn().Msg(w)
		}
	}
	return cfg, err
}

// parseAsOf reads an --as-of day, YYYY-MM-DD; "" is the zero Date (today).
func parseAsOf(s string) (scoring.Date, error) {
	if s == "" {
		return 0, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return 0, &exitError{code: exitConfig, err: fmt.Errorf("--as-of %q: use YYYY-MM-DD", s)}
	}
	return scoring.DateFromTime(t), nil
}

// logger writes human-readable lines on a terminal and JSON otherwise.
func (a *app) logger(cfg config.Log) zerolog.Logger {
	level, err := zerolog.ParseLevel(cfg.Level)
	if err != nil {
		level = zerolog.InfoLevel
	}
	var w io.Writer = a.stderr
	console := cfg.Format == "console"
	if cfg.Format == "auto" {
		if f, ok := a.stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
			console = true
		}
	}
	if console {
		w = zerolog.ConsoleWriter{Out: a.stderr, TimeFormat: "15:04:05"}
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger()
}

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(a.stdout, "partnermap", version)
			return nil
		},
	}
}

// withDeadline bounds one command's work on one source by sync_timeout, as the service
// bounds each sync: a cron-run `sync --now` against an endpoint that never answers must
// end (and release the source's lock) instead of retrying for ever.
func withDeadline(ctx context.Context, cfg config.Config) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, cfg.SyncTimeout)
}

// timedOut names sync_timeout in err when ctx ended by its deadline.
func timedOut(ctx context.Context, cfg config.Config, err error) error {
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("gave up after sync_timeout (%s); raise it in the config if the spreadsheet is just slow: %w", cfg.SyncTimeout, err)
	}
	return err
}

// configErrOrFail maps an error to its exit code: configuration problems exit 2, others 1.
func configErrOrFail(err error) error {
	var ce *config.Error
	if errors.As(err, &ce) {
		return &exitError{code: exitConfig, err: err}
	}
	return &exitError{code: exitFailed, err: err}
}
