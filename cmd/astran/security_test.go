//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Attacks on the credential cache and on login. Each test is named after
// the attack it defends against.

// TestSecurity_wrongPasswordSucceedsWhileCredentialsAreCached: someone at
// the keyboard who does not know bob's password runs "astran login" while
// bob's credentials are cached. An explicit login must authenticate.
func TestSecurity_wrongPasswordSucceedsWhileCredentialsAreCached(t *testing.T) {
	for _, source := range []struct {
		name  string
		args  []string
		stdin string
		vars  map[string]string
	}{
		{"environment", nil, "", map[string]string{EnvPassword: "wrong-password"}},
		{"stdin", []string{"--password-stdin"}, "wrong-password\n", nil},
	} {
		t.Run(source.name, func(t *testing.T) {
			te, f := loginEnv(t, "")
			te.vars[EnvPassword] = testPassword
			if code := te.run("login", "-u", testUser); code != 0 {
				t.Fatalf("first login: exit %d: %s", code, te.errOut)
			}
			delete(te.vars, EnvPassword)
			for k, v := range source.vars {
				te.vars[k] = v
			}
			te.stdin = strings.NewReader(source.stdin)
			code := te.run(append([]string{"login", "-u", testUser}, source.args...)...)
			if code != 1 || te.errOut.String() != "astran: login failed: invalid username or password\n" {
				t.Errorf("login with a wrong password: exit %d, stderr %q; want 1, invalid username or password", code, te.errOut)
			}
			if te.out.Len() != 0 {
				t.Errorf("login with a wrong password printed credentials: %q", te.out)
			}
			if g, _ := f.counts(); g != 1 {
				t.Errorf("%d password grants succeeded, want 1", g)
			}
		})
	}
}

// TestSecurity_symlinkedCacheDirectory: another local user (or a planted
// link) points the cache directory somewhere the victim did not choose, or
// owns it. The credentials must not be written through it (nor the target
// chmodded), and credentials planted there must not be read from it.
func TestSecurity_symlinkedCacheDirectory(t *testing.T) {
	tests := []struct {
		name  string
		plant func(t *testing.T, dir string) (elsewhere string)
		err   string
	}{
		{"symbolic link", func(t *testing.T, dir string) string {
			elsewhere := t.TempDir()
			if err := os.Chmod(elsewhere, 0o777); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(elsewhere, dir); err != nil {
				t.Fatal(err)
			}
			return elsewhere
		}, "is a symbolic link"},
		{"owned by another user", func(t *testing.T, dir string) string {
			if os.Getuid() != 0 {
				t.Skip("needs root to give a directory to another user")
			}
			if err := os.Mkdir(dir, 0o777); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, 0o777); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(dir, 4242, 4242); err != nil {
				t.Fatal(err)
			}
			return dir
		}, "is owned by user ID 4242"},
		{"not a directory", func(t *testing.T, dir string) string {
			writeTestFile(t, dir, "")
			return ""
		}, "is not a directory"},
	}
	for _, tc := range tests {
		for _, cmd := range []string{"login", "credentials"} {
			t.Run(tc.name+"/"+cmd, func(t *testing.T) {
				te, f := loginEnv(t, "")
				te.vars[EnvPassword] = testPassword
				dir, _ := te.cachePath()
				elsewhere := tc.plant(t, dir)
				var planted []byte
				if elsewhere != "" {
					// The attacker's own credentials, valid for hours.
					planted = []byte(`{"partition":"demo","username":"bob@astran.io","issuer":"` + f.issuer() + `","clientId":"s5","stsEndpoint":"` + f.stsURL() +
						`","credentials":{"accessKeyId":"ASIAATTACKER","secretAccessKey":"x","sessionToken":"y","expiration":"2030-01-01T00:00:00Z"}}`)
					writeTestFile(t, filepath.Join(elsewhere, "demo_user_bob@astran.io.json"), string(planted))
				}
				code := te.run(cmd, "-u", testUser)
				want := "astran: " + cmd + ": credential cache directory " + dir + " " + tc.err
				if code != 1 || !strings.HasPrefix(te.errOut.String(), want) || !strings.HasSuffix(te.errOut.String(), ": refusing to use it (remove it and retry)\n") {
					t.Errorf("exit %d, stderr %q; want 1, %q…", code, te.errOut, want)
				}
				if strings.Contains(te.out.String(), "ASIAATTACKER") {
					t.Errorf("printed the planted credentials: %s", te.out)
				}
				if g, _ := f.counts(); g != 0 {
					t.Errorf("%d password grants: the password was sent before the cache was checked", g)
				}
				if elsewhere == "" {
					return
				}
				entries, _ := os.ReadDir(elsewhere)
				if len(entries) != 1 {
					t.Errorf("the directory holds %d file(s), want the planted one: %v", len(entries), entries)
				}
				if data, _ := os.ReadFile(filepath.Join(elsewhere, "demo_user_bob@astran.io.json")); !bytes.Equal(data, planted) {
					t.Errorf("planted file overwritten")
				}
				if fi, _ := os.Stat(elsewhere); fi.Mode().Perm() != 0o777 {
					t.Errorf("chmodded the directory to %v", fi.Mode().Perm())
				}
			})
		}
	}
}

