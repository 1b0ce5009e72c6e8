package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLogin_formats(t *testing.T) {
	tests := []struct {
		format string
		check  func(t *testing.T, te *testEnv, f *fakeAstran)
	}{
		{"env", func(t *testing.T, te *testEnv, f *fakeAstran) {
			want := "export AWS_ACCESS_KEY_ID=ASIAFAKE0001\n" +
				"export AWS_SECRET_ACCESS_KEY=secret-key-1\n" +
				"export AWS_SESSION_TOKEN=session-token-1\n" +
				"export AWS_CREDENTIAL_EXPIRATION=2026-03-27T10:27:32Z\n" +
				"export AWS_ENDPOINT_URL_STS=" + f.stsURL() + "\n" +
				"export AWS_ENDPOINT_URL_IAM=https://demo.iam.astran.io\n" +
				"export AWS_ENDPOINT_URL_S3=https://demo.s3.astran.io\n"
			if te.out.String() != want {
				t.Errorf("stdout:\n%s\nwant:\n%s", te.out, want)
			}
		}},
		{"credential-process", func(t *testing.T, te *testEnv, f *fakeAstran) {
			want := `{"Version":1,"AccessKeyId":"ASIAFAKE0001","SecretAccessKey":"secret-key-1","SessionToken":"session-token-1","Expiration":"2026-03-27T10:27:32Z"}` + "\n"
			if te.out.String() != want {
				t.Errorf("stdout:\n%s\nwant:\n%s", te.out, want)
			}
		}},
		{"json", func(t *testing.T, te *testEnv, f *fakeAstran) {
			var rec loginRecord
			te.outJSON(t, &rec)
			if rec.User != "arn:demo:iam::"+testAccount+":user/bob@astran.io" || rec.Partition != "demo" ||
				rec.Credentials.AccessKeyID != "ASIAFAKE0001" || rec.Credentials.SessionToken != "session-token-1" ||
				!rec.Credentials.Expiration.Equal(time.Date(2026, 3, 27, 10, 27, 32, 0, time.UTC)) ||
				rec.Audience != "s5" || !strings.HasSuffix(rec.Provider, "/auth/realms/demo") {
				t.Errorf("json output: %s", te.out)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			te, f := loginEnv(t, testPassword+"\n")
			code := te.run("login", "--username", testUser, "--password-stdin", "--format", tc.format)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, te.errOut)
			}
			tc.check(t, te, f)
			if strings.Contains(te.errOut.String(), testPassword) {
				t.Errorf("stderr shows the password")
			}
		})
	}
}

func TestLogin_passwordSources(t *testing.T) {
	tests := []struct {
		name     string
		stdin    string
		args     []string
		vars     map[string]string
		terminal bool
		code     int
		err      string
	}{
		{"stdin", testPassword + "\r\n", []string{"--password-stdin"}, nil, false, 0, ""},
		{"stdin without newline", testPassword, []string{"--password-stdin"}, nil, false, 0, ""},
		{"environment", "", nil, map[string]string{"ASTRAN_PASSWORD": testPassword}, false, 0, ""},
		{"terminal", "", nil, nil, true, 0, ""},
		{"stdin wins over the environment", testPassword + "\n", []string{"--password-stdin"}, map[string]string{"ASTRAN_PASSWORD": "wrong"}, false, 0, ""},
		{"none", "", nil, nil, false, 1, "astran: login failed: no password: pass --password-stdin, set ASTRAN_PASSWORD, or run in a terminal\n"},
		{"empty stdin", "\n", []string{"--password-stdin"}, nil, false, 1, "astran: login failed: empty password on standard input\n"},
		{"stdin too long", strings.Repeat("p", maxPasswordBytes+1), []string{"--password-stdin"}, nil, false, 1, "astran: login failed: password on standard input is too long\n"},
		{"wrong password", "nope-" + testPassword, []string{"--password-stdin"}, nil, false, 1, "astran: login failed: invalid username or password\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			te, _ := loginEnv(t, tc.stdin)
			for k, v := range tc.vars {
				te.vars[k] = v
			}
			prompted := false
			te.readPassword = func(_ context.Context, prompt string) (string, error) {
				if !tc.terminal {
					return "", errNoPassword
				}
				prompted = true
				if prompt != "Password for bob@astran.io: " {
					t.Errorf("prompt = %q", prompt)
				}
				return testPassword, nil
			}
			code := te.run(append([]string{"login", "-u", testUser}, tc.args...)...)
			if code != tc.code || te.errOut.String() != tc.err {
				t.Errorf("exit %d, stderr %q; want %d, %q", code, te.errOut, tc.code, tc.err)
			}
			if prompted != tc.terminal {
				t.Errorf("prompted = %v", prompted)
			}
			if strings.Contains(te.errOut.String(), testPassword) {
				t.Errorf("stderr shows the password")
			}
		})
	}
}

