package notify_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/partnermap/partnermap/notify"
	"github.com/partnermap/partnermap/notify/smtptest"
	"github.com/partnermap/partnermap/scoring"
)

var week = scoring.DateOf(2026, 11, 23)

var sender = notify.Sender{From: "Eastside Coalition <digests@example.org>", ReplyTo: "organizers@example.org"}

func mailer(t *testing.T, srv *smtptest.Server, mode, user, pass string) *notify.Mailer {
	t.Helper()
	m, err := notify.NewMailer(notify.SMTPOptions{Host: srv.Host, Port: srv.Port, Username: user, Password: pass, TLS: mode,
		Timeout: 5 * time.Second, TLSConfig: &tls.Config{RootCAs: srv.Pool, ServerName: srv.Host, MinVersion: tls.VersionTLS12}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

// items makes one owner digest per address, sent through m.
func items(t *testing.T, m *notify.Mailer, addrs ...string) []notify.Item {
	t.Helper()
	var out []notify.Item
	for _, addr := range addrs {
		name := strings.Split(addr, "@")[0]
		d := notify.Digest{Kind: notify.KindOwner, To: notify.Recipient{Name: name, Email: addr}, Week: week, AsOf: week, Title: "groups.xlsx",
			Subject: "partnermap: no overdue follow-ups for " + name, Owner: &notify.OwnerPart{}}
		msg, err := notify.Compose(d, "xlsx:/srv/groups.xlsx", sender, "")
		if err != nil {
			t.Fatal(err)
		}
		mail, err := msg.Mail(sender, time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, notify.Item{Kind: d.Kind, To: addr, Label: addr, MessageID: msg.MessageID,
			Send: func(ctx context.Context) error { return m.Send(ctx, mail) }})
	}
	return out
}

func ledger(t *testing.T, dir string) *notify.Ledger {
	t.Helper()
	l, err := notify.OpenLedger(context.Background(), dir, "xlsx:/srv/groups.xlsx", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

var fast = notify.DeliverOptions{RetryFor: 5 * time.Second, FirstWait: 10 * time.Millisecond}

func TestSTARTTLSAndAuth(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: "starttls", Username: "digests@example.org", Password: "app password"})
	m := mailer(t, srv, "starttls", "digests@example.org", "app password")
	out := notify.Deliver(context.Background(), week, items(t, m, "ana@example.org", "ben@example.org"), ledger(t, t.TempDir()), fast)
	if out.Sent != 2 || out.Failed != 0 {
		t.Fatalf("outcome = %+v", out)
	}
	msgs := srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("server got %d messages, want 2", len(msgs))
	}
	if srv.Auths() != 1 {
		t.Errorf("AUTH %d times, want 1 (one connection for both messages)", srv.Auths())
	}
	for i, want := range []string{"ana@example.org", "ben@example.org"} {
		got := msgs[i]
		if len(got.To) != 1 || got.To[0] != want || got.From != "digests@example.org" {
			t.Errorf("message %d: from %s to %v, want to %s only", i, got.From, got.To, want)
		}
		data := string(got.Data)
		for _, h := range []string{"Message-ID: <digest.2026-11-23.", "@example.org>", "multipart/alternative", "text/plain", "text/html",
			"Reply-To: <organizers@example.org>", "Auto-Submitted: auto-generated"} {
			if !strings.Contains(data, h) {
				t.Errorf("message %d lacks %q:\n%s", i, h, data)
			}
		}
		other := []string{"ben@example.org", "ana@example.org"}[i]
		if strings.Contains(data, other) {
			t.Errorf("message to %s holds the other recipient's address %s", want, other)
		}
	}
}

func TestImplicitTLS(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: "tls", Username: "u", Password: "p"})
	m := mailer(t, srv, "tls", "u", "p")
	if out := notify.Deliver(context.Background(), week, items(t, m, "ana@example.org"), ledger(t, t.TempDir()), fast); out.Sent != 1 {
		t.Fatalf("outcome = %+v", out)
	}
}

func TestPlainLoopback(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: "none", Username: "u", Password: "p"})
	m := mailer(t, srv, "none", "u", "p")
	if out := notify.Deliver(context.Background(), week, items(t, m, "ana@example.org"), ledger(t, t.TempDir()), fast); out.Sent != 1 {
		t.Fatalf("outcome = %+v", out)
	}
}

