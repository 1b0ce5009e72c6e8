// Command credentials lists S3 buckets with aws-sdk-go-v2 as an Astran user:
// endpoint.Resolve finds the partition's services, the sts package's
// PasswordGrant and Provider log the user in (OIDC password grant, then STS
// LoginWithWebIdentity) and keep the temporary credentials fresh, and
// sts.NewConfig turns them into an aws.Config whose endpoints point at the
// partition, so that the S3 client is the SDK's own, built in one line:
//
//	ep, err := endpoint.Resolve(func(o *endpoint.Options) { o.Partition = partition })
//	grant, err := sts.NewPasswordGrant(ep, username, password)
//	provider, err := sts.NewProvider(ep, grant)
//	cfg, err := sts.NewConfig(ep, provider)
//	client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
//
// It reads ASTRAN_PARTITION, ASTRAN_USERNAME and ASTRAN_PASSWORD (or asks
// for the password on the terminal), plus the endpoint overrides
// ASTRAN_OIDC_ISSUER, ASTRAN_STS_ENDPOINT, ASTRAN_S3_ENDPOINT and AWS_REGION
// that `astran serve` prints. With ASTRAN_PARTITION unset,
//
//	go run ./examples/credentials
//
// starts the emulator in-process, where root creates the user,
// grants it AstranS3ReadOnlyAccess and creates two buckets, and then runs
// the same code against it.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	os.Exit(mainCode())
}

func mainCode() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "credentials:", err)
		return 1
	}
	return 0
}
