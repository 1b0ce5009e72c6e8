package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// credentialProcessKey runs "astran credentials" and returns the access key
// it printed.
func credentialProcessKey(t *testing.T, te *testEnv, args ...string) string {
	t.Helper()
	if code := te.run(append([]string{"credentials", "-u", testUser}, args...)...); code != 0 {
		t.Fatalf("credentials: exit %d: %s", code, te.errOut)
	}
	var cp credentialProcess
	te.outJSON(t, &cp)
	if cp.Version != 1 || cp.SecretAccessKey == "" || cp.SessionToken == "" || cp.Expiration == "" {
		t.Errorf("credentials output: %s", te.out)
	}
	return cp.AccessKeyID
}

func TestCredentials_cache(t *testing.T) {
	te, f := loginEnv(t, "")
	te.vars[EnvPassword] = testPassword
	first := credentialProcessKey(t, te)
	dir, _ := te.cachePath()
	file := filepath.Join(dir, "demo_user_bob@astran.io.json")
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatalf("no cache file: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("cache file mode %v", fi.Mode().Perm())
	}
	if di, _ := os.Stat(dir); di.Mode().Perm() != 0o700 {
		t.Errorf("cache dir mode %v", di.Mode().Perm())
	}

	// Reused while more than 5 minutes remain.
	te.clock = te.clock.Add(54 * time.Minute)
	if got := credentialProcessKey(t, te); got != first {
		t.Errorf("second call: %s, want cached %s", got, first)
	}
	if g, l := f.counts(); g != 1 || l != 1 {
		t.Errorf("server saw %d grants, %d logins; want 1, 1", g, l)
	}
	// Renewed within 5 minutes of the expiration.
	te.clock = te.clock.Add(2 * time.Minute)
	second := credentialProcessKey(t, te)
	if second == first {
		t.Errorf("credentials expiring in 4 minutes were reused")
	}
	// "astran login" always logs in, and refreshes the cache.
	if code := te.run("login", "-u", testUser); code != 0 {
		t.Fatalf("login: exit %d: %s", code, te.errOut)
	}
	third := credentialProcessKey(t, te)
	if third == second {
		t.Errorf("login did not refresh the cache")
	}
	if _, l := f.counts(); l != 3 {
		t.Errorf("%d logins, want 3", l)
	}
	// Another STS endpoint does not get this cache.
	te.vars["ASTRAN_STS_ENDPOINT"] = f.srv.URL + "/sts/?other"
	if got := credentialProcessKey(t, te); got == third {
		t.Errorf("cache reused for another endpoint")
	}
	// A cache file that others can read is not trusted.
	fourth := credentialProcessKey(t, te)
	if err := os.Chmod(file, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := credentialProcessKey(t, te); got == fourth {
		t.Errorf("group-readable cache file reused")
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
		t.Errorf("rewritten cache file mode %v", fi.Mode().Perm())
	}
	// A broken cache file is ignored.
	writeTestFile(t, file, "{")
	credentialProcessKey(t, te)

	// logout deletes it.
	if code := te.run("logout", "-u", testUser); code != 0 || te.errOut.String() != "Logged out bob@astran.io from partition demo.\n" {
		t.Errorf("logout: exit %d, %q", code, te.errOut)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("cache file still there: %v", err)
	}
	// The next call talks to the server again.
	_, before := f.counts()
	credentialProcessKey(t, te)
	if _, after := f.counts(); after != before+1 {
		t.Errorf("credentials after logout did not log in")
	}
}
