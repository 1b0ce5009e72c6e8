package sts_test

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/endpoint"
	"github.com/astran-oss/astran-go/sts"
)

func TestProvider_Retrieve(t *testing.T) {
	f := newFake(t)
	p := newProvider(t, f)

	c, err := p.Retrieve(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.AccessKeyID, "ASIA") || c.SecretAccessKey == "" || c.SessionToken == "" {
		t.Errorf("incomplete credentials: %v", c.AccessKeyID)
	}
	if c.Source != sts.ProviderName || !c.CanExpire || c.AccountID != testAccount {
		t.Errorf("Source %q CanExpire %v AccountID %q", c.Source, c.CanExpire, c.AccountID)
	}
	// 1h lifetime, 5-minute window, jitter disabled by f.options.
	if want := f.clock.Now().Add(55 * time.Minute); !c.Expires.Equal(want) {
		t.Errorf("Expires = %v, want %v", c.Expires, want)
	}
	// The token request is exactly the documented curl: form-encoded,
	// client_id=s5 in the body, no client secret, no Basic auth.
	f.mu.Lock()
	form, auth := f.lastTokenForm, f.lastTokenAuth
	f.mu.Unlock()
	if form.Get("client_id") != "s5" || form.Get("grant_type") != "password" || form.Get("username") != testUser || form.Has("client_secret") || auth != "" {
		t.Errorf("token request form %v, Authorization %q", form, auth)
	}
	if got := f.tokenRequests.Load(); got != 1 {
		t.Errorf("token requests = %d, want 1", got)
	}
}

