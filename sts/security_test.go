package sts_test

// Attacks on the sts package, one per test, named by the attack.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/gob"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/astran-oss/astran-go/sts"
)

// A rejected password must not be locked out for the life of the process
// (a long-running service would need a restart after a password reset),
// yet a retry loop must not hammer the identity provider with it: the
// same password is held back for 1 minute, then 2, 4, 8, at most 15.
func TestSecurity_rejectedPasswordLockedOutForLifeOfProcess(t *testing.T) {
	f := newFake(t)
	var mu sync.Mutex
	pw := "wrong-password"
	password := func(context.Context) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		return pw, nil
	}
	ts, err := sts.NewPasswordGrant(f.endpoints(), testUser, password, f.grantOptions)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	grants := func() int64 { return f.passwordGrants.Load() }
	start := f.clock.Now()
	attempt := func(wantSent bool) {
		t.Helper()
		before := grants()
		_, err := ts.Token(ctx)
		if !errors.Is(err, sts.ErrBadCredentials) {
			t.Fatalf("error %v, want ErrBadCredentials", err)
		}
		if sent := grants() > before; sent != wantSent {
			t.Fatalf("at +%v: password sent = %v, want %v", f.clock.Now().Sub(start), sent, wantSent)
		}
	}
	attempt(true) // first rejection
	// A retry loop: held back, no request.
	for range 10 {
		attempt(false)
	}
	// The backoff doubles from 1 minute and is capped at 15.
	for _, backoff := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 15 * time.Minute, 15 * time.Minute} {
		f.clock.Advance(backoff - time.Second)
		attempt(false)
		f.clock.Advance(time.Second)
		attempt(true)
	}
	// A different password is sent at once; a success forgets the rejection.
	mu.Lock()
	pw = testPassword
	mu.Unlock()
	if _, err := ts.Token(ctx); err != nil {
		t.Fatal(err)
	}
}

// The role path (Options.RoleARN) must judge expiry by the server's clock
// as LoginWithWebIdentity does: a client clock 2 h ahead got "expired on
// arrival", one 50 minutes behind kept expired credentials for 45 minutes.
func TestSecurity_roleCredentialsExpiryJudgedByLocalClock(t *testing.T) {
	const role = "arn:demo:iam::" + testAccount + ":role/marketing"
	for name, skew := range map[string]time.Duration{
		"client 2h ahead":     2 * time.Hour,
		"client 50min behind": -50 * time.Minute,
		"same clock":          0,
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			local := newClock()
			local.t = f.clock.Now().Add(skew)
			p := newProvider(t, f, func(o *sts.ProviderOptions) { o.RoleARN = role; o.Now = local.Now })
			c, err := p.Retrieve(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			// One hour on the server's clock, minus the 5-minute window,
			// from the local now.
			if want := local.Now().Add(55 * time.Minute); !c.Expires.Equal(want) {
				t.Errorf("Expires = %v, want %v (local now %v)", c.Expires, want, local.Now())
			}
		})
	}
}

// Response bodies of the role path must be capped by MaxResponseBytes, as
// LoginWithWebIdentity's are: an error body of any size was read whole.
func TestSecurity_roleResponseBodyNotCapped(t *testing.T) {
	const role = "arn:demo:iam::" + testAccount + ":role/marketing"
	for name, status := range map[string]int{"error body": 400, "success body": 200} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			var written int64
			f.stsHook = func(w http.ResponseWriter, r *http.Request) bool {
				w.Header().Set("Content-Type", "text/xml")
				w.WriteHeader(status)
				chunk := bytes.Repeat([]byte("<a>x</a>"), 8<<10) // 64 KiB
				for range 64 {                                   // 4 MiB
					n, err := w.Write(chunk)
					written += int64(n)
					if err != nil {
						break
					}
				}
				return true
			}
			p := newProvider(t, f, func(o *sts.ProviderOptions) { o.RoleARN = role; o.MaxResponseBytes = 64 << 10; o.MaxAttempts = 1 })
			_, err := p.Retrieve(t.Context())
			if !errors.Is(err, sts.ErrMalformedResponse) || !strings.Contains(err.Error(), "larger than 65536 bytes") {
				t.Fatalf("error %v, want ErrMalformedResponse: response body larger than 65536 bytes", err)
			}
		})
	}
}

