package notify_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/partnermap/partnermap/notify"
)

const token = "tok3n-SECRET"

// chatServer answers with the listed status codes in turn (200 after them), recording bodies.
func chatServer(t *testing.T, codes ...int) (url string, got func() []string) {
	var mu gosync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var msg struct{ Text string }
		if err := json.NewDecoder(r.Body).Decode(&msg); err != nil || r.Header.Get("Content-Type") != "application/json; charset=UTF-8" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		bodies = append(bodies, msg.Text)
		if len(bodies) <= len(codes) {
			if codes[len(bodies)-1] == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "0")
			}
			http.Error(w, "nope", codes[len(bodies)-1])
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1/spaces/AAA/messages?key=k&token=" + token, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), bodies...)
	}
}

func chatItem(hook *notify.Webhook) []notify.Item {
	return []notify.Item{{Kind: notify.KindChat, To: "webhook", Label: "chat webhook",
		Send: func(ctx context.Context) error { return hook.Post(ctx, "*hello* <b>") }}}
}

func TestWebhookRetriesThenSends(t *testing.T) {
	url, got := chatServer(t, http.StatusTooManyRequests, http.StatusServiceUnavailable)
	out := notify.Deliver(context.Background(), week, chatItem(notify.NewWebhook(url, nil)), ledger(t, t.TempDir()), fast)
	if out.Sent != 1 || len(got()) != 3 || got()[2] != "*hello* <b>" {
		t.Fatalf("outcome %+v, bodies %q", out, got())
	}
}

func TestWebhookErrorsNeverShowTheURL(t *testing.T) {
	url, _ := chatServer(t, http.StatusForbidden)
	out := notify.Deliver(context.Background(), week, chatItem(notify.NewWebhook(url, nil)), ledger(t, t.TempDir()), fast)
	if out.Failed != 1 || !strings.Contains(out.Failures[0].Err.Error(), "HTTP 403") {
		t.Fatalf("a 403 must fail at once: %+v", out)
	}
	// A server that is not there: net/http's error would quote the whole URL.
	dead := "http://127.0.0.1:1/v1/spaces/AAA/messages?key=k&token=" + token
	out2 := notify.Deliver(context.Background(), week, chatItem(notify.NewWebhook(dead, &http.Client{Timeout: time.Second})), ledger(t, t.TempDir()),
		notify.DeliverOptions{RetryFor: 50 * time.Millisecond, FirstWait: 10 * time.Millisecond})
	if out2.Failed != 1 {
		t.Fatalf("outcome %+v", out2)
	}
	t.Logf("errors: %v / %v", out.Failures[0].Err, out2.Failures[0].Err)
	for _, err := range []error{out.Failures[0].Err, out2.Failures[0].Err} {
		if strings.Contains(err.Error(), token) || strings.Contains(err.Error(), "spaces/AAA") {
			t.Errorf("the webhook URL leaked: %v", err)
		}
	}
}
