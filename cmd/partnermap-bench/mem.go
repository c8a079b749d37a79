package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"syscall"
	"time"
)

// peakRSS reads this process's resident-memory high-water mark from /proc/self/status.
// getrusage's ru_maxrss will not do for a child: Go starts it with vfork, so the child's
// figure starts at the parent's resident size at exec, and the parent holds the workbook.
func peakRSS() (int64, error) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("peak memory: %w (the benchmark needs Linux's /proc)", err)
	}
	return statusKiB(data, "VmHWM")
}

// resetPeakRSS starts the resident-memory high-water mark (VmHWM) again from the present
// resident size, so the next peakRSS is the peak since now: one sync's own peak.
func resetPeakRSS() error {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// statusKiB reads one "Name:   1234 kB" line of /proc/PID/status, in bytes.
func statusKiB(status []byte, name string) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		line := sc.Bytes()
		rest, ok := bytes.CutPrefix(line, []byte(name+":"))
		if !ok {
			continue
		}
		fields := bytes.Fields(rest)
		if len(fields) != 2 || string(fields[1]) != "kB" {
			return 0, fmt.Errorf("%s: unexpected line %q", name, line)
		}
		kib, err := strconv.ParseInt(string(fields[0]), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", name, err)
		}
		return kib << 10, nil
	}
	return 0, fmt.Errorf("no %s line in the process status", name)
}

// cpuTime is the processor time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
