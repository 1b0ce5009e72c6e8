//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package main

import "golang.org/x/term"

// readPasswordAfter prompts, then reads a password without echo.
func readPasswordAfter(fd int, prompt func() error) ([]byte, error) {
	if err := prompt(); err != nil {
		return nil, err
	}
	return term.ReadPassword(fd)
}
