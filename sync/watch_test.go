package sync

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// watched starts WatchFile on path and returns the content of the file at each call.
func watched(t *testing.T, path string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	got := make(chan string, 10)
	err := WatchFile(ctx, path, 20*time.Millisecond, func() {
		data, _ := os.ReadFile(path)
		got <- string(data)
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func nextChange(t *testing.T, got <-chan string) string {
	t.Helper()
	select {
	case s := <-got:
		return s
	case <-time.After(waitLimit):
		t.Fatal("the change was not noticed")
	}
	return ""
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWatchFileSeesEditsButNotSavesWithoutChanges(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	write(t, path, "schedule: '@every 15m'\n")
	got := watched(t, path)

	// A save without edits, a touch and another file in the folder are not changes.
	write(t, path, "schedule: '@every 15m'\n")
	now := time.Now()
	if err := os.Chtimes(path, now, now); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "notes.txt"), "unrelated")
	// Room for a wrong call about those to come first; the test passes either way when the
	// watcher is right, so this pause is no timing assertion.
	time.Sleep(5 * 20 * time.Millisecond)
	// An edit written in place is.
	write(t, path, "schedule: '@every 5m'\n")
	if s := nextChange(t, got); s != "schedule: '@every 5m'\n" {
		t.Errorf("first change seen: %q, want the edit", s)
	}

	// So is an editor's save: a new file renamed over the old one.
	tmp := filepath.Join(dir, ".config.yaml.swp")
	write(t, tmp, "schedule: '@every 1h'\n")
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	if s := nextChange(t, got); s != "schedule: '@every 1h'\n" {
		t.Errorf("after a rename over the file: %q", s)
	}
}

// TestWatchFileSeesAConfigMapUpdate replays how the kubelet updates a mounted ConfigMap: the
// file is a symlink through ..data to a timestamped folder, and an update points ..data at a
// new folder by renaming a new symlink over it.
func TestWatchFileSeesAConfigMapUpdate(t *testing.T) {
	dir := t.TempDir()
	mkVersion := func(name, content string) {
		t.Helper()
		if err := os.Mkdir(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, name, "config.yaml"), content)
	}
	mkVersion("..2026_11_23_10_00_00.1", "grace: 30s\n")
	if err := os.Symlink("..2026_11_23_10_00_00.1", filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "config.yaml")
	if err := os.Symlink(filepath.Join("..data", "config.yaml"), path); err != nil {
		t.Fatal(err)
	}
	got := watched(t, path)

	mkVersion("..2026_11_23_10_05_00.2", "grace: 10s\n")
	if err := os.Symlink("..2026_11_23_10_05_00.2", filepath.Join(dir, "..data_tmp")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "..2026_11_23_10_00_00.1")); err != nil {
		t.Fatal(err)
	}
	if s := nextChange(t, got); s != "grace: 10s\n" {
		t.Errorf("after the ConfigMap update: %q", s)
	}
}

func TestAConfigFileTurnedIntoADeviceIsReportedNotReadForever(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	write(t, path, "schedule: '@every 15m'\n")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changed := make(chan struct{}, 10)
	if err := WatchFile(ctx, path, 20*time.Millisecond, func() { changed <- struct{}{} }); err != nil {
		t.Fatal(err)
	}
	// What a mistaken deploy (or an attacker with write access to the folder) can do: the
	// config becomes a symlink to /dev/zero. Reading it whole never ends and eats all memory.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", path); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed: // the reload it triggers refuses the file and keeps the running config
	case <-time.After(waitLimit):
		t.Fatal("the change was not noticed (or reading the device never ended)")
	}
}
