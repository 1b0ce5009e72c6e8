package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// versionInfo describes this build from its build information: the
// module version ("(devel)" for a build from a source tree), the VCS
// revision and time when the go command recorded them, and the toolchain.
func versionInfo(read func() (*debug.BuildInfo, bool)) string {
	bi, ok := read()
	if !ok {
		return "astran (unknown version, no build information) " + runtime.Version()
	}
	version := bi.Main.Version
	if version == "" {
		version = "(devel)"
	}
	s := "astran " + version
	var rev, at, modified string
	for _, kv := range bi.Settings {
		switch kv.Key {
		case "vcs.revision":
			rev = kv.Value
		case "vcs.time":
			at = kv.Value
		case "vcs.modified":
			if kv.Value == "true" {
				modified = ", modified"
			}
		}
	}
	switch {
	case rev != "" && at != "":
		s += fmt.Sprintf(" (revision %s, %s%s)", rev, at, modified)
	case rev != "":
		s += fmt.Sprintf(" (revision %s%s)", rev, modified)
	default:
		s += " (revision unknown)"
	}
	return s + " " + bi.GoVersion
}

// addVersion gives root a --version flag and a version command.
func addVersion(root *cobra.Command) {
	v := versionInfo(debug.ReadBuildInfo)
	root.Version = v
	root.SetVersionTemplate("{{.Version}}\n")
	root.AddCommand(&cobra.Command{
		Use:     "version",
		Short:   "Print the version, the VCS revision and the Go version",
		Example: "  astran version\n  astran --version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(cmd.OutOrStdout(), v)
			return err
		},
	})
}
