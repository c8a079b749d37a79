package google

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"cloud.google.com/go/auth"
	"github.com/cenkalti/backoff/v5"
	"google.golang.org/api/googleapi"
)

// policy is the retry schedule of GOOGLE.md: the n-th wait is min(2^n·base + up to one base
// of jitter, max), at least what a Retry-After asked for, and never past the deadline (it
// stops instead, so the caller gets the API's error rather than a bare timeout).
type policy struct {
	base, max time.Duration
	deadline  time.Time // zero: none
	n         int
	after     time.Duration // Retry-After of the last failure, consumed by NextBackOff
}

func (p *policy) Reset() { p.n = 0 }

func (p *policy) NextBackOff() time.Duration {
	d := p.max
	if p.n < 30 {
		d = min(p.base<<p.n+rand.N(p.base), p.max)
	}
	p.n++
	if p.after > d {
		d = p.after
	}
	p.after = 0
	if !p.deadline.IsZero() && time.Now().Add(d).After(p.deadline) {
		return backoff.Stop
	}
	return d
}

// outcome of one attempt, for the caller to judge whether a failed write may have landed.
type attempts struct {
	n int
	// ambiguous: an attempt failed after the request may have reached the server (network
	// error, timeout, 5xx), so a write might have been applied without us hearing of it.
	ambiguous bool
}

// retryable is a failure worth another attempt.
type retryable struct{ err error }

func (r *retryable) Error() string { return r.err.Error() }
func (r *retryable) Unwrap() error { return r.err }

// call runs one API request with the limiter, a per-attempt timeout and retries.
// method names the call for OnRequest and logs ("get", "batchUpdate").
func call[T any](ctx context.Context, s *Sheet, method string, do func(context.Context) (T, int, error)) (T, attempts, error) {
	var st attempts
	p := &policy{base: s.opts.RetryBase, max: s.opts.RetryMax}
	if d, ok := ctx.Deadline(); ok {
		p.deadline = d
	}
	var last error
	op := func() (T, error) {
		var zero T
		st.n++
		if s.opts.Limiter != nil {
			if err := s.opts.Limiter.Wait(ctx); err != nil {
				return zero, backoff.Permanent(fmt.Errorf("wait for the API rate limit: %w", err))
			}
		}
		actx, cancel := context.WithTimeout(ctx, s.opts.AttemptTimeout)
		res, status, err := do(actx)
		err = redactAuth(err)
		timedOut := actx.Err() != nil && ctx.Err() == nil
		cancel()
		if err == nil {
			s.report(method, status)
			return res, nil
		}
		var ge *googleapi.Error
		switch {
		case ctx.Err() != nil:
			s.report(method, 0)
			return zero, backoff.Permanent(err)
		case errors.As(err, &ge):
			s.report(method, ge.Code)
			if ge.Code != http.StatusTooManyRequests && ge.Code != http.StatusRequestTimeout && ge.Code < 500 {
				return zero, backoff.Permanent(err)
			}
			if ge.Code >= 500 || ge.Code == http.StatusRequestTimeout {
				st.ambiguous = true
			}
			p.after = retryAfter(ge.Header, s.opts.RetryBase)
		case isPermanentAuth(err):
			s.report(method, 0)
			return zero, backoff.Permanent(err)
		default:
			// Network errors, resets, timeouts and truncated or malformed JSON.
			s.report(method, 0)
			st.ambiguous = true
			if timedOut {
				err = fmt.Errorf("no answer within %s: %w", s.opts.AttemptTimeout, err)
			}
		}
		last = err
		return zero, &retryable{err: err}
	}
	notify := func(err error, wait time.Duration) {
		s.log.Warn().Str("call", method).Int("attempt", st.n).Dur("wait", wait).Err(err).
			Msg("Google Sheets call failed; retrying")
	}
	res, err := backoff.Retry(ctx, op, backoff.WithBackOff(p), backoff.WithNotify(notify),
		backoff.WithMaxElapsedTime(0))
	if err == nil {
		return res, st, nil
	}
	var r *retryable
	if errors.As(err, &r) {
		err = r.err
	}
	if ctx.Err() != nil && last != nil && !errors.Is(err, last) {
		// The deadline cut the retries short: say what kept failing.
		err = fmt.Errorf("%w (after %d attempts; last error: %v)", err, st.n, last)
	} else if st.n > 1 {
		err = fmt.Errorf("after %d attempts: %w", st.n, err)
	}
	return res, st, err
}

func (s *Sheet) report(method string, status int) {
	if s.opts.OnRequest != nil {
		s.opts.OnRequest(method, status)
	}
}

// retryAfter reads a Retry-After header (seconds or an HTTP date) in units of base.
func retryAfter(h http.Header, base time.Duration) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
		return time.Duration(secs * float64(base))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return time.Duration(d.Seconds() * float64(base))
		}
	}
	return 0
}

// isPermanentAuth reports a token error that another attempt will not fix (a revoked or
// malformed key); a token endpoint that is merely down is retried.
// authFailure stands for an error of Google's token service without its body, which the
// library copies into its message verbatim: a token service (or a proxy before it) may
// echo the request, with the signed assertion, or anything else. Only the status and the
// OAuth error code are said; the original stays reachable for errors.As.
type authFailure struct{ ae *auth.Error }

func (e *authFailure) Error() string {
	msg := "Google's token service failed"
	if e.ae.Response != nil {
		msg = fmt.Sprintf("Google's token service answered HTTP %d", e.ae.Response.StatusCode)
	}
	var body struct {
		Code string `json:"error"`
	}
	if json.Unmarshal(e.ae.Body, &body) == nil && oauthCode.MatchString(body.Code) {
		msg += " (" + body.Code + ")"
	}
	return msg
}

func (e *authFailure) Unwrap() error { return e.ae }

// oauthCode is what an OAuth error code looks like (invalid_grant); anything else in its
// place is not repeated.
var oauthCode = regexp.MustCompile(`^[a-z_]{1,40}$`)

// redactAuth replaces an error that carries a token-service answer by an authFailure,
// dropping the wrappers too (a *url.Error would print the body through its own message).
func redactAuth(err error) error {
	var ae *auth.Error
	if err == nil || !errors.As(err, &ae) {
		return err
	}
	return &authFailure{ae: ae}
}

func isPermanentAuth(err error) bool {
	var ae *auth.Error
	if !errors.As(err, &ae) {
		return false
	}
	return !ae.Temporary()
}
