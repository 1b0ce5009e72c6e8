package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // any error, and failing policy test cases
	exitInput   = 2 // policy test: unreadable input
)

// env is everything a command touches outside its arguments, so that tests
// can replace it.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	environ        func() []string // the whole environment, for exec
	now            func() time.Time
	// cacheDir returns the user's cache directory (os.UserCacheDir).
	cacheDir func() (string, error)
	// readPassword prompts on the controlling terminal and reads a password
	// without echo; errNoPassword when there is no terminal.
	readPassword func(ctx context.Context, prompt string) (string, error)
	// askTerminal asks a question on the controlling terminal and reads a
	// line; errNoTerminal when there is none.
	askTerminal func(ctx context.Context, prompt string) (string, error)
	// selfCommand is how other programs (the aws CLI) run this one.
	selfCommand func() string
	// httpClient sends login requests; nil means the sts package's default.
	httpClient *http.Client
	// serveReady, when set, is called by serve once the emulator is up
	// (tests use it instead of waiting).
	serveReady func()
}

// run is the whole program: it runs the command in args and returns the exit
// status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{
		stdin:        stdin,
		stdout:       stdout,
		stderr:       stderr,
		getenv:       os.Getenv,
		environ:      os.Environ,
		now:          time.Now,
		cacheDir:     os.UserCacheDir,
		readPassword: ttyPassword,
		askTerminal:  ttyAsk,
		selfCommand:  selfCommandDefault,
	}
	return e.run(ctx, args)
}

// exitError carries an exit status other than exitFailure.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// silentError ends a command with a status after it has printed its own
// report (policy validate and policy test).
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// run executes args and returns the exit status. Errors are printed as one
// line on stderr.
func (e *env) run(ctx context.Context, args []string) int {
	root := e.rootCommand()
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	err = classify(cmd, err)
	var se *silentError
	if errors.As(err, &se) {
		return se.code
	}
	fmt.Fprintln(e.stderr, "astran: "+oneLine(err.Error()))
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitFailure
}

// oneLine flattens a message to one line.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}

func (e *env) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "astran",
		Short: "Log in to Astran, check IAM policies, run the local emulator",
		Long: `astran is the command-line front door of the Astran Go SDK.

It logs users in to an Astran partition and prints temporary AWS credentials,
validates, simulates and tests IAM policies offline with the SDK's policy
engine, and runs the local Astran emulator.

Errors are printed as one line on standard error; the exit status is 1 on
any error (policy test also uses 2 for unreadable input).`,
		Example: `  eval "$(astran login --partition demo --username bob@astran.io)"
  astran policy validate policy.json
  astran policy test rules.jsonl
  astran serve --env-file /tmp/astran.env   # the local emulator`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// Arguments that name no command are an error, not a help page.
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	// Set the streams first: cobra's completion command captures them when
	// it is created.
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.AddCommand(e.loginCommand(), e.logoutCommand(), e.credentialsCommand(), e.configureCommand(), e.execCommand(), e.policyCommand(), e.serveCommand(), e.iamCommand())
	// Cobra's own commands get examples too.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			c.Example = "  astran help login\n  astran help policy test"
		case "completion":
			c.Example = `  source <(astran completion bash)
  astran completion zsh > "${fpath[1]}/_astran"
  astran completion fish > ~/.config/fish/completions/astran.fish`
			for _, sub := range c.Commands() {
				sub.Example = "  astran completion " + sub.Name() + " > astran-completion." + sub.Name()
			}
		}
	}
	addVersion(root)
	markUsageErrors(root)
	return root
}
