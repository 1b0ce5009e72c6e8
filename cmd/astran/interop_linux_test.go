package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/astran-oss/astran-go/astrantest"
	"github.com/astran-oss/astran-go/emulator"
	"github.com/astran-oss/astran-go/internal/interop"
)

// The real aws CLI against the emulator, with a profile that
// "astran configure" wrote. Slow (a Python process per command): run under
// CI=true or ASTRAN_INTEROP=1, like the emulator's aws CLI tests.

const interopPassword = "bob-Passw0rd"

// interopSetup starts an emulator where bob may list buckets and one
// bucket exists, writes bob's profile with "astran configure" (from the
// variables "astran serve" prints), and puts this test binary on PATH as
// "astran". It returns the environment of a user's shell.
func interopSetup(t *testing.T) (srv *emulator.Server, env []string) {
	t.Helper()
	srv = astrantest.New(t, emulator.WithUserPassword(interopPassword))
	ctx := t.Context()
	iamc := iam.NewFromConfig(srv.RootConfig())
	if _, err := iamc.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(testUser)}); err != nil {
		t.Fatal(err)
	}
	if _, err := iamc.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(testUser), PolicyName: aws.String("list"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s3.NewFromConfig(srv.RootConfig()).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("astran-interop")}); err != nil {
		t.Fatal(err)
	}

	home := t.TempDir()
	config := filepath.Join(home, ".aws", "config")
	te := newTestEnv(t, "")
	for _, kv := range srv.Env() {
		if name, value, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "ASTRAN_") {
			te.vars[name] = value
		}
	}
	te.vars["HOME"] = home
	if code := te.run("configure", "--profile", "bob", "-u", testUser); code != 0 {
		t.Fatalf("configure: exit %d: %s", code, te.errOut)
	}
	bin := filepath.Join(home, "bin")
	if err := os.Mkdir(bin, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(testBinary(t), filepath.Join(bin, "astran")); err != nil {
		t.Fatal(err)
	}
	env = []string{
		"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + home,
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"AWS_CONFIG_FILE=" + config,
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, ".aws", "credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
		envTestProcess + "=astran", // the "astran" on PATH is this test binary
	}
	return srv, env
}

// TestInterop_credentialProcessPromptsOnTerminal: "aws --profile bob s3 ls"
// with credential_process = astran credentials --profile bob shows the
// password prompt on the terminal (the aws CLI captures the process's
// output) and succeeds; the next command uses the cache, without a prompt.
func TestInterop_credentialProcessPromptsOnTerminal(t *testing.T) {
	t.Parallel()
	awsBin := interop.AWSCLI(t)
	_, env := interopSetup(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	for i, prompt := range []bool{true, false} {
		term := newTerminal(t)
		cmd := exec.CommandContext(ctx, awsBin, "--profile", "bob", "s3", "ls")
		cmd.Env = env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		exited, wait := term.start(cmd)
		if prompt {
			if !term.waitFor(ctx, "Password for bob@astran.io: ", exited) {
				t.Fatalf("no prompt on the terminal (%q); aws: %v, %s%s", term.output(), wait(), stdout.String(), stderr.String())
			}
			term.typeLine(interopPassword)
		}
		if werr := wait(); werr != nil || !strings.Contains(stdout.String(), "astran-interop") {
			t.Fatalf("run %d: aws s3 ls: %v\nstdout: %s\nstderr: %s\nterminal: %q", i+1, werr, stdout.String(), stderr.String(), term.output())
		}
		if !prompt && term.output() != "" {
			t.Errorf("cached credentials, yet the terminal shows %q", term.output())
		}
		if strings.Contains(term.output(), interopPassword) {
			t.Errorf("the password was echoed")
		}
	}
}

// TestInterop_execAwsS3Ls: "astran exec --profile bob -- aws s3 ls" runs
// the aws CLI with the credentials and endpoints in its environment.
func TestInterop_execAwsS3Ls(t *testing.T) {
	t.Parallel()
	awsBin := interop.AWSCLI(t)
	_, env := interopSetup(t)
	te := newTestEnv(t, "")
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		te.vars[name] = value
	}
	te.vars[EnvPassword] = interopPassword
	te.environ = func() []string { return env }
	te.now = time.Now // the aws CLI judges AWS_CREDENTIAL_EXPIRATION by the real clock
	if code := te.run("exec", "--profile", "bob", "--", awsBin, "s3", "ls"); code != 0 || !strings.Contains(te.out.String(), "astran-interop") {
		t.Fatalf("exec aws s3 ls: exit %d\nstdout: %s\nstderr: %s", code, te.out, te.errOut)
	}
	// The aws CLI's own status passes through.
	if code := te.run("exec", "--profile", "bob", "--", awsBin, "s3", "ls", "s3://astran-no-such-bucket"); code != 255 && code != 1 {
		t.Errorf("exec aws s3 ls of a missing bucket: exit %d, want the aws CLI's failure status\n%s", code, te.errOut)
	}
}
