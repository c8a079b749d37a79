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

// fakeHarness is a conformance harness over fakes: wrap turns each new Sheet into the
// Source under test, and fakes lists the fake behind every Source made so far.
func fakeHarness(wrap func(*google.Sheet) sheets.Source) (h sheetstest.Harness, fakes func() []*fake.Server) {
	var mu sync.Mutex
	bySource := map[sheets.Source]*fake.Server{}
	h = sheetstest.Harness{
		New: func(t *testing.T, tabs []sheets.Table) sheets.Source {
			s, f := newFakeSheet(t, tabs)
			src := wrap(s)
			mu.Lock()
			bySource[src] = f
			mu.Unlock()
			return src
		},
		Cells: func(t *testing.T, src sheets.Source, tab string) ([][]sheets.Cell, bool) {
			mu.Lock()
			f := bySource[src]
			mu.Unlock()
			return f.Cells(sheetID, tab)
		},
	}
	fakes = func() []*fake.Server {
		mu.Lock()
		defer mu.Unlock()
		out := make([]*fake.Server, 0, len(bySource))
		for _, f := range bySource {
			out = append(out, f)
		}
		return out
	}
	return h, fakes
}

func TestConformance(t *testing.T) {
	h, _ := fakeHarness(func(s *google.Sheet) sheets.Source { return s })
	sheetstest.Run(t, h)
}
