package motoserver_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/astran-oss/astran-go/internal/motoserver"
)

var moto motoserver.Shared

func TestMain(m *testing.M) { os.Exit(moto.Run(m)) }

func TestShared_Get(t *testing.T) {
	srv := moto.Get(t)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("URL = %q, want loopback", srv.URL)
	}
	if again := moto.Get(t); again != srv {
		t.Fatal("Get started a second server")
	}
	resp, err := http.Get(srv.URL + "/moto-api/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := srv.Reset(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestStart_close(t *testing.T) {
	if _, err := exec.LookPath(motoserver.Binary); err != nil {
		if motoserver.InCI() {
			t.Fatalf("moto_server is required when CI=true: %v", err)
		}
		t.Skipf("skipping: %v", err)
	}
	srv, err := motoserver.Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil { // idempotent
		t.Fatal(err)
	}
	client := &http.Client{Timeout: time.Second}
	if resp, err := client.Get(srv.URL + "/moto-api/"); err == nil {
		resp.Body.Close()
		t.Fatal("server still answers after Close")
	}
}

// Start fails with a clear error when the server is missing, exits at
// once, or never answers.
func TestStart_failures(t *testing.T) {
	tests := map[string]struct {
		script  string // the fake server's shell script; "" = no such binary
		timeout time.Duration
		wantIs  error
		wantMsg string
	}{
		"not installed": {wantIs: motoserver.ErrNotInstalled},
		"exits early":   {script: "echo 'boom: port in use' >&2\nexit 3\n", wantMsg: "boom: port in use"},
		"never answers": {script: "exec sleep 60\n", timeout: 300 * time.Millisecond, wantIs: context.DeadlineExceeded},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			bin := "definitely-not-moto-server"
			if tc.script != "" {
				if runtime.GOOS == "windows" {
					t.Skip("needs a shell script")
				}
				bin = filepath.Join(t.TempDir(), "fake-moto")
				if err := os.WriteFile(bin, []byte("#!/bin/sh\n"+tc.script), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			start := time.Now()
			_, err := motoserver.Start(t.Context(), func(o *motoserver.Options) {
				o.Binary = bin
				o.StartTimeout = tc.timeout
			})
			if err == nil || tc.wantIs != nil && !errors.Is(err, tc.wantIs) || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("err = %v, want %v quoting %q", err, tc.wantIs, tc.wantMsg)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Fatalf("took %v to notice the failure", d)
			}
		})
	}
}

// fakeTB records Skipf/Fatalf instead of stopping the test.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Helper()                        {}
func (f *fakeTB) Skipf(format string, a ...any)  { f.skipped = fmt.Sprintf(format, a...) }
func (f *fakeTB) Fatalf(format string, a ...any) { f.failed = fmt.Sprintf(format, a...) }

func TestShared_missing(t *testing.T) {
	for _, ci := range []string{"", "true"} {
		t.Run("CI="+ci, func(t *testing.T) {
			t.Setenv("CI", ci)
			sh := motoserver.Shared{Options: []func(*motoserver.Options){func(o *motoserver.Options) {
				o.Binary = "definitely-not-moto-server"
			}}}
			defer sh.Close()
			tb := &fakeTB{TB: t}
			if srv := sh.Get(tb); srv != nil {
				t.Fatal("got a server")
			}
			if ci == "" && (tb.skipped == "" || tb.failed != "") {
				t.Fatalf("want a skip, got skipped=%q failed=%q", tb.skipped, tb.failed)
			}
			if ci == "true" && (tb.failed == "" || tb.skipped != "") {
				t.Fatalf("want a failure, got skipped=%q failed=%q", tb.skipped, tb.failed)
			}
		})
	}
}
