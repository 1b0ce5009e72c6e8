package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/astran-oss/astran-go/emulator"
)

// shellCommand is a "$ command" line of the narration.
var shellCommand = regexp.MustCompile(`(?m)^\s+\$ (.*)$`)

// TestNarration_runsAgainstServe types the narration's commands into a
// shell, as a user would against "astran serve": the set-up lines, every
// aws command and "astran login", with the real aws CLI and the astran
// binary. Each must succeed, except the bucket creations the narration
// shows denied. Like the other aws CLI tests, it runs under CI=true or
// ASTRAN_INTEROP=1.
func TestNarration_runsAgainstServe(t *testing.T) {
	if os.Getenv("CI") != "true" && os.Getenv("ASTRAN_INTEROP") == "" {
		t.Skip("aws CLI interop test: set ASTRAN_INTEROP=1 to run it (.ci/run does)")
	}
	t.Parallel()
	if _, err := exec.LookPath("aws"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("aws CLI not found: it is required under CI=true")
		}
		t.Skip("aws CLI not found in PATH")
	}
	var narration bytes.Buffer
	if err := runEmulator(t.Context(), &narration); err != nil {
		t.Fatalf("tutorial: %v\n%s", err, narration.String())
	}
	text := narration.String()

	// What "astran serve --env-file F --user-password bob-password" does.
	srv, err := emulator.New(emulator.WithUserPassword("bob-password"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	var envFile strings.Builder
	for _, kv := range srv.Env() {
		k, v, _ := strings.Cut(kv, "=")
		fmt.Fprintf(&envFile, "export %s=%s\n", k, strconv.Quote(v))
	}
	if err := os.WriteFile(filepath.Join(dir, "astran.env"), []byte(envFile.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "bin")
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "astran"), "github.com/astran-oss/astran-go/cmd/astran")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building astran: %v\n%s", err, out)
	}

	// The script: each command, then its exit status.
	var script strings.Builder
	var cmds []string
	var wantFail []bool
	for _, m := range shellCommand.FindAllStringSubmatchIndex(text, -1) {
		cmd := text[m[2]:m[3]]
		if strings.HasPrefix(cmd, "curl ") || strings.HasPrefix(cmd, "astran serve ") {
			continue // the HTTP calls behind "astran login"; the server is srv
		}
		cmd = strings.ReplaceAll(cmd, "/tmp/", dir+"/")
		// The narration shows the outcome on the next "->" line.
		next := text[m[1]:]
		fail := strings.HasPrefix(strings.TrimSpace(next[strings.Index(next, "->"):]), "-> make_bucket failed")
		cmds, wantFail = append(cmds, cmd), append(wantFail, fail)
		fmt.Fprintf(&script, "%s\necho \"::status $?\"\n", cmd)
	}
	if len(cmds) < 15 {
		t.Fatalf("only %d commands in the narration:\n%s", len(cmds), text)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	sh := exec.CommandContext(ctx, "bash", "-c", script.String())
	sh.Dir = dir
	sh.Env = []string{
		"HOME=" + dir, "PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"ASTRAN_PASSWORD=bob-password", // what "astran login" would prompt for
		"AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER=",
	}
	out, err := sh.CombinedOutput()
	if err != nil {
		t.Fatalf("script: %v\n%s", err, out)
	}
	statuses := regexp.MustCompile(`::status (\d+)`).FindAllStringSubmatch(string(out), -1)
	if len(statuses) != len(cmds) {
		t.Fatalf("%d statuses for %d commands:\n%s", len(statuses), len(cmds), out)
	}
	for i, s := range statuses {
		if failed := s[1] != "0"; failed != wantFail[i] {
			t.Errorf("$ %s: exit status %s, want failure %v", cmds[i], s[1], wantFail[i])
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}
