package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/astran-oss/astran-go/emulator"
)

type serveFlags struct {
	partition, addr, account string
	userPassword, envFile    string
	rootEmail, rootPassword  string
	sessionDuration          time.Duration
}

func (e *env) serveCommand() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the local Astran emulator",
		Long: `Run the Astran emulator (package emulator) on 127.0.0.1: a
Keycloak-style OIDC provider, STS, IAM and an S3 gate, with all state in
memory, until interrupted (Ctrl-C).

It prints the environment that points clients at it, as shell export lines:
the root identity's static credentials (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY), AWS_DEFAULT_REGION, the ASTRAN_* variables that
"astran login", the SDK and the examples read, AWS_ENDPOINT_URL_S3, _IAM and
_STS (so "aws s3 ls" and "aws iam list-users" need no --endpoint-url), and
the root account's login, ASTRAN_ROOT_EMAIL and ASTRAN_ROOT_PASSWORD, for
"astran login --root". --env-file also writes them to a file (mode 0600)
before the emulator reports ready.

The root password is random unless --root-password sets it. Users created
through IAM must verify their email before logging in, unless
--user-password gives every new user that password. These are throwaway
passwords for the emulator, not real secrets.

With --addr 0.0.0.0:PORT the emulator listens on every interface and
advertises 127.0.0.1.`,
		Example: `  # Terminal 1:
  astran serve --env-file /tmp/astran.env --user-password test-password

  # Terminal 2: root, as the tutorial starts
  . /tmp/astran.env
  ASTRAN_PASSWORD="$ASTRAN_ROOT_PASSWORD" astran login --root --username "$ASTRAN_ROOT_EMAIL"
  aws iam create-user --user-name bob@astran.io
  ASTRAN_PASSWORD=test-password astran login --username bob@astran.io`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.serve(cmd, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.partition, "partition", "p", "demo", "partition (Keycloak realm and ARN partition)")
	fl.StringVar(&f.addr, "addr", "127.0.0.1:0", "listen address; with port P the services use P to P+3, with port 0 ephemeral ports")
	fl.StringVar(&f.account, "account", "", "account ID in customer ARNs (default: a random UUID)")
	fl.StringVar(&f.userPassword, "user-password", "", "password of every user created through IAM (default: users verify through the emulator's mailbox)")
	fl.StringVar(&f.envFile, "env-file", "", "also write the export lines to this file (mode 0600)")
	fl.StringVar(&f.rootEmail, "root-email", "root@astran.test", "email of the root account (realm root-accounts)")
	fl.StringVar(&f.rootPassword, "root-password", "", "password of the root account (default: random, printed as ASTRAN_ROOT_PASSWORD)")
	fl.DurationVar(&f.sessionDuration, "session-duration", 0, "lifetime of LoginWithWebIdentity credentials (default 1h)")
	return cmd
}

func (e *env) serve(cmd *cobra.Command, f *serveFlags) error {
	srv, err := emulator.New(func(o *emulator.Options) {
		o.Partition = f.partition
		o.Account = f.account
		o.Addr = f.addr
		o.UserPassword = f.userPassword
		o.SessionDuration = f.sessionDuration
		o.RootEmail = f.rootEmail
		o.RootPassword = f.rootPassword
	})
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer srv.Close()
	var b strings.Builder
	for _, kv := range srv.Env() {
		name, value, _ := strings.Cut(kv, "=")
		fmt.Fprintf(&b, "export %s=%s\n", name, shellQuote(value))
	}
	if f.envFile != "" {
		if err := writeFileAtomic(f.envFile, []byte(b.String()), 0o600); err != nil {
			return fmt.Errorf("serve: %w", err)
		}
	}
	if _, err := fmt.Fprint(e.stdout, b.String()); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	fmt.Fprintf(e.stderr, "astran: emulator for partition %s running (issuer %s); press Ctrl-C to stop\n", srv.Partition(), srv.Issuer())
	if e.serveReady != nil {
		e.serveReady()
	}
	<-cmd.Context().Done()
	fmt.Fprintln(e.stderr, "astran: emulator stopped")
	return nil
}
