// Package interop gates the tests that drive the real aws CLI: they are
// slow (a Python process per command), so they run only under CI=true or
// ASTRAN_INTEROP=1 (.ci/run sets it) and a plain "go test ./..." skips them.
package interop

import (
	"os"
	"os/exec"
	"testing"
)

// AWSCLI returns the path of the aws CLI, or skips t when interop tests
// are not enabled or, outside CI, when the aws CLI is not installed. Under
// CI=true a missing aws CLI fails t.
func AWSCLI(t testing.TB) string {
	t.Helper()
	if os.Getenv("CI") != "true" && os.Getenv("ASTRAN_INTEROP") == "" {
		t.Skip("aws CLI interop test: set ASTRAN_INTEROP=1 to run it (.ci/run does)")
	}
	bin, err := exec.LookPath("aws")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("aws CLI not found: it is required under CI=true")
		}
		t.Skip("aws CLI not found in PATH: skipping the CLI interop test")
	}
	return bin
}
