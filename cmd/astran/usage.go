package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// Usage errors (an unknown command or flag, a wrong number of arguments, a
// missing required flag) name their command and exit with status 2:
//
//	astran: policy validate: requires at least 1 arg(s), only received 0: FILE|DIR... (see "astran policy validate --help")

// runError marks an error returned by a command's RunE: not a usage error.
type runError struct{ err error }

func (e *runError) Error() string { return e.err.Error() }
func (e *runError) Unwrap() error { return e.err }

// markUsageErrors makes every usage error of root's command tree name its
// command: it wraps each command's argument check and RunE (so that what
// is left when a command fails is a usage error found by cobra itself).
func markUsageErrors(root *cobra.Command) {
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usage(c, err) })
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if check := c.Args; check != nil {
			c.Args = func(cmd *cobra.Command, args []string) error {
				if err := check(cmd, args); err != nil {
					return usage(cmd, err)
				}
				return nil
			}
		}
		if run := c.RunE; run != nil {
			c.RunE = func(cmd *cobra.Command, args []string) error {
				if err := run(cmd, args); err != nil {
					return &runError{err}
				}
				return nil
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// usage turns err into a usage error of c (exit status 2), unless it is
// one already.
func usage(c *cobra.Command, err error) error {
	var ee *exitError
	if errors.As(err, &ee) {
		return err
	}
	msg := err.Error()
	if c.HasParent() {
		msg = commandName(c) + ": " + msg
	}
	return &exitError{exitInput, fmt.Errorf("%s (see %q)", msg, c.CommandPath()+" --help")}
}

// classify returns err as the run ended with it in c: a usage error when no
// RunE returned it.
func classify(c *cobra.Command, err error) error {
	var re *runError
	if errors.As(err, &re) {
		return re.err
	}
	if c == nil {
		return err
	}
	return usage(c, err)
}
