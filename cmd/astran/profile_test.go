package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// withConfig writes an AWS config file for te and points AWS_CONFIG_FILE
// at it.
func withConfig(t *testing.T, te *testEnv, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config")
	writeTestFile(t, path, body)
	te.vars[EnvConfigFile] = path
	return path
}

func TestCredentials_profile(t *testing.T) {
	te, f := loginEnv(t, "")
	te.vars = map[string]string{EnvPassword: testPassword} // everything from the profile
	withConfig(t, te, `[default]
region = eu-west-1

[profile bob]
astran_partition = demo
astran_username = bob@astran.io
astran_issuer = `+f.issuer()+`
astran_sts_endpoint = `+f.stsURL()+`
astran_iam_endpoint = http://127.0.0.1:9/iam
credential_process = astran credentials --profile bob
region = us-west-2
`)
	key := credentialProcessKey(t, te, "--profile", "bob")
	if g, l := f.counts(); g != 1 || l != 1 || key != "ASIAFAKE0001" {
		t.Errorf("key %s; %d grants, %d logins", key, g, l)
	}
	if got := credentialProcessKey(t, te, "--profile", "bob"); got != key {
		t.Errorf("second call did not use the cache")
	}
	// login takes the profile too, and exports its endpoints.
	if code := te.run("login", "--profile", "bob"); code != 0 {
		t.Fatalf("login --profile: exit %d: %s", code, te.errOut)
	}
	for _, want := range []string{"export AWS_ENDPOINT_URL_STS=" + f.stsURL() + "\n", "export AWS_ENDPOINT_URL_IAM=http://127.0.0.1:9/iam\n", "export AWS_ENDPOINT_URL_S3=https://demo.s3.astran.io\n"} {
		if !strings.Contains(te.out.String(), want) {
			t.Errorf("login --format env lacks %q:\n%s", want, te.out)
		}
	}
	// Flags override the profile.
	if code := te.run("credentials", "--profile", "bob", "--sts-endpoint", "ftp://x"); code != 1 ||
		te.errOut.String() != "astran: credentials: invalid STS endpoint \"ftp://x\" (from the flags or the profile)\n" {
		t.Errorf("flag over profile: exit %d, %q", code, te.errOut)
	}
	// logout --profile deletes what credentials --profile cached.
	if code := te.run("logout", "--profile", "bob"); code != 0 || te.errOut.String() != "Logged out bob@astran.io from partition demo.\n" {
		t.Errorf("logout --profile: exit %d, %q", code, te.errOut)
	}
}

func TestCredentials_profileErrors(t *testing.T) {
	tests := []struct {
		name, config, profile, err string
	}{
		{"no such profile", "[profile alice]\nastran_partition = demo\n", "bob", "no such profile: no [profile bob] section"},
		{"unknown astran key", "[profile bob]\nastran_usrname = bob@astran.io\n", "bob", `unknown setting "astran_usrname"`},
		{"bad boolean", "[profile bob]\nastran_root = yes please\n", "bob", `astran_root = "yes please" is not true or false`},
		{"syntax", "[profile bob]\nastran_partition\n", "bob", `line 2: "astran_partition" is not a section header, a comment or a "key = value" setting`},
		{"no user", "[profile bob]\nastran_partition = demo\n", "bob", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			te := newTestEnv(t, "")
			path := withConfig(t, te, tc.config)
			code := te.run("credentials", "--profile", tc.profile)
			want := "astran: credentials: profile " + tc.profile + " in " + path + ": " + tc.err + "\n"
			if tc.err == "" {
				want = "astran: credentials: no user name: pass --username or --profile\n"
			}
			if tc.name == "syntax" {
				want = "astran: credentials: profile bob in " + path + ": " + path + ": " + tc.err + "\n"
			}
			if code != 1 || te.errOut.String() != want {
				t.Errorf("exit %d, stderr %q; want 1, %q", code, te.errOut, want)
			}
		})
	}
	t.Run("default config file", func(t *testing.T) {
		te := newTestEnv(t, "")
		home := t.TempDir()
		te.vars["HOME"] = home
		writeTestFile(t, filepath.Join(home, ".aws", "config"), "[profile bob]\nastran_partition = x y\n")
		if code := te.run("credentials", "--profile", "bob", "-u", "u"); code != 1 || !strings.Contains(te.errOut.String(), `invalid partition "x y"`) {
			t.Errorf("exit %d, %q", code, te.errOut)
		}
	})
}

// TestCredentials_role: astran_role_arn switches to AssumeRoleWithWebIdentity,
// cached separately from the user's own credentials, with expiry judged by
// the server's clock as for LoginWithWebIdentity.
func TestCredentials_role(t *testing.T) {
	for _, skew := range []time.Duration{0, 2 * time.Hour, -2 * time.Hour} {
		t.Run("server clock "+skew.String(), func(t *testing.T) {
			te, f := loginEnv(t, "")
			f.now = func() time.Time { return te.clock.Add(skew) }
			te.vars[EnvPassword] = testPassword
			const role = "arn:demo:iam::" + testAccount + ":role/ci"
			withConfig(t, te, "[profile ci]\nastran_username = bob@astran.io\nastran_role_arn = "+role+"\n")
			key := credentialProcessKey(t, te, "--profile", "ci")
			if !strings.HasPrefix(key, "ASIAROLE") {
				t.Errorf("role credentials = %s", key)
			}
			var cp credentialProcess
			te.outJSON(t, &cp)
			if want := te.clock.Add(time.Hour).UTC().Format(time.RFC3339); cp.Expiration != want {
				t.Errorf("Expiration %s, want %s (local clock)", cp.Expiration, want)
			}
			te.clock = te.clock.Add(30 * time.Minute)
			if got := credentialProcessKey(t, te, "--profile", "ci"); got != key {
				t.Errorf("valid role credentials not reused: %s", got)
			}
			te.clock = te.clock.Add(28 * time.Minute)
			if got := credentialProcessKey(t, te, "--profile", "ci"); got == key {
				t.Errorf("role credentials reused 2 minutes before they expire")
			}
			if own := credentialProcessKey(t, te); strings.HasPrefix(own, "ASIAROLE") {
				t.Errorf("the user's own credentials came from the role's cache: %s", own)
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.roles != 2 {
				t.Errorf("%d AssumeRoleWithWebIdentity calls, want 2", f.roles)
			}
		})
	}
}
