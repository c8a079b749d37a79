// Package google is the Google Sheets backend of the sheets port.
//
// A sync costs two API calls: one spreadsheets.get (all tabs' properties, markers and the
// input tabs' typed values, without ranges so missing tabs do not fail the call) and one
// all-or-nothing spreadsheets.batchUpdate that replaces the managed output tabs; outputs over
// 8 MiB take a few more calls, through hidden staging tabs, and still change all at once
// (staged.go). 429, 5xx and network failures are retried with truncated exponential backoff
// and jitter, honouring Retry-After, within the caller's deadline. shared/GOOGLE.md records the API facts this
// package is built on.
package google

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // spreadsheet time zones are IANA names; minimal images lack zoneinfo
	"weak"

	"cloud.google.com/go/auth"
	"cloud.google.com/go/auth/credentials"
	"github.com/rs/zerolog"
	"golang.org/x/time/rate"
	"google.golang.org/api/option"
	sheetsapi "google.golang.org/api/sheets/v4"
	htransport "google.golang.org/api/transport/http"

	"github.com/partnermap/partnermap/sheets"
)

// MarkerKey is the developer-metadata key that marks a tab as created (or adopted) by
// partnermap; only tabs carrying it are ever overwritten.
const MarkerKey = "partnermap.managed"

// Defaults for Options fields left zero.
const (
	DefaultRetryMax       = 32 * time.Second
	DefaultRetryBase      = time.Second
	DefaultAttemptTimeout = 2 * time.Minute
)

// Options configures a Sheet.
type Options struct {
	// SpreadsheetID is the id in the sheet's URL, between /d/ and /edit.
	SpreadsheetID string
	// CredentialsFile is a service-account JSON key; "" (and no CredentialsJSON) means
	// Application Default Credentials.
	CredentialsFile string
	// CredentialsJSON is the content of a service-account JSON key, for keys kept in the
	// environment (PARTNERMAP_SOURCE_CREDENTIALS_JSON) rather than in a file. It goes through
	// the same type check as a file and is never logged.
	CredentialsJSON []byte
	// Endpoint is the base URL of another server (an emulator, a private endpoint or the
	// test fake). Credentials are sent to it only when CredentialsFile or CredentialsJSON
	// is set; otherwise none are used.
	Endpoint string
	// HTTPClient replaces the HTTP client; only together with Endpoint (tests), because the
	// client would otherwise carry no credentials.
	HTTPClient *http.Client
	// Limiter is shared by all sources of a process so together they stay within the
	// per-user quota; every attempt waits on it. nil means no limit.
	Limiter *rate.Limiter
	// Logger receives retries and warnings; never secrets.
	Logger zerolog.Logger
	// OnRequest is a metrics hook called once per attempt with "get" or "batchUpdate" and
	// the HTTP status (0 when no usable answer came back: network error, timeout, bad JSON).
	OnRequest func(method string, status int)
	// RetryMax caps one backoff sleep (default 32s); the total is bounded by the ctx deadline.
	RetryMax time.Duration
	// RetryBase is the first backoff step and the unit Retry-After seconds are counted in
	// (default 1s). Tests shrink it to milliseconds so fault storms run fast.
	RetryBase time.Duration
	// AttemptTimeout bounds one HTTP attempt so a hung connection is retried rather than
	// eating the whole deadline (default 2 minutes; the API itself gives up after 180 s).
	AttemptTimeout time.Duration
}

// Sheet is one Google Sheet used as a partnermap source. It implements sheets.Source and
// sheets.Initializer. Safe for use by several goroutines.
type Sheet struct {
	id      string
	account string
	srv     *sheetsapi.Service
	hc      *http.Client // a client like srv's, for the calls sent without srv (stream.go)
	base    string       // the API's root URL, ending in a slash
	opts    Options
	log     zerolog.Logger

	mu    sync.Mutex
	reads map[weak.Pointer[sheets.Snapshot]]*layout // what Write needs from the Read it follows
}

var (
	_ sheets.Source      = (*Sheet)(nil)
	_ sheets.Initializer = (*Sheet)(nil)
)

// quietLogger discards the Google libraries' own logs (see New).
var quietLogger = slog.New(slog.DiscardHandler)

