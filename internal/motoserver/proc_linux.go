//go:build linux

package motoserver

import "syscall"

// setParentDeathSignal makes the kernel kill the server if the test binary
// dies without running Close (e.g. on a panic or a -timeout). Linux sends the
// signal when the OS thread that started the child exits; the Go runtime
// only ends threads locked with runtime.LockOSThread, which Start does not
// use.
func setParentDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
