package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRenderDrawsThePowerMapOfTheSourceWithoutWritingIt(t *testing.T) {
	path := copyFixture(t, "messy.xlsx")
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "map.svg")
	code, stdout, stderr := partnermap(t, "render", "--xlsx", path, "--as-of", "2026-11-23", "--svg", out, "--title", "Messy chapter")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	pic, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<svg", "Messy chapter", "Eastside Tenants Union", "as of 2026-11-23", "Q2 Persuade"} {
		if !bytes.Contains(pic, []byte(want)) {
			t.Errorf("picture lacks %q", want)
		}
	}
	if !strings.Contains(stdout, "12 active partners") || !strings.Contains(stdout, out) {
		t.Errorf("stdout %q does not say what was drawn where", stdout)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("render changed the workbook; it must only read it")
	}
}

func TestRenderUsage(t *testing.T) {
	path := copyFixture(t, "messy.xlsx")
	dir := t.TempDir()
	cases := []struct {
		name   string
		path   string // PATH for the run
		args   []string
		code   int
		stderr string
	}{
		{"no output file is a usage error", os.Getenv("PATH"), []string{"render", "--xlsx", path}, exitConfig, "--svg FILE or --png FILE"},
		{"a bad as-of date is a usage error", os.Getenv("PATH"), []string{"render", "--xlsx", path, "--svg", filepath.Join(dir, "a.svg"), "--as-of", "23/11/2026"}, exitConfig, "YYYY-MM-DD"},
		{"--png without a rasteriser says what it needs", dir, []string{"render", "--xlsx", path, "--png", filepath.Join(dir, "a.png")}, exitConfig, "rsvg-convert"},
		{"no source is a configuration error", os.Getenv("PATH"), []string{"render", "--svg", filepath.Join(dir, "a.svg")}, exitConfig, "set xlsx"},
		{"a missing workbook fails", os.Getenv("PATH"), []string{"render", "--xlsx", filepath.Join(dir, "nope.xlsx"), "--svg", filepath.Join(dir, "b.svg")}, exitFailed, "partnermap init"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("PATH", tc.path)
			code, _, stderr := partnermap(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, stderr, tc.code, tc.stderr)
			}
		})
	}
}
