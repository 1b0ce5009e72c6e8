//go:build unix && !linux

package motoserver

import "syscall"

func setParentDeathSignal(*syscall.SysProcAttr) {}
