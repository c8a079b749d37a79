package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/demo"
	"github.com/partnermap/partnermap/sheets/xlsx"
)

// idleResult is the resident memory of the scheduled service between syncs.
type idleResult struct {
	Partners int
	RSS      int64 // VmRSS after the first sync and the settle time: what an idle service holds
	Anon     int64 // RssAnon: the part of RSS that is heap, stacks and runtime
	File     int64 // RssFile: the part that is the program's own code and data, mapped from its file
	HWM      int64 // VmHWM: the most it held, during its first sync
	Settle   time.Duration
}

// measureIdle builds the partnermap command, starts it as a service (`partnermap sync`)
// with a one-day schedule on a workbook of n partners (0: the demo workbook), waits for its
// first sync, lets it settle and reads its resident memory from /proc.
func measureIdle(ctx context.Context, o options, dir string, n int, stderr io.Writer) (idleResult, error) {
	res := idleResult{Partners: n, Settle: o.settle}
	bin := filepath.Join(dir, "partnermap")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/partnermap/partnermap/cmd/partnermap")
	build.Stdout, build.Stderr = stderr, stderr
	if err := build.Run(); err != nil {
		return res, fmt.Errorf("build partnermap for the idle measurement (run from the module): %w", err)
	}
	book := filepath.Join(dir, fmt.Sprintf("idle-%d.xlsx", n))
	os.Remove(book)
	defer removeWithBackups(book)
	tabs := demo.Workbook(config.Default().Tabs, demo.Day(o.asOf))
	if n > 0 {
		tabs = benchTabs(o, n)
	}
	if _, err := xlsx.New(book, xlsx.Options{}).AddInputTabs(ctx, tabs); err != nil {
		return res, fmt.Errorf("write the idle workbook: %w", err)
	}

	cmd := exec.CommandContext(ctx, bin, "sync")
	cmd.Env = append(os.Environ(),
		"PARTNERMAP_SOURCE_XLSX="+book,
		"PARTNERMAP_SCHEDULE=@every 24h",
		"PARTNERMAP_STATE_DIR="+filepath.Join(dir, "state"),
		"PARTNERMAP_LOG_FORMAT=json",
	)
	// An os.Pipe of our own rather than StderrPipe: Wait must not close the pipe while the
	// reader below still drains it.
	logs, w, err := os.Pipe()
	if err != nil {
		return res, fmt.Errorf("service logs: %w", err)
	}
	defer logs.Close()
	cmd.Stderr = w
	err = cmd.Start()
	w.Close()
	if err != nil {
		return res, fmt.Errorf("start the service: %w", err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	// The service logs one JSON line per sync (sync/service.go's finish); the first one
	// decides. Logs are drained to the end so the service never blocks on a full pipe.
	synced := make(chan error, 1)
	go func() {
		sent := false
		send := func(err error) {
			if !sent {
				sent = true
				synced <- err
			}
		}
		sc := bufio.NewScanner(logs)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.Contains(line, `"message":"sync done"`):
				send(nil)
			case strings.Contains(line, `"message":"sync failed"`), strings.Contains(line, `"message":"sync skipped`):
				send(errors.New("the service's first sync did not write: " + line))
			}
		}
		_, _ = io.Copy(io.Discard, logs)
		send(errors.New("the service stopped before its first sync"))
	}()
	select {
	case err := <-synced:
		if err != nil {
			return res, err
		}
	case <-time.After(5 * time.Minute):
		return res, errors.New("the service did not finish its first sync within 5 minutes")
	case <-ctx.Done():
		return res, ctx.Err()
	}
	select {
	case <-time.After(o.settle):
	case <-ctx.Done():
		return res, ctx.Err()
	}
	status, err := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/status")
	if err != nil {
		return res, fmt.Errorf("read the service's memory: %w", err)
	}
	if res.RSS, err = statusKiB(status, "VmRSS"); err != nil {
		return res, err
	}
	if res.HWM, err = statusKiB(status, "VmHWM"); err != nil {
		return res, err
	}
	if res.Anon, err = statusKiB(status, "RssAnon"); err != nil {
		return res, err
	}
	if res.File, err = statusKiB(status, "RssFile"); err != nil {
		return res, err
	}
	return res, nil
}
