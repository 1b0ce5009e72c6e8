//go:build !unix

package main

import (
	"os"
	"os/exec"
)

// forwardedSignals are passed on to the command run by exec.
var forwardedSignals = []os.Signal{os.Interrupt}

// exitStatus is the command's exit status.
func exitStatus(ee *exec.ExitError) int {
	if code := ee.ExitCode(); code >= 0 {
		return code
	}
	return exitFailure
}
