package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// testEnv is an env with captured output and a private environment, cache
// directory and clock.
type testEnv struct {
	*env
	out, errOut *bytes.Buffer
	vars        map[string]string
	clock       time.Time
}

func newTestEnv(t *testing.T, stdin string) *testEnv {
	t.Helper()
	te := &testEnv{
		out:    &bytes.Buffer{},
		errOut: &bytes.Buffer{},
		vars:   map[string]string{},
		clock:  time.Date(2026, 3, 27, 9, 27, 32, 0, time.UTC),
	}
	cache := t.TempDir()
	te.env = &env{
		stdin:    strings.NewReader(stdin),
		stdout:   te.out,
		stderr:   te.errOut,
		getenv:   func(k string) string { return te.vars[k] },
		now:      func() time.Time { return te.clock },
		cacheDir: func() (string, error) { return cache, nil },
		// No controlling terminal.
		readPassword: func(context.Context, string) (string, error) { return "", errNoPassword },
		askTerminal:  func(context.Context, string) (string, error) { return "", errNoTerminal },
		selfCommand:  func() string { return "astran" },
	}
	return te
}

func (te *testEnv) run(args ...string) int {
	te.out.Reset()
	te.errOut.Reset()
	return te.env.run(context.Background(), args)
}

// runWant runs args and reports an error, with stderr, unless the exit
// code is want.
func (te *testEnv) runWant(t *testing.T, want int, args ...string) {
	t.Helper()
	if code := te.run(args...); code != want {
		t.Errorf("exit %d, want %d (stderr %q)", code, want, te.errOut)
	}
}

// mustRun runs args and stops the test, with stderr, unless the exit code
// is want.
func (te *testEnv) mustRun(t *testing.T, want int, args ...string) {
	t.Helper()
	if code := te.run(args...); code != want {
		t.Fatalf("exit %d, want %d: %s", code, want, te.errOut)
	}
}

// outLines returns the standard output of the last run, line by line.
func (te *testEnv) outLines() []string {
	return strings.Split(strings.TrimSuffix(te.out.String(), "\n"), "\n")
}

func TestRun_realMain(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"policy", "validate", "testdata/reader.json"}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if got := out.String(); got != "testdata/reader.json: valid\n" {
		t.Errorf("stdout = %q", got)
	}
}

// TestHelp checks that every command, cobra's included, documents an
// example and that --help works for each.
func TestHelp(t *testing.T) {
	te := newTestEnv(t, "")
	root := te.rootCommand()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden {
			return
		}
		path := strings.Fields(c.CommandPath())[1:]
		t.Run(strings.Join(append([]string{"astran"}, path...), "_"), func(t *testing.T) {
			if c.Example == "" {
				t.Errorf("%q has no example", c.CommandPath())
			}
			if code := te.run(append(path, "--help")...); code != 0 {
				t.Fatalf("--help: exit %d: %s", code, te.errOut)
			}
			if !strings.Contains(te.out.String(), "Examples:") {
				t.Errorf("--help lacks the examples:\n%s", te.out)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

func TestRun_errors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown command", []string{"frobnicate"}, 2, `astran: unknown command "frobnicate" for "astran" (see "astran --help")`},
		// Every command's usage errors name it and exit 2.
		{"login: unknown flag", []string{"login", "--nope"}, 2, `astran: login: unknown flag: --nope (see "astran login --help")`},
		{"login: arguments", []string{"login", "x"}, 2, `astran: login: unknown command "x" for "astran login" (see "astran login --help")`},
		{"configure: required flag", []string{"configure"}, 2, `astran: configure: required flag(s) "profile" not set (see "astran configure --help")`},
		{"completion: arguments", []string{"completion", "bash", "zsh"}, 2, `astran: completion bash: unknown command "zsh" for "astran completion bash" (see "astran completion bash --help")`},
		// The policy commands' usage errors name the command and exit 2.
		{"unknown flag", []string{"policy", "validate", "--nope", "x"}, 2, "astran: policy validate: unknown flag: --nope"},
		{"missing args", []string{"policy", "validate"}, 2, "astran: policy validate: requires at least 1 arg(s), only received 0: FILE|DIR..."},
		{"missing request", []string{"policy", "simulate", "testdata/reader.json"}, 2, `astran: policy simulate: --request REQUEST.json is required`},
		{"bad dialect", []string{"policy", "validate", "--dialect", "gcp", "testdata/reader.json"}, 2, `astran: policy validate: unknown --dialect "gcp"`},
		{"test: two files", []string{"policy", "test", "a.jsonl", "b.jsonl"}, 2, "astran: policy test: accepts 1 arg(s), received 2: CASES.jsonl"},
		{"simulate: bad flag value", []string{"policy", "simulate", "--max-size", "x", "--request", "r", "p"}, 2, `astran: policy simulate: invalid argument "x" for "--max-size"`},
		{"no args is help", nil, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			te := newTestEnv(t, "")
			te.runWant(t, tc.code, tc.args...)
			stderr := te.errOut.String()
			if tc.want != "" {
				if !strings.Contains(stderr, tc.want) || !strings.HasPrefix(stderr, "astran: ") {
					t.Errorf("stderr = %q, want it to contain %q", stderr, tc.want)
				}
				if strings.Count(stderr, "\n") != 1 {
					t.Errorf("stderr is not one line: %q", stderr)
				}
			}
		})
	}
}

func TestOneLine(t *testing.T) {
	if got := oneLine("a\n\tb  c\n"); got != "a; b c" {
		t.Errorf("oneLine = %q", got)
	}
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		te := newTestEnv(t, "")
		if code := te.run("completion", shell); code != 0 || !strings.Contains(te.out.String(), "astran") {
			t.Errorf("completion %s: exit %d, %d bytes, stderr %q", shell, code, te.out.Len(), te.errOut)
		}
	}
	te := newTestEnv(t, "")
	if code := te.run("__complete", "login", "--format", ""); code != 0 || !strings.Contains(te.out.String(), "credential-process") {
		t.Errorf("flag completion: exit %d, %q", code, te.out)
	}
}
