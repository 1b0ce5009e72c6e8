package sts_test

import (
	"cmp"
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/astran-oss/astran-go/endpoint"
	"github.com/astran-oss/astran-go/sts"
)

func TestPasswordGrant_verify(t *testing.T) {
	tests := []struct {
		name  string
		setup func(f *fakeAstran, ep *endpoint.Endpoints, o *sts.PasswordGrantOptions)
		kind  error // nil = success
	}{
		{"keycloak access token: aud account, azp s5", nil, nil},
		{"with discovery", func(f *fakeAstran, ep *endpoint.Endpoints, o *sts.PasswordGrantOptions) { o.Discovery = true }, nil},
		{"configured issuer with trailing slash", func(f *fakeAstran, ep *endpoint.Endpoints, o *sts.PasswordGrantOptions) {
			ep.Issuer += "/"
			o.Discovery = true
		}, nil},
		{"discovered issuer with trailing slash", func(f *fakeAstran, ep *endpoint.Endpoints, o *sts.PasswordGrantOptions) {
			f.discoveryIssuer = f.issuer(testPartition) + "/"
			o.Discovery = true
		}, nil},
		{"token issuer with trailing slash", func(f *fakeAstran, ep *endpoint.Endpoints, o *sts.PasswordGrantOptions) {
			f.tokenIssuer = f.issuer(testPartition) + "/"
		}, nil},
		{"discovered issuer on another host", func(f *fakeAstran, ep *endpoint.Endpoints, o *sts.PasswordGrantOptions) {
			f.discoveryIssuer = "https://evil.example/auth/realms/demo"
			o.Discovery = true
		}, sts.ErrIssuerMismatch},
		{"token issuer with https instead of http", func(f *fakeAstran, ep *endpoint.Endpoints, o *sts.PasswordGrantOptions) {
			f.tokenIssuer = strings.Replace(f.issuer(testPartition), "http://", "https://", 1)
		}, sts.ErrTokenInvalid},
		{"token issued to another client", func(f *fakeAstran, ep *endpoint.Endpoints, o *sts.PasswordGrantOptions) { f.tokenAZP = "other-client" }, sts.ErrTokenInvalid},
		{"token already expired (clock ahead)", func(f *fakeAstran, ep *endpoint.Endpoints, o *sts.PasswordGrantOptions) {
			local := newClock()
			local.Advance(10 * 60e9)
			o.Now = local.Now
		}, sts.ErrTokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			ep, extra := f.endpoints(), sts.PasswordGrantOptions{}
			if tt.setup != nil {
				tt.setup(f, &ep, &extra)
			}
			ts, err := sts.NewPasswordGrant(ep, testUser, sts.StaticPassword(testPassword), f.grantOptions, func(o *sts.PasswordGrantOptions) {
				o.VerifyTokens, o.Discovery = true, extra.Discovery
				if extra.Now != nil {
					o.Now = extra.Now
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			tok, err := ts.Token(t.Context())
			if tt.kind == nil {
				if err != nil {
					t.Fatal(err)
				}
				if tok.AccessToken == "" || tok.RefreshToken == "" || tok.TokenType != "Bearer" || tok.Scope != "email" {
					t.Errorf("token %v", tok)
				}
				return
			}
			if !errors.Is(err, tt.kind) {
				t.Fatalf("error %v, want %v", err, tt.kind)
			}
			if strings.Contains(err.Error(), "eyJ") {
				t.Errorf("token in error: %s", err)
			}
		})
	}
}

func TestPasswordGrant_clientSecret(t *testing.T) {
	const secret = "s3cr3t-client-value"
	tests := []struct {
		name      string
		methods   []string
		style     oauth2.AuthStyle
		discovery bool
		wantBasic bool
	}{
		{"discovery advertises client_secret_basic", []string{"client_secret_basic", "client_secret_post"}, 0, true, true},
		{"discovery advertises client_secret_post only", []string{"client_secret_post", "private_key_jwt"}, 0, true, false},
		{"discovery silent: RFC default basic", nil, 0, true, true},
		{"no discovery: basic", nil, 0, false, true},
		{"explicit params", []string{"client_secret_basic"}, oauth2.AuthStyleInParams, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.clients["ext"] = secret
			f.directGrants["ext"] = true
			f.authMethods = tt.methods
			ep := f.endpoints()
			ep.ClientID = "ext"
			ts, err := sts.NewPasswordGrant(ep, testUser, sts.StaticPassword(testPassword), f.grantOptions, func(o *sts.PasswordGrantOptions) {
				o.ClientSecret = sts.StaticPassword(secret)
				o.ClientAuthStyle = tt.style
				o.Discovery = tt.discovery
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ts.Token(t.Context()); err != nil {
				t.Fatal(err)
			}
			f.mu.Lock()
			form, auth := f.lastTokenForm, f.lastTokenAuth
			f.mu.Unlock()
			basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("ext:"+secret))
			if tt.wantBasic {
				if auth != basic || form.Has("client_secret") {
					t.Errorf("want Basic auth only; Authorization %q form %v", auth, form.Has("client_secret"))
				}
			} else if auth != "" || form.Get("client_secret") != secret || form.Get("client_id") != "ext" {
				t.Errorf("want client_secret_post; Authorization %q", auth)
			}
			if got := f.tokenRequests.Load(); got != 1 {
				t.Errorf("token requests = %d, want 1 (no auth-style probing)", got)
			}
		})
	}
	t.Run("wrong secret is one request and never echoed", func(t *testing.T) {
		f := newFake(t)
		f.clients["ext"] = secret
		ep := f.endpoints()
		ep.ClientID = "ext"
		ts, _ := sts.NewPasswordGrant(ep, testUser, sts.StaticPassword(testPassword), f.grantOptions, func(o *sts.PasswordGrantOptions) {
			o.ClientSecret = sts.StaticPassword("wrong-secret-value")
		})
		_, err := ts.Token(t.Context())
		var oe *sts.OIDCError
		if !errors.Is(err, sts.ErrUnauthorizedClient) || !errors.As(err, &oe) || oe.StatusCode != 401 {
			t.Fatalf("error %v", err)
		}
		if strings.Contains(err.Error(), "wrong-secret-value") || strings.Contains(err.Error(), testPassword) {
			t.Errorf("secret in error: %s", err)
		}
		if got := f.tokenRequests.Load(); got != 1 {
			t.Errorf("token requests = %d, want 1", got)
		}
	})
}

func TestPasswordGrant_reuse(t *testing.T) {
	f := newFake(t)
	ts := newGrant(t, f)
	ctx := t.Context()
	a, err := ts.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(4 * 60e9) // 4 of 5 minutes
	b, err := ts.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if a.AccessToken != b.AccessToken || f.tokenRequests.Load() != 1 {
		t.Error("valid access token not reused")
	}
	f.clock.Advance(55e9) // within the 10 s leeway of expiry
	c, err := ts.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessToken == b.AccessToken || c.RefreshToken == b.RefreshToken || f.refreshGrants.Load() != 1 {
		t.Error("token not refreshed within the leeway, or refresh token not rotated")
	}
	if !c.Expiry.Equal(f.clock.Now().Add(300e9)) || !c.RefreshExpiry.Equal(f.clock.Now().Add(1800e9)) {
		t.Errorf("Expiry %v RefreshExpiry %v", c.Expiry, c.RefreshExpiry)
	}
	// Caller owns the copy.
	c.AccessToken = "mutated"
	d, _ := ts.Token(ctx)
	if d.AccessToken == "mutated" {
		t.Error("Token returned shared state")
	}
}

func TestPasswordGrant_discoveryErrors(t *testing.T) {
	f := newFake(t)
	ep := f.endpoints()
	ep.Issuer = f.srv.URL + "/missing"
	ts, _ := sts.NewPasswordGrant(ep, testUser, sts.StaticPassword(testPassword), f.grantOptions, func(o *sts.PasswordGrantOptions) {
		o.Discovery = true
	})
	_, err := ts.Token(t.Context())
	var oe *sts.OIDCError
	if !errors.As(err, &oe) || oe.Op != "discovery" || oe.StatusCode != 404 || !errors.Is(err, sts.ErrRejected) {
		t.Fatalf("error %v", err)
	}
}

func TestPasswordGrant_refreshTimeout(t *testing.T) {
	f := newFake(t)
	gate, _ := f.gateTokens()
	defer close(gate)
	ts := newGrant(t, f, func(o *sts.PasswordGrantOptions) {
		o.RefreshTimeout = time.Millisecond // the shared grant's own bound
	})
	_, err := ts.Token(t.Context())
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, sts.ErrUnreachable) {
		t.Fatalf("error %v", err)
	}
}

func TestPasswordGrant_discoveryUnreachable(t *testing.T) {
	f := newFake(t)
	f.Close()
	ts := newGrant(t, f, func(o *sts.PasswordGrantOptions) {
		o.Discovery = true
	})
	_, err := ts.Token(t.Context())
	var oe *sts.OIDCError
	if !errors.Is(err, sts.ErrUnreachable) || !errors.As(err, &oe) || oe.Op != "discovery" {
		t.Fatalf("error %v", err)
	}
}

// An OpenID provider other than Keycloak, with a confidential client,
// discovery and verification: its access tokens follow RFC 9068 (the
// client in client_id, aud the resource server, no azp).
func TestPasswordGrant_verifyRFC9068AccessToken(t *testing.T) {
	for _, tt := range []struct {
		name     string
		clientID string // the token's client_id
		kind     error
	}{
		{name: "issued to this client", clientID: "ext"},
		{name: "issued to another client", clientID: "other", kind: sts.ErrTokenInvalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.rfc9068 = true
			f.clients["ext"], f.directGrants["ext"] = "ext-secret", true
			if tt.clientID != "ext" {
				f.tokenAZP = tt.clientID
			}
			ep := f.endpoints()
			ep.ClientID = "ext"
			g, err := sts.NewPasswordGrant(ep, testUser, sts.StaticPassword(testPassword), f.grantOptions, func(o *sts.PasswordGrantOptions) {
				o.ClientSecret = sts.StaticPassword("ext-secret")
				o.Discovery, o.VerifyTokens = true, true
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = g.Token(t.Context())
			if !errors.Is(err, tt.kind) && !(tt.kind == nil && err == nil) {
				t.Fatalf("error %v, want %v", err, tt.kind)
			}
			if f.lastTokenPath != "/oauth2/demo/token" {
				t.Errorf("token endpoint %q, want the discovered one", f.lastTokenPath)
			}
		})
	}
}

// A token endpoint (or a proxy before it) that answers the password grant
// with an empty 401 or 403 rejected the grant: ErrBadCredentials, so that
// the password is held back like any other rejection.
func TestPasswordGrant_emptyRejection(t *testing.T) {
	for _, status := range []int{401, 403} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			f := newFake(t)
			f.tokenFailures, f.emptyFailures = []int{status}, true
			g := newGrant(t, f)
			_, err := g.Token(t.Context())
			var oe *sts.OIDCError
			if !errors.Is(err, sts.ErrBadCredentials) || !errors.As(err, &oe) || oe.StatusCode != status {
				t.Fatalf("error %v, want ErrBadCredentials with status %d", err, status)
			}
			if got := f.tokenRequests.Load(); got != 1 {
				t.Errorf("token requests = %d, want 1 (a rejection is not retried)", got)
			}
		})
	}
}