func TestLogin_errors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(te *testEnv, f *fakeAstran)
		args  []string
		err   string
	}{
		{"account not set up", func(te *testEnv, f *fakeAstran) { f.setUp = false }, nil,
			"astran: login failed: account not set up: verify your email address and set a password with the link Astran emailed you\n"},
		{"STS refuses", func(te *testEnv, f *fakeAstran) { f.stsDenied = true }, nil,
			"astran: login failed: STS refused the login: AccessDenied: User is disabled\n"},
		{"wrong client", nil, []string{"--client-id", "other"},
			"astran: login failed: the identity provider refused the client: check --client-id and --issuer\n"},
		{"wrong realm", nil, []string{"--realm", "other"},
			"astran: login failed: the identity provider refused the client: check --client-id and --issuer\n"},
		{"no partition", func(te *testEnv, f *fakeAstran) { delete(te.vars, "ASTRAN_PARTITION") }, nil,
			"astran: login: no partition: pass --partition or --profile, or set ASTRAN_PARTITION\n"},
		{"bad partition", nil, []string{"--partition", "a/b"},
			"astran: login: invalid partition \"a/b\" (from the flags or the profile)\n"},
		{"bad issuer", nil, []string{"--issuer", "ftp://x"},
			"astran: login: invalid issuer \"ftp://x\" (from the flags or the profile)\n"},
		{"bad format", nil, []string{"--format", "yaml"},
			"astran: login: unknown --format \"yaml\" (want env, credential-process or json)\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			te, f := loginEnv(t, "")
			te.vars["ASTRAN_PASSWORD"] = testPassword
			if tc.setup != nil {
				tc.setup(te, f)
			}
			code := te.run(append([]string{"login", "-u", testUser}, tc.args...)...)
			if code != 1 || te.errOut.String() != tc.err {
				t.Errorf("exit %d, stderr %q; want 1, %q", code, te.errOut, tc.err)
			}
			if te.out.Len() != 0 {
				t.Errorf("stdout = %q", te.out)
			}
		})
	}
	t.Run("no user", func(t *testing.T) {
		te, _ := loginEnv(t, "")
		if code := te.run("login"); code != 1 || te.errOut.String() != "astran: login: no user name: pass --username or --profile\n" {
			t.Errorf("exit %d, stderr %q", code, te.errOut)
		}
	})
}

func TestLogout(t *testing.T) {
	te, _ := loginEnv(t, "")
	te.vars["ASTRAN_PASSWORD"] = testPassword
	dir, _ := te.cachePath()
	for _, tg := range []target{{Partition: "demo", Username: testUser}, {Partition: "demo", Username: "root@astran.io", Root: true}} {
		writeTestFile(t, filepath.Join(dir, cacheFileName(tg)), "{}")
	}
	tests := []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"--all", "-u", "x"}, 1, "astran: logout: --all excludes --partition, --username and --profile\n"},
		{[]string{"-p", "demo"}, 1, "astran: logout: pass --partition and --username, --profile, or --all\n"},
		{[]string{"-u", testUser}, 0, "Logged out bob@astran.io from partition demo.\n"},
		{[]string{"-u", testUser}, 0, "no cached credentials for bob@astran.io in partition demo\n"},
		{[]string{"--all"}, 0, "Deleted 1 cached credential(s).\n"},
		{[]string{"--all"}, 0, "Deleted 0 cached credential(s).\n"},
	}
	for _, tc := range tests {
		code := te.run(append([]string{"logout"}, tc.args...)...)
		if code != tc.code || te.errOut.String() != tc.err {
			t.Errorf("logout %v: exit %d, %q; want %d, %q", tc.args, code, te.errOut, tc.code, tc.err)
		}
	}
	te2 := newTestEnv(t, "")
	if code := te2.run("logout", "--all"); code != 0 {
		t.Errorf("logout --all without a cache directory: exit %d, %q", code, te2.errOut)
	}
}

