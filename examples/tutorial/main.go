// Command tutorial runs Astran's "Managing users" tutorial as a Go program and
// narrates each step and its result: it creates the user bob@astran.io,
// lists the users, logs bob in (OIDC password grant, then STS
// LoginWithWebIdentity), shows that bob may not create a bucket, creates the
// group marketing, adds bob to it, attaches the built-in AstranAdmin policy,
// shows that bob now may create a bucket, detaches the policy, shows the
// denial again, and deletes the user.
//
// With no configuration it starts the emulator in-process, so
//
//	go run ./examples/tutorial
//
// works on a fresh clone with nothing else running. To run it against a
// partition (Astran's, or an `astran serve` emulator), set:
//
//	ASTRAN_PARTITION           the partition, e.g. demo
//	AWS_ACCESS_KEY_ID,         root credentials (or AWS_PROFILE, e.g. the
//	AWS_SECRET_ACCESS_KEY      docs' "astran" profile)
//	ASTRAN_PASSWORD            the password bob sets with the link Astran emails
//	ASTRAN_USERNAME            the user to create (default bob@astran.io)
//
// and optionally the endpoint overrides ASTRAN_OIDC_ISSUER,
// ASTRAN_STS_ENDPOINT, ASTRAN_IAM_ENDPOINT, ASTRAN_S3_ENDPOINT and AWS_REGION.
// On a real partition the program waits until the new user has verified the
// email address and set ASTRAN_PASSWORD as password. It deletes the user,
// group and bucket it created, even when a step fails.
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
		fmt.Fprintln(os.Stderr, "tutorial:", err)
		return 1
	}
	return 0
}
