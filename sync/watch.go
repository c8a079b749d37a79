package sync

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/partnermap/partnermap/config"
)

// WatchFile calls changed each time the content of the file at path changes, until ctx
// ends. It watches the folder rather than the file, because editors and Kubernetes
// ConfigMaps replace a file (a rename, a symlink swap) instead of writing it in place; a
// burst of events is reported once, after quiet has passed without another, and only when
// the content differs from what was last seen (so a touch or a save without edits is not a
// reload). It returns once the watch is set up; the watching goes on in the background.
func WatchFile(ctx context.Context, path string, quiet time.Duration, changed func()) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch %s: %w", path, err)
	}
	if err := w.Add(filepath.Dir(path)); err != nil {
		_ = w.Close()
		return fmt.Errorf("watch %s: %w", path, err)
	}
	last := fileSum(path)
	go func() {
		defer w.Close()
		var timer *time.Timer
		var fire <-chan time.Time
		for {
			select {
			case <-ctx.Done():
				if timer != nil {
					timer.Stop()
				}
				return
			case _, ok := <-w.Events:
				if !ok {
					return
				}
				if timer == nil {
					timer = time.NewTimer(quiet)
				} else {
					timer.Reset(quiet)
				}
				fire = timer.C
			case _, ok := <-w.Errors:
				if !ok {
					return
				}
			case <-fire:
				fire = nil
				sum := fileSum(path)
				if sum != nil && !bytes.Equal(sum, last) {
					last = sum
					changed()
				}
			}
		}
	}()
	return nil
}

// fileSum hashes a file's content; nil when it cannot be read because it is gone
// (mid-replace, or removed). A file that is no config file at all (too big, a FIFO or a
// device: config.ReadFile refuses those without reading them whole) gets the hash of the
// refusal, so the change is reported and the reload that follows says what is wrong.
func fileSum(path string) []byte {
	data, err := config.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		data = []byte("unreadable: " + err.Error())
	}
	sum := sha256.Sum256(data)
	return sum[:]
}
