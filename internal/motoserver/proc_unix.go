//go:build unix

package motoserver

import (
	"os/exec"
	"syscall"
)

// setProcAttr puts the server in its own process group, so that Close can
// kill it together with any child it forked.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	setParentDeathSignal(cmd.SysProcAttr)
}

func kill(cmd *exec.Cmd) {
	// Negative pid: the whole process group.
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
		_ = cmd.Process.Kill()
	}
}
