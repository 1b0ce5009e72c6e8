package emulator_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"

	"github.com/astran-oss/astran-go/emulator"
)

func TestOIDC_goOIDCVerifiesTokens(t *testing.T) {
	srv, _ := newServerWithUser(t, "bob@astran.io", emulator.WithUserPassword("pw-bob"))
	ctx := t.Context()
	status, tok := passwordGrant(t, srv.Issuer(), "s5", "bob@astran.io", "pw-bob")
	if status != http.StatusOK {
		t.Fatalf("status %d: %+v", status, tok)
	}
	if tok.ExpiresIn != 300 || tok.RefreshExpiresIn != 1800 || tok.TokenType != "Bearer" || tok.Scope != "email" ||
		tok.NotBeforePolicy == nil || *tok.NotBeforePolicy != 0 || tok.SessionState == "" || tok.RefreshToken == "" {
		t.Errorf("token JSON shape: %+v", tok)
	}
	cctx := gooidc.ClientContext(ctx, httpClient)
	p, err := gooidc.NewProvider(cctx, srv.Issuer())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(srv.Issuer(), "/auth/realms/demo") {
		t.Errorf("issuer %s lacks the /auth prefix", srv.Issuer())
	}
	v := p.VerifierContext(cctx, &gooidc.Config{ClientID: "s5", Now: srv.Now})
	idt, err := v.Verify(cctx, tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		Email string `json:"email"`
		AZP   string `json:"azp"`
	}
	if err := idt.Claims(&claims); err != nil || claims.Email != "bob@astran.io" || claims.AZP != "s5" {
		t.Errorf("claims %+v, %v", claims, err)
	}
	// With scope openid, an ID token comes too, for the client s5.
	st, body := postForm(t, srv.Issuer()+"/protocol/openid-connect/token", map[string][]string{"client_id": {"s5"},
		"grant_type": {"password"}, "username": {"bob@astran.io"}, "password": {"pw-bob"}, "scope": {"openid"}})
	var withID struct {
		IDToken string `json:"id_token"`
		Scope   string `json:"scope"`
	}
	if err := json.Unmarshal(body, &withID); err != nil || st != 200 || withID.Scope != "openid email" {
		t.Fatalf("openid scope: %d %s", st, body)
	}
	if _, err := v.Verify(cctx, withID.IDToken); err != nil {
		t.Errorf("ID token: %v", err)
	}
	// Expiry follows the emulator clock.
	srv.Advance(301 * time.Second)
	var te *gooidc.TokenExpiredError
	if _, err := v.Verify(cctx, tok.AccessToken); !errors.As(err, &te) {
		t.Errorf("after Advance: %v, want TokenExpiredError", err)
	}
}

func TestOIDC_errors(t *testing.T) {
	srv, _ := newServerWithUser(t, "bob@astran.io")
	tests := []struct {
		name, client, user, pw string
		status                 int
		code, desc             string
	}{
		{"not set up", "s5", "bob@astran.io", "x", 400, "invalid_grant", "Account is not fully set up"},
		{"unknown user", "s5", "eve@astran.io", "x", 401, "invalid_grant", "Invalid user credentials"},
		{"bad client", "other", "bob@astran.io", "x", 401, "invalid_client", "Invalid client or Invalid client credentials"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, tok := passwordGrant(t, srv.Issuer(), tc.client, tc.user, tc.pw)
			if status != tc.status || tok.Error != tc.code || tok.ErrorDescription != tc.desc {
				t.Errorf("got %d %q %q, want %d %q %q", status, tok.Error, tok.ErrorDescription, tc.status, tc.code, tc.desc)
			}
		})
	}
	// Complete the mailbox link, then a wrong password is 401.
	msg, ok := srv.Mailbox().Last("bob@astran.io")
	if !ok || !strings.Contains(msg.Link, "/auth/realms/demo/login-actions/action-token?key=") {
		t.Fatalf("mailbox: %+v %v", msg, ok)
	}
	if err := srv.Mailbox().Verify(msg.Link, "secret-1"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Mailbox().Verify(msg.Link, "again"); !errors.Is(err, emulator.ErrInvalidLink) {
		t.Errorf("reused link: %v", err)
	}
	if status, tok := passwordGrant(t, srv.Issuer(), "s5", "bob@astran.io", "wrong"); status != 401 || tok.ErrorDescription != "Invalid user credentials" {
		t.Errorf("wrong password: %d %+v", status, tok)
	}
	if status, _ := passwordGrant(t, srv.Issuer(), "s5", "bob@astran.io", "secret-1"); status != 200 {
		t.Errorf("right password: %d", status)
	}
}

func TestOIDC_refreshGrant(t *testing.T) {
	srv := newServer(t)
	email, pw := srv.RootLogin()
	status, tok := passwordGrant(t, srv.RootIssuer(), "root-client", email, pw)
	if status != 200 {
		t.Fatalf("root login: %d %+v", status, tok)
	}
	refresh := func(rt string) (int, tokenJSON) {
		st, body := postForm(t, srv.RootIssuer()+"/protocol/openid-connect/token", map[string][]string{
			"client_id": {"root-client"}, "grant_type": {"refresh_token"}, "refresh_token": {rt}})
		var tj tokenJSON
		_ = json.Unmarshal(body, &tj)
		return st, tj
	}
	st, tok2 := refresh(tok.RefreshToken)
	if st != 200 || tok2.AccessToken == "" || tok2.SessionState != tok.SessionState {
		t.Fatalf("refresh: %d %+v", st, tok2)
	}
	srv.Advance(1801 * time.Second)
	if st, tj := refresh(tok2.RefreshToken); st != 400 || tj.Error != "invalid_grant" {
		t.Errorf("expired refresh: %d %+v", st, tj)
	}
	if st, tj := refresh("garbage"); st != 400 || tj.Error != "invalid_grant" {
		t.Errorf("garbage refresh: %d %+v", st, tj)
	}
}
