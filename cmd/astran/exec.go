package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"
)

// Exit statuses of exec when the command does not run, as in POSIX shells.
const (
	exitCannotRun = 126
	exitNotFound  = 127
)

func (e *env) execCommand() *cobra.Command {
	var f loginFlags
	cmd := &cobra.Command{
		Use:   "exec --profile NAME -- COMMAND [ARG...]",
		Short: "Run a command with temporary credentials in its environment",
		Long: `Run COMMAND with the credentials that "astran credentials" would print
(cached while valid, else a login that prompts on the terminal) in its
environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
AWS_CREDENTIAL_EXPIRATION, AWS_REGION (and AWS_DEFAULT_REGION), the
per-service AWS_ENDPOINT_URL_STS, _IAM and _S3 that the aws CLI and the
SDKs read, and the ASTRAN_* variables. ` + EnvPassword + ` is removed.

Standard input, output and error are the command's. Signals that astran
receives (interrupt, terminate, hang-up, quit, user signals, window size
changes) are passed to the command, and astran exits with the command's
status: 128+N when signal N ended it, 127 when it is not found.`,
		Example: `  astran exec --profile bob -- aws s3 ls
  astran exec -p demo -u bob@astran.io -- go run ./examples/s3`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.exec(cmd.Context(), &f, args)
		},
	}
	f.addIdentity(cmd)
	// Flags after the command are the command's.
	cmd.Flags().SetInterspersed(false)
	return cmd
}

// execEnvRemoved are removed from the command's environment: secrets, and
// credentials that would compete with the ones set.
var execEnvRemoved = []string{EnvPassword, "ASTRAN_ROOT_PASSWORD", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION"}

func (e *env) exec(ctx context.Context, f *loginFlags, args []string) error {
	rec, ep, err := e.credentials(ctx, f)
	if err != nil {
		return err
	}
	var environ []string
	for _, kv := range e.environ() {
		name, _, _ := strings.Cut(kv, "=")
		removed := false
		for _, r := range execEnvRemoved {
			removed = removed || name == r
		}
		if !removed {
			environ = append(environ, kv)
		}
	}
	c := rec.Credentials
	environ = append(environ,
		"AWS_ACCESS_KEY_ID="+c.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY="+c.SecretAccessKey,
		"AWS_SESSION_TOKEN="+c.SessionToken,
		"AWS_CREDENTIAL_EXPIRATION="+rec.localExpiration().Format("2006-01-02T15:04:05Z07:00"),
		"AWS_DEFAULT_REGION="+ep.Region, // the aws CLI v1 reads this one
	)
	environ = append(environ, ep.Environ()...) // ASTRAN_*, AWS_ENDPOINT_URL_*, AWS_REGION

	path, err := exec.LookPath(args[0])
	if err != nil {
		code := exitNotFound
		if !errors.Is(err, exec.ErrNotFound) {
			code = exitCannotRun
		}
		return &exitError{code, fmt.Errorf("exec: %w", err)}
	}
	cmd := exec.Command(path, args[1:]...)
	cmd.Args[0] = args[0]
	cmd.Env = environ
	cmd.Stdin, cmd.Stdout, cmd.Stderr = e.stdin, e.stdout, e.stderr

	// Forward signals from before the start, so that none is lost.
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwardedSignals...)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return &exitError{exitCannotRun, fmt.Errorf("exec: %w", err)}
	}
	done := make(chan struct{})
	go func() { // ends when the command has exited
		for {
			select {
			case s := <-sigs:
				_ = cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err = cmd.Wait()
	close(done)
	if err == nil {
		return nil
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return fmt.Errorf("exec: %w", err)
	}
	return &silentError{exitStatus(ee)}
}
