package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// serving is an "astran serve" running until the test ends.
type serving struct {
	te   *testEnv
	vars map[string]string // the variables it printed
	ctx  context.Context   // ends when serve is stopped
	stop func() int        // stops serve and returns its exit status
}

// startServe runs "astran serve" with args, waits until it serves and reads
// the export lines it printed.
func startServe(t *testing.T, args ...string) *serving {
	t.Helper()
	te := newTestEnv(t, "")
	ready := make(chan struct{})
	te.serveReady = func() { close(ready) }
	// Not t.Context(): serve must keep running until the Cleanup below stops it.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- te.env.run(ctx, append([]string{"serve"}, args...)) }()
	stop := sync.OnceValue(func() int {
		cancel()
		return <-done
	})
	t.Cleanup(func() { stop() })
	select {
	case <-ready:
	case code := <-done:
		t.Fatalf("serve ended with %d: %s", code, te.errOut)
	}
	vars := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(te.out.String()), "\n") {
		kv, ok := strings.CutPrefix(line, "export ")
		if !ok {
			t.Fatalf("not an export line: %q", line)
		}
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = strings.Trim(v, "'")
	}
	return &serving{te: te, vars: vars, ctx: ctx, stop: stop}
}

// loginEnvFrom is a test env configured by the variables serve printed
// only, with the password to log in with.
func loginEnvFrom(t *testing.T, vars map[string]string, password string) *testEnv {
	te := newTestEnv(t, "")
	for k, v := range vars {
		te.vars[k] = v
	}
	te.vars["ASTRAN_PASSWORD"] = password
	return te
}

// TestServe_login starts the emulator with "astran serve", creates a user
// with IAM using the printed root credentials, and logs the user in with
// "astran login" using only the printed ASTRAN_* variables.
func TestServe_login(t *testing.T) {
	envFile := filepath.Join(t.TempDir(), "astran.env")
	srv := startServe(t, "--partition", "demo", "--user-password", "pw-"+t.Name(), "--env-file", envFile)
	vars := srv.vars

	// The export lines, on stdout and in the env file.
	printed := srv.te.out.String()
	if data, err := os.ReadFile(envFile); err != nil || string(data) != printed {
		t.Errorf("env file = %q, %v; want %q", data, err, printed)
	}
	if fi, err := os.Stat(envFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("env file mode: %v %v", fi, err)
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
	if _, err := client.CreateUser(srv.ctx, &iam.CreateUserInput{UserName: aws.String(testUser)}); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}

	// bob logs in with astran login, configured by the printed variables.
	login := loginEnvFrom(t, vars, "pw-"+t.Name())
	login.mustRun(t, 0, "login", "-u", testUser, "--format", "json")
	var rec loginRecord
	login.outJSON(t, &rec)
	if !strings.HasPrefix(rec.User, "arn:demo:iam::") || !strings.HasSuffix(rec.User, ":user/"+testUser) ||
		rec.Credentials.AccessKeyID == "" || rec.Credentials.SecretAccessKey == "" || rec.Credentials.SessionToken == "" {
		t.Errorf("login result: %s", login.out)
	}
	// A wrong password is one clear line.
	login.vars["ASTRAN_PASSWORD"] = "wrong"
	if code := login.run("login", "-u", testUser, "--fresh"); code != 1 || login.errOut.String() != "astran: login failed: invalid username or password\n" {
		t.Errorf("wrong password: exit %d, %q", code, login.errOut)
	}

	if code := srv.stop(); code != 0 {
		t.Errorf("serve: exit %d: %s", code, srv.te.errOut)
	}
	if !strings.HasSuffix(srv.te.errOut.String(), "astran: emulator stopped\n") {
		t.Errorf("serve stderr: %q", srv.te.errOut)
	}
}

// TestServe_rootLogin: serve prints the root account's login (set by
// --root-email/--root-password, or a random password) and the per-service
// AWS_ENDPOINT_URL_* variables, and "astran login --root" works with them.
func TestServe_rootLogin(t *testing.T) {
	for _, tc := range []struct {
		name      string
		args      []string
		wantEmail string
		wantPW    string // "" means random: non-empty and different each run
	}{
		{"flags", []string{"--root-email", "admin@corp.test", "--root-password", "pw-root-" + t.Name()}, "admin@corp.test", "pw-root-" + t.Name()},
		{"defaults", nil, "root@astran.test", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := startServe(t, tc.args...).vars
			if vars["ASTRAN_ROOT_EMAIL"] != tc.wantEmail {
				t.Errorf("ASTRAN_ROOT_EMAIL = %q, want %q", vars["ASTRAN_ROOT_EMAIL"], tc.wantEmail)
			}
			pw := vars["ASTRAN_ROOT_PASSWORD"]
			if (tc.wantPW != "" && pw != tc.wantPW) || (tc.wantPW == "" && len(pw) < 16) {
				t.Errorf("ASTRAN_ROOT_PASSWORD = %q, want %q (or a random one)", pw, tc.wantPW)
			}
			for svc, astran := range map[string]string{"S3": "ASTRAN_S3_ENDPOINT", "IAM": "ASTRAN_IAM_ENDPOINT", "STS": "ASTRAN_STS_ENDPOINT"} {
				if got := vars["AWS_ENDPOINT_URL_"+svc]; got == "" || got != vars[astran] {
					t.Errorf("AWS_ENDPOINT_URL_%s = %q, want %s = %q", svc, got, astran, vars[astran])
				}
			}
			login := loginEnvFrom(t, vars, pw)
			login.mustRun(t, 0, "login", "--root", "-u", vars["ASTRAN_ROOT_EMAIL"], "--format", "json")
			var rec loginRecord
			login.outJSON(t, &rec)
			if !strings.HasSuffix(rec.User, ":root") || rec.Credentials.AccessKeyID == "" {
				t.Errorf("login --root result: %s", login.out)
			}
		})
	}
}

func TestServe_errors(t *testing.T) {
	te := newTestEnv(t, "")
	if code := te.run("serve", "--addr", "256.0.0.1:99999"); code != 1 || !strings.HasPrefix(te.errOut.String(), "astran: serve: ") {
		t.Errorf("bad address: exit %d, %q", code, te.errOut)
	}
	te = newTestEnv(t, "")
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // serve returns at once after setting up
	code := te.env.run(ctx, []string{"serve", "--env-file", filepath.Join(t.TempDir(), "missing-dir", "x.env")})
	if code != 1 || !strings.HasPrefix(te.errOut.String(), "astran: serve: ") {
		t.Errorf("bad env file: exit %d, %q", code, te.errOut)
	}
}