// A token endpoint that echoes the request gets the password into the
// error in whatever encoding it echoes: form (query) escaping, path
// escaping, JSON escaping, the base64 of HTTP Basic authentication. Every
// one is redacted, whatever the secret's length.
func TestSecurity_encodedSecretEchoedInError(t *testing.T) {
	basic := func(id, secret string) string {
		return base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id) + ":" + url.QueryEscape(secret)))
	}
	jsonEsc := func(s string) string { b, _ := json.Marshal(s); return string(b[1 : len(b)-1]) }
	tests := []struct {
		name, password, clientSecret string
		// echo is what the server puts in error_description.
		echo   func(form url.Values, auth string) string
		secret []string // what must not appear in the error
	}{
		{name: "form-encoded body", password: "s3cret pass@word&more",
			echo:   func(form url.Values, _ string) string { return "bad request: " + form.Encode() },
			secret: []string{"s3cret+pass%40word%26more", "s3cret pass@word&more"}},
		{name: "path-escaped", password: "s3cret pass@word/more",
			echo: func(form url.Values, _ string) string {
				return "no such path /u/" + url.PathEscape(form.Get("password"))
			},
			secret: []string{url.PathEscape("s3cret pass@word/more")}},
		{name: "JSON-escaped", password: "s3cret<pass>&more",
			echo:   func(form url.Values, _ string) string { return jsonEsc(form.Get("password")) },
			secret: []string{jsonEsc("s3cret<pass>&more")}},
		{name: "raw short password", password: "abc",
			echo:   func(form url.Values, _ string) string { return "user said " + form.Get("password") + " here" },
			secret: []string{" abc "}},
		{name: "one-character password", password: "Q",
			echo:   func(form url.Values, _ string) string { return "pw=" + form.Get("password") + ";" },
			secret: []string{"=Q;"}},
		{name: "base64 of Basic auth", password: testPassword, clientSecret: "client-s3cret/+=",
			echo:   func(_ url.Values, auth string) string { return "got header " + auth },
			secret: []string{basic("s5", "client-s3cret/+="), "client-s3cret"}},
		{name: "base64 of the secret inside other text", password: "s3cret-password",
			echo: func(form url.Values, _ string) string {
				return "x" + base64.StdEncoding.EncodeToString([]byte("prefix:"+form.Get("password")+":suffix"))
			},
			secret: []string{base64.StdEncoding.EncodeToString([]byte("prefix:s3cret-password:suffix"))[8:24]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.srv.Config.Handler.(*http.ServeMux).HandleFunc("POST /echo/token", func(w http.ResponseWriter, r *http.Request) {
				r.ParseForm()
				oauthError(w, 400, "invalid_request", tt.echo(r.PostForm, r.Header.Get("Authorization")))
			})
			ts, err := sts.NewPasswordGrant(f.endpoints(), testUser, sts.StaticPassword(tt.password), f.grantOptions, func(o *sts.PasswordGrantOptions) {
				o.TokenURL = f.srv.URL + "/echo/token"
				if tt.clientSecret != "" {
					o.ClientSecret = sts.StaticPassword(tt.clientSecret)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = ts.Token(t.Context())
			var oe *sts.OIDCError
			if !errors.As(err, &oe) || oe.Code != "invalid_request" {
				t.Fatalf("error %v", err)
			}
			assertNoSecret(t, "error", err.Error(), tt.secret...)
		})
	}
}

type nested struct {
	T sts.Token
	C *sts.Credentials
	R sts.LoginResult
}

// xml.Marshal of a value that holds a secret printed it in clear; gob
// encoded it. Both must redact or fail.
func TestSecurity_secretsInXMLAndGob(t *testing.T) {
	tok := sts.Token{AccessToken: secretAccess, RefreshToken: secretRefresh, IDToken: secretID, TokenType: "Bearer", Scope: "email"}
	creds := sts.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: secretKey, SessionToken: secretSession}
	res := sts.LoginResult{Credentials: creds, Subject: testSubject}
	secrets := []string{secretAccess, secretRefresh, secretID, secretKey, secretSession}
	values := map[string]any{
		"Token": tok, "*Token": &tok, "Credentials": creds, "*Credentials": &creds,
		"LoginResult": res, "*LoginResult": &res,
		"nested": nested{tok, &creds, res},
	}
	for name, v := range values {
		t.Run(name, func(t *testing.T) {
			out, err := xml.Marshal(v)
			if err != nil {
				t.Fatalf("xml.Marshal: %v", err)
			}
			assertNoSecret(t, "xml.Marshal", string(out), secrets...)
			if !strings.Contains(string(out), "[redacted]") {
				t.Errorf("xml.Marshal = %s, want [redacted] fields", out)
			}
			var buf bytes.Buffer
			if err := gob.NewEncoder(&buf).Encode(v); err == nil {
				t.Errorf("gob encoded %s (%d bytes), want an error", name, buf.Len())
			}
			assertNoSecret(t, "gob", buf.String(), secrets...)
		})
	}
}
