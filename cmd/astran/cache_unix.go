//go:build unix

package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// lockFile takes an exclusive flock on f, waiting while another process
// holds it, until ctx is done. The lock ends when f is closed (or the
// process exits).
func lockFile(ctx context.Context, f *os.File) error {
	fd := int(f.Fd())
	err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
	if !errors.Is(err, syscall.EWOULDBLOCK) {
		return err
	}
	done := make(chan error, 1)
	go func() { // ends when the holder releases the lock
		done <- syscall.Flock(fd, syscall.LOCK_EX)
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		// The caller closes f, which ends the waiting flock (with EBADF)
		// or releases the lock it just got.
		return ctx.Err()
	}
}

// fileOwner returns the user ID that owns a file.
func fileOwner(fi fs.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}
