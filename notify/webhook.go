package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Webhook posts the leaders' digest to a Google Chat or Slack incoming webhook. Both take
// {"text": "..."} with *bold* and <url|label> links. The URL carries the webhook's token,
// so no error or log line ever shows it.
type Webhook struct {
	url    string
	client *http.Client
}

// NewWebhook returns a poster for rawURL; client nil means one with a 30-second timeout.
func NewWebhook(rawURL string, client *http.Client) *Webhook {
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	return &Webhook{url: rawURL, client: client}
}

// Post sends text. A 429 or 5xx reply or a network failure is a *TemporaryError, honouring
// Retry-After.
func (w *Webhook) Post(ctx context.Context, text string) error {
	body, err := json.Marshal(map[string]string{"text": text})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return errors.New("webhook: the URL cannot be used (it is not shown, since it holds a token)")
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	resp, err := w.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // *url.Error's text holds the URL
		}
		return &TemporaryError{Err: w.redact(fmt.Errorf("webhook: %w", err))}
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	err = w.redact(fmt.Errorf("webhook: HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(snippet))))
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		return &TemporaryError{Err: err, After: retryAfter(resp.Header.Get("Retry-After"))}
	}
	return err
}

// redact removes the URL and its path (which holds the token) from err's text.
func (w *Webhook) redact(err error) error {
	msg := err.Error()
	if u, perr := url.Parse(w.url); perr == nil {
		for _, s := range []string{w.url, u.RawQuery, u.Path} {
			if len(s) > 1 {
				msg = strings.ReplaceAll(msg, s, "[redacted]")
			}
		}
	}
	if msg == err.Error() {
		return err
	}
	return errors.New(msg)
}

func retryAfter(v string) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s > 0 {
		return min(time.Duration(s)*time.Second, 5*time.Minute)
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(time.Until(t), 0), 5*time.Minute)
	}
	return 0
}

// ChatText renders the leaders' digest for a chat room: short, with the counts, the top
// priorities and the overdue follow-ups by owner.
func ChatText(d Digest) string {
	l := d.Leaders
	var b strings.Builder
	fmt.Fprintf(&b, "*partnermap: week of %s* (%s)\n", dayName(d.Week), chatEscape(d.Title))
	fmt.Fprintf(&b, "%d active partners · %d follow-ups · *%d overdue*\n", l.Active, l.FollowUps, l.Overdue)
	if len(l.Top) > 0 {
		b.WriteString("\n*Top priorities*\n")
		for _, p := range l.Top {
			owner := p.Owner
			if owner == "" {
				owner = "no owner"
			}
			fmt.Fprintf(&b, "%d. %s (%s): %s\n", p.Rank, chatEscape(p.Partner), chatEscape(owner), chatEscape(p.NextMove))
		}
	}
	if len(l.Moved) > 0 {
		b.WriteString("\n*Moved*\n")
		for _, m := range l.Moved {
			fmt.Fprintf(&b, "• %s: %s\n", chatEscape(m.Partner), chatEscape(m.Change))
		}
	}
	if len(l.OverdueByOwner) > 0 {
		b.WriteString("\n*Overdue follow-ups by owner*\n")
		for _, g := range l.OverdueByOwner {
			owner := g.Owner
			if owner == "" {
				owner = "No owner yet"
			}
			names := make([]string, len(g.Items))
			for i, it := range g.Items {
				names[i] = chatEscape(it.Partner)
				if it.HasDays {
					names[i] += fmt.Sprintf(" (%s)", plural(it.Days, "day"))
				}
			}
			fmt.Fprintf(&b, "• %s: %s\n", chatEscape(owner), strings.Join(names, ", "))
		}
	}
	if d.Link != "" {
		fmt.Fprintf(&b, "\n<%s|Open the spreadsheet>\n", d.Link)
	}
	return b.String()
}

// chatEscape keeps volunteer text from becoming chat markup: Slack and Google Chat read
// <...> as links and mentions (<!channel> would notify everyone) and & starts an escape.
func chatEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(oneLine(s))
}