// A server elsewhere without STARTTLS is refused under starttls: the password is never sent
// in clear over the network. (The test server is on this machine; the mailer is told it is
// mail.example.org and dialled to it.)
func TestSTARTTLSRequired(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: "none", Username: "u", Password: "p"})
	m, err := notify.NewMailer(notify.SMTPOptions{Host: "mail.example.org", Port: srv.Port, Username: "u", Password: "p", TLS: "starttls",
		Timeout: 5 * time.Second, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, srv.Addr())
		}})
	if err != nil {
		t.Fatal(err)
	}
	out := notify.Deliver(context.Background(), week, items(t, m, "ana@example.org"), ledger(t, t.TempDir()), fast)
	if out.Failed != 1 || srv.Auths() != 0 || !strings.Contains(out.Failures[0].Err.Error(), "STARTTLS") {
		t.Fatalf("outcome = %+v, auths %d", out, srv.Auths())
	}
}

// On this machine starttls is used when offered and not required, and the login may go
// without it: nothing travels over a network.
func TestLoopbackWithoutSTARTTLS(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: "none", Username: "u", Password: "p"})
	m := mailer(t, srv, "starttls", "u", "p")
	if out := notify.Deliver(context.Background(), week, items(t, m, "ana@example.org"), ledger(t, t.TempDir()), fast); out.Sent != 1 || srv.Auths() != 1 {
		t.Fatalf("outcome = %+v, auths %d", out, srv.Auths())
	}
}

func TestWrongPasswordFailsAtOnce(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: "starttls", Username: "u", Password: "p"})
	m := mailer(t, srv, "starttls", "u", "wrong")
	start := time.Now()
	out := notify.Deliver(context.Background(), week, items(t, m, "ana@example.org"), ledger(t, t.TempDir()), notify.DeliverOptions{RetryFor: time.Minute, FirstWait: 10 * time.Second})
	if out.Failed != 1 || !strings.Contains(out.Failures[0].Err.Error(), "535") || notify.Temporary(out.Failures[0].Err) {
		t.Fatalf("outcome = %+v", out)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("a 535 was retried")
	}
}

func TestUntrustedCertificateFailsAtOnce(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: "starttls"})
	m, err := notify.NewMailer(notify.SMTPOptions{Host: srv.Host, Port: srv.Port, TLS: "starttls", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	out := notify.Deliver(context.Background(), week, items(t, m, "ana@example.org"), ledger(t, t.TempDir()), notify.DeliverOptions{RetryFor: time.Minute, FirstWait: 10 * time.Second})
	if out.Failed != 1 || notify.Temporary(out.Failures[0].Err) || len(srv.Messages()) != 0 {
		t.Fatalf("outcome = %+v", out)
	}
}

// once refuses each listed address the first time with the given reply.
func once(code int, addrs ...string) func(string) *smtp.SMTPError {
	var mu gosync.Mutex
	seen := map[string]bool{}
	return func(to string) *smtp.SMTPError {
		mu.Lock()
		defer mu.Unlock()
		for _, a := range addrs {
			if a == to && !seen[to] {
				seen[to] = true
				return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 2, 0}, Message: "try later"}
			}
		}
		return nil
	}
}

func TestTemporaryReplyIsRetried(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: "starttls", Rcpt: once(451, "ana@example.org")})
	m := mailer(t, srv, "starttls", "", "")
	dir := t.TempDir()
	out := notify.Deliver(context.Background(), week, items(t, m, "ana@example.org", "ben@example.org"), ledger(t, dir), fast)
	if out.Sent != 2 || out.Failed != 0 {
		t.Fatalf("outcome = %+v", out)
	}
	if got := srv.RcptAttempts("ana@example.org"); got != 2 {
		t.Errorf("ana: %d RCPT attempts, want 2 (refused once, then accepted)", got)
	}
	msgs := srv.Messages()
	if len(msgs) != 2 || msgs[0].To[0] != "ben@example.org" {
		t.Errorf("the refused recipient must wait behind the others, got %d messages", len(msgs))
	}
}

func TestTemporaryReplyGivesUpAfterRetryFor(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: "starttls", Rcpt: func(to string) *smtp.SMTPError {
		return &smtp.SMTPError{Code: 452, Message: "mailbox full"}
	}})
	m := mailer(t, srv, "starttls", "", "")
	out := notify.Deliver(context.Background(), week, items(t, m, "ana@example.org"), ledger(t, t.TempDir()),
		notify.DeliverOptions{RetryFor: 300 * time.Millisecond, FirstWait: 50 * time.Millisecond})
	if out.Failed != 1 || !strings.Contains(out.Failures[0].Err.Error(), "452") {
		t.Fatalf("outcome = %+v", out)
	}
	if n := srv.RcptAttempts("ana@example.org"); n < 2 {
		t.Errorf("%d attempts, want retries", n)
	}
}

