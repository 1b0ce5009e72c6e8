package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/astran-oss/astran-go/endpoint"
)

func (e *env) credentialsCommand() *cobra.Command {
	var f loginFlags
	cmd := &cobra.Command{
		Use:   "credentials --profile NAME",
		Short: "Print credentials for the aws CLI's credential_process",
		Long: `Print temporary AWS credentials as the JSON that the aws CLI and the
AWS SDKs read from a profile's credential_process.

Cached credentials are printed while they remain valid for more than
5 minutes by the server's clock (the cache records how far the local clock
is from the server's). Otherwise the user logs in, prompting for the
password on the terminal, and the cache is refreshed. Concurrent
invocations for the same user share one login: the first takes a lock file
next to the cache file, the others wait for it and print what it cached.

The user is named by the same flags as "astran login".`,
		Example: `  astran credentials -p demo -u bob@astran.io

  # In ~/.aws/config:
  #   [profile bob]
  #   credential_process = astran credentials -p demo -u bob@astran.io`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			rec, ep, err := e.credentials(cmd.Context(), &f)
			if err != nil {
				return err
			}
			return writeCredentials(e.stdout, "credential-process", rec, ep)
		},
	}
	f.addIdentity(cmd)
	return cmd
}

// credentials returns the cached credentials of the user named by f while
// they are valid, and otherwise logs in (once for concurrent callers) and
// caches the result.
func (e *env) credentials(ctx context.Context, f *loginFlags) (*loginRecord, endpoint.Endpoints, error) {
	t, ep, err := e.resolve(f)
	if err != nil {
		return nil, ep, fmt.Errorf("credentials: %w", err)
	}
	rec, err := e.cachedOrLogin(ctx, f, t)
	return rec, ep, err
}

func (e *env) cachedOrLogin(ctx context.Context, f *loginFlags, t target) (*loginRecord, error) {
	cache, err := e.openCache(true)
	if errors.Is(err, errNoCacheDir) {
		return e.doLogin(ctx, f, t)
	}
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	defer cache.Close()
	if rec := cache.read(t, e.now()); rec != nil {
		return rec, nil
	}
	unlock, err := cache.lock(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	defer unlock()
	// Another process may have logged in while this one waited.
	if rec := cache.read(t, e.now()); rec != nil {
		return rec, nil
	}
	rec, err := e.doLogin(ctx, f, t)
	if err != nil {
		return nil, err
	}
	if err := cache.write(rec); err != nil {
		fmt.Fprintln(e.stderr, "astran: warning: "+oneLine(err.Error()))
	}
	return rec, nil
}