// The identity provider's refusals, as typed errors keeping its RFC 6749
// code and description. Rows say what differs from a bad password.
func TestPasswordGrant_errors(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(f *fakeAstran)
		password string // zero: testPassword
		kind     error  // zero: ErrBadCredentials
		status   int    // zero: 401
		code     string // zero: invalid_grant
		desc     string // zero: Invalid user credentials
	}{
		{name: "bad password", password: "wrong-password-123"},
		{name: "unknown user", setup: func(f *fakeAstran) { delete(f.users, testUser) }},
		{name: "account not set up", setup: func(f *fakeAstran) { f.users[testUser].setUp = false },
			kind: sts.ErrAccountNotSetUp, status: 400, desc: "Account is not fully set up"},
		{name: "no direct grants", setup: func(f *fakeAstran) { f.directGrants["s5"] = false },
			kind: sts.ErrUnauthorizedClient, status: 400, code: "unauthorized_client", desc: "Client not allowed for direct access grants"},
	}
	for _, tt := range tests {
		tt.password = cmp.Or(tt.password, testPassword)
		tt.kind = cmp.Or(tt.kind, sts.ErrBadCredentials)
		tt.status = cmp.Or(tt.status, 401)
		tt.code = cmp.Or(tt.code, "invalid_grant")
		tt.desc = cmp.Or(tt.desc, "Invalid user credentials")
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			if tt.setup != nil {
				tt.setup(f)
			}
			p := newUserProvider(t, f, f.endpoints(), testUser, sts.StaticPassword(tt.password))
			_, err := p.Retrieve(t.Context())
			if !errors.Is(err, tt.kind) {
				t.Fatalf("error %v, want %v", err, tt.kind)
			}
			var oe *sts.OIDCError
			if !errors.As(err, &oe) || oe.StatusCode != tt.status || oe.Code != tt.code || oe.Description != tt.desc {
				t.Fatalf("OIDCError %+v", oe)
			}
			if strings.Contains(err.Error(), tt.password) {
				t.Errorf("error text contains the password: %s", err)
			}
			// Auth failures are never retried (no double lockout counts).
			if got := f.tokenRequests.Load(); got != 1 {
				t.Errorf("token requests = %d, want 1", got)
			}
			// A rejected password is not sent again; other failures are
			// retried on the next call (the user may have fixed them).
			_, err2 := p.Retrieve(t.Context())
			if !errors.Is(err2, tt.kind) {
				t.Fatalf("second error %v", err2)
			}
			want := int64(2)
			if tt.kind == sts.ErrBadCredentials {
				want = 1
			}
			if got := f.tokenRequests.Load(); got != want {
				t.Errorf("token requests after a second call = %d, want %d", got, want)
			}
			if f.stsCalls.Load() != 0 {
				t.Error("STS called after a failed login")
			}
		})
	}
}

