package sync

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/decode"
	"github.com/partnermap/partnermap/history"
	"github.com/partnermap/partnermap/notify"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets"
)

// NotifyOptions change one digest run.
type NotifyOptions struct {
	// AsOf fixes the day D, and so the week; zero means today in the source's zone.
	AsOf scoring.Date
	// DryRun builds the digests and says who would get one, sending and recording nothing.
	DryRun bool
	// Preview, when set, is a folder the messages are written to (HTML, text, .eml) instead
	// of being sent.
	Preview string
	// Force sends even the digests already sent this week, with new Message-IDs.
	Force bool
	// LockWait bounds the wait for another process sending this source's digests.
	LockWait time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// TLSConfig and HTTPClient replace the defaults (tests trust their own servers).
	TLSConfig  *tls.Config
	HTTPClient *http.Client
	// FirstWait overrides the wait before the first retry (tests).
	FirstWait time.Duration
	// OnResult is told the fate of each digest as it is settled.
	OnResult func(it notify.Item, result string, err error)
}

// NotifyReport says what one digest run of one source did.
type NotifyReport struct {
	Source  string
	AsOf    scoring.Date
	Week    scoring.Date
	Digests []notify.Digest
	// Problems are owners who get no digest for want of a usable email (info Data Issues).
	Problems []scoring.Issue
	Outcome  notify.Outcome
	// Previewed lists the files written with Preview.
	Previewed []string
}

// Notify sends the weekly digests of one source (SPEC §7): one read of the input tabs, the
// same decoding and scoring as a sync, then each owner's digest, the leaders' digest and
// the chat digest, each at most once per week (notify.Ledger). It writes nothing to the
// spreadsheet and so takes no source lock; the digest record has its own.
func Notify(ctx context.Context, cfg config.Config, src config.Source, source sheets.Source, opts NotifyOptions) (*NotifyReport, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	cfg = ForSource(cfg, src)
	rep := &NotifyReport{Source: src.Label()}
	inputs := []string{cfg.Tabs.Partners, cfg.Tabs.Assets, cfg.Tabs.Meetings, cfg.Tabs.Members}
	if cfg.Outputs.History != "" {
		inputs = append(inputs, cfg.Outputs.History) // for who moved
	}
	snap, err := source.Read(ctx, inputs)
	if err != nil {
		return rep, fmt.Errorf("read %s: %w", source.Describe(), err)
	}
	if _, ok := snap.Tables[cfg.Tabs.Partners]; !ok {
		return rep, fmt.Errorf("read %s: no tab named %q: nothing to send", source.Describe(), cfg.Tabs.Partners)
	}
	rep.AsOf, _, err = asOfDay(cfg.Timezone, snap, opts.AsOf, now())
	if err != nil {
		return rep, err
	}
	rep.Week = notify.WeekOf(rep.AsOf)
	dec := decode.Decode(snap.Tables, decode.Options{
		Tabs:      decode.TabNames{Partners: cfg.Tabs.Partners, Assets: cfg.Tabs.Assets, Meetings: cfg.Tabs.Meetings, Members: cfg.Tabs.Members},
		DateOrder: dateOrder(cfg.DateOrder),
	})
	res := scoring.Score(dec.Records, cfg.Scoring, rep.AsOf)

	key, _ := SourceKey(src)
	in := notifyInput(cfg, src, dec.Records, res)
	in.Moves = digestMoves(cfg, snap, dec.Records, res)
	digests, problems := notify.Build(in, cfg.Notify.Webhook != "")
	rep.Digests = digests
	rep.Problems = notifyIssues(cfg.Tabs.Members, problems)
	if cfg.Notify.SMTP.Host == "" {
		// Mail is not configured: only the chat digest can go out.
		kept := digests[:0:0]
		for _, d := range digests {
			if d.Kind == notify.KindChat {
				kept = append(kept, d)
			}
		}
		digests = kept
	}

	sender := notify.Sender{From: defaultFrom(cfg.Notify), ReplyTo: cfg.Notify.ReplyTo}
	nonce := ""
	if opts.Force {
		nonce = strconv.FormatInt(now().UnixNano(), 36)
	}
	var mailer *notify.Mailer
	var items []notify.Item
	var previews []preview
	for _, d := range digests {
		msg, err := notify.Compose(d, key, sender, nonce)
		if err != nil {
			return rep, err
		}
		if d.Kind == notify.KindChat {
			text := notify.ChatText(d)
			previews = append(previews, preview{name: "chat.txt", body: text})
			hook := notify.NewWebhook(cfg.Notify.Webhook.Reveal(), opts.HTTPClient)
			items = append(items, notify.Item{Kind: d.Kind, To: "webhook", Label: "chat webhook", MessageID: msg.MessageID,
				Send: func(ctx context.Context) error { return hook.Post(ctx, text) }})
			continue
		}
		mail, err := msg.Mail(sender, now())
		if err != nil {
			return rep, err
		}
		name := d.Kind + "-" + fileSafe(d.To.Name)
		previews = append(previews, preview{name: name + ".html", body: msg.HTML}, preview{name: name + ".txt", body: msg.Text}, preview{name: name + ".eml", mail: msg, sender: sender})
		if mailer == nil && opts.Preview == "" && !opts.DryRun {
			s := cfg.Notify.SMTP
			tlsConfig := opts.TLSConfig
			if tlsConfig == nil && s.CAFile != "" {
				pool, err := s.CertPool()
				if err != nil {
					return rep, &config.Error{Err: fmt.Errorf("notify.smtp.ca_file: %w", err)}
				}
				tlsConfig = &tls.Config{RootCAs: pool, ServerName: s.Host, MinVersion: tls.VersionTLS12}
			}
			mailer, err = notify.NewMailer(notify.SMTPOptions{Host: s.Host, Port: s.Port, Username: s.Username, Password: s.Password.Reveal(),
				TLS: s.TLS, Timeout: s.Timeout, TLSConfig: tlsConfig})
			if err != nil {
				return rep, &config.Error{Err: fmt.Errorf("notify.smtp: %w", err)}
			}
		}
		items = append(items, notify.Item{Kind: d.Kind, To: d.To.Email, Label: fmt.Sprintf("%s <%s>", d.To.Name, d.To.Email),
			MessageID: msg.MessageID, Send: func(ctx context.Context) error { return mailer.Send(ctx, mail) }})
	}

	if opts.Preview != "" {
		files, err := writePreviews(opts.Preview, previews, now())
		rep.Previewed = files
		return rep, err
	}

	wait := opts.LockWait
	if wait <= 0 {
		wait = DefaultLockWait
	}
	ledger, err := notify.OpenLedger(ctx, cfg.StateDir, key, wait)
	if err != nil {
		return rep, err
	}
	defer ledger.Close()
	rep.Outcome = notify.Deliver(ctx, rep.Week, items, ledger, notify.DeliverOptions{
		Force: opts.Force, DryRun: opts.DryRun, RetryFor: cfg.Notify.RetryFor, FirstWait: opts.FirstWait,
		Now: opts.Now, OnResult: opts.OnResult,
	})
	if mailer != nil {
		_ = mailer.Close() // every accepted message is recorded already
	}
	return rep, nil
}

