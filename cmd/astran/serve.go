package main

import (
	"github.com/spf13/cobra"
)

func (e *env) serveCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "serve",
		Short:   "Run the local Astran emulator",
		Example: `  eval "$(astran serve --partition demo)"`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return errNotYet
		},
	}
}