// TestSecurity_cacheTrustsLocalClock: the local clock is 2 hours behind the
// server's (or was set back). Credentials that the server considers expired
// must not be handed out again because the local clock says otherwise; and
// with the clock ahead, valid credentials are still reused.
func TestSecurity_cacheTrustsLocalClock(t *testing.T) {
	for _, tc := range []struct {
		name    string
		skew    time.Duration // server clock minus local clock
		advance time.Duration // local time between the two calls
		reuse   bool
	}{
		{"local clock behind: expired by the server's clock", 2 * time.Hour, 90 * time.Minute, false},
		{"local clock behind: still valid", 2 * time.Hour, 30 * time.Minute, true},
		{"local clock ahead: still valid", -2 * time.Hour, 30 * time.Minute, true},
		{"local clock ahead: expired by the server's clock", -2 * time.Hour, 58 * time.Minute, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			te, f := loginEnv(t, "")
			f.now = func() time.Time { return te.clock.Add(tc.skew) }
			te.vars[EnvPassword] = testPassword
			first := credentialProcessKey(t, te)
			var cp credentialProcess
			te.outJSON(t, &cp)
			// The expiration printed for the aws CLI is on the local clock.
			if want := te.clock.Add(time.Hour).UTC().Format(time.RFC3339); cp.Expiration != want {
				t.Errorf("Expiration = %s, want %s (local clock)", cp.Expiration, want)
			}
			te.clock = te.clock.Add(tc.advance)
			second := credentialProcessKey(t, te)
			if reused := second == first; reused != tc.reuse {
				t.Errorf("cached credentials reused = %v, want %v", reused, tc.reuse)
			}
		})
	}
}

// TestSecurity_concurrentLoginsEachSendThePassword: 20 aws CLI processes
// start at once (a parallel script) with no cached credentials. They must
// share one password grant, not hammer the identity provider with 20 (which
// also trips its brute-force lockout).
func TestSecurity_concurrentLoginsEachSendThePassword(t *testing.T) {
	te, f := loginEnv(t, "")
	te.vars[EnvPassword] = testPassword
	const n = 20
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		keys = map[string]int{}
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A separate process's view: its own streams, the same cache.
			var out, errOut bytes.Buffer
			e := *te.env
			e.stdout, e.stderr = &out, &errOut
			if code := e.run(t.Context(), []string{"credentials", "-u", testUser}); code != 0 {
				t.Errorf("credentials: exit %d: %s", code, errOut.String())
				return
			}
			var cp credentialProcess
			if err := json.Unmarshal(out.Bytes(), &cp); err != nil {
				t.Errorf("output %q: %v", out.String(), err)
				return
			}
			mu.Lock()
			keys[cp.AccessKeyID]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if g, l := f.counts(); g != 1 || l != 1 {
		t.Errorf("%d concurrent invocations made %d password grants and %d logins, want 1 and 1", n, g, l)
	}
	if len(keys) != 1 {
		t.Errorf("the invocations printed %d different credentials: %v", len(keys), keys)
	}
}

// TestSecurity_concurrentLoginsEachSendThePassword_processes: the same
// attack with 20 real processes (as a parallel script would start them),
// sharing one cache directory.
func TestSecurity_concurrentLoginsEachSendThePassword_processes(t *testing.T) {
	f := newFakeAstran(t, time.Now)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cache := t.TempDir()
	const n = 20
	cmds := make([]*exec.Cmd, n)
	outs := make([]*bytes.Buffer, n)
	for i := range cmds {
		cmds[i] = astranProcess(t, ctx, f, "credentials", "-u", testUser)
		cmds[i].Env = append(cmds[i].Env, "XDG_CACHE_HOME="+cache, EnvPassword+"="+testPassword)
		outs[i] = &bytes.Buffer{}
		cmds[i].Stdout, cmds[i].Stderr = outs[i], outs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	keys := map[string]bool{}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("process %d: %v: %s", i, err, outs[i])
			continue
		}
		keys[outs[i].String()] = true
	}
	if g, l := f.counts(); g != 1 || l != 1 {
		t.Errorf("%d processes made %d password grants and %d logins, want 1 and 1", n, g, l)
	}
	if len(keys) != 1 {
		t.Errorf("the processes printed %d different credentials", len(keys))
	}
}
