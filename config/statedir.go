package config

import (
	"os"
	"path/filepath"
	"strconv"
)

// defaultStateDir is $XDG_STATE_HOME/partnermap, else ~/.local/state/partnermap, else
// TempStateDir: somewhere every user can write lock files without setup.
func defaultStateDir() string {
	if dir := os.Getenv("XDG_STATE_HOME"); dir != "" {
		return filepath.Join(dir, "partnermap")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "state", "partnermap")
	}
	return TempStateDir()
}

// TempStateDir is the state folder of a user without a home folder: one of their own in
// the shared temp folder, named after their user id. Anyone can create that name first
// (or plant a symlink there), so whoever uses it must check that it is a private folder
// of this user (sync.LockSource does).
func TempStateDir() string {
	return filepath.Join(os.TempDir(), "partnermap-"+strconv.Itoa(os.Geteuid()))
}
