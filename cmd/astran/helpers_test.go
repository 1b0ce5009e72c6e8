package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testEnv is an env with captured output and a private environment, cache
// directory and clock; run runs its commands in the test's context.
type testEnv struct {
	*env
	ctx         context.Context
	out, errOut *bytes.Buffer
	vars        map[string]string
	clock       time.Time
}

func newTestEnv(t *testing.T, stdin string) *testEnv {
	t.Helper()
	te := &testEnv{
		ctx:    t.Context(),
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

// loginEnv is a test env pointed at a fake Astran through the ASTRAN_*
// variables, as "astran serve" would print them.
func loginEnv(t *testing.T, stdin string) (*testEnv, *fakeAstran) {
	te := newTestEnv(t, stdin)
	f := newFakeAstran(t, func() time.Time { return te.clock })
	for k, v := range f.env() {
		te.vars[k] = v
	}
	return te, f
}

func (te *testEnv) run(args ...string) int {
	te.out.Reset()
	te.errOut.Reset()
	return te.env.run(te.ctx, args)
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

// cliCase is a command line with its expected exit status and output.
// Stdout is checked whole (out), or by its parts (contains), or line by
// line (lines: as many lines, each starting with its entry); stderr is
// checked whole (err, "" for none).
type cliCase struct {
	args     []string // after the command that runCLICases is given
	stdin    string
	code     int
	out      string
	contains []string
	lines    []string
	err      string
}

// runCLICases runs each case as a subtest: command (words separated by
// spaces, "" for none) followed by the case's arguments.
func runCLICases(t *testing.T, command string, tests map[string]cliCase) {
	t.Helper()
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			te := newTestEnv(t, tc.stdin)
			if code := te.run(append(strings.Fields(command), tc.args...)...); code != tc.code {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, tc.code, te.out, te.errOut)
			}
			got := te.out.String()
			switch {
			case tc.lines != nil:
				lines := te.outLines()
				if len(lines) != len(tc.lines) {
					t.Fatalf("stdout has %d lines, want %d:\n%s\nwant:\n%s", len(lines), len(tc.lines), got, strings.Join(tc.lines, "\n"))
				}
				for i := range lines {
					if !strings.HasPrefix(lines[i], tc.lines[i]) {
						t.Errorf("line %d = %q, want prefix %q", i+1, lines[i], tc.lines[i])
					}
				}
			case tc.contains != nil:
				for _, want := range tc.contains {
					if !strings.Contains(got, want) {
						t.Errorf("stdout lacks %q:\n%s", want, got)
					}
				}
			case got != tc.out:
				t.Errorf("stdout:\n%s\nwant:\n%s", got, tc.out)
			}
			if got := te.errOut.String(); got != tc.err {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, tc.err)
			}
		})
	}
}

// outJSON decodes the standard output of the last run into v, or stops the
// test.
func (te *testEnv) outJSON(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(te.out.Bytes(), v); err != nil {
		t.Fatalf("stdout: %v\n%s", err, te.out)
	}
}

// readTestFile returns the content of a test file (a golden output), or
// stops the test.
func readTestFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// writeTestFile writes data to path with mode 0600, creating the parent
// directories, or stops the test.
func writeTestFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}
