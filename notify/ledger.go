package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gofrs/flock"

	"github.com/partnermap/partnermap/scoring"
)

// keepWeeks bounds the record: entries of older weeks are dropped when it is written.
const keepWeeks = 8

// Ledger is the durable record of the digests accepted for delivery, one file per source in
// the state directory. It is what makes a digest go to a recipient at most once per week,
// across restarts, crashes and `notify --now` runs: each accepted message is recorded at
// once, by writing a new file and renaming it over the old one, so a crash leaves either the
// old record or the new one, never a torn file.
//
// A Ledger holds an exclusive lock on its file from OpenLedger to Close, so two processes
// (the service and an admin's `notify --now`) never send the same week's digests at once.
type Ledger struct {
	source  string
	path    string
	lock    *flock.Flock
	entries []Entry
}

// Entry records one accepted message.
type Entry struct {
	Week      string    `json:"week"` // YYYY-MM-DD, a Monday
	Kind      string    `json:"kind"`
	To        string    `json:"to"` // lower-case address; "webhook" for the chat digest
	MessageID string    `json:"message_id,omitempty"`
	At        time.Time `json:"at"`
}

type ledgerFile struct {
	Source  string  `json:"source"`
	Entries []Entry `json:"sent"`
}

// LedgerPath is where the record of source lives under stateDir.
func LedgerPath(stateDir, source string) string {
	sum := sha256.Sum256([]byte(source))
	return filepath.Join(stateDir, "digests", safeName(source)+"-"+hex.EncodeToString(sum[:4])+".json")
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func safeName(s string) string {
	s = unsafeChars.ReplaceAllString(filepath.Base(s), "_")
	if len(s) > 40 {
		s = s[:40]
	}
	return s
}

// OpenLedger locks and reads the record of source, waiting up to wait for another process
// that holds it.
func OpenLedger(ctx context.Context, stateDir, source string, wait time.Duration) (*Ledger, error) {
	path := LedgerPath(stateDir, source)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("digest record: %w", err)
	}
	l := &Ledger{source: source, path: path, lock: flock.New(path + ".lock")}
	lockCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	ok, err := l.lock.TryLockContext(lockCtx, 100*time.Millisecond)
	if err != nil || !ok {
		if err == nil || errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("another partnermap process is sending this source's digests (lock %s held for over %s)", path+".lock", wait)
		}
		return nil, fmt.Errorf("digest record: %w", err)
	}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		_ = l.lock.Unlock()
		return nil, fmt.Errorf("digest record: %w", err)
	default:
		var f ledgerFile
		if err := json.Unmarshal(data, &f); err != nil {
			// Refused rather than started afresh: an empty record would resend the week.
			_ = l.lock.Unlock()
			return nil, fmt.Errorf("digest record %s is unreadable (%v): move it aside to start a new one; this week's digests may then be sent again", path, err)
		}
		l.entries = f.Entries
	}
	return l, nil
}

// Close releases the lock.
func (l *Ledger) Close() error {
	if l == nil {
		return nil
	}
	return l.lock.Unlock()
}

// Sent returns the entry of a message of this week, kind and recipient, if one was accepted.
func (l *Ledger) Sent(week scoring.Date, kind, to string) (Entry, bool) {
	w, to := week.String(), strings.ToLower(to)
	for _, e := range l.entries {
		if e.Week == w && e.Kind == kind && e.To == to {
			return e, true
		}
	}
	return Entry{}, false
}

// Record adds an accepted message and writes the record durably before returning.
func (l *Ledger) Record(week scoring.Date, kind, to, messageID string, at time.Time) error {
	e := Entry{Week: week.String(), Kind: kind, To: strings.ToLower(to), MessageID: messageID, At: at.UTC()}
	oldest := week.AddDays(-7 * keepWeeks).String()
	kept := slices.DeleteFunc(slices.Clone(l.entries), func(x Entry) bool {
		return x.Week < oldest || (x.Week == e.Week && x.Kind == e.Kind && x.To == e.To)
	})
	kept = append(kept, e)
	if err := writeAtomic(l.path, ledgerFile{Source: l.source, Entries: kept}); err != nil {
		return fmt.Errorf("digest record: %w", err)
	}
	l.entries = kept
	return nil
}

// writeAtomic writes v as JSON to a new file beside path, syncs it, renames it over path and
// syncs the folder, so the rename itself survives a power cut.
func writeAtomic(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".digests-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	dir, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer dir.Close()
	return dir.Sync()
}
