package google_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/partnermap/partnermap/sheets"
	"github.com/partnermap/partnermap/sheets/google"
	"github.com/partnermap/partnermap/sheets/google/fake"
	"github.com/partnermap/partnermap/sheets/sheetstest"
)

const sheetID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"

// newFakeSheet starts a fake holding tabs and an adapter pointed at it with fast retries.
func newFakeSheet(t *testing.T, tabs []sheets.Table, tweak ...func(*google.Options)) (*google.Sheet, *fake.Server) {
	t.Helper()
	f := fake.New()
	t.Cleanup(f.Close)
	f.AddSpreadsheet(sheetID, "America/Chicago")
	for _, tab := range tabs {
		f.AddTab(sheetID, tab.Name, tab.Rows)
	}
	opts := google.Options{SpreadsheetID: sheetID, Endpoint: f.URL(), RetryBase: time.Millisecond,
		RetryMax: 50 * time.Millisecond}
	for _, fn := range tweak {
		fn(&opts)
	}
	s, err := google.New(context.Background(), opts)
	if err != nil {
		t.Fatalf("google.New: %v", err)
	}
	return s, f
}

func TestConformance(t *testing.T) {
	var mu sync.Mutex
	fakes := map[sheets.Source]*fake.Server{}
	sheetstest.Run(t, sheetstest.Harness{
		New: func(t *testing.T, tabs []sheets.Table) sheets.Source {
			s, f := newFakeSheet(t, tabs)
			mu.Lock()
			fakes[s] = f
			mu.Unlock()
			return s
		},
		Cells: func(t *testing.T, src sheets.Source, tab string) ([][]sheets.Cell, bool) {
			mu.Lock()
			f := fakes[src]
			mu.Unlock()
			return f.Cells(sheetID, tab)
		},
	})
}
