package config

import (
	"crypto/x509"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"strings"
	"time"
)

// validate checks the notify keys. Only what is set is checked, unless digests are enabled:
// then there must be somewhere to send them.
func (n Notify) validate() []error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("notify.%s: "+format, append([]any{key}, args...)...))
	}
	if n.Enabled && !n.Sends() {
		bad("enabled", "digests are on but there is nowhere to send them: set notify.smtp.host (mail) or notify.webhook (chat)")
	}
	if err := checkSchedule(n.Schedule); err != nil || strings.HasPrefix(strings.TrimSpace(n.Schedule), "@every") {
		bad("schedule", "%q: use a cron expression (minute hour day month weekday), like \"0 8 * * 1\" for Mondays 08:00", n.Schedule)
	}
	if n.RetryFor < 0 {
		bad("retry_for", "must not be negative, got %s", n.RetryFor)
	}
	if n.SMTP.Host != "" {
		switch n.SMTP.TLS {
		case "starttls", "tls":
		case "none":
			if !Loopback(n.SMTP.Host) {
				bad("smtp.tls", "none sends the password and the digests unencrypted, so it is only allowed for a server on this machine (localhost), not %q: use starttls (port 587) or tls (port 465)", n.SMTP.Host)
			}
		default:
			bad("smtp.tls", "must be starttls (port 587), tls (port 465) or none (localhost only), got %q", n.SMTP.TLS)
		}
		if n.SMTP.Port < 1 || n.SMTP.Port > 65535 {
			bad("smtp.port", "must be a port number (587 for starttls, 465 for tls), got %d", n.SMTP.Port)
		}
		if n.SMTP.Timeout < time.Second {
			bad("smtp.timeout", "must be at least 1s, got %s", n.SMTP.Timeout)
		}
		if n.SMTP.CAFile != "" {
			if _, err := n.SMTP.CertPool(); err != nil {
				bad("smtp.ca_file", "%v", err)
			}
		}
		if (n.SMTP.Username == "") != (n.SMTP.Password == "") {
			bad("smtp.password", "set both smtp.username and smtp.password (PARTNERMAP_NOTIFY_SMTP_PASSWORD), or neither")
		}
	}
	for _, key := range []struct{ name, val string }{{"from", n.From}, {"reply_to", n.ReplyTo}} {
		if strings.TrimSpace(key.val) != "" {
			if _, err := mail.ParseAddress(key.val); err != nil {
				bad(key.name, "%q is not an email address: %v", key.val, err)
			}
		}
	}
	for i, l := range n.Leaders {
		if strings.Contains(l, "@") {
			if _, err := mail.ParseAddress(l); err != nil {
				bad(fmt.Sprintf("leaders[%d]", i), "%q is not an email address: %v", l, err)
			}
		}
	}
	if n.Webhook != "" {
		if err := checkWebhook(n.Webhook.Reveal()); err != nil {
			bad("webhook", "%v", err)
		}
	}
	return errs
}

// CertPool is the system's trusted certificates plus those of CAFile (nil when CAFile is
// not set: the system's alone).
func (s SMTP) CertPool() (*x509.CertPool, error) {
	if s.CAFile == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", s.CAFile, err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", s.CAFile)
	}
	return pool, nil
}

// checkWebhook says what is wrong with a webhook URL without quoting it: its token is in it.
func checkWebhook(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("not a URL (it is not shown, since it holds a token): paste the whole incoming-webhook URL from Google Chat or Slack")
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && Loopback(u.Hostname())) {
		return fmt.Errorf("must be an https:// URL (it is not shown, since it holds a token)")
	}
	return nil
}

// Loopback reports whether host is this machine: localhost or a loopback address.
func Loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
