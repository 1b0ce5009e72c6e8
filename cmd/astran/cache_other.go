//go:build !unix

package main

import (
	"context"
	"io/fs"
	"os"
)

// lockFile does not lock on systems without flock: concurrent
// "astran credentials" may each log in.
func lockFile(context.Context, *os.File) error { return nil }

// fileOwner is unknown on systems without Unix file owners.
func fileOwner(fs.FileInfo) (int, bool) { return 0, false }