func TestPermanentReplyStopsOnlyThatRecipient(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: "starttls", Rcpt: func(to string) *smtp.SMTPError {
		if to == "gone@example.org" {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
		}
		return nil
	}})
	m := mailer(t, srv, "starttls", "", "")
	dir := t.TempDir()
	l := ledger(t, dir)
	out := notify.Deliver(context.Background(), week, items(t, m, "ana@example.org", "gone@example.org", "ben@example.org"), l, fast)
	if out.Sent != 2 || out.Failed != 1 || out.Failures[0].Label != "gone@example.org" || !strings.Contains(out.Failures[0].Err.Error(), "550") {
		t.Fatalf("outcome = %+v", out)
	}
	if srv.RcptAttempts("gone@example.org") != 1 {
		t.Errorf("a 550 was retried")
	}
	if _, ok := l.Sent(week, notify.KindOwner, "gone@example.org"); ok {
		t.Errorf("a refused message was recorded as sent")
	}
}

func TestDroppedConnectionIsRetried(t *testing.T) {
	var mu gosync.Mutex
	drops := 0
	srv := smtptest.Start(t, smtptest.Options{TLS: "starttls", Data: func(to []string) (bool, *smtp.SMTPError) {
		mu.Lock()
		defer mu.Unlock()
		if to[0] == "ana@example.org" && drops == 0 {
			drops++
			return true, nil
		}
		return false, nil
	}})
	m := mailer(t, srv, "starttls", "", "")
	out := notify.Deliver(context.Background(), week, items(t, m, "ana@example.org", "ben@example.org"), ledger(t, t.TempDir()), fast)
	if out.Sent != 2 || out.Failed != 0 {
		t.Fatalf("outcome = %+v", out)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Errorf("server kept %d messages, want 2", n)
	}
}

func TestNoServerIsTemporary(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: "starttls"})
	m, err := notify.NewMailer(notify.SMTPOptions{Host: "127.0.0.1", Port: 1, TLS: "starttls", Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_ = srv
	out := notify.Deliver(context.Background(), week, items(t, m, "ana@example.org"), ledger(t, t.TempDir()),
		notify.DeliverOptions{RetryFor: 100 * time.Millisecond, FirstWait: 20 * time.Millisecond})
	if out.Failed != 1 || !strings.Contains(out.Failures[0].Err.Error(), "still failing after retries") {
		t.Fatalf("outcome = %+v", out)
	}
}

// The record is durable: a new process (a new Ledger on the same folder) sends nothing in the
// same week, sends again the next week, and --force sends anyway.
func TestAtMostOncePerWeek(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: "starttls"})
	m := mailer(t, srv, "starttls", "", "")
	dir := t.TempDir()
	l := ledger(t, dir)
	if out := notify.Deliver(context.Background(), week, items(t, m, "ana@example.org"), l, fast); out.Sent != 1 {
		t.Fatalf("first: %+v", out)
	}
	_ = l.Close()
	l2 := ledger(t, dir)
	if out := notify.Deliver(context.Background(), week, items(t, m, "ana@example.org"), l2, fast); out.Sent != 0 || out.Already != 1 {
		t.Fatalf("same week: %+v", out)
	}
	if out := notify.Deliver(context.Background(), week.AddDays(7), items(t, m, "ana@example.org"), l2, fast); out.Sent != 1 {
		t.Fatalf("next week: %+v", out)
	}
	force := fast
	force.Force = true
	if out := notify.Deliver(context.Background(), week, items(t, m, "ana@example.org"), l2, force); out.Sent != 1 {
		t.Fatalf("forced: %+v", out)
	}
	if n := len(srv.Messages()); n != 3 {
		t.Errorf("server got %d messages, want 3", n)
	}
}

func TestLedgerLock(t *testing.T) {
	dir := t.TempDir()
	_ = ledger(t, dir)
	_, err := notify.OpenLedger(context.Background(), dir, "xlsx:/srv/groups.xlsx", 200*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "another partnermap process") {
		t.Fatalf("second open = %v, want a lock error", err)
	}
	if _, err := notify.OpenLedger(context.Background(), dir, "xlsx:/srv/other.xlsx", 200*time.Millisecond); err != nil {
		t.Errorf("another source's record is separate: %v", err)
	}
}

func TestTemporaryWrapping(t *testing.T) {
	err := &notify.TemporaryError{Err: errors.New("451")}
	if !notify.Temporary(err) || notify.Temporary(errors.New("550")) {
		t.Fatal("Temporary")
	}
}
