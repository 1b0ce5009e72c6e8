package sts_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/astran-oss/astran-go/sts"
)

func TestPasswordFromEnv(t *testing.T) {
	t.Setenv("STS_TEST_PASSWORD", "pw-from-env")
	pw, err := sts.PasswordFromEnv("STS_TEST_PASSWORD")(t.Context())
	if err != nil || pw != "pw-from-env" {
		t.Errorf("got %q, %v", pw, err)
	}
	os.Unsetenv("STS_TEST_PASSWORD")
	if _, err := sts.PasswordFromEnv("STS_TEST_PASSWORD")(t.Context()); !errors.Is(err, sts.ErrNoPassword) {
		t.Errorf("unset: %v", err)
	}
}

func TestPasswordFromTerminal(t *testing.T) {
	ctx := t.Context()
	isTerm := func(int) bool { return true }
	var out bytes.Buffer
	pw, err := sts.TerminalPassword("Password: ", &out, isTerm, func(int) ([]byte, error) { return []byte("typed-secret"), nil })(ctx)
	if err != nil || pw != "typed-secret" || out.String() != "Password: \n" {
		t.Errorf("got %q, %v, prompt %q", pw, err, out.String())
	}
	if _, err := sts.TerminalPassword("", io.Discard, func(int) bool { return false }, nil)(ctx); !errors.Is(err, sts.ErrNoPassword) {
		t.Errorf("not a terminal: %v", err)
	}
	if _, err := sts.TerminalPassword("", io.Discard, isTerm, func(int) ([]byte, error) { return nil, nil })(ctx); !errors.Is(err, sts.ErrNoPassword) {
		t.Errorf("empty: %v", err)
	}
	// Cancellation returns at once; the blocked read ends later.
	release := make(chan struct{})
	cctx, cancel := context.WithCancel(ctx)
	read := func(int) ([]byte, error) { cancel(); <-release; return []byte("late"), nil }
	if _, err := sts.TerminalPassword("", io.Discard, isTerm, read)(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	close(release)
	if _, err := sts.PasswordFromTerminal("")(ctx); err == nil {
		t.Log("stdin is a terminal; skipping the non-terminal check")
	} else if !errors.Is(err, sts.ErrNoPassword) {
		t.Errorf("PasswordFromTerminal without a terminal: %v", err)
	}
}