func TestLogin_root(t *testing.T) {
	te, _ := loginEnv(t, "")
	f := &loginFlags{partition: "demo", username: "root@astran.io", root: true}
	tg, _, err := te.resolve(f)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(tg.Issuer, "/auth/realms/root-accounts") || tg.ClientID != "root-client" {
		t.Errorf("root target = %+v", tg)
	}
	te.vars = map[string]string{}
	tg, _, err = te.resolve(&loginFlags{partition: "demo", username: testUser})
	if err != nil {
		t.Fatal(err)
	}
	want := target{Partition: "demo", Username: testUser, Issuer: "https://astran.cloud-iam.com/auth/realms/demo", ClientID: "s5", STSEndpoint: "https://demo.sts.astran.io"}
	if tg != want {
		t.Errorf("default target = %+v, want %+v", tg, want)
	}
	tg, _, _ = te.resolve(&loginFlags{partition: "demo", username: testUser, issuer: "https://idp.example/x", stsEndpoint: "http://127.0.0.1:9/", clientID: "c"})
	if tg.Issuer != "https://idp.example/x" || tg.STSEndpoint != "http://127.0.0.1:9/" || tg.ClientID != "c" {
		t.Errorf("flags ignored: %+v", tg)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"ASIA123":        "ASIA123",
		"a/b+c=":         "a/b+c=",
		"":               "''",
		"it's":           `'it'\''s'`,
		"$(rm -rf ~)":    "'$(rm -rf ~)'",
		"with space":     "'with space'",
		"2026-03-27T10Z": "2026-03-27T10Z",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLogin_unreachable: an endpoint that does not answer is named, in one
// line.
func TestLogin_unreachable(t *testing.T) {
	tests := []struct{ name, variable, url, want string }{
		{"STS", "ASTRAN_STS_ENDPOINT", "http://127.0.0.1:1/",
			"astran: login failed: STS at http://127.0.0.1:1/ is unavailable: "},
		{"identity provider", "ASTRAN_OIDC_ISSUER", "http://127.0.0.1:1/auth/realms/demo",
			"astran: login failed: identity provider at http://127.0.0.1:1/auth/realms/demo/protocol/openid-connect/token is unreachable: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			te, _ := loginEnv(t, "")
			te.vars["ASTRAN_PASSWORD"] = testPassword
			te.vars[tc.variable] = tc.url
			code := te.run("login", "-u", testUser)
			if code != 1 || !strings.HasPrefix(te.errOut.String(), tc.want) || strings.Count(te.errOut.String(), "\n") != 1 {
				t.Errorf("exit %d, stderr %q", code, te.errOut)
			}
		})
	}
}

func TestLogin_interrupted(t *testing.T) {
	te, _ := loginEnv(t, "")
	ctx, cancel := context.WithCancel(t.Context())
	te.readPassword = func(context.Context, string) (string, error) {
		cancel() // Ctrl-C at the prompt
		return "", context.Canceled
	}
	code := te.env.run(ctx, []string{"login", "-u", testUser})
	if code != 1 || te.errOut.String() != "astran: login failed: interrupted\n" {
		t.Errorf("exit %d, stderr %q", code, te.errOut)
	}
}

// TestLogin_noCacheDir: without a cache directory login still works, it
// just does not cache.
func TestLogin_noCacheDir(t *testing.T) {
	te, f := loginEnv(t, testPassword)
	te.cacheDir = func() (string, error) { return "", os.ErrNotExist }
	for range 2 {
		te.mustRun(t, 0, "login", "-u", testUser, "--password-stdin")
		te.stdin = strings.NewReader(testPassword)
	}
	if _, logins := f.counts(); logins != 2 {
		t.Errorf("%d logins, want 2 (no cache)", logins)
	}
	if code := te.run("logout", "-u", testUser); code != 1 || !strings.HasPrefix(te.errOut.String(), "astran: logout: no cache directory") {
		t.Errorf("logout: exit %d, %q", code, te.errOut)
	}
}
