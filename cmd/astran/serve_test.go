package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// TestServe_login starts the emulator with "astran serve", creates a user
// with IAM using the printed root credentials, and logs the user in with
// "astran login" using only the printed ASTRAN_* variables.
func TestServe_login(t *testing.T) {
	te := newTestEnv(t, "")
	envFile := filepath.Join(t.TempDir(), "astran.env")
	ready := make(chan struct{})
	te.serveReady = func() { close(ready) }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- te.env.run(ctx, []string{"serve", "--partition", "demo", "--user-password", "pw-" + t.Name(), "--env-file", envFile})
	}()
	select {
	case <-ready:
	case code := <-done:
		t.Fatalf("serve ended with %d: %s", code, te.errOut)
	}

	// The export lines, on stdout and in the env file.
	printed := te.out.String()
	if data, err := os.ReadFile(envFile); err != nil || string(data) != printed {
		t.Errorf("env file = %q, %v; want %q", data, err, printed)
	}
	if fi, err := os.Stat(envFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("env file mode: %v %v", fi, err)
	}
	vars := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(printed), "\n") {
		kv, ok := strings.CutPrefix(line, "export ")
		if !ok {
			t.Fatalf("not an export line: %q", line)
		}
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = strings.Trim(v, "'")
	}
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ASTRAN_PARTITION", "ASTRAN_OIDC_ISSUER", "ASTRAN_STS_ENDPOINT", "ASTRAN_IAM_ENDPOINT", "ASTRAN_S3_ENDPOINT"} {
		if vars[k] == "" {
			t.Errorf("serve did not print %s:\n%s", k, printed)
		}
	}

	// Root creates bob through IAM.
	cfg := aws.Config{
		Region:      vars["AWS_DEFAULT_REGION"],
		Credentials: credentials.NewStaticCredentialsProvider(vars["AWS_ACCESS_KEY_ID"], vars["AWS_SECRET_ACCESS_KEY"], ""),
	}
	client := iam.NewFromConfig(cfg, func(o *iam.Options) { o.BaseEndpoint = aws.String(vars["ASTRAN_IAM_ENDPOINT"]) })
	if _, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(testUser)}); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}

	// bob logs in with astran login, configured by the printed variables.
	login := newTestEnv(t, "")
	for k, v := range vars {
		login.vars[k] = v
	}
	login.vars["ASTRAN_PASSWORD"] = "pw-" + t.Name()
	if code := login.run("login", "-u", testUser, "--format", "json"); code != 0 {
		t.Fatalf("login: exit %d: %s", code, login.errOut)
	}
	var rec loginRecord
	if err := json.Unmarshal(login.out.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(rec.User, "arn:demo:iam::") || !strings.HasSuffix(rec.User, ":user/"+testUser) ||
		rec.Credentials.AccessKeyID == "" || rec.Credentials.SecretAccessKey == "" || rec.Credentials.SessionToken == "" {
		t.Errorf("login result: %s", login.out)
	}
	// A wrong password is one clear line.
	login.vars["ASTRAN_PASSWORD"] = "wrong"
	if code := login.run("login", "-u", testUser, "--fresh"); code != 1 || login.errOut.String() != "astran: login failed: invalid username or password\n" {
		t.Errorf("wrong password: exit %d, %q", code, login.errOut)
	}

	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve: exit %d: %s", code, te.errOut)
	}
	if !strings.HasSuffix(te.errOut.String(), "astran: emulator stopped\n") {
		t.Errorf("serve stderr: %q", te.errOut)
	}
}

func TestServe_errors(t *testing.T) {
	te := newTestEnv(t, "")
	if code := te.run("serve", "--addr", "256.0.0.1:99999"); code != 1 || !strings.HasPrefix(te.errOut.String(), "astran: serve: ") {
		t.Errorf("bad address: exit %d, %q", code, te.errOut)
	}
	te = newTestEnv(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // serve returns at once after setting up
	code := te.env.run(ctx, []string{"serve", "--env-file", filepath.Join(t.TempDir(), "missing-dir", "x.env")})
	if code != 1 || !strings.HasPrefix(te.errOut.String(), "astran: serve: ") {
		t.Errorf("bad env file: exit %d, %q", code, te.errOut)
	}
}
