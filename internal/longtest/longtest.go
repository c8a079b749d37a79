// Package longtest gates the test suites that take minutes on a small machine: the ones
// that build and kill the real process, start LibreOffice or a service, or drive every
// fault through whole syncs. A plain `go test ./...` skips them so a newcomer's run stays
// short; CI (.ci/run) sets the variable below and runs them all.
package longtest

import (
	"os"
	"testing"
)

// Env is the variable that turns the long suites on: `LONG_TESTS=1 go test ./...`.
// It has no PARTNERMAP_ prefix on purpose: partnermap reads every PARTNERMAP_ variable as
// configuration and would warn about this one.
const Env = "LONG_TESTS"

// Enabled reports whether the long suites run: Env is "1" and -short is not given.
func Enabled() bool {
	return os.Getenv(Env) == "1" && !testing.Short()
}

// Skip skips t unless the long suites run, saying what the test does and how to run it.
func Skip(t testing.TB, what string) {
	t.Helper()
	if !Enabled() {
		t.Skipf("long suite (%s): run with %s=1, as CI does", what, Env)
	}
}
