//go:build unix

package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func testBinary(t *testing.T) string {
	t.Helper()
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// execEnv is a login env whose environment is also the one exec passes on.
func execEnv(t *testing.T) (*testEnv, *fakeAstran) {
	te, f := loginEnv(t, "")
	te.vars[EnvPassword] = testPassword
	te.vars["AWS_ACCESS_KEY_ID"] = "AKIASTALE"
	te.vars["ASTRAN_ROOT_PASSWORD"] = "emulator-root-secret" // from eval "$(astran serve)"
	te.vars["HOME"] = "/home/bob"
	te.environ = func() []string {
		var env []string
		for k, v := range te.vars {
			env = append(env, k+"="+v)
		}
		return env
	}
	return te, f
}

func TestExec_environment(t *testing.T) {
	te, f := execEnv(t)
	te.mustRun(t, 0, "exec", "-u", testUser, "--", testBinary(t), "test-child", "env")
	got := te.out.String()
	for _, want := range []string{
		"AWS_ACCESS_KEY_ID=ASIAFAKE0001\n",
		"AWS_SECRET_ACCESS_KEY=secret-key-1\n",
		"AWS_SESSION_TOKEN=session-token-1\n",
		"AWS_CREDENTIAL_EXPIRATION=2026-03-27T10:27:32Z\n",
		"AWS_REGION=us-east-1\n",
		"AWS_DEFAULT_REGION=us-east-1\n",
		"AWS_ENDPOINT_URL_STS=" + f.stsURL() + "\n",
		"AWS_ENDPOINT_URL_IAM=https://demo.iam.astran.io\n",
		"AWS_ENDPOINT_URL_S3=https://demo.s3.astran.io\n",
		"ASTRAN_PARTITION=demo\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the command's environment lacks %q:\n%s", want, got)
		}
	}
	for _, bad := range []string{EnvPassword, testPassword, "AKIASTALE", "emulator-root-secret"} {
		if strings.Contains(got, bad) {
			t.Errorf("the command's environment has %q:\n%s", bad, got)
		}
	}
	// A second exec uses the cache.
	te.mustRun(t, 0, "exec", "-u", testUser, "--", testBinary(t), "test-child", "exit", "0")
	if g, _ := f.counts(); g != 1 {
		t.Errorf("%d password grants, want 1", g)
	}
}

func TestExec_exitStatus(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"success", []string{"exit", "0"}, 0, ""},
		{"status passed through", []string{"exit", "7"}, 7, ""},
		{"killed by a signal", []string{"kill-self"}, 128 + int(syscall.SIGKILL), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			te, _ := execEnv(t)
			code := te.run(append([]string{"exec", "-u", testUser, "--", testBinary(t), "test-child"}, tc.args...)...)
			if code != tc.code || te.errOut.String() != tc.err {
				t.Errorf("exit %d, stderr %q; want %d, %q", code, te.errOut, tc.code, tc.err)
			}
		})
	}
	t.Run("not found", func(t *testing.T) {
		te, _ := execEnv(t)
		code := te.run("exec", "-u", testUser, "--", "astran-no-such-command")
		if code != 127 || te.errOut.String() != "astran: exec: exec: \"astran-no-such-command\": executable file not found in $PATH\n" {
			t.Errorf("exit %d, stderr %q", code, te.errOut)
		}
	})
	t.Run("no command", func(t *testing.T) {
		te, _ := execEnv(t)
		if code := te.run("exec", "-u", testUser); code != 2 || !strings.HasPrefix(te.errOut.String(), "astran: exec: requires at least 1 arg(s)") {
			t.Errorf("exit %d, stderr %q", code, te.errOut)
		}
	})
	t.Run("login fails", func(t *testing.T) {
		te, _ := execEnv(t)
		te.vars[EnvPassword] = "wrong"
		if code := te.run("exec", "-u", testUser, "--", testBinary(t), "test-child", "exit", "0"); code != 1 || te.errOut.String() != "astran: login failed: invalid username or password\n" {
			t.Errorf("exit %d, stderr %q", code, te.errOut)
		}
	})
}

// TestExec_signals runs astran exec as a real process and signals it: the
// command gets the signal and astran exits with the command's status.
func TestExec_signals(t *testing.T) {
	bin := testBinary(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGUSR1} {
		t.Run(sig.String(), func(t *testing.T) {
			f := newFakeAstran(t, time.Now)
			home := t.TempDir()
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "exec", "-u", testUser, "--", bin, "test-child", "signal")
			cmd.Env = []string{envTestProcess + "=astran", "HOME=" + home, "XDG_CACHE_HOME=" + filepath.Join(home, "cache"),
				EnvPassword + "=" + testPassword}
			for k, v := range f.env() {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			var errOut strings.Builder
			cmd.Stderr = &errOut
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			r := bufio.NewReader(stdout)
			if line, err := r.ReadString('\n'); line != "ready\n" {
				t.Fatalf("child said %q, %v; stderr %s", line, err, errOut.String())
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			line, _ := r.ReadString('\n')
			err = cmd.Wait()
			if want := "got " + sig.String() + "\n"; line != want {
				t.Errorf("child said %q, want %q", line, want)
			}
			if cmd.ProcessState.ExitCode() != 3 {
				t.Errorf("astran exec: %v, want exit status 3; stderr %q", err, errOut.String())
			}
		})
	}
}
