// Package motoserver starts a private moto_server (Python moto's standalone
// AWS emulator) on a free loopback port, for integration tests.
//
// Tests usually share one server per test binary through [Shared]:
//
//	var moto motoserver.Shared
//
//	func TestMain(m *testing.M) { os.Exit(moto.Run(m)) }
//
//	func TestAgainstMoto(t *testing.T) {
//		srv := moto.Get(t) // starts it once; skips when moto_server is missing
//		...
//	}
//
// When moto_server is not installed, [Shared.Get] skips the test with a clear
// message, except under CI=true, where a missing server fails the test.
package motoserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Binary is the executable looked up in $PATH when [Options.Binary] is empty.
const Binary = "moto_server"

// ErrNotInstalled reports that the moto_server executable was not found.
var ErrNotInstalled = errors.New("motoserver: moto_server not found in $PATH (install it with `pip install 'moto[server]'`)")

// Options configure [Start]. The zero value works.
type Options struct {
	// Binary is the moto_server executable. The zero value looks up
	// "moto_server" in $PATH.
	Binary string
	// StartTimeout bounds the wait for the server to answer. The zero value
	// means 60 seconds (moto imports slowly on a loaded machine).
	StartTimeout time.Duration
	// Output receives the server's stdout and stderr. The zero value keeps
	// the last 64 KiB in memory, to be quoted in start-up errors.
	Output io.Writer
}

// Server is a running moto_server. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL of the server, e.g. http://127.0.0.1:41234.
	URL string

	cmd       *exec.Cmd
	exited    chan struct{} // closed when the process has exited
	waitErr   error         // set before exited is closed
	closeOnce sync.Once
	out       *tailBuffer // nil when Options.Output was set
}

// Start starts moto_server on a free 127.0.0.1 port and waits until it
// answers HTTP requests, or until ctx or [Options.StartTimeout] expires. The
// caller must call [Server.Close].
func Start(ctx context.Context, optFns ...func(*Options)) (*Server, error) {
	var o Options
	for _, fn := range optFns {
		fn(&o)
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = 60 * time.Second
	}
	bin := o.Binary
	if bin == "" {
		bin = Binary
	}
	path, err := exec.LookPath(bin)
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return nil, fmt.Errorf("%w: %w", ErrNotInstalled, err)
		}
		return nil, fmt.Errorf("motoserver: looking up %s: %w", bin, err)
	}
	ctx, cancel := context.WithTimeout(ctx, o.StartTimeout)
	defer cancel()

	// Picking a free port and handing it to another process is racy: if
	// the port is taken in between, the server exits and we try another.
	var lastErr error
	for range 3 {
		s, err := start(ctx, path, &o)
		if err == nil {
			return s, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, lastErr
}

func start(ctx context.Context, path string, o *Options) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("motoserver: finding a free port: %w", err)
	}
	s := &Server{
		URL:    "http://127.0.0.1:" + strconv.Itoa(port),
		exited: make(chan struct{}),
	}
	cmd := exec.Command(path, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	if o.Output != nil {
		cmd.Stdout, cmd.Stderr = o.Output, o.Output
	} else {
		s.out = &tailBuffer{max: 64 << 10}
		cmd.Stdout, cmd.Stderr = s.out, s.out
	}
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("motoserver: starting %s: %w", path, err)
	}
	s.cmd = cmd
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	if err := s.waitReady(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// waitReady polls the server until it answers, the process exits or ctx ends.
func (s *Server) waitReady(ctx context.Context) error {
	client := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/moto-api/", nil)
		if err != nil {
			return fmt.Errorf("motoserver: %w", err)
		}
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("motoserver: moto_server exited before answering (%v)%s", s.waitErr, s.outputTail())
		case <-ctx.Done():
			return fmt.Errorf("motoserver: waiting for moto_server at %s: %w%s", s.URL, ctx.Err(), s.outputTail())
		case <-tick.C:
		}
	}
}

func (s *Server) outputTail() string {
	if s.out == nil {
		return ""
	}
	t := strings.TrimSpace(s.out.String())
	if t == "" {
		return ""
	}
	return "; output:\n" + t
}

// Reset clears all state of the server (POST /moto-api/reset).
func (s *Server) Reset(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/moto-api/reset", nil)
	if err != nil {
		return fmt.Errorf("motoserver: resetting: %w", err)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return fmt.Errorf("motoserver: resetting: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("motoserver: resetting: HTTP %s", resp.Status)
	}
	return nil
}

// Close kills the server (and its process group) and waits for it to exit.
// It is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		if s.cmd == nil || s.cmd.Process == nil {
			return
		}
		kill(s.cmd)
		<-s.exited
	})
	return nil
}

// Shared is a moto_server started on first use and shared by the tests of
// one binary. The zero value is ready to use; a package's TestMain is
// `os.Exit(moto.Run(m))` (or calls [Shared.Close] after m.Run).
type Shared struct {
	// Options configure the server; they are read on first use.
	Options []func(*Options)

	once sync.Once
	srv  *Server
	err  error
}

// Get returns the shared server, starting it on first use. When moto_server
// is not installed it skips tb, or fails it when $CI is "true"; any other
// start-up failure fails tb.
func (sh *Shared) Get(tb testing.TB) *Server {
	tb.Helper()
	sh.once.Do(func() {
		sh.srv, sh.err = Start(context.Background(), sh.Options...)
	})
	switch {
	case sh.err == nil:
		return sh.srv
	case errors.Is(sh.err, ErrNotInstalled) && !InCI():
		tb.Skipf("skipping moto_server integration test: %v", sh.err)
	case errors.Is(sh.err, ErrNotInstalled):
		tb.Fatalf("moto_server is required when CI=true: %v", sh.err)
	default:
		tb.Fatalf("starting moto_server: %v", sh.err)
	}
	return nil
}

// Run runs the package's tests, then stops the shared server; it returns
// m.Run's exit code, for TestMain's os.Exit.
func (sh *Shared) Run(m *testing.M) int {
	code := m.Run()
	sh.Close()
	return code
}

// Close stops the shared server if it was started.
func (sh *Shared) Close() error {
	var err error
	sh.once.Do(func() { sh.err = errors.New("motoserver: shared server closed") })
	if sh.srv != nil {
		err = sh.srv.Close()
	}
	return err
}

// InCI reports whether $CI is "true" (or "1"), as CI systems set it.
func InCI() bool {
	v, _ := strconv.ParseBool(os.Getenv("CI"))
	return v
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
	max int
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if over := b.buf.Len() - b.max; over > 0 {
		b.buf.Next(over)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
