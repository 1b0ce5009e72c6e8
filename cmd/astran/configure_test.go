package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigure_newProfile(t *testing.T) {
	te, f := loginEnv(t, "")
	path := filepath.Join(t.TempDir(), "aws", "config")
	te.vars[EnvConfigFile] = path
	te.vars["ASTRAN_IAM_ENDPOINT"] = "http://127.0.0.1:9/iam"
	te.vars["ASTRAN_S3_ENDPOINT"] = "http://127.0.0.1:9/s3"
	te.mustRun(t, 0, "configure", "--profile", "bob", "-u", testUser)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := `[profile bob]
astran_partition = demo
astran_username = bob@astran.io
astran_issuer = ` + f.issuer() + `
astran_sts_endpoint = ` + f.stsURL() + `
astran_iam_endpoint = http://127.0.0.1:9/iam
astran_s3_endpoint = http://127.0.0.1:9/s3
region = us-east-1
credential_process = astran credentials --profile bob
services = bob

[services bob]
sts =
  endpoint_url = ` + f.stsURL() + `
iam =
  endpoint_url = http://127.0.0.1:9/iam
s3 =
  endpoint_url = http://127.0.0.1:9/s3
`
	if string(data) != want {
		t.Errorf("config file:\n%s\nwant:\n%s", data, want)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("new config file mode %v", fi.Mode().Perm())
	}
	if !strings.HasPrefix(te.errOut.String(), "Wrote profile bob to "+path+".") {
		t.Errorf("stderr %q", te.errOut)
	}
	// The profile works without the environment.
	te.vars = map[string]string{EnvConfigFile: path, EnvPassword: testPassword}
	if key := credentialProcessKey(t, te, "--profile", "bob"); key == "" {
		t.Error("no credentials")
	}
}

func TestConfigure_keepsOtherSections(t *testing.T) {
	te := newTestEnv(t, "")
	before := `# my settings
[default]
region = eu-west-1

[profile bob]
; bob's profile
astran_partition = demo
astran_username = bob@astran.io
astran_sts_endpoint = http://127.0.0.1:1/sts
output = json

[profile work]
sso_start_url = https://example.awsapps.com/start
`
	path := withConfig(t, te, before)
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	// A dotfile manager's link is kept: the file it points to is updated.
	link := filepath.Join(t.TempDir(), "config")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	te.vars[EnvConfigFile] = link
	te.mustRun(t, 0, "configure", "--profile", "bob", "--sts-endpoint", "https://demo.sts.astran.io", "--region", "eu-west-3")
	data, _ := os.ReadFile(path)
	want := `# my settings
[default]
region = eu-west-1

[profile bob]
; bob's profile
astran_partition = demo
astran_username = bob@astran.io
output = json
region = eu-west-3
credential_process = astran credentials --profile bob
services = bob

[profile work]
sso_start_url = https://example.awsapps.com/start

[services bob]
sts =
  endpoint_url = https://demo.sts.astran.io
iam =
  endpoint_url = https://demo.iam.astran.io
s3 =
  endpoint_url = https://demo.s3.astran.io
`
	if string(data) != want {
		t.Errorf("config file:\n%s\nwant:\n%s", data, want)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced by a file")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode changed to %v", fi.Mode().Perm())
	}
}

func TestConfigure_asks(t *testing.T) {
	te := newTestEnv(t, "")
	path := withConfig(t, te, "")
	var asked []string
	te.askTerminal = func(_ context.Context, q string) (string, error) {
		asked = append(asked, q)
		return map[string]string{"Astran partition (e.g. demo): ": "demo\n", "User name (email address): ": " alice@astran.io "}[q], nil
	}
	te.mustRun(t, 0, "configure", "--profile", "alice", "--root")
	if len(asked) != 2 {
		t.Errorf("asked %q", asked)
	}
	data, _ := os.ReadFile(path)
	for _, want := range []string{"[profile alice]\nastran_partition = demo\nastran_username = alice@astran.io\nastran_root = true\n", "\nsts =\n  endpoint_url = https://demo.sts.astran.io\n"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("config file lacks %q:\n%s", want, data)
		}
	}
}

func TestConfigure_errors(t *testing.T) {
	tests := []struct {
		name   string
		config string
		args   []string
		err    string
	}{
		{"no profile flag", "", nil, `astran: configure: required flag(s) "profile" not set`},
		{"bad profile name", "", []string{"--profile", "a]b"}, `astran: configure: invalid profile name "a]b" (letters, digits and ._@+- only)`},
		{"no terminal", "", []string{"--profile", "bob"}, "astran: configure: no partition: pass --partition (no terminal)"},
		{"no user, no terminal", "", []string{"--profile", "bob", "-p", "demo"}, "astran: configure: no user name: pass --username (no terminal)"},
		{"unparsable file", "[profile bob\n", []string{"--profile", "bob", "-p", "demo", "-u", "u"}, `section header "[profile bob" is not [NAME]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			te := newTestEnv(t, "")
			path := withConfig(t, te, tc.config)
			code := te.run(append([]string{"configure"}, tc.args...)...)
			if code == 0 || !strings.Contains(te.errOut.String(), tc.err) {
				t.Errorf("exit %d, stderr %q; want it to contain %q", code, te.errOut, tc.err)
			}
			if data, _ := os.ReadFile(path); string(data) != tc.config {
				t.Errorf("the file changed: %q", data)
			}
		})
	}
}
