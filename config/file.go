package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// MaxFileBytes bounds a config file: a real one is a few kilobytes, and a path that
// turned into /dev/zero or a huge file must not eat the service's memory.
const MaxFileBytes = 1 << 20

// ReadFile reads a config file of at most MaxFileBytes, refusing anything but a
// regular file (a FIFO would block the read, a device could never end).
func ReadFile(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, errors.New("not a regular file: point --config at the YAML file itself")
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("larger than %d KiB: that is not a partnermap config file", MaxFileBytes>>10)
	}
	return data, nil
}