func TestProvider_refreshTokenReuse(t *testing.T) {
	f := newFake(t)
	p := newProvider(t, f)
	ctx := t.Context()
	for i := range 4 {
		if _, err := p.Retrieve(ctx); err != nil {
			t.Fatalf("retrieve %d: %v", i, err)
		}
		// Past the access token (300 s), within the refresh token (1800 s).
		f.clock.Advance(6 * time.Minute)
	}
	// The fake rejects any reuse of a refresh token: three refreshes
	// succeeding means each used the rotated token of the previous answer.
	f.wantGrants(t, 1, 3)
	f.wantSTSCalls(t, 4, "")
}

// When the refresh token is gone, the provider falls back to a password
// grant.
func TestProvider_refreshExpired(t *testing.T) {
	tests := map[string]struct {
		end           func(f *fakeAstran) // ends the refresh token
		wantRefreshes int64
	}{
		"expired locally": {
			end: func(f *fakeAstran) { f.clock.Advance(31 * time.Minute) }, // refresh token (30 min) gone too
		},
		"rejected by server": {
			end: func(f *fakeAstran) {
				f.mu.Lock()
				clear(f.refreshTokens) // session ended on the server
				f.mu.Unlock()
				f.clock.Advance(6 * time.Minute)
			},
			wantRefreshes: 1,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			p := newProvider(t, f)
			ctx := t.Context()
			if _, err := p.Retrieve(ctx); err != nil {
				t.Fatal(err)
			}
			tc.end(f)
			if _, err := p.Retrieve(ctx); err != nil {
				t.Fatal(err)
			}
			f.wantGrants(t, 2, tc.wantRefreshes)
		})
	}
}

func TestProvider_passwordChanged(t *testing.T) {
	f := newFake(t)
	var mu sync.Mutex
	pw := "old-password"
	p := newUserProvider(t, f, f.endpoints(), testUser, func(context.Context) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		return pw, nil
	})
	if _, err := p.Retrieve(t.Context()); !errors.Is(err, sts.ErrBadCredentials) {
		t.Fatalf("error %v", err)
	}
	mu.Lock()
	pw = testPassword
	mu.Unlock()
	if _, err := p.Retrieve(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := f.passwordGrants.Load(); got != 2 {
		t.Errorf("password grants = %d, want 2", got)
	}
}

// Token responses are capped by MaxResponseBytes like every other body.
func TestPasswordGrant_responseCapped(t *testing.T) {
	f := newFake(t)
	g := newGrant(t, f,
		func(o *sts.PasswordGrantOptions) { o.MaxResponseBytes = 256 })
	_, err := g.Token(t.Context())
	if !errors.Is(err, sts.ErrMalformedResponse) || !strings.Contains(err.Error(), "larger than 256 bytes") {
		t.Fatalf("error %v, want ErrMalformedResponse: larger than 256 bytes", err)
	}
}