// notifyInput gathers what the digests are built from.
func notifyInput(cfg config.Config, src config.Source, recs scoring.Records, res scoring.Result) notify.Input {
	in := notify.Input{Records: recs, Result: res, Leaders: cfg.Notify.Leaders}
	if src.SpreadsheetID != "" {
		in.Title = "your Google Sheet"
		if src.Name != "" {
			in.Title = src.Name + " (Google Sheet)"
		}
		in.Link = "https://docs.google.com/spreadsheets/d/" + src.SpreadsheetID + "/edit"
	} else {
		in.Title = filepath.Base(src.XLSX)
	}
	return in
}

// moveDays is how far back a weekly digest looks for partners that moved: the week since
// the last digest.
const moveDays = 7

// digestMoves lists the ring and quadrant changes of the last week: the History tab's rows
// with today's state added as a sync would add it (nothing is written).
func digestMoves(cfg config.Config, snap *sheets.Snapshot, recs scoring.Records, res scoring.Result) []notify.Move {
	t := snap.Tables[cfg.Outputs.History]
	if t == nil {
		return nil
	}
	if info, ok := snap.Tab(cfg.Outputs.History); ok && !info.Managed {
		return nil // a volunteer's tab of that name, not partnermap's record
	}
	past, _ := history.Read(t, dateOrder(cfg.DateOrder))
	rows := history.Update(past, history.States(recs.Partners, res), res.AsOf, cfg.History.KeepDays).Rows
	moves := history.Moves(rows, res.AsOf, moveDays)
	var out []notify.Move
	for _, a := range res.Assessments {
		if m, ok := moves[a.Partner.Key]; ok {
			out = append(out, notify.Move{Partner: a.Partner.Name, Owner: a.Owner, Change: m.What, On: m.Date})
		}
	}
	return out
}

// notifyIssues turns the owners who get no digest into info Data Issues on the Members tab.
func notifyIssues(membersTab string, problems []notify.Problem) []scoring.Issue {
	out := make([]scoring.Issue, 0, len(problems))
	for _, p := range problems {
		out = append(out, scoring.Issue{Tab: membersTab, Row: p.Row, Column: p.Column, Value: p.Value, Problem: p.Problem, Severity: scoring.SevInfo})
	}
	return out
}

// DigestIssues are the info Data Issues a sync adds when digests are on: owners who would
// get no digest because Members has no usable email for them.
func DigestIssues(cfg config.Config, recs scoring.Records, res scoring.Result) []scoring.Issue {
	if !mailDigests(cfg) {
		return nil
	}
	_, problems := notify.Build(notify.Input{Records: recs, Result: res}, false)
	return notifyIssues(cfg.Tabs.Members, problems)
}

// defaultFrom is notify.from, else the SMTP login when it is an address, else
// partnermap@ this machine's name, as mail programs do.
func defaultFrom(n config.Notify) string {
	if n.From != "" {
		return n.From
	}
	if strings.Contains(n.SMTP.Username, "@") {
		return n.SMTP.Username
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	return "partnermap@" + host
}

// mailDigests reports whether the service mails weekly digests.
func mailDigests(cfg config.Config) bool { return cfg.Notify.Enabled && cfg.Notify.SMTP.Host != "" }

type preview struct {
	name   string
	body   string
	mail   *notify.Message
	sender notify.Sender
}

var unsafeFile = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func fileSafe(s string) string {
	s = unsafeFile.ReplaceAllString(s, "_")
	if len(s) > 60 {
		s = s[:60]
	}
	return s
}

func writePreviews(dir string, previews []preview, now time.Time) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	var files []string
	for _, p := range previews {
		path := filepath.Join(dir, p.name)
		if p.mail != nil {
			m, err := p.mail.Mail(p.sender, now)
			if err != nil {
				return files, err
			}
			if err := m.WriteToFile(path); err != nil {
				return files, fmt.Errorf("preview: %w", err)
			}
		} else if err := os.WriteFile(path, []byte(p.body), 0o644); err != nil {
			return files, fmt.Errorf("preview: %w", err)
		}
		files = append(files, path)
	}
	return files, nil
}
