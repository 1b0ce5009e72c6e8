//go:build unix

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// The test binary doubles as the astran command and as a small child
// process for exec, so that tests run real processes without building
// anything:
//
//	ASTRAN_TEST_PROCESS=astran testbin login ...   runs astran
//	testbin test-child exit 7                      a child (whatever the environment)
const envTestProcess = "ASTRAN_TEST_PROCESS"

func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "test-child" {
		os.Exit(testChild(os.Args[2:]))
	}
	if os.Getenv(envTestProcess) == "astran" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// testChild is what exec's tests run:
//
//	exit N      exits with status N
//	env         prints the AWS_* and ASTRAN_* variables, sorted
//	signal      prints "ready", waits for a signal, prints "got NAME", exits 3
//	kill-self   ends itself with SIGKILL
func testChild(args []string) int {
	switch args[0] {
	case "exit":
		n, _ := strconv.Atoi(args[1])
		return n
	case "env":
		var vars []string
		for _, kv := range os.Environ() {
			if strings.HasPrefix(kv, "AWS_") || strings.HasPrefix(kv, "ASTRAN_") {
				vars = append(vars, kv)
			}
		}
		slices.Sort(vars)
		fmt.Println(strings.Join(vars, "\n"))
		return 0
	case "signal":
		ch := make(chan os.Signal, 1)
		signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGUSR1)
		fmt.Println("ready")
		fmt.Printf("got %v\n", <-ch)
		return 3
	case "kill-self":
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
	fmt.Fprintf(os.Stderr, "test-child: unknown %q\n", args)
	return 99
}

// astranProcess returns the test binary as astran with args, and an
// environment pointing at fake.
func astranProcess(t *testing.T, ctx context.Context, f *fakeAstran, args ...string) *exec.Cmd {
	home := t.TempDir()
	cmd := exec.CommandContext(ctx, testBinary(t), args...)
	cmd.Env = []string{envTestProcess + "=astran", "HOME=" + home, "XDG_CACHE_HOME=" + filepath.Join(home, "cache")}
	for k, v := range f.env() {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}
