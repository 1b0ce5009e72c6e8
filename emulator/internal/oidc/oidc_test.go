package oidc

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func newProvider(t testing.TB, now *time.Time) *Provider {
	t.Helper()
	p, err := New("http://127.0.0.1:1/auth/realms/", func() time.Time { return *now },
		Realm{Name: "demo", ClientID: "s5", DirectGrants: true},
		Realm{Name: "nodirect", ClientID: "c", DirectGrants: false})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestProvider_Token(t *testing.T) {
	now := time.Date(2025, 3, 27, 10, 0, 0, 0, time.UTC)
	p := newProvider(t, &now)
	if err := p.AddAccount("demo", "sub-1", "bob@astran.io", "pw"); err != nil {
		t.Fatal(err)
	}
	if err := p.AddAccount("demo", "sub-2", "new@astran.io", ""); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		realm  string
		form   url.Values
		status int
		code   string
	}{
		{"ok", "demo", url.Values{"grant_type": {"password"}, "client_id": {"s5"}, "username": {"BOB@astran.io"}, "password": {"pw"}}, 200, ""},
		{"bad password", "demo", url.Values{"grant_type": {"password"}, "client_id": {"s5"}, "username": {"bob@astran.io"}, "password": {"x"}}, 401, "invalid_grant"},
		{"not set up", "demo", url.Values{"grant_type": {"password"}, "client_id": {"s5"}, "username": {"new@astran.io"}, "password": {""}}, 400, "invalid_grant"},
		{"no grant", "demo", url.Values{"client_id": {"s5"}}, 400, "invalid_request"},
		{"bad grant", "demo", url.Values{"grant_type": {"client_credentials"}, "client_id": {"s5"}}, 400, "unsupported_grant_type"},
		{"no direct grants", "nodirect", url.Values{"grant_type": {"password"}, "client_id": {"c"}}, 400, "unauthorized_client"},
		{"unknown realm", "nope", url.Values{"grant_type": {"password"}}, 404, "Realm does not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, e := p.Token(tc.realm, tc.form)
			if tc.code == "" {
				if e != nil || tr.AccessToken == "" {
					t.Fatalf("Token: %v", e)
				}
				c, realm, err := p.Verify(tr.AccessToken)
				if err != nil || realm != "demo" || c.Subject != "sub-1" || c.Email != "bob@astran.io" || c.AZP != "s5" {
					t.Errorf("Verify: %+v %q %v", c, realm, err)
				}
				return
			}
			if e == nil || e.Status != tc.status || e.Code != tc.code {
				t.Errorf("got %+v, want %d %s", e, tc.status, tc.code)
			}
		})
	}
}

func TestProvider_Verify(t *testing.T) {
	now := time.Date(2025, 3, 27, 10, 0, 0, 0, time.UTC)
	p := newProvider(t, &now)
	_ = p.AddAccount("demo", "sub-1", "bob@astran.io", "pw")
	tr, e := p.Token("demo", url.Values{"grant_type": {"password"}, "client_id": {"s5"}, "username": {"bob@astran.io"}, "password": {"pw"}})
	if e != nil {
		t.Fatal(e)
	}
	now = now.Add(AccessTokenLifetime)
	if _, _, err := p.Verify(tr.AccessToken); !errors.Is(err, ErrTokenExpired) {
		t.Errorf("expired: %v", err)
	}
	parts := strings.Split(tr.AccessToken, ".")
	if _, _, err := p.Verify(parts[0] + "." + parts[1] + ".AAAA"); !errors.Is(err, ErrTokenSignature) {
		t.Errorf("bad signature: %v", err)
	}
	if _, _, err := p.Verify("x"); !errors.Is(err, ErrTokenMalformed) {
		t.Errorf("malformed: %v", err)
	}
}

func TestProvider_Handler(t *testing.T) {
	now := time.Now()
	p := newProvider(t, &now)
	h := p.Handler("/auth/realms/")
	get := func(path string) (int, map[string]any) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		var m map[string]any
		_ = json.Unmarshal(w.Body.Bytes(), &m)
		return w.Code, m
	}
	if st, m := get("/auth/realms/demo/.well-known/openid-configuration"); st != 200 || m["issuer"] != "http://127.0.0.1:1/auth/realms/demo" ||
		m["token_endpoint"] != "http://127.0.0.1:1/auth/realms/demo/protocol/openid-connect/token" {
		t.Errorf("discovery: %d %v", st, m)
	}
	if st, m := get("/auth/realms/demo/protocol/openid-connect/certs"); st != 200 || len(m["keys"].([]any)) != 1 {
		t.Errorf("jwks: %d %v", st, m)
	}
	if st, _ := get("/auth/realms/other/.well-known/openid-configuration"); st != 404 {
		t.Errorf("unknown realm: %d", st)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/auth/realms/demo/protocol/openid-connect/token", strings.NewReader(strings.Repeat("a=b&", MaxFormSize))))
	if w.Code != http.StatusBadRequest {
		t.Errorf("oversized form: %d", w.Code)
	}
}

func FuzzTokenEndpoint(f *testing.F) {
	f.Add("grant_type=password&client_id=s5&username=bob%40astran.io&password=pw")
	f.Add("grant_type=refresh_token&client_id=s5&refresh_token=abc")
	f.Add("%zz=%")
	f.Fuzz(func(t *testing.T, body string) {
		now := time.Date(2025, 3, 27, 10, 0, 0, 0, time.UTC)
		p := newProvider(t, &now)
		_ = p.AddAccount("demo", "sub-1", "bob@astran.io", "pw")
		w := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/auth/realms/demo/protocol/openid-connect/token", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		p.Handler("/auth/realms/").ServeHTTP(w, r)
		if w.Code >= 500 || !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
	})
}

func FuzzVerify(f *testing.F) {
	f.Add("eyJhbGciOiJSUzI1NiJ9.e30.AA")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, tok string) {
		now := time.Now()
		p := newProvider(t, &now)
		if _, _, err := p.Verify(tok); err == nil {
			t.Fatalf("forged token accepted: %q", tok)
		}
		_, _ = UnverifiedIssuer(tok)
	})
}
