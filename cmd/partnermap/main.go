// Command partnermap syncs a group's partner spreadsheet: it reads the volunteers' tabs and
// writes alignment rings, a power map, priorities, follow-ups and connections back as
// summary tabs. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
