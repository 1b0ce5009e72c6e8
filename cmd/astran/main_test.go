package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

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
	runCLICases(t, "", map[string]cliCase{
		"unknown command": {
			args: []string{"frobnicate"},
			code: 2,
			err:  `astran: unknown command "frobnicate" for "astran" (see "astran --help")` + "\n",
		},
		// Every command's usage errors name it and exit 2.
		"login: unknown flag": {
			args: []string{"login", "--nope"},
			code: 2,
			err:  `astran: login: unknown flag: --nope (see "astran login --help")` + "\n",
		},
		"login: arguments": {
			args: []string{"login", "x"},
			code: 2,
			err:  `astran: login: unknown command "x" for "astran login" (see "astran login --help")` + "\n",
		},
		"configure: required flag": {
			args: []string{"configure"},
			code: 2,
			err:  `astran: configure: required flag(s) "profile" not set (see "astran configure --help")` + "\n",
		},
		"completion: arguments": {
			args: []string{"completion", "bash", "zsh"},
			code: 2,
			err:  `astran: completion bash: unknown command "zsh" for "astran completion bash" (see "astran completion bash --help")` + "\n",
		},
		// The policy commands' usage errors name the command and exit 2.
		"unknown flag": {
			args: []string{"policy", "validate", "--nope", "x"},
			code: 2,
			err:  `astran: policy validate: unknown flag: --nope (see "astran policy validate --help")` + "\n",
		},
		"missing args": {
			args: []string{"policy", "validate"},
			code: 2,
			err:  `astran: policy validate: requires at least 1 arg(s), only received 0: FILE|DIR... (see "astran policy validate --help")` + "\n",
		},
		"missing request": {
			args: []string{"policy", "simulate", "testdata/reader.json"},
			code: 2,
			err:  `astran: policy simulate: --request REQUEST.json is required (see "astran policy simulate --help")` + "\n",
		},
		"bad dialect": {
			args: []string{"policy", "validate", "--dialect", "gcp", "testdata/reader.json"},
			code: 2,
			err:  `astran: policy validate: unknown --dialect "gcp" (want astran or aws)` + "\n",
		},
		"test: two files": {
			args: []string{"policy", "test", "a.jsonl", "b.jsonl"},
			code: 2,
			err:  `astran: policy test: accepts 1 arg(s), received 2: CASES.jsonl (see "astran policy test --help")` + "\n",
		},
		"simulate: bad flag value": {
			args: []string{"policy", "simulate", "--max-size", "x", "--request", "r", "p"},
			code: 2,
			err:  `astran: policy simulate: invalid argument "x" for "--max-size" flag: strconv.ParseInt: parsing "x": invalid syntax (see "astran policy simulate --help")` + "\n",
		},
		"no args is help": {
			contains: []string{"Usage:"},
		},
	})
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
