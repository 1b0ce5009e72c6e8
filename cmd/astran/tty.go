package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"golang.org/x/term"
)

// ttyPath is the controlling terminal.
const ttyPath = "/dev/tty"

// ttyPassword prompts on the controlling terminal and reads a password
// without echo, whatever standard input, output and error are: the aws CLI
// captures a credential_process's output, so only the terminal reaches the
// user. Without a controlling terminal it fails at once with errNoPassword.
// A cancelled ctx (Ctrl-C) restores the terminal's echo.
func ttyPassword(ctx context.Context, prompt string) (string, error) {
	tty, err := os.OpenFile(ttyPath, os.O_RDWR, 0)
	if err != nil {
		return "", errNoPassword
	}
	fd := int(tty.Fd())
	if !term.IsTerminal(fd) {
		tty.Close()
		return "", errNoPassword
	}
	state, err := term.GetState(fd)
	if err != nil {
		tty.Close()
		return "", fmt.Errorf("reading password: %w", err)
	}
	if _, err := fmt.Fprint(tty, prompt); err != nil {
		tty.Close()
		return "", fmt.Errorf("reading password: %w", err)
	}
	type result struct {
		pw  []byte
		err error
	}
	ch := make(chan result, 1)
	go func() { // ends when the user presses Enter, or the process exits
		pw, err := term.ReadPassword(fd)
		ch <- result{pw, err}
	}()
	select {
	case <-ctx.Done():
		_ = term.Restore(fd, state)
		fmt.Fprintln(tty)
		// tty stays open: the reading goroutine still uses it.
		return "", ctx.Err()
	case r := <-ch:
		fmt.Fprintln(tty)
		tty.Close()
		if r.err != nil {
			return "", fmt.Errorf("reading password: %w", r.err)
		}
		if len(r.pw) == 0 {
			return "", errors.New("empty password")
		}
		return string(r.pw), nil
	}
}
