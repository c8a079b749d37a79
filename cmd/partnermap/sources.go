package main

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"
	"golang.org/x/time/rate"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/google"
	"github.com/partnermap/partnermap/sheets/xlsx"
)

// env is what opening a source needs from the process: a logger, the Google rate limiter
// shared by every source, and an optional hook counting API requests for metrics.
type env struct {
	Logger    zerolog.Logger
	Limiter   *rate.Limiter
	OnRequest func(method string, status int)
}

// newLimiter returns the process-wide Google API limiter for cfg: at most
// google.requests_per_minute requests in any minute.
func newLimiter(cfg config.Config) *rate.Limiter {
	return google.NewLimiter(cfg.Google.RequestsPerMinute, google.QuotaWindow)
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
			Limiter:         e.Limiter,
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
