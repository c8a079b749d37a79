package fake_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"google.golang.org/api/googleapi"
)

// TestQuotaRefusesTheCallsOverTheLimitInAnyWindow: with a quota of 3 per window, the fourth
// call in a window is refused with the API's 429 and not applied; once the first call has
// left the window, calls go through again.
func TestQuotaRefusesTheCallsOverTheLimitInAnyWindow(t *testing.T) {
	f, srv := setup(t)
	const per = 2 * time.Second // four local calls take far less
	f.SetQuota(3, per)
	for i := range 3 {
		if _, err := srv.Spreadsheets.Get(id).Do(); err != nil {
			t.Fatalf("call %d within the quota: %v", i+1, err)
		}
	}
	_, err := srv.Spreadsheets.Get(id).Do()
	var ge *googleapi.Error
	if !errors.As(err, &ge) || ge.Code != http.StatusTooManyRequests {
		t.Fatalf("the fourth call in one window: err = %v, want 429", err)
	}
	time.Sleep(per + 50*time.Millisecond)
	if _, err := srv.Spreadsheets.Get(id).Do(); err != nil {
		t.Fatalf("a call after the window: %v", err)
	}
	refused := 0
	for _, c := range f.Calls() {
		if c.Status == http.StatusTooManyRequests && !c.Injected {
			refused++
		}
	}
	if refused != 1 {
		t.Errorf("%d calls recorded as refused by the quota, want 1", refused)
	}
	f.SetQuota(0, 0)
	for range 5 {
		if _, err := srv.Spreadsheets.Get(id).Do(); err != nil {
			t.Fatalf("with the quota off: %v", err)
		}
	}
}
