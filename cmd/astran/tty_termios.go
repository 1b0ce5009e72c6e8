//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package main

import (
	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// readPasswordAfter turns the terminal's echo off, then prompts, then reads
// a line: a password typed as soon as the prompt shows is never echoed.
// The terminal's settings are restored before it returns.
func readPasswordAfter(fd int, prompt func() error) ([]byte, error) {
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return nil, err
	}
	noEcho := *old
	noEcho.Lflag &^= unix.ECHO
	noEcho.Lflag |= unix.ICANON | unix.ISIG
	noEcho.Iflag |= unix.ICRNL
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &noEcho); err != nil {
		return nil, err
	}
	defer unix.IoctlSetTermios(fd, ioctlSetTermios, old)
	if err := prompt(); err != nil {
		return nil, err
	}
	return term.ReadPassword(fd)
}
