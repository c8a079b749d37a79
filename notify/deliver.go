package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/partnermap/partnermap/scoring"
)

// TemporaryError is a failure worth trying again: an SMTP 4xx reply, a dropped or refused
// connection, a webhook's 429 or 5xx.
type TemporaryError struct {
	Err error
	// After is how long the server asked us to wait (Retry-After), if it said.
	After time.Duration
}

func (e *TemporaryError) Error() string { return e.Err.Error() }
func (e *TemporaryError) Unwrap() error { return e.Err }

// Temporary reports whether err is worth trying again.
func Temporary(err error) bool {
	var t *TemporaryError
	return errors.As(err, &t)
}

// Item is one message to deliver: its key in the record, and how to send it.
type Item struct {
	Kind string
	// To is the recipient's address ("webhook" for the chat digest): the record's key.
	To string
	// Label names the recipient in output, e.g. "Ana Ruiz <ana@example.org>".
	Label     string
	MessageID string
	Send      func(ctx context.Context) error
}

// DeliverOptions change one delivery.
type DeliverOptions struct {
	// Force sends even what the record says was sent this week.
	Force bool
	// DryRun sends and records nothing; Outcome.Sent counts what would be sent.
	DryRun bool
	// RetryFor bounds the retries of temporary failures; after it they count as failed.
	RetryFor time.Duration
	// FirstWait is the wait before the first retry; it doubles each round, up to a minute.
	FirstWait time.Duration
	// Now and Sleep are the clock; nil means the real one.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) bool
	// OnResult, when set, is told the fate of each item as it is settled.
	OnResult func(it Item, result string, err error)
}

// Results of one item.
const (
	ResultSent    = "sent"
	ResultAlready = "already sent"
	ResultFailed  = "failed"
	// ResultWouldSend is a dry run's answer for what a real run would send.
	ResultWouldSend = "would be sent"
)

// Outcome counts what a delivery did.
type Outcome struct {
	Sent, Already, Failed int
	Failures              []Failure
	// Results holds each item's result by Key(kind, to).
	Results map[string]string
}

// Key is how Outcome.Results names an item.
func Key(kind, to string) string { return kind + ":" + strings.ToLower(to) }

// Failure is an item that could not be delivered.
type Failure struct {
	Label string
	Err   error
}

// Deliver sends each item that the record does not show as sent in week, and records each
// accepted one at once. A temporary failure is retried, after the other items, with a
// growing wait, until opts.RetryFor has passed; a permanent one fails that item only.
//
// The record is written right after the server accepts a message, so a crash can repeat at
// most the one message between acceptance and record; its Message-ID is the same on the
// repeat, so mail systems that deduplicate drop it.
func Deliver(ctx context.Context, week scoring.Date, items []Item, ledger *Ledger, opts DeliverOptions) Outcome {
	now, sleep := opts.Now, opts.Sleep
	if now == nil {
		now = time.Now
	}
	if sleep == nil {
		sleep = sleepCtx
	}
	wait := opts.FirstWait
	if wait <= 0 {
		wait = 2 * time.Second
	}
	settle := func(out *Outcome, it Item, result string, err error) {
		if out.Results == nil {
			out.Results = map[string]string{}
		}
		out.Results[Key(it.Kind, it.To)] = result
		switch result {
		case ResultSent, ResultWouldSend:
			out.Sent++
		case ResultAlready:
			out.Already++
		case ResultFailed:
			out.Failed++
			out.Failures = append(out.Failures, Failure{Label: it.Label, Err: err})
		}
		if opts.OnResult != nil {
			opts.OnResult(it, result, err)
		}
	}

	var out Outcome
	var pending []Item
	for _, it := range items {
		if _, done := ledger.Sent(week, it.Kind, it.To); done && !opts.Force {
			settle(&out, it, ResultAlready, nil)
			continue
		}
		pending = append(pending, it)
	}
	if opts.DryRun {
		for _, it := range pending {
			settle(&out, it, ResultWouldSend, nil)
		}
		return out
	}

	deadline := now().Add(opts.RetryFor)
	lastErr := map[int]error{}
	for round := 0; len(pending) > 0; round++ {
		var again []Item
		var after time.Duration
		for i, it := range pending {
			if ctx.Err() != nil {
				for _, rest := range pending[i:] {
					settle(&out, rest, ResultFailed, fmt.Errorf("stopped before sending: %w", ctx.Err()))
				}
				return out
			}
			err := it.Send(ctx)
			if err == nil {
				if rerr := ledger.Record(week, it.Kind, it.To, it.MessageID, now()); rerr != nil {
					// Sent, but a later run may send it again: say so, as a failure.
					settle(&out, it, ResultFailed, fmt.Errorf("sent, but not recorded, so the next run may send it again: %w", rerr))
					continue
				}
				settle(&out, it, ResultSent, nil)
				continue
			}
			if !Temporary(err) {
				settle(&out, it, ResultFailed, err)
				continue
			}
			var t *TemporaryError
			if errors.As(err, &t) {
				after = max(after, t.After)
			}
			lastErr[len(again)] = err
			again = append(again, it)
		}
		if len(again) == 0 {
			break
		}
		delay := max(wait, after)
		if now().Add(delay).After(deadline) || !sleep(ctx, delay) {
			for i, it := range again {
				settle(&out, it, ResultFailed, fmt.Errorf("still failing after retries for %s: %w", opts.RetryFor, lastErr[i]))
			}
			break
		}
		wait = min(2*wait, time.Minute)
		pending, lastErr = again, map[int]error{}
	}
	return out
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
