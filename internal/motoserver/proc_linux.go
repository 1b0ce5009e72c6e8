//go:build linux

package motoserver

import "syscall"

// setParentDeathSignal makes the kernel kill the server if the test binary
// dies without running Close (e.g. on a panic or a -timeout).
func setParentDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