func TestProvider_Login(t *testing.T) {
	for _, ns := range []string{"", "https://sts.amazonaws.com/doc/2011-06-15/"} {
		t.Run("xmlns="+ns, func(t *testing.T) {
			f := newFake(t)
			f.namespace = ns
			p := newProvider(t, f, func(o *sts.ProviderOptions) { o.SessionName = "bob-session-name" })
			res, err := p.Login(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			want := arn.MustParse("arn:demo:iam::" + testAccount + ":user/bob@astran.io")
			if res.User != want || res.User.Type() != arn.TypeUser {
				t.Errorf("User = %v, want %v", res.User, want)
			}
			if res.Subject != testSubject || res.UserID != testSubject || res.Audience != "s5" ||
				res.Provider != "https://astran.cloud-iam.com/auth/realms/demo" ||
				res.SourceIdentity != "arn:demo:iam::astran:oidc-provider/astran.cloud-iam.com/auth/realms/demo" {
				t.Errorf("result fields: %v", res)
			}
			if !res.Credentials.Expiration.Equal(f.clock.Now().Add(time.Hour)) || !res.ServerTime.Equal(f.clock.Now()) {
				t.Errorf("Expiration %v ServerTime %v", res.Credentials.Expiration, res.ServerTime)
			}
			if got := res.Lifetime(time.Time{}); got != time.Hour {
				t.Errorf("Lifetime = %v", got)
			}
		})
	}
}

func TestProvider_stsErrors(t *testing.T) {
	t.Run("access denied", func(t *testing.T) {
		f := newFake(t)
		f.failSTS(403, "AccessDenied", "You don't have permission to access this resource")
		_, err := newProvider(t, f).Retrieve(t.Context())
		var se *sts.STSError
		if !errors.Is(err, sts.ErrAccessDenied) || !errors.As(err, &se) {
			t.Fatalf("error %v", err)
		}
		if se.StatusCode != 403 || se.Type != "Sender" || se.Code != "AccessDenied" || se.Message != "You don't have permission to access this resource" || se.RequestID == "" {
			t.Errorf("STSError %+v", se)
		}
		f.wantSTSCalls(t, 1, "no retry")
	})
	t.Run("token expired is minted again once", func(t *testing.T) {
		f := newFake(t)
		f.stsHook = func(w http.ResponseWriter, r *http.Request) bool {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(400)
			w.Write([]byte("Invalid token: Token expired"))
			return true
		}
		_, err := newProvider(t, f).Retrieve(t.Context())
		var se *sts.STSError
		if !errors.Is(err, sts.ErrTokenExpired) || !errors.As(err, &se) || se.Message != "Invalid token: Token expired" || se.StatusCode != 400 {
			t.Fatalf("error %v", err)
		}
		// One new token (a refresh), then give up: never the same token twice.
		if tr, sc := f.tokenRequests.Load(), f.stsCalls.Load(); tr != 2 || sc != 2 {
			t.Errorf("token requests %d, STS calls %d; want 2, 2", tr, sc)
		}
		if rg := f.refreshGrants.Load(); rg != 1 {
			t.Errorf("refresh grants = %d, want 1", rg)
		}
	})
	t.Run("token expired by skew then accepted", func(t *testing.T) {
		f := newFake(t)
		var once sync.Once
		f.stsHook = func(w http.ResponseWriter, r *http.Request) bool {
			handled := false
			once.Do(func() {
				w.WriteHeader(400)
				w.Write([]byte("Invalid token: Token expired"))
				handled = true
			})
			return handled
		}
		if _, err := newProvider(t, f).Retrieve(t.Context()); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("invalid token", func(t *testing.T) {
		f := newFake(t)
		f.stsHook = func(w http.ResponseWriter, r *http.Request) bool {
			queryError(w, 400, "Sender", "InvalidIdentityToken", "Invalid token: "+r.FormValue("WebIdentityToken"))
			return true
		}
		_, err := newProvider(t, f).Retrieve(t.Context())
		if !errors.Is(err, sts.ErrTokenInvalid) {
			t.Fatalf("error %v", err)
		}
		if strings.Contains(err.Error(), "eyJ") {
			t.Errorf("echoed token reached the error: %s", err)
		}
		f.wantSTSCalls(t, 1, "")
	})
}

func TestProvider_transientRetries(t *testing.T) {
	t.Run("STS 503 then success", func(t *testing.T) {
		f := newFake(t)
		f.stsFailures = []int{503, 503}
		if _, err := newProvider(t, f).Retrieve(t.Context()); err != nil {
			t.Fatal(err)
		}
		f.wantSTSCalls(t, 3, "")
	})
	t.Run("STS 503 exhausts attempts", func(t *testing.T) {
		f := newFake(t)
		f.stsFailures = []int{503, 503, 503, 503}
		_, err := newProvider(t, f).Retrieve(t.Context())
		var se *sts.STSError
		if !errors.Is(err, sts.ErrUnavailable) || !errors.As(err, &se) || se.Code != "ServiceUnavailable" {
			t.Fatalf("error %v", err)
		}
		f.wantSTSCalls(t, 3, "")
	})
	t.Run("token endpoint 502 then success", func(t *testing.T) {
		f := newFake(t)
		f.tokenFailures = []int{502}
		if _, err := newProvider(t, f).Retrieve(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := f.passwordGrants.Load(); got != 1 {
			t.Errorf("password grants = %d, want 1", got)
		}
		if got := f.tokenRequests.Load(); got != 2 {
			t.Errorf("token requests = %d, want 2", got)
		}
	})
	t.Run("token endpoint 429 exhausts attempts", func(t *testing.T) {
		f := newFake(t)
		f.tokenFailures = []int{429, 429}
		g := newGrant(t, f, func(o *sts.PasswordGrantOptions) { o.MaxAttempts = 2 })
		_, err := g.Token(t.Context())
		var oe *sts.OIDCError
		if !errors.Is(err, sts.ErrUnavailable) || !errors.As(err, &oe) || oe.StatusCode != 429 {
			t.Fatalf("error %v", err)
		}
		if strings.Contains(err.Error(), "<html>") {
			t.Errorf("response body reached the error: %s", err)
		}
	})
	t.Run("token endpoint 200 with HTML", func(t *testing.T) {
		f := newFake(t)
		f.tokenFailures = []int{200}
		_, err := newProvider(t, f).Retrieve(t.Context())
		if !errors.Is(err, sts.ErrMalformedResponse) || strings.Contains(err.Error(), "upstream failure") {
			t.Fatalf("error %v", err)
		}
		if got := f.tokenRequests.Load(); got != 1 {
			t.Errorf("token requests = %d, want 1", got)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		f := newFake(t)
		f.Close()
		_, err := newProvider(t, f).Retrieve(t.Context())
		if !errors.Is(err, sts.ErrUnreachable) {
			t.Fatalf("error %v", err)
		}
	})
}

func TestProvider_clockSkew(t *testing.T) {
	t.Run("local clock 2h ahead", func(t *testing.T) {
		f := newFake(t)
		local := newClock()
		local.Advance(2 * time.Hour)
		p := newProvider(t, f, func(o *sts.ProviderOptions) { o.Now = local.Now })
		c, err := p.Retrieve(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		// The lifetime is measured on the server's clock (Expiration - Date).
		if want := local.Now().Add(55 * time.Minute); !c.Expires.Equal(want) {
			t.Errorf("Expires = %v, want %v", c.Expires, want)
		}
	})
	t.Run("expiration before server date", func(t *testing.T) {
		f := newFake(t)
		f.expirationSkew = -2 * time.Hour
		_, err := newProvider(t, f).Retrieve(t.Context())
		if !errors.Is(err, sts.ErrCredentialsExpired) {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("no date header, expiration past locally", func(t *testing.T) {
		f := newFake(t)
		f.noDate = true
		local := newClock()
		local.Advance(3 * time.Hour)
		_, err := newProvider(t, f, func(o *sts.ProviderOptions) { o.Now = local.Now; o.Leeway = -1 }).Retrieve(t.Context())
		if !errors.Is(err, sts.ErrCredentialsExpired) {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("short lifetime caps the window", func(t *testing.T) {
		f := newFake(t)
		f.credLifetime = 4 * time.Minute
		c, err := newProvider(t, f).Retrieve(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if want := f.clock.Now().Add(2 * time.Minute); !c.Expires.Equal(want) {
			t.Errorf("Expires = %v, want %v", c.Expires, want)
		}
	})
}

func TestProvider_expiryJitter(t *testing.T) {
	f := newFake(t)
	p := newProvider(t, f, func(o *sts.ProviderOptions) { o.ExpiryWindowJitterFrac = 0.5 })
	c, err := p.Retrieve(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	now := f.clock.Now()
	hi, lo := now.Add(55*time.Minute), now.Add(time.Hour-5*time.Minute*3/2)
	if c.Expires.After(hi) || c.Expires.Before(lo) {
		t.Errorf("Expires %v outside [%v, %v]", c.Expires, lo, hi)
	}
}

// TestProvider_concurrentCache: 1,000 goroutines through
// aws.NewCredentialsCache cause exactly one token request and one STS call,
// first on a cold cache, then after the credentials (and tokens) expired.
func TestProvider_concurrentCache(t *testing.T) {
	f := newFake(t)
	p := newProvider(t, f)
	cache := aws.NewCredentialsCache(p)

	round := func(name string) {
		t.Helper()
		tokens, calls := f.tokenRequests.Load(), f.stsCalls.Load()
		gate := make(chan struct{})
		f.mu.Lock()
		f.stsGate = gate
		f.mu.Unlock()
		const n = 1000
		var started, wg sync.WaitGroup
		started.Add(n)
		wg.Add(n)
		keys := make([]string, n)
		errs := make([]error, n)
		for i := range n {
			go func() {
				defer wg.Done()
				started.Done()
				c, err := cache.Retrieve(t.Context())
				keys[i], errs[i] = c.AccessKeyID, err
			}()
		}
		started.Wait()
		close(gate)
		wg.Wait()
		f.mu.Lock()
		f.stsGate = nil
		f.mu.Unlock()
		for i := range n {
			if errs[i] != nil || keys[i] != keys[0] {
				t.Fatalf("%s: goroutine %d: %q, %v", name, i, keys[i], errs[i])
			}
		}
		if d := f.tokenRequests.Load() - tokens; d != 1 {
			t.Errorf("%s: token requests = %d, want 1", name, d)
		}
		if d := f.stsCalls.Load() - calls; d != 1 {
			t.Errorf("%s: STS calls = %d, want 1", name, d)
		}
	}
	round("cold")
	// Credentials expire (the cache uses the real clock, so tell it), the
	// access token too; the refresh token is still alive.
	f.clock.Advance(10 * time.Minute)
	cache.Invalidate()
	round("refresh")
	f.clock.Advance(2 * time.Hour) // everything expired: password grant
	cache.Invalidate()
	round("password")
	f.wantGrants(t, 2, 1)
}

func TestProvider_root(t *testing.T) {
	f := newFake(t)
	env := map[string]string{"ASTRAN_OIDC_ISSUER": f.issuer(testPartition), "ASTRAN_STS_ENDPOINT": f.stsURL()}
	ep, err := endpoint.Resolve(func(o *endpoint.Options) {
		o.Partition, o.Root = testPartition, true
		o.Getenv = func(k string) string { return env[k] }
	})
	if err != nil {
		t.Fatal(err)
	}
	p := newUserProvider(t, f, ep, "root@astran.io", sts.StaticPassword(testPassword))
	if _, err := p.Retrieve(t.Context()); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.lastTokenPath != "/auth/realms/root-accounts/protocol/openid-connect/token" {
		t.Errorf("token path %q", f.lastTokenPath)
	}
	if f.lastTokenForm.Get("client_id") != "root-client" {
		t.Errorf("client_id %q", f.lastTokenForm.Get("client_id"))
	}
}

func TestNew_invalid(t *testing.T) {
	pw := sts.StaticPassword("x")
	demo := endpoint.Endpoints{Partition: "demo", Issuer: "https://idp.example/realms/demo", ClientID: "s5", STS: "https://demo.sts.example"}
	grant, err := sts.NewPasswordGrant(demo, "u@x.io", pw)
	if err != nil {
		t.Fatal(err)
	}
	with := func(edit func(*endpoint.Endpoints)) endpoint.Endpoints {
		ep := demo
		edit(&ep)
		return ep
	}
	tests := map[string]func() error{
		"no username": func() error { _, err := sts.NewPasswordGrant(demo, "", pw); return err },
		"no password": func() error { _, err := sts.NewPasswordGrant(demo, "u@x.io", nil); return err },
		"bad issuer": func() error {
			_, err := sts.NewPasswordGrant(with(func(e *endpoint.Endpoints) { e.Issuer = "ftp://x" }), "u@x.io", pw)
			return err
		},
		"no issuer": func() error {
			_, err := sts.NewPasswordGrant(with(func(e *endpoint.Endpoints) { e.Issuer = "" }), "u@x.io", pw)
			return err
		},
		"bad token URL": func() error {
			_, err := sts.NewPasswordGrant(demo, "u@x.io", pw, func(o *sts.PasswordGrantOptions) { o.TokenURL = "nope" })
			return err
		},
		"no token source": func() error { _, err := sts.NewProvider(demo, nil); return err },
		"bad sts": func() error {
			_, err := sts.NewProvider(with(func(e *endpoint.Endpoints) { e.STS = "nope" }), grant)
			return err
		},
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) {
			if err := fn(); !errors.Is(err, sts.ErrInvalidConfig) {
				t.Errorf("error %v, want ErrInvalidConfig", err)
			}
		})
	}
}

func TestSessionName(t *testing.T) {
	for in, want := range map[string]string{
		"bob@astran.io":         "bob@astran.io",
		"a":                     "a-",
		"x y/z":                 "x-y-z",
		strings.Repeat("a", 80): strings.Repeat("a", 64),
	} {
		if got := sts.SessionName(in); got != want {
			t.Errorf("SessionName(%q) = %q, want %q", in, got, want)
		}
	}
}
