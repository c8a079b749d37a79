package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Sender is who digests come from.
type Sender struct {
	From    string // "Name <address>" or an address
	ReplyTo string
}

// Message is a digest rendered for mail: both parts and its Message-ID.
type Message struct {
	Digest    Digest
	Text      string
	HTML      string
	MessageID string
}

// Compose renders d. nonce is "" for a digest's normal Message-ID, derived from the source,
// recipient, kind and week so a repeat of the same week's digest carries the same ID and
// mail systems can drop it; a forced resend passes a nonce so the resend is not dropped.
func Compose(d Digest, source string, s Sender, nonce string) (*Message, error) {
	text, err := Text(d)
	if err != nil {
		return nil, err
	}
	html, err := HTML(d)
	if err != nil {
		return nil, err
	}
	return &Message{Digest: d, Text: text, HTML: html, MessageID: MessageID(source, d, s.From, nonce)}, nil
}

// MessageID derives the Message-ID of a digest (without angle brackets) from the source,
// the digest's kind, recipient and week, and the sender's domain.
func MessageID(source string, d Digest, from, nonce string) string {
	h := sha256.New()
	for _, part := range []string{source, d.Kind, strings.ToLower(d.To.Email), d.Week.String(), nonce} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	domain := "partnermap.invalid"
	if a, err := mail.ParseAddress(from); err == nil {
		if _, dom, ok := strings.Cut(a.Address, "@"); ok && dom != "" {
			domain = dom
		}
	}
	return fmt.Sprintf("digest.%s.%s@%s", d.Week, hex.EncodeToString(h.Sum(nil))[:24], domain)
}

// Mail builds the multipart mail of m, addressed to its recipient alone.
func (m *Message) Mail(s Sender, date time.Time) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(s.From); err != nil {
		return nil, fmt.Errorf("notify.from %q: %w", s.From, err)
	}
	if s.ReplyTo != "" {
		if err := msg.ReplyTo(s.ReplyTo); err != nil {
			return nil, fmt.Errorf("notify.reply_to %q: %w", s.ReplyTo, err)
		}
	}
	if err := msg.AddToFormat(oneLine(m.Digest.To.Name), m.Digest.To.Email); err != nil {
		return nil, fmt.Errorf("address %q: %w", m.Digest.To.Email, err)
	}
	msg.Subject(oneLine(m.Digest.Subject))
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetDateWithValue(date)
	msg.SetUserAgent("partnermap")
	// Keeps out-of-office replies and auto-forwards from answering a robot (RFC 3834).
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetGenHeader("X-Auto-Response-Suppress", "All")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	return msg, nil
}
