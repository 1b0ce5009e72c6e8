// Command cross-account shares a bucket with a user of a second account
// through a bucket policy, on two in-process emulators of one partition
// (emulator.Server.AddPeer makes the second account's callers known to the
// first's S3 gate):
//
//	go run ./examples/cross-account
//
// Account A (the owner) has the bucket "reports"; carol@astran.io is a user
// of account B. As in AWS's cross-account evaluation, carol reads the
// bucket only when both sides allow: the bucket policy in A names her ARN,
// and B's policy for her allows s3:GetObject on the bucket. The program
// shows each step's outcome.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cross-account:", err)
		stop()
		os.Exit(1)
	}
}
