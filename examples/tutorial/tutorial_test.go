package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/astran-oss/astran-go/astrantest"
	"github.com/astran-oss/astran-go/emulator"
	"github.com/astran-oss/astran-go/iamclient"
)

// narration is what every run must print, in this order: each step of the
// documentation and its documented outcome.
var narration = []string{
	"1. root creates the user bob@astran.io",
	"-> created arn:demo:iam::",
	":user/bob@astran.io",
	"2. root lists the users",
	"-> bob@astran.io  arn:demo:iam::",
	"3. bob@astran.io logs in: OAuth2 password grant",
	"/auth/realms/demo/protocol/openid-connect/token",
	"-> got a Bearer access token, valid for 5m0s",
	"4. bob@astran.io exchanges the access token for temporary credentials",
	"-> AccessKeyId ASIA",
	"valid for 1h0m0s",
	"-> User arn:demo:iam::",
	"Audience s5",
	"5. bob@astran.io tries to create the bucket \"test\"",
	"-> make_bucket failed: s3://test AccessDenied: You don't have permission to access this resource",
	"6. root creates the group marketing",
	"-> created arn:demo:iam::",
	":group/marketing",
	"7. root adds bob@astran.io to marketing",
	"8. root lists the groups of bob@astran.io",
	"-> marketing  arn:demo:iam::",
	"9. root attaches the built-in policy AstranAdmin to marketing",
	"--policy-arn arn:astran:iam::astran:policy/AstranAdmin",
	"10. bob@astran.io tries again to create the bucket \"test\"",
	"-> make_bucket: test\n",
	"11. root detaches AstranAdmin from marketing",
	"12. bob@astran.io tries to create the bucket \"test-2\"",
	"-> make_bucket failed: s3://test-2 AccessDenied: You don't have permission to access this resource",
	"13. root deletes the user bob@astran.io",
	"-> deleted; list-users shows 0 user(s) now",
	"Done: every step had the outcome Astran's documentation shows.",
}

// checkNarration fails t unless out contains want in order.
func checkNarration(t *testing.T, out string, want []string) {
	t.Helper()
	rest := out
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("narration lacks %q (in order); got:\n%s", w, out)
		}
		rest = rest[i+len(w):]
	}
	for _, bad := range []string{"FAILED", "UNEXPECTED"} {
		if strings.Contains(out, bad) {
			t.Errorf("narration reports %s:\n%s", bad, out)
		}
	}
}

func noEnv(string) string { return "" }

// envOf returns the configuration `eval $(astran serve)` would give, plus
// extra "NAME=value" lines.
func envOf(srv *emulator.Server, extra ...string) func(string) string {
	return envFromLines(append(srv.Env(), extra...))
}

// TestRun_emulator is `go run ./examples/tutorial` on a fresh clone: no
// configuration, the embedded emulator.
func TestRun_emulator(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out, noEnv); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	checkNarration(t, out.String(), narration)
	// On the emulator it says how to type its commands against "astran
	// serve" (TestNarration_runsAgainstServe runs them).
	checkNarration(t, out.String(), serveSetup)
	if !strings.Contains(out.String(), "embedded Astran emulator") {
		t.Errorf("narration does not say it runs on the embedded emulator:\n%s", out.String())
	}
}

// TestRun_partition runs the tutorial against a configured partition (an
// emulator that gives every new user a known password) and checks that it
// leaves the partition as it found it.
func TestRun_partition(t *testing.T) {
	const pw = "correct horse battery staple"
	srv := astrantest.New(t, emulator.WithUserPassword(pw))
	var out bytes.Buffer
	if err := run(t.Context(), &out, envOf(srv, "ASTRAN_PASSWORD="+pw)); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	checkNarration(t, out.String(), narration)
	if strings.Contains(out.String(), pw) {
		t.Errorf("the narration shows the password")
	}
	// A real partition: the docs' commands, with no emulator set-up.
	if strings.Contains(out.String(), "astran serve") || !strings.Contains(out.String(), "$ aws --profile astran iam create-user") {
		t.Errorf("narration for a partition shows the emulator's set-up or not the docs' commands:\n%s", out.String())
	}
	if want := `partition "demo", IAM at ` + srv.Endpoints().IAM; !strings.Contains(out.String(), want) {
		t.Errorf("narration lacks %q", want)
	}
	assertClean(t, srv)
}

