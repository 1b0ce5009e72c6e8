//go:build !unix

package motoserver

import "os/exec"

func setProcAttr(*exec.Cmd) {}

func kill(cmd *exec.Cmd) { _ = cmd.Process.Kill() }
