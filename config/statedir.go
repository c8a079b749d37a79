package config

import (
	"os"
	"path/filepath"
)

// defaultStateDir is $XDG_STATE_HOME/partnermap, else ~/.local/state/partnermap, else a
// folder under the temp dir: somewhere every user can write lock files without setup.
func defaultStateDir() string {
	if dir := os.Getenv("XDG_STATE_HOME"); dir != "" {
		return filepath.Join(dir, "partnermap")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "state", "partnermap")
	}
	return filepath.Join(os.TempDir(), "partnermap")
}
