//go:build unix

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/partnermap/partnermap/cmd/partnermap-bench/workload"
	"github.com/partnermap/partnermap/config"
	"github.com/partnermap/partnermap/internal/longtest"
	"github.com/partnermap/partnermap/scoring"
	"github.com/partnermap/partnermap/sheets/xlsx"
)

// crashKills is how many times TestAKilledSyncLeavesTheOldOrTheNewWorkbook kills a sync.
const crashKills = 60

// buildBinary compiles partnermap into a fresh folder, for tests of the process itself.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "partnermap")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// cleanEnv is the test's environment without PARTNERMAP_* variables, so only the flags count.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, config.EnvPrefix+"_") {
			env = append(env, kv)
		}
	}
	return env
}

// crashOutcome is what a killed sync left: the old bytes, or a whole new workbook.
type crashOutcome string

const (
	outcomeOld crashOutcome = "old workbook"
	outcomeNew crashOutcome = "new workbook"
)

// inspect opens the workbook as a person's program (excelize) and as partnermap would,
// and fails the test unless it is the original or a complete new version of it.
func inspect(t *testing.T, path string, original []byte, inputs map[string]string) crashOutcome {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the workbook is gone: %v", err)
	}
	if bytes.Equal(data, original) {
		return outcomeOld
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the workbook no longer opens: %v", err)
	}
	for _, name := range outputTabs {
		if _, err := f.GetRows(name); err != nil {
			t.Errorf("output tab %s does not read back: %v", name, err)
		}
	}
	_ = f.Close()
	snap, err := xlsx.New(path, xlsx.Options{}).Read(context.Background(), append(append([]string{}, inputTabs...), outputTabs...))
	if err != nil {
		t.Fatalf("partnermap cannot read the workbook back: %v", err)
	}
	for _, name := range inputTabs {
		if got := cellText(snap.Tables[name]); got != inputs[name] {
			t.Fatalf("input tab %s differs from the original", name)
		}
	}
	for _, name := range outputTabs {
		if info, ok := snap.Tab(name); !ok || !info.Managed {
			t.Fatalf("a changed workbook lacks the managed tab %s: %+v", name, snap.Tabs)
		}
	}
	return outcomeNew
}

