package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/emulator"
	"github.com/astran-oss/astran-go/endpoint"
	"github.com/astran-oss/astran-go/iamclient"
	"github.com/astran-oss/astran-go/sts"
)

const (
	envUsername = "ASTRAN_USERNAME"
	envPassword = "ASTRAN_PASSWORD"
)

// run lists the buckets the configured user may see, printing to out.
// env reads the configuration (os.Getenv in main); with ASTRAN_PARTITION
// unset it sets up the embedded emulator first.
func run(ctx context.Context, out io.Writer, env func(string) string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if env(endpoint.EnvPartition) == "" {
		srv, demoEnv, err := startEmulator(ctx, out)
		if err != nil {
			return err
		}
		defer srv.Close()
		env = demoEnv
	}
	partition, username := env(endpoint.EnvPartition), env(envUsername)
	if username == "" {
		return fmt.Errorf("set %s to the email address of the user to log in", envUsername)
	}
	return listBuckets(ctx, out, partition, username, passwordFrom(env), env)
}

// passwordFrom returns the password in $ASTRAN_PASSWORD, or asks for it on
// the terminal.
func passwordFrom(env func(string) string) sts.PasswordFunc {
	return func(ctx context.Context) (string, error) {
		if pw := env(envPassword); pw != "" {
			return pw, nil
		}
		return sts.PasswordFromTerminal("Password: ")(ctx)
	}
}

// listBuckets is the part to copy: log in with the sts Provider, build the
// SDK's S3 client from sts.NewConfig, call S3.
func listBuckets(ctx context.Context, out io.Writer, partition, username string, password sts.PasswordFunc, env func(string) string) error {
	ep, err := endpoint.Resolve(func(o *endpoint.Options) {
		o.Partition = partition
		o.Getenv = env // the default, os.Getenv, is what a program wants; tests pass their own
	})
	if err != nil {
		return err
	}
	httpClient := &http.Client{Timeout: 30 * time.Second}
	grant, err := sts.NewPasswordGrant(ep, username, password, func(o *sts.PasswordGrantOptions) { o.HTTPClient = httpClient })
	if err != nil {
		return err
	}
	provider, err := sts.NewProvider(ep, grant, func(o *sts.ProviderOptions) { o.HTTPClient = httpClient })
	if err != nil {
		return err
	}
	cfg, err := sts.NewConfig(ep, provider, func(o *sts.ConfigOptions) { o.HTTPClient = httpClient })
	if err != nil {
		return err
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })

	res, err := client.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		return fmt.Errorf("listing the buckets of partition %s as %s: %w", partition, username, err)
	}
	fmt.Fprintf(out, "Buckets visible to %s in partition %s:\n", username, partition)
	for _, b := range res.Buckets {
		fmt.Fprintf(out, "  %s  (created %s)\n", aws.ToString(b.Name), aws.ToTime(b.CreationDate).UTC().Format(time.RFC3339))
	}
	if len(res.Buckets) == 0 {
		fmt.Fprintln(out, "  (none)")
	}

	// The credentials are cached by cfg.Credentials (an aws.CredentialsCache)
	// and renewed before they expire: the client can be used for days.
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Signed with temporary credentials %s (%s); the credentials cache renews them at %s, before they expire.\n",
		creds.AccessKeyID, creds.Source, creds.Expires.UTC().Format(time.RFC3339))
	return nil
}

// startEmulator starts the emulator and prepares it as an
// administrator would: a user with a known password and the built-in
// AstranS3ReadOnlyAccess policy, and two buckets. It returns the
// configuration a user would export.
func startEmulator(ctx context.Context, out io.Writer) (*emulator.Server, func(string) string, error) {
	const user = "bob@astran.io"
	password := rand.Text()
	srv, err := emulator.New(emulator.WithUserPassword(password))
	if err != nil {
		return nil, nil, fmt.Errorf("starting the emulator: %w", err)
	}
	root := srv.RootConfig()
	admin := iamclient.New(root, func(o *iamclient.Options) { o.BaseEndpoint = srv.Endpoints().IAM })
	rootS3 := s3.NewFromConfig(root, func(o *s3.Options) { o.UsePathStyle = true })
	err = func() error {
		if _, err := admin.CreateUser(ctx, user); err != nil {
			return err
		}
		if err := admin.AttachUserPolicy(ctx, user, builtin.PolicyARN(builtin.AstranS3ReadOnlyAccess)); err != nil {
			return err
		}
		for _, b := range []string{"photos", "reports"} {
			if _, err := rootS3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
				return err
			}
		}
		return nil
	}()
	if err != nil {
		srv.Close()
		return nil, nil, fmt.Errorf("preparing the emulator: %w", err)
	}
	fmt.Fprintf(out, "No %s set: using the embedded Astran emulator, where root created %s (policy %s) and the buckets photos and reports.\n\n",
		endpoint.EnvPartition, user, builtin.AstranS3ReadOnlyAccess)

	vars := map[string]string{envUsername: user, envPassword: password}
	for _, l := range srv.Env() {
		if k, v, ok := strings.Cut(l, "="); ok && !strings.HasPrefix(k, "AWS_ACCESS_KEY_ID") && !strings.HasPrefix(k, "AWS_SECRET_ACCESS_KEY") {
			vars[k] = v // endpoints and region, not root's keys
		}
	}
	return srv, func(k string) string { return vars[k] }, nil
}