// assertClean fails t unless the partition has no user, group or bucket.
func assertClean(t *testing.T, srv *emulator.Server) {
	t.Helper()
	ctx := t.Context()
	admin := iamclient.New(srv.RootConfig(), func(o *iamclient.Options) { o.BaseEndpoint = srv.Endpoints().IAM })
	users, err := admin.ListUsers(ctx)
	if err != nil || len(users) != 0 {
		t.Errorf("users left: %v, %v", users, err)
	}
	groups, err := admin.ListGroups(ctx)
	if err != nil || len(groups) != 0 {
		t.Errorf("groups left: %v, %v", groups, err)
	}
	buckets, err := s3.NewFromConfig(srv.RootConfig(), func(o *s3.Options) { o.UsePathStyle = true }).
		ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil || len(buckets.Buckets) != 0 {
		t.Errorf("buckets left: %v, %v", buckets, err)
	}
}

// watchWriter collects output and closes seen the first time it contains
// the text to watch for.
type watchWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	watch string
	seen  chan struct{}
	done  bool
}

func (w *watchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if !w.done && strings.Contains(w.buf.String(), w.watch) {
		w.done = true
		close(w.seen)
	}
	return n, err
}

func (w *watchWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestRun_partitionWaitsForVerification: on a real partition bob must
// follow the emailed link before he can log in; the tutorial waits for it.
func TestRun_partitionWaitsForVerification(t *testing.T) {
	old := verifyPoll
	verifyPoll = 10 * time.Millisecond
	t.Cleanup(func() { verifyPoll = old })

	const pw = "bob's chosen password"
	srv := astrantest.New(t) // no known password: the mailbox is the only way
	out := &watchWriter{watch: "waiting for the email address to be verified", seen: make(chan struct{})}
	errc := make(chan error, 1)
	go func() { errc <- run(t.Context(), out, envOf(srv, "ASTRAN_PASSWORD="+pw)) }()

	select {
	case <-out.seen:
	case err := <-errc:
		t.Fatalf("run ended before waiting for the verification: %v\n%s", err, out.String())
	}
	// bob opens the link from the email and sets his password.
	if err := srv.Mailbox().VerifyUser("bob@astran.io", pw); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	checkNarration(t, out.String(), narration)
	assertClean(t, srv)
}

// TestRun_partitionStopsWaiting: cancelling the context ends the wait for
// the verification, and the user created so far is deleted.
func TestRun_partitionStopsWaiting(t *testing.T) {
	srv := astrantest.New(t)
	out := &watchWriter{watch: "waiting for the email address to be verified", seen: make(chan struct{})}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- run(ctx, out, envOf(srv, "ASTRAN_PASSWORD=pw")) }()
	select {
	case <-out.seen:
		cancel()
	case err := <-errc:
		t.Fatalf("run ended before waiting for the verification: %v\n%s", err, out.String())
	}
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("run = %v, want context.Canceled\n%s", err, out.String())
	}
	assertClean(t, srv)
}

// TestRun_existingUser: the tutorial never deletes a user it did not create.
func TestRun_existingUser(t *testing.T) {
	srv := astrantest.New(t, emulator.WithUserPassword("pw"))
	admin := iamclient.New(srv.RootConfig(), func(o *iamclient.Options) { o.BaseEndpoint = srv.Endpoints().IAM })
	if _, err := admin.CreateUser(t.Context(), "bob@astran.io"); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := run(t.Context(), &out, envOf(srv, "ASTRAN_PASSWORD=pw"))
	if !errors.Is(err, iamclient.ErrAlreadyExists) || !strings.Contains(err.Error(), "ASTRAN_USERNAME") {
		t.Fatalf("run = %v, want ErrAlreadyExists with a hint", err)
	}
	if _, err := admin.GetUser(t.Context(), "bob@astran.io"); err != nil {
		t.Errorf("the existing user is gone: %v", err)
	}

	// With another username the tutorial runs.
	out.Reset()
	if err := run(t.Context(), &out, envOf(srv, "ASTRAN_PASSWORD=pw", "ASTRAN_USERNAME=alice@astran.io")); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "13. root deletes the user alice@astran.io") {
		t.Errorf("narration:\n%s", out.String())
	}
}

func TestRun_configErrors(t *testing.T) {
	tests := map[string]struct {
		env  map[string]string
		want string
	}{
		"no password": {
			env:  map[string]string{"ASTRAN_PARTITION": "demo", "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s"},
			want: "ASTRAN_PASSWORD",
		},
		"no root credentials": {
			env:  map[string]string{"ASTRAN_PARTITION": "demo", "ASTRAN_PASSWORD": "pw"},
			want: "AWS_ACCESS_KEY_ID",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(t.Context(), &out, func(k string) string { return tc.env[k] })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("run = %v, want an error naming %s", err, tc.want)
			}
			if out.Len() != 0 {
				t.Errorf("output before the configuration was checked:\n%s", out.String())
			}
		})
	}
}