// New connects to a spreadsheet. It does not call the API: access problems surface on the
// first Read with a message saying what to fix.
func New(ctx context.Context, opts Options) (*Sheet, error) {
	id := strings.TrimSpace(opts.SpreadsheetID)
	if id == "" {
		return nil, errors.New("google sheet: source.spreadsheet_id is empty")
	}
	if strings.Contains(id, "/") {
		return nil, fmt.Errorf("google sheet: source.spreadsheet_id %q looks like a URL: use only the id between /d/ and /edit", id)
	}
	if opts.RetryMax <= 0 {
		opts.RetryMax = DefaultRetryMax
	}
	if opts.RetryBase <= 0 {
		opts.RetryBase = DefaultRetryBase
	}
	if opts.AttemptTimeout <= 0 {
		opts.AttemptTimeout = DefaultAttemptTimeout
	}
	s := &Sheet{id: id, opts: opts, reads: map[weak.Pointer[sheets.Snapshot]]*layout{},
		log: opts.Logger.With().Str("spreadsheet", id).Logger()}

	if opts.HTTPClient != nil && opts.Endpoint == "" {
		return nil, errors.New("google sheet: an HTTP client can only be given together with an endpoint")
	}
	// The library's own debug logging (GOOGLE_SDK_GO_LOGGING_LEVEL=debug) prints whole
	// token requests and answers: the signed JWT assertion and the access token. A logger of
	// our own, which discards, takes precedence over that variable; partnermap logs the
	// calls itself, without secrets.
	clientOpts := []option.ClientOption{option.WithScopes(sheetsapi.SpreadsheetsScope), option.WithLogger(quietLogger)}
	if opts.Endpoint != "" {
		// The generated client wants the host root with a trailing slash; see GOOGLE.md.
		clientOpts = append(clientOpts, option.WithEndpoint(strings.TrimRight(opts.Endpoint, "/")+"/"))
	}
	switch {
	case opts.HTTPClient != nil:
		clientOpts = append(clientOpts, option.WithHTTPClient(opts.HTTPClient))
	case opts.Endpoint != "" && opts.CredentialsFile == "" && len(opts.CredentialsJSON) == 0:
		clientOpts = append(clientOpts, option.WithoutAuthentication())
	default:
		creds, err := s.credentials()
		if err != nil {
			return nil, err
		}
		s.account = clientEmail(creds.JSON())
		clientOpts = append(clientOpts, option.WithAuthCredentials(creds))
	}
	srv, err := sheetsapi.NewService(ctx, clientOpts...)
	if err != nil {
		return nil, fmt.Errorf("google sheet %s: create client: %w", id, err)
	}
	// The streamed read (stream.go) goes out through a client made from the same options.
	hc, _, err := htransport.NewClient(ctx, clientOpts...)
	if err != nil {
		return nil, fmt.Errorf("google sheet %s: create client: %w", id, err)
	}
	s.srv, s.hc, s.base = srv, hc, srv.BasePath
	return s, nil
}

// credentials loads a service-account key, which the library checks is of that type (a key
// of another type could send tokens elsewhere), or Application Default Credentials.
func (s *Sheet) credentials() (*auth.Credentials, error) {
	detect := &credentials.DetectOptions{Scopes: []string{sheetsapi.SpreadsheetsScope}, Logger: quietLogger}
	path := s.opts.CredentialsFile
	if len(s.opts.CredentialsJSON) > 0 {
		if path != "" {
			return nil, errors.New("google sheet: set source.credentials_file or source.credentials_json " +
				"(PARTNERMAP_SOURCE_CREDENTIALS_JSON), not both")
		}
		c, err := credentials.NewCredentialsFromJSON(credentials.ServiceAccount, s.opts.CredentialsJSON, detect)
		if err == nil {
			err = checkPrivateKey(s.opts.CredentialsJSON)
		}
		if err != nil {
			// The library's messages and ours name the problem, never the key's content.
			return nil, fmt.Errorf("google sheet: source.credentials_json (PARTNERMAP_SOURCE_CREDENTIALS_JSON) is not "+
				"a usable service-account key: paste the whole JSON key file: %w", err)
		}
		return c, nil
	}
	if path == "" {
		c, err := credentials.DetectDefault(detect)
		if err != nil {
			return nil, fmt.Errorf("google sheet: no Application Default Credentials (set source.credentials_file "+
				"to a service-account JSON key, or GOOGLE_APPLICATION_CREDENTIALS): %w", err)
		}
		return c, nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("google sheet: credentials file (source.credentials_file): %w", err)
	}
	if perm := info.Mode().Perm(); perm&0o044 != 0 {
		s.log.Warn().Str("file", path).Str("mode", fmt.Sprintf("%04o", perm)).
			Msg("credentials file is readable by other users; restrict it with chmod 600")
	}
	c, err := credentials.NewCredentialsFromFile(credentials.ServiceAccount, path, detect)
	if err == nil {
		err = checkPrivateKey(c.JSON())
	}
	if err != nil {
		return nil, fmt.Errorf("google sheet: credentials file %s (source.credentials_file) is not a usable "+
			"service-account key: %w", path, err)
	}
	return c, nil
}

// checkPrivateKey reads the key's private_key as the token signer will. The library only
// parses it when it first signs, and that failure comes back wrapped as a network error, so
// every sync would retry it until its deadline instead of saying the key is broken.
func checkPrivateKey(keyJSON []byte) error {
	var k struct {
		PrivateKey string `json:"private_key"`
	}
	if err := json.Unmarshal(keyJSON, &k); err != nil {
		return errors.New("the key is not JSON")
	}
	block, _ := pem.Decode([]byte(k.PrivateKey))
	if block == nil {
		return errors.New("its private_key is not a PEM block (-----BEGIN PRIVATE KEY----- ...)")
	}
	if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		return nil
	}
	if _, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return nil
	}
	if _, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
		return nil
	}
	return errors.New("its private_key is damaged: it reads as neither an RSA nor an EC key")
}

// clientEmail pulls the service account's address out of a key file; "" when absent.
func clientEmail(keyJSON []byte) string {
	var k struct {
		ClientEmail string `json:"client_email"`
	}
	if len(keyJSON) == 0 || json.Unmarshal(keyJSON, &k) != nil {
		return ""
	}
	return k.ClientEmail
}

// Account is the service account's email when known ("" otherwise, e.g. with ADC from a
// metadata server): the address the spreadsheet must be shared with.
func (s *Sheet) Account() string { return s.account }

// Describe names the source for logs and messages.
func (s *Sheet) Describe() string { return "Google Sheet " + s.id }

// shareHint tells the user who must be given access.
func (s *Sheet) shareHint() string {
	if s.account != "" {
		return "share the spreadsheet with " + s.account + " as an editor"
	}
	return "share the spreadsheet with the service account's email (client_email in its key file) as an editor"
}
