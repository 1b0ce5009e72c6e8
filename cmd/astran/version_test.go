package main

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionInfo(t *testing.T) {
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"release", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.3"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123abc"}, {Key: "vcs.time", Value: "2026-03-27T09:00:00Z"}, {Key: "vcs.modified", Value: "false"}}},
			"astran v1.2.3 (revision 0123abc, 2026-03-27T09:00:00Z) go1.26.0"},
		{"modified tree", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123abc"}, {Key: "vcs.modified", Value: "true"}}},
			"astran (devel) (revision 0123abc, modified) go1.26.0"},
		{"no VCS", &debug.BuildInfo{GoVersion: "go1.26.0"}, "astran (devel) (revision unknown) go1.26.0"},
		{"no build info", nil, "astran (unknown version, no build information) " + runtime.Version()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := versionInfo(func() (*debug.BuildInfo, bool) { return tc.bi, tc.bi != nil })
			if got != tc.want {
				t.Errorf("versionInfo = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestVersion_commands(t *testing.T) {
	want := versionInfo(debug.ReadBuildInfo) + "\n"
	if !strings.HasPrefix(want, "astran ") || !strings.Contains(want, " go1.") {
		t.Errorf("this build: %q", want)
	}
	for _, args := range [][]string{{"version"}, {"--version"}} {
		te := newTestEnv(t, "")
		if code := te.run(args...); code != 0 || te.out.String() != want {
			t.Errorf("astran %v: exit %d, stdout %q, want %q", args, code, te.out, want)
		}
	}
}