// timeRun runs cmd to the end, watching dir: it returns how long the run took, and when
// (after the start) the save's temporary file appeared and the workbook was replaced.
func timeRun(t *testing.T, cmd *exec.Cmd, dir, path string) (whole, writeFrom, writeTo time.Duration) {
	t.Helper()
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	pattern := filepath.Join(dir, "."+filepath.Base(path)+".partnermap-*.tmp")
	for {
		select {
		case err := <-done:
			whole = time.Since(start)
			if err != nil {
				t.Fatalf("a whole sync failed: %v\n%s", err, out.String())
			}
			if writeFrom == 0 || writeTo == 0 {
				t.Fatalf("the save was not seen (temporary file at %s, rename at %s)", writeFrom, writeTo)
			}
			return whole, writeFrom, writeTo
		default:
		}
		now := time.Since(start)
		if writeFrom == 0 {
			if m, _ := filepath.Glob(pattern); len(m) > 0 {
				writeFrom = now
			}
		}
		if writeTo == 0 {
			if info, err := os.Stat(path); err == nil && !os.SameFile(info, before) {
				writeTo = now
			}
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// waitFor polls cond until it holds or done is closed.
func waitFor(done <-chan struct{}, cond func() bool) {
	for !cond() {
		select {
		case <-done:
			return
		case <-time.After(100 * time.Microsecond):
		}
	}
}

// TestAKilledSyncLeavesTheOldOrTheNewWorkbook kills a real `partnermap sync --now` with
// SIGKILL at points spread over a whole run, and after every kill opens the workbook: it
// must be the original bytes or a complete new workbook whose input tabs are unchanged.
func TestAKilledSyncLeavesTheOldOrTheNewWorkbook(t *testing.T) {
	longtest.Skip(t, "builds partnermap and kills it 60 times")
	bin := buildBinary(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "chapter.xlsx")
	stateDir := filepath.Join(dir, "state")
	asOf := scoring.DateOf(2026, 11, 23)
	tabs := workload.Tabs(config.Default().Tabs, workload.SizeOf(1000), asOf, workload.DefaultMess(), 7)
	if _, err := xlsx.New(path, xlsx.DefaultOptions()).AddInputTabs(context.Background(), tabs); err != nil {
		t.Fatal(err)
	}
	// A sync a week before writes History, so every killed run adds the day's History rows
	// to earlier ones: a kill must never lose, double or half-write one.
	weekBefore := exec.Command(bin, "sync", "--now", "--xlsx", path, "--as-of", asOf.AddDays(-7).String(), "--log-format", "json",
		"--set", "state_dir="+stateDir, "--set", "xlsx.backups=0")
	weekBefore.Dir, weekBefore.Env = dir, cleanEnv()
	if out, err := weekBefore.CombinedOutput(); err != nil {
		t.Fatalf("the sync a week before: %v\n%s", err, out)
	}
	history := func() string { return cellText(readTabs(t, path, []string{"History"})["History"]) }
	historyBefore := history()
	original, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	inputs := map[string]string{}
	for name, tab := range readTabs(t, path, inputTabs) {
		inputs[name] = cellText(tab)
	}
	restore := func() {
		t.Helper()
		if err := os.WriteFile(path, original, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	command := func() *exec.Cmd {
		cmd := exec.Command(bin, "sync", "--now", "--xlsx", path, "--as-of", asOf.String(), "--log-format", "json",
			"--set", "state_dir="+stateDir, "--set", "xlsx.backups=2")
		cmd.Dir = dir
		cmd.Env = cleanEnv()
		return cmd
	}

	// One run to the end: it must succeed, and it times the run and its write, from the
	// temporary file's appearance to the rename.
	tempsLeft := 0
	whole, writeFrom, writeTo := timeRun(t, command(), dir, path)
	if got := inspect(t, path, original, inputs); got != outcomeNew {
		t.Fatalf("a whole sync left the %s", got)
	}
	historyAfter := history()
	_, kept, _ := strings.Cut(historyBefore, "\n") // below the legend, which says the day
	_, grown, _ := strings.Cut(historyAfter, "\n")
	if !strings.HasPrefix(grown, kept) || len(grown) == len(kept) {
		t.Fatalf("a whole sync did not add History rows after the week before's:\n--- before\n%s--- after\n%s", kept, grown)
	}
	t.Logf("History: %d rows the week before, %d after a whole sync",
		strings.Count(historyBefore, "\n")-2, strings.Count(historyAfter, "\n")-2)
	t.Logf("a whole sync of a %d KiB workbook takes %s; its write runs from %s to %s",
		len(original)>>10, whole.Round(time.Millisecond), writeFrom.Round(time.Millisecond), writeTo.Round(time.Millisecond))

	// A third of the kill points are spread over the whole run, timed from its start; the
	// rest over the save, timed from the moment its temporary file appears (run times vary
	// more than a save lasts), through the rename and a little past it.
	type killPoint struct {
		afterTemp bool
		delay     time.Duration
	}
	var points []killPoint
	spread := crashKills / 3
	for i := range spread {
		points = append(points, killPoint{delay: whole * time.Duration(i+1) / time.Duration(spread)})
	}
	save := (writeTo-writeFrom)*3/2 + 5*time.Millisecond
	for k, n := 0, crashKills-spread; k < n; k++ {
		points = append(points, killPoint{afterTemp: true, delay: save * time.Duration(k) / time.Duration(n-1)})
	}
	pattern := filepath.Join(dir, ".chapter.xlsx.partnermap-*.tmp")
	counts := map[crashOutcome]int{}
	killed, finished := 0, 0
	for i, p := range points {
		restore()
		cmd := command()
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		if p.afterTemp {
			waitFor(done, func() bool { m, _ := filepath.Glob(pattern); return len(m) > 0 })
		}
		select {
		case <-time.After(p.delay):
			_ = cmd.Process.Signal(syscall.SIGKILL)
		case <-done:
		}
		<-done
		wasKilled := false
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			killed++
			wasKilled = true
		} else {
			finished++
			if !cmd.ProcessState.Success() {
				t.Errorf("kill point %d: the sync failed on its own: %s", i, out.String())
			}
		}
		got := inspect(t, path, original, inputs)
		if got == outcomeNew && history() != historyAfter {
			t.Errorf("kill point %d: History is not the whole sync's: rows lost, doubled or half-written", i)
		}
		if t.Failed() {
			t.Fatalf("kill point %d (%+v) left a broken workbook", i, p)
		}
		if wasKilled {
			counts[got]++
		}
		// Leftover temporary files would be mistaken for the next run's.
		leftovers, _ := filepath.Glob(pattern)
		for _, l := range leftovers {
			tempsLeft++
			_ = os.Remove(l)
		}
	}

	// The run after all those kills finds the lock free and the workbook whole.
	restore()
	if out, err := command().CombinedOutput(); err != nil {
		t.Fatalf("a sync after the kills failed: %v\n%s", err, out)
	}
	if got := inspect(t, path, original, inputs); got != outcomeNew {
		t.Fatalf("the sync after the kills left the %s", got)
	}
	if history() != historyAfter {
		t.Errorf("the sync after the kills wrote History other than a whole sync does")
	}
	t.Logf("RELIABILITY crash: %d kill points: %d processes killed (%d left the old workbook, %d the new one, 0 a broken one "+
		"or with History rows lost, doubled or half-written; %d of them mid-save, leaving a temporary file), %d finished first with a whole new workbook",
		crashKills, killed, counts[outcomeOld], counts[outcomeNew], tempsLeft, finished)
	if killed == 0 || counts[outcomeOld] == 0 {
		t.Errorf("the kill points missed the run (%d killed, %v): the test proves nothing", killed, counts)
	}
	if counts[outcomeNew] == 0 {
		fmt.Fprintln(os.Stderr, "note: no kill landed after the rename")
	}
}
