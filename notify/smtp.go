package notify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"syscall"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/partnermap/partnermap/config"
)

// SMTPOptions configure the mail server connection (notify.smtp.*).
type SMTPOptions struct {
	Host     string
	Port     int
	Username string
	Password string
	// TLS is starttls, tls or none.
	TLS string
	// Timeout bounds connecting and each SMTP command.
	Timeout time.Duration
	// TLSConfig replaces the default (verify the server's certificate for Host); tests pass
	// one that trusts their own certificate.
	TLSConfig *tls.Config
	// Dial, when set, opens the connection instead of the system's dialer (tests reach a
	// server on this machine under another host name).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Mailer sends messages over one SMTP connection, opened on first use and opened again
// after a failure. It is not safe for concurrent use.
type Mailer struct {
	client    *gomail.Client
	connected bool
}

// NewMailer prepares a Mailer; it connects on the first Send.
func NewMailer(o SMTPOptions) (*Mailer, error) {
	opts := []gomail.Option{gomail.WithPort(o.Port), gomail.WithTimeout(o.Timeout)}
	// A server on this machine is reached without the network, so nothing can be read on the
	// way: there STARTTLS is used when offered, and a login may go without it. Anywhere else
	// starttls is required and the password only goes over TLS.
	local := config.Loopback(o.Host)
	switch {
	case o.TLS == "tls":
		opts = append(opts, gomail.WithSSL())
	case o.TLS == "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case local:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if o.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(o.TLSConfig))
	}
	if o.Dial != nil {
		opts = append(opts, gomail.WithDialContextFunc(o.Dial))
	}
	if o.Username != "" {
		if local {
			opts = append(opts, gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1,
				gomail.SMTPAuthCramMD5, gomail.SMTPAuthPlainNoEnc, gomail.SMTPAuthLoginNoEnc))
		} else {
			opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover))
		}
		opts = append(opts, gomail.WithUsername(o.Username), gomail.WithPassword(o.Password))
	}
	c, err := gomail.NewClient(o.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp %s: %w", o.Host, err)
	}
	return &Mailer{client: c}, nil
}

// Send delivers one message. The error is a *TemporaryError when trying again may work: a
// 4xx reply, a refused, timed-out or dropped connection.
func (m *Mailer) Send(ctx context.Context, msg *gomail.Msg) error {
	if !m.connected {
		if err := m.client.DialWithContext(ctx); err != nil {
			return classify(fmt.Errorf("connect: %w", err))
		}
		m.connected = true
	}
	err := m.client.Send(msg)
	if err == nil {
		return nil
	}
	if msg.IsDelivered() {
		// Accepted; only the RSET after it failed. The next message reconnects.
		m.drop()
		return nil
	}
	// A fresh connection for the next attempt: after a failure its state is unknown.
	m.drop()
	return classify(err)
}

func (m *Mailer) drop() {
	if m.connected {
		_ = m.client.Close()
		m.connected = false
	}
}

// Close ends the session with QUIT.
func (m *Mailer) Close() error {
	if !m.connected {
		return nil
	}
	m.connected = false
	return m.client.Close()
}

// classify marks err temporary when retrying can help.
func classify(err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) {
		switch {
		case se.IsTemp():
			return &TemporaryError{Err: err}
		case se.ErrorCode() >= 500:
			return err
		}
		switch se.Reason {
		case gomail.ErrGetSender, gomail.ErrGetRcpts, gomail.ErrNoUnencoded:
			return err
		}
		// No reply code: the connection broke during the transaction.
		return &TemporaryError{Err: err}
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		if te.Code/100 == 4 {
			return &TemporaryError{Err: err}
		}
		return err
	}
	var cve *tls.CertificateVerificationError
	var uae x509.UnknownAuthorityError
	var hne x509.HostnameError
	if errors.As(err, &cve) || errors.As(err, &uae) || errors.As(err, &hne) {
		return err
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return &TemporaryError{Err: err}
	}
	return err
}
