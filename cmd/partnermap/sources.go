package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	gosync "sync"

	"github.com/rs/zerolog"
	"golang.org/x/time/rate"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/google"
	"github.com/partnermap/partnermap/sheets/xlsx"
)

// env is what opening a source needs from the process: a logger, the Google rate limiters
// of the process's service accounts, and an optional hook counting API requests for metrics.
type env struct {
	Logger    zerolog.Logger
	Quotas    *quotas
	OnRequest func(method string, status int)
}

// quotas holds one Google API limiter per service account, each letting through at most
// google.requests_per_minute requests in any minute: the quota (60 a minute) is per user,
// and a service account is one user. Sources with the same credentials (the same
// credentials_file, the same credentials_json, or neither: Application Default
// Credentials) share a limiter; sources of different accounts do not slow one another.
type quotas struct {
	mu        gosync.Mutex
	perMinute int
	byAccount map[string]*rate.Limiter
}

func newQuotas(cfg config.Config) *quotas {
	return &quotas{perMinute: cfg.Google.RequestsPerMinute, byAccount: map[string]*rate.Limiter{}}
}

// limiter returns the limiter of src's service account; nil (no limit) without quotas.
func (q *quotas) limiter(src config.Source) *rate.Limiter {
	if q == nil {
		return nil
	}
	// The key itself is never shown; a hash keeps the secret out of the map all the same.
	key := sha256.Sum256([]byte(src.CredentialsFile + "\x00" + src.CredentialsJSON.Reveal()))
	q.mu.Lock()
	defer q.mu.Unlock()
	l := q.byAccount[string(key[:])]
	if l == nil {
		l = google.NewLimiter(q.perMinute, google.QuotaWindow)
		q.byAccount[string(key[:])] = l
	}
	return l
}

// setRate applies a reloaded google.requests_per_minute to every account's limiter.
func (q *quotas) setRate(perMinute int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if perMinute == q.perMinute {
		return
	}
	q.perMinute = perMinute
	want := google.NewLimiter(perMinute, google.QuotaWindow)
	for _, l := range q.byAccount {
		l.SetLimit(want.Limit())
		l.SetBurst(want.Burst())
	}
}

// openSource returns the backend for one configured source.
func openSource(ctx context.Context, cfg config.Config, src config.Source, e env) (sheets.Source, error) {
	switch {
	case src.XLSX != "":
		return xlsx.New(src.XLSX, xlsx.Options{
			Backups:  cfg.XLSX.Backups,
			MaxBytes: int64(cfg.XLSX.MaxMB) << 20,
		}), nil
	case src.SpreadsheetID != "":
		s, err := google.New(ctx, google.Options{
			SpreadsheetID:   src.SpreadsheetID,
			CredentialsFile: src.CredentialsFile,
			CredentialsJSON: []byte(src.CredentialsJSON.Reveal()),
			Endpoint:        src.Endpoint,
			Limiter:         e.Quotas.limiter(src),
			Logger:          e.Logger,
			OnRequest:       e.OnRequest,
		})
		if err != nil {
			return nil, fmt.Errorf("open Google Sheet %s: %w", src.SpreadsheetID, err)
		}
		return s, nil
	}
	return nil, &config.Error{Err: fmt.Errorf("source: set xlsx or spreadsheet_id")}
}
