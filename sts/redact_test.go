package sts_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/astran-oss/astran-go/sts"
)

const (
	secretAccess  = "eyJhbGciOiJSUzI1NiJ9.secret-access-token"
	secretRefresh = "secret-refresh-token-value"
	secretID      = "secret-id-token-value"
	secretKey     = "tSSQTo03wjC0Z5VXJAPNOu3HLPKweIWBOT82kVBx"
	secretSession = "SOME_SESSION_TOKEN_SECRET"
)

func TestRedaction(t *testing.T) {
	f := newFake(t)
	p := newProvider(t, f)
	ts := newGrant(t, f)
	tok := sts.Token{AccessToken: secretAccess, RefreshToken: secretRefresh, IDToken: secretID, TokenType: "Bearer", Expiry: time.Now()}
	creds := sts.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: secretKey, SessionToken: secretSession, Expiration: time.Now()}
	res := sts.LoginResult{Credentials: creds, Subject: testSubject, Audience: "s5"}
	values := map[string]any{
		"Token": tok, "*Token": &tok,
		"Credentials": creds, "*Credentials": &creds,
		"LoginResult": res, "*LoginResult": &res,
		"*Provider": p, "*TokenSource": ts,
		"[]any": []any{tok, &creds, res},
		"struct": struct {
			T sts.Token
			C *sts.Credentials
		}{tok, &creds},
	}
	secrets := []string{secretAccess, secretRefresh, secretID, secretKey, secretSession, testPassword}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%T"} {
			assertNoSecret(t, name+" "+verb, fmt.Sprintf(verb, v), secrets...)
		}
		js, err := json.Marshal(v)
		if err != nil {
			t.Errorf("%s: json: %v", name, err)
		}
		assertNoSecret(t, name+" json", string(js), secrets...)
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "v", v)
		assertNoSecret(t, name+" slog JSON", buf.String(), secrets...)
		buf.Reset()
		slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "v", v)
		assertNoSecret(t, name+" slog text", buf.String(), secrets...)
	}
	if s := fmt.Sprint(tok); !strings.Contains(s, "[redacted]") || !strings.Contains(s, "Bearer") {
		t.Errorf("Token String lost its metadata: %s", s)
	}
	if s := fmt.Sprint(creds); !strings.Contains(s, "ASIAEXAMPLE") {
		t.Errorf("Credentials String lost the access key ID: %s", s)
	}
}

// TestRedaction_flow runs a whole login with debug logging and checks
// that neither the logs nor errors contain a secret.
func TestRedaction_flow(t *testing.T) {
	f := newFake(t)
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	p := newProvider(t, f, func(o *sts.ProviderOptions) { o.Logger = logger })
	ctx := t.Context()
	res, err := p.Login(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := p.TokenSource().Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(6 * time.Minute)
	f.stsFailures = []int{503}
	if _, err := p.Retrieve(ctx); err != nil {
		t.Fatal(err)
	}
	secrets := []string{testPassword, tok.AccessToken, tok.RefreshToken, res.Credentials.SecretAccessKey, res.Credentials.SessionToken}
	if !strings.Contains(logs.String(), "sts: retrying") || !strings.Contains(logs.String(), res.Credentials.AccessKeyID) {
		t.Errorf("expected debug events, got %s", logs.String())
	}
	assertNoSecret(t, "debug log", logs.String(), secrets...)

	// Errors of every kind, printed every way.
	f.users[testUser].password = "changed"
	f.clock.Advance(time.Hour)
	_, err = p.Retrieve(ctx)
	if !errors.Is(err, sts.ErrBadCredentials) {
		t.Fatalf("error %v", err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v"} {
		assertNoSecret(t, "error "+verb, fmt.Sprintf(verb, err), secrets...)
	}
	assertNoSecret(t, "debug log", logs.String(), secrets...)
}

// A server that echoes the request (as a misbehaving proxy might) must not
// get the password or token into errors.
func TestRedaction_echoingServer(t *testing.T) {
	f := newFake(t)
	f.mu.Lock()
	f.users[testUser].password = "other"
	f.mu.Unlock()
	echo := func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		oauthError(w, 400, "invalid_request", "bad request: "+r.PostForm.Encode()+" "+r.PostForm.Get("password"))
	}
	f.srv.Config.Handler.(*http.ServeMux).HandleFunc("POST /echo/token", echo)
	ts := newGrant(t, f, func(o *sts.PasswordGrantOptions) {
		o.TokenURL = f.srv.URL + "/echo/token"
	})
	_, err := ts.Token(t.Context())
	if err == nil {
		t.Fatal("no error")
	}
	assertNoSecret(t, "error", err.Error(), testPassword)
}

// FuzzServerText: whatever the text and the secret, no piece of the
// redacted text (between "[redacted]" markers) holds the secret raw, form-
// or path-escaped.
func FuzzServerText(f *testing.F) {
	f.Add("bad request: password=s3cret+pass%40word%26more", "s3cret pass@word&more")
	f.Add("pw=Q;", "Q")
	f.Add("Basic czU6Y2xpZW50LXMzY3JldA==", "client-s3cret")
	f.Fuzz(func(t *testing.T, text, secret string) {
		if secret == "" {
			return
		}
		out := sts.ServerText(text, secret)
		for _, piece := range strings.Split(out, "[redacted]") {
			for _, enc := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret)} {
				if strings.Contains(piece, enc) && !strings.Contains("[redacted]...", enc) {
					t.Fatalf("ServerText(%q, %q) = %q holds %q", text, secret, out, enc)
				}
			}
		}
	})
}

// TestRedaction_sameFields: a secret-holding value logs exactly what it
// marshals to JSON, so no output shows a field another one hides.
func TestRedaction_sameFields(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tok := sts.Token{AccessToken: secretAccess, IDToken: secretID, TokenType: "Bearer", Scope: "email", Expiry: at}
	creds := sts.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: secretKey, SessionToken: secretSession, Expiration: at}
	res := sts.LoginResult{Credentials: creds, Subject: testSubject, Audience: "s5", UserID: "AIDA", RequestID: "r-1", ServerTime: at}
	for name, v := range map[string]any{"Token": tok, "Credentials": creds, "LoginResult": res} {
		js, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: json: %v", name, err)
		}
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "v", v)
		var logged struct{ V json.RawMessage }
		if err := json.Unmarshal(buf.Bytes(), &logged); err != nil {
			t.Fatalf("%s: log line %s: %v", name, buf.Bytes(), err)
		}
		var fromJSON, fromLog map[string]any
		if err := json.Unmarshal(js, &fromJSON); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(logged.V, &fromLog); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fromJSON, fromLog) {
			t.Errorf("%s: logged %s, marshals to %s", name, logged.V, js)
		}
	}
}
