package main

import (
	"context"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/sync"
)

// blackhole is a loopback listener that accepts connections and never answers: an
// endpoint that hangs every call.
func blackhole(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(io.Discard, c) }()
			t.Cleanup(func() { c.Close() })
		}
	}()
	return "http://" + ln.Addr().String()
}

func TestEveryCommandEndsBySyncTimeoutAgainstAnEndpointThatNeverAnswers(t *testing.T) {
	endpoint := blackhole(t)
	for _, args := range [][]string{
		{"sync", "--now"},
		{"sync", "--now", "--dry-run"},
		{"check"},
		{"init"},
		{"render", "--svg", filepath.Join(t.TempDir(), "map.svg")},
	} {
		name := strings.Join(args[:min(2, len(args))], " ")
		t.Run(name, func(t *testing.T) {
			stateDir := t.TempDir()
			full := append(args, "--spreadsheet-id", "chapter-1", "--set", "source.endpoint="+endpoint,
				"--set", "sync_timeout=2s", "--log-format", "json", "--set", "state_dir="+stateDir)
			type result struct {
				code           int
				stdout, stderr string
			}
			done := make(chan result, 1)
			start := time.Now()
			go func() {
				var out, errOut strings.Builder
				code := run(context.Background(), full, &out, &errOut)
				done <- result{code, out.String(), errOut.String()}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(90 * time.Second):
				t.Fatalf("%s was still running after 90 s with sync_timeout 2s", name)
			}
			took := time.Since(start)
			if r.code == exitOK {
				t.Fatalf("exit 0 against an endpoint that never answers\n%s\n%s", r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout+r.stderr, "sync_timeout") {
				t.Errorf("the error does not say sync_timeout ended it:\n%s\n%s", r.stdout, r.stderr)
			}
			t.Logf("%s ended after %s (exit %d)", name, took.Round(10*time.Millisecond), r.code)
			// The source's lock is free again at once.
			lock, err := sync.LockSource(context.Background(), stateDir, config.Source{SpreadsheetID: "chapter-1"}, 0, nil)
			if err != nil {
				t.Fatalf("the source's lock is still held: %v", err)
			}
			_ = lock.Unlock()
		})
	}
}
