package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"
)

// ttyPath is the controlling terminal.
const ttyPath = "/dev/tty"

// errNoTerminal reports that the process has no controlling terminal.
var errNoTerminal = errors.New("no terminal")

// openTTY opens the controlling terminal.
func openTTY() (*os.File, error) {
	tty, err := os.OpenFile(ttyPath, os.O_RDWR, 0)
	if err != nil {
		return nil, errNoTerminal
	}
	if !term.IsTerminal(int(tty.Fd())) {
		tty.Close()
		return nil, errNoTerminal
	}
	return tty, nil
}

// ttyAsk asks a question on the controlling terminal and reads one line.
func ttyAsk(ctx context.Context, prompt string) (string, error) {
	tty, err := openTTY()
	if err != nil {
		return "", err
	}
	if _, err := fmt.Fprint(tty, prompt); err != nil {
		tty.Close()
		return "", err
	}
	type result struct {
		line string
		err  error
	}
	ch := make(chan result, 1)
	go func() { // ends when the user presses Enter, or the process exits
		line, err := bufio.NewReader(tty).ReadString('\n')
		ch <- result{line, err}
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(tty)
		return "", ctx.Err()
	case r := <-ch:
		tty.Close()
		if r.err != nil && r.line == "" {
			return "", r.err
		}
		return strings.TrimRight(r.line, "\r\n"), nil
	}
}

// ttyPassword prompts on the controlling terminal and reads a password
// without echo, whatever standard input, output and error are: the aws CLI
// captures a credential_process's output, so only the terminal reaches the
// user. Without a controlling terminal it fails at once with errNoPassword.
// A cancelled ctx (Ctrl-C) restores the terminal's echo.
func ttyPassword(ctx context.Context, prompt string) (string, error) {
	tty, err := openTTY()
	if err != nil {
		return "", errNoPassword
	}
	fd := int(tty.Fd())
	state, err := term.GetState(fd)
	if err != nil {
		tty.Close()
		return "", fmt.Errorf("reading password: %w", err)
	}
	type result struct {
		pw  []byte
		err error
	}
	ch := make(chan result, 1)
	go func() { // ends when the user presses Enter, or the process exits
		pw, err := readPasswordAfter(fd, func() error {
			_, err := fmt.Fprint(tty, prompt)
			return err
		})
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
