package google

import (
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
	"weak"

	"github.com/cenkalti/backoff/v5"
	"google.golang.org/api/googleapi"

	"github.com/partnermap/partnermap/sheets"
)

func TestBackoffSchedule(t *testing.T) {
	cases := []struct {
		name     string
		n        int
		after    time.Duration
		min, max time.Duration
	}{
		{name: "first wait is 1s plus up to 1s of jitter", n: 0, min: time.Second, max: 2 * time.Second},
		{name: "third wait is 4s plus jitter", n: 2, min: 4 * time.Second, max: 5 * time.Second},
		{name: "waits are capped at RetryMax", n: 6, min: 32 * time.Second, max: 32 * time.Second},
		{name: "huge attempt counts do not overflow", n: 200, min: 32 * time.Second, max: 32 * time.Second},
		{name: "Retry-After longer than the backoff wins", n: 0, after: 45 * time.Second, min: 45 * time.Second, max: 45 * time.Second},
		{name: "Retry-After shorter than the backoff does not shorten it", n: 3, after: time.Second, min: 8 * time.Second, max: 9 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for range 50 {
				p := &policy{base: time.Second, max: 32 * time.Second, n: tc.n, after: tc.after}
				if d := p.NextBackOff(); d < tc.min || d > tc.max {
					t.Fatalf("wait %v; want within [%v, %v]", d, tc.min, tc.max)
				}
			}
		})
	}
	t.Run("a wait past the deadline stops instead", func(t *testing.T) {
		p := &policy{base: time.Second, max: 32 * time.Second, deadline: time.Now().Add(500 * time.Millisecond)}
		if d := p.NextBackOff(); d != backoff.Stop {
			t.Errorf("wait %v; want Stop", d)
		}
	})
	t.Run("Retry-After is used once", func(t *testing.T) {
		p := &policy{base: time.Millisecond, max: time.Second, after: 500 * time.Millisecond}
		p.NextBackOff()
		if d := p.NextBackOff(); d >= 500*time.Millisecond {
			t.Errorf("second wait %v still honours the first Retry-After", d)
		}
	})
}

func TestRetryAfterHeader(t *testing.T) {
	cases := []struct {
		name, value string
		want        time.Duration
	}{
		{"seconds", "7", 7 * time.Second},
		{"fractional seconds", "1.5", 1500 * time.Millisecond},
		{"absent", "", 0},
		{"garbage", "soon", 0},
		{"a date in the past", "Mon, 02 Jan 2006 15:04:05 GMT", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.value != "" {
				h.Set("Retry-After", tc.value)
			}
			if got := retryAfter(h, time.Second); got != tc.want {
				t.Errorf("retryAfter(%q) = %v; want %v", tc.value, got, tc.want)
			}
		})
	}
	t.Run("an HTTP date in the future", func(t *testing.T) {
		h := http.Header{"Retry-After": {time.Now().Add(10 * time.Second).UTC().Format(http.TimeFormat)}}
		if got := retryAfter(h, time.Second); got < 8*time.Second || got > 11*time.Second {
			t.Errorf("retryAfter = %v; want about 10s", got)
		}
	})
}

func TestAccessMessagesNameTheServiceAccount(t *testing.T) {
	s := &Sheet{id: "abc", account: "partnermap@chapter.iam.gserviceaccount.com"}
	cases := []struct {
		name    string
		code    int
		message string
		want    []string
	}{
		{"403 names the account to share with", 403, "The caller does not have permission",
			[]string{"share the spreadsheet with partnermap@chapter.iam.gserviceaccount.com as an editor"}},
		{"404 names the id key and the account", 404, "Requested entity was not found.",
			[]string{"source.spreadsheet_id", "partnermap@chapter.iam.gserviceaccount.com"}},
		{"403 for a disabled API says to enable it", 403,
			"Google Sheets API has not been used in project 123 before or it is disabled.", []string{"enable it"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := s.explain("read", fmt.Errorf("attempt: %w", &googleapi.Error{Code: tc.code, Message: tc.message}))
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not say %q", err, w)
				}
			}
			var ge *googleapi.Error
			if !errors.As(err, &ge) {
				t.Errorf("the API error is not kept in the chain")
			}
		})
	}
}

func TestSnapshotLayoutsAreForgottenWithTheirSnapshots(t *testing.T) {
	s := &Sheet{reads: map[weak.Pointer[sheets.Snapshot]]*layout{}}
	snap := &sheets.Snapshot{}
	s.remember(snap, &layout{tabs: []tabLayout{{id: 7, title: "Priorities"}}})
	if lay, ok := s.recall(snap); !ok || lay.tabs[0].id != 7 {
		t.Fatalf("recall = %v, %v; want the stored layout", lay, ok)
	}
	runtime.KeepAlive(snap)
	snap = nil
	deadline := time.Now().Add(2 * time.Second)
	for {
		runtime.GC()
		s.mu.Lock()
		n := len(s.reads)
		s.mu.Unlock()
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d layouts still held after their snapshot was collected", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
