package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// The values of the enumerated flags, in the order help and errors name
// them.
var (
	textFormats   = []string{"text", "json"}
	lintFormats   = []string{"text", "json", "sarif"}
	loginFormats  = []string{"env", "credential-process", "json"}
	dialectNames  = []string{"astran", "aws"}
	policyTypes   = []string{"identity", "resource", "trust", "boundary", "session"}
	severityNames = []string{"error", "security", "warning", "suggestion"}
)

// choiceFlag defines the string flag name of cmd, whose values are
// choices, and completes them in the shells.
func choiceFlag(cmd *cobra.Command, p *string, name, value, usage string, choices []string) {
	cmd.Flags().StringVar(p, name, value, usage)
	_ = cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(choices, cobra.ShellCompDirectiveNoFileComp))
}

// checkChoice reports a value of the flag name that is none of choices.
func checkChoice(name, value string, choices []string) error {
	if slices.Contains(choices, value) {
		return nil
	}
	return fmt.Errorf("unknown --%s %q (want %s)", name, value, orList(choices))
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
