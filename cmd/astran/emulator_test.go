package main

import (
	"strings"
	"testing"
	"time"

	"github.com/astran-oss/astran-go/astrantest"
)

// TestLogin_emulator logs in to the emulator with the variables
// "astran serve" prints: a user, and the root account with --root.
func TestLogin_emulator(t *testing.T) {
	srv := astrantest.New(t)
	rootEmail, rootPassword := srv.RootLogin()
	if err := srv.SetPassword(rootEmail, rootPassword); err != nil {
		t.Fatal(err)
	}
	te := newTestEnv(t, "")
	te.now = time.Now
	for _, kv := range srv.Env() {
		if name, value, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "ASTRAN_") {
			te.vars[name] = value
		}
	}
	te.vars[EnvPassword] = rootPassword
	if code := te.run("login", "--root", "-u", rootEmail); code != 0 {
		t.Fatalf("login --root: exit %d: %s", code, te.errOut)
	}
	ep := srv.Endpoints()
	for _, want := range []string{"export AWS_ACCESS_KEY_ID=", "export AWS_ENDPOINT_URL_STS=" + ep.STS + "\n",
		"export AWS_ENDPOINT_URL_IAM=" + ep.IAM + "\n", "export AWS_ENDPOINT_URL_S3=" + ep.S3 + "\n"} {
		if !strings.Contains(te.out.String(), want) {
			t.Errorf("login --root output lacks %q:\n%s", want, te.out)
		}
	}
	// The cache entry is the root's: credentials for the same name as a
	// partition user are not it.
	if code := te.run("credentials", "--root", "-u", rootEmail); code != 0 || !strings.Contains(te.out.String(), `"AccessKeyId"`) {
		t.Errorf("credentials --root: exit %d: %s", code, te.errOut)
	}
	te.vars[EnvPassword] = "wrong"
	if code := te.run("credentials", "--root", "-u", rootEmail); code != 0 {
		t.Errorf("cached root credentials not used: exit %d: %s", code, te.errOut)
	}
	if code := te.run("credentials", "-u", rootEmail); code != 1 {
		t.Errorf("the partition user %s got the root's cached credentials", rootEmail)
	}
}
