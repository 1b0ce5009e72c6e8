package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// terminal is a pseudo-terminal that a child process gets as its
// controlling terminal, and that the test reads and types on.
type terminal struct {
	t      *testing.T
	master *os.File
	slave  *os.File

	mu      sync.Mutex // guards out
	out     bytes.Buffer
	changed chan struct{} // receives after each read
}

// newTerminal opens a pseudo-terminal with /dev/ptmx.
func newTerminal(t *testing.T) *terminal {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	ioctl := func(req uintptr, arg unsafe.Pointer) error {
		if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), req, uintptr(arg)); e != 0 {
			return e
		}
		return nil
	}
	var unlock int32
	var n uint32
	if err := ioctl(syscall.TIOCSPTLCK, unsafe.Pointer(&unlock)); err != nil {
		t.Fatal(err)
	}
	if err := ioctl(syscall.TIOCGPTN, unsafe.Pointer(&n)); err != nil {
		t.Fatal(err)
	}
	slave, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	term := &terminal{t: t, master: master, slave: slave, changed: make(chan struct{}, 1)}
	done := make(chan struct{})
	go func() { // ends when the master is closed
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			term.mu.Lock()
			term.out.Write(buf[:n])
			term.mu.Unlock()
			select {
			case term.changed <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		slave.Close()
		master.Close()
		<-done
	})
	return term
}

// attach makes the terminal cmd's controlling terminal, in a new session;
// cmd's standard streams stay what they are.
func (term *terminal) attach(cmd *exec.Cmd) {
	cmd.ExtraFiles = append(cmd.ExtraFiles, term.slave)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 2 + len(cmd.ExtraFiles)}
}

// start starts cmd with the terminal as its controlling terminal; exited
// is closed when it has exited, and wait then returns its error.
func (term *terminal) start(cmd *exec.Cmd) (exited <-chan struct{}, wait func() error) {
	term.t.Helper()
	term.attach(cmd)
	if err := cmd.Start(); err != nil {
		term.t.Fatal(err)
	}
	done := make(chan struct{})
	var werr error
	go func() { werr = cmd.Wait(); close(done) }()
	return done, func() error { <-done; return werr }
}

// output returns everything written on the terminal.
func (term *terminal) output() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.out.String()
}

// waitFor waits until the terminal shows s, or the process exits.
func (term *terminal) waitFor(ctx context.Context, s string, exited <-chan struct{}) bool {
	for {
		if strings.Contains(term.output(), s) {
			return true
		}
		select {
		case <-term.changed:
		case <-exited:
			return strings.Contains(term.output(), s)
		case <-ctx.Done():
			return false
		}
	}
}

// typeLine types s and Enter.
func (term *terminal) typeLine(s string) {
	if _, err := io.WriteString(term.master, s+"\r"); err != nil {
		term.t.Fatal(err)
	}
}

// TestCredentials_terminalPrompt: run by the aws CLI, "astran credentials"
// has its stdin, stdout and stderr on pipes; the prompt must appear on the
// controlling terminal and the password be read there, without echo.
func TestCredentials_terminalPrompt(t *testing.T) {
	term := newTerminal(t)
	f := newFakeAstran(t, time.Now)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := astranProcess(t, ctx, f, "credentials", "-u", testUser)
	var stdout, stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, &stdout, &stderr // /dev/null and pipes
	exited, wait := term.start(cmd)
	if !term.waitFor(ctx, "Password for bob@astran.io: ", exited) {
		t.Fatalf("no prompt on the terminal (%q); exit %v, stderr %q", term.output(), wait(), stderr.String())
	}
	term.typeLine(testPassword)
	if werr := wait(); werr != nil || !strings.Contains(stdout.String(), `"AccessKeyId":"ASIAFAKE0001"`) {
		t.Errorf("exit %v, stdout %q, stderr %q", werr, stdout.String(), stderr.String())
	}
	if strings.Contains(term.output(), testPassword) {
		t.Errorf("the password was echoed: %q", term.output())
	}
	if strings.Contains(stdout.String()+stderr.String(), "Password") {
		t.Errorf("the prompt went to stdout or stderr")
	}
}

// TestCredentials_noTerminal: without a controlling terminal (a daemon, a
// CI job) there is no one to ask: fail at once with the clear message.
func TestCredentials_noTerminal(t *testing.T) {
	f := newFakeAstran(t, time.Now)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := astranProcess(t, ctx, f, "credentials", "-u", testUser)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // no controlling terminal
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState.ExitCode() != 1 || string(out) != "astran: login failed: "+errNoPassword.Error()+"\n" {
		t.Errorf("exit %v, output %q", err, out)
	}
}
