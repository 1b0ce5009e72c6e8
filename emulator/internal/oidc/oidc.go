// Package oidc is the Keycloak-style OpenID Connect provider of the
// emulator: realms, accounts with passwords, discovery, JWKS and a token
// endpoint with the password and refresh_token grants. Access tokens are
// RS256 JWTs signed with go-jose.
package oidc

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Token lifetimes of Astran's Keycloak.
const (
	AccessTokenLifetime  = 300 * time.Second
	RefreshTokenLifetime = 1800 * time.Second
)

// MaxFormSize caps request bodies of the token endpoint.
const MaxFormSize = 64 << 10

// Sentinel errors of [Provider.Verify].
var (
	ErrTokenMalformed = errors.New("malformed token")
	ErrTokenSignature = errors.New("invalid token signature")
	ErrTokenExpired   = errors.New("token expired")
	ErrTokenIssuer    = errors.New("unknown token issuer")
	ErrTokenAudience  = errors.New("invalid token audience")
)

// Realm describes one Keycloak realm and its single public client.
type Realm struct {
	Name     string
	ClientID string
	// DirectGrants reports whether the client allows the password grant;
	// when false the token endpoint answers 400 unauthorized_client.
	DirectGrants bool
}

// Account is a realm user.
type Account struct {
	Subject  string // Keycloak user ID (a UUID)
	Email    string
	Verified bool // password set and email verified
	pwHash   [32]byte
}

// Claims are the claims of an access token.
type Claims struct {
	Issuer    string           `json:"iss"`
	Subject   string           `json:"sub"`
	Audience  jwt.Audience     `json:"aud"`
	AZP       string           `json:"azp"`
	Email     string           `json:"email"`
	Username  string           `json:"preferred_username"`
	Verified  bool             `json:"email_verified"`
	Type      string           `json:"typ"`
	Scope     string           `json:"scope"`
	Session   string           `json:"session_state"`
	SID       string           `json:"sid"`
	Expiry    *jwt.NumericDate `json:"exp"`
	IssuedAt  *jwt.NumericDate `json:"iat"`
	JTI       string           `json:"jti"`
	AuthTime  *jwt.NumericDate `json:"auth_time,omitempty"`
	NotBefore *jwt.NumericDate `json:"nbf,omitempty"`
	// SourceIdentity is the claim AWS STS reads as the session's source
	// identity in AssumeRoleWithWebIdentity.
	SourceIdentity string `json:"https://aws.amazon.com/source_identity,omitempty"`
}

type refreshToken struct {
	realm   string
	subject string
	session string
	openid  bool // the session asked for scope openid: refreshes return an ID token
	expires time.Time
}

type realmState struct {
	Realm
	accounts map[string]*Account // by lower-case email
}

// Provider is the OIDC provider. It is safe for concurrent use.
type Provider struct {
	base string // e.g. http://127.0.0.1:1234/auth/realms/
	now  func() time.Time
	key  *rsa.PrivateKey
	kid  string
	sig  jose.Signer

	mu      sync.Mutex
	realms  map[string]*realmState   // guarded by mu
	refresh map[string]*refreshToken // guarded by mu
}

var (
	keyOnce sync.Once
	sharedK *rsa.PrivateKey
	keyErr  error
)

// signingKey returns a process-wide RSA key: generating one per server costs
// more CPU than tests can spare, and every server has its own issuer anyway.
func signingKey() (*rsa.PrivateKey, error) {
	keyOnce.Do(func() { sharedK, keyErr = rsa.GenerateKey(rand.Reader, 2048) })
	return sharedK, keyErr
}

// New returns a provider whose realms live under base (the URL prefix up to
// and including "/realms/"). now is the clock.
func New(base string, now func() time.Time, realms ...Realm) (*Provider, error) {
	key, err := signingKey()
	if err != nil {
		return nil, fmt.Errorf("oidc: generating key: %w", err)
	}
	sum := sha256.Sum256(key.PublicKey.N.Bytes())
	kid := hex.EncodeToString(sum[:8])
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
	if err != nil {
		return nil, fmt.Errorf("oidc: creating signer: %w", err)
	}
	p := &Provider{base: base, now: now, key: key, kid: kid, sig: sig,
		realms: map[string]*realmState{}, refresh: map[string]*refreshToken{}}
	for _, r := range realms {
		p.realms[r.Name] = &realmState{Realm: r, accounts: map[string]*Account{}}
	}
	return p, nil
}

// Issuer returns the issuer URL of realm.
func (p *Provider) Issuer(realm string) string { return p.base + realm }

func hashPassword(pw string) [32]byte { return sha256.Sum256([]byte("emulator:" + pw)) }

// AddAccount registers email in realm with the given subject; password ""
// leaves the account not fully set up. An existing account is replaced.
func (p *Provider) AddAccount(realm, subject, email, password string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	rs, ok := p.realms[realm]
	if !ok {
		return fmt.Errorf("oidc: adding account: unknown realm %q", realm)
	}
	a := &Account{Subject: subject, Email: email}
	if password != "" {
		a.Verified, a.pwHash = true, hashPassword(password)
	}
	rs.accounts[strings.ToLower(email)] = a
	return nil
}

// SetPassword sets the password of an existing account and marks it verified.
func (p *Provider) SetPassword(realm, email, password string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	rs, ok := p.realms[realm]
	if !ok {
		return fmt.Errorf("oidc: setting password: unknown realm %q", realm)
	}
	a, ok := rs.accounts[strings.ToLower(email)]
	if !ok {
		return fmt.Errorf("oidc: setting password: no account %q in realm %q", email, realm)
	}
	a.Verified, a.pwHash = true, hashPassword(password)
	return nil
}

// RemoveAccount deletes an account; a no-op when absent.
func (p *Provider) RemoveAccount(realm, email string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if rs, ok := p.realms[realm]; ok {
		delete(rs.accounts, strings.ToLower(email))
	}
}

// Lookup returns a copy of an account.
func (p *Provider) Lookup(realm, email string) (Account, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if rs, ok := p.realms[realm]; ok {
		if a, ok := rs.accounts[strings.ToLower(email)]; ok {
			return *a, true
		}
	}
	return Account{}, false
}

// RandomID returns a random UUID v4.
func RandomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// TokenResponse is Keycloak's token endpoint JSON.
type TokenResponse struct {
	AccessToken      string `json:"access_token"`
	ExpiresIn        int    `json:"expires_in"`
	RefreshExpiresIn int    `json:"refresh_expires_in"`
	RefreshToken     string `json:"refresh_token"`
	TokenType        string `json:"token_type"`
	IDToken          string `json:"id_token,omitempty"`
	NotBeforePolicy  int    `json:"not-before-policy"`
	SessionState     string `json:"session_state"`
	Scope            string `json:"scope"`
}

// Error is a Keycloak OAuth2 error response.
type Error struct {
	Status      int    `json:"-"`
	Code        string `json:"error"`
	Description string `json:"error_description"`
}

func (e *Error) Error() string { return "oidc: " + e.Code + ": " + e.Description }

func errInvalidCredentials() *Error {
	return &Error{http.StatusUnauthorized, "invalid_grant", "Invalid user credentials"}
}

// Token runs the token endpoint logic for realm with the given form.
func (p *Provider) Token(realm string, form map[string][]string) (*TokenResponse, *Error) {
	get := func(k string) string {
		if v := form[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	rs, ok := p.realms[realm]
	if !ok {
		return nil, &Error{http.StatusNotFound, "Realm does not exist", ""}
	}
	grant := get("grant_type")
	if grant == "" {
		return nil, &Error{http.StatusBadRequest, "invalid_request", "Missing form parameter: grant_type"}
	}
	if get("client_id") != rs.ClientID {
		return nil, &Error{http.StatusUnauthorized, "invalid_client", "Invalid client or Invalid client credentials"}
	}
	now := p.now()
	switch grant {
	case "password":
		if !rs.DirectGrants {
			return nil, &Error{http.StatusBadRequest, "unauthorized_client", "Client not allowed for direct access grants"}
		}
		a, ok := rs.accounts[strings.ToLower(get("username"))]
		if !ok {
			return nil, errInvalidCredentials()
		}
		if !a.Verified {
			return nil, &Error{http.StatusBadRequest, "invalid_grant", "Account is not fully set up"}
		}
		h := hashPassword(get("password"))
		if subtle.ConstantTimeCompare(h[:], a.pwHash[:]) != 1 {
			return nil, errInvalidCredentials()
		}
		openid := false
		for _, sc := range strings.Fields(get("scope")) {
			openid = openid || sc == "openid"
		}
		return p.issue(rs, a, RandomID(), openid, now)
	case "refresh_token":
		rt, ok := p.refresh[get("refresh_token")]
		if !ok || rt.realm != realm {
			return nil, &Error{http.StatusBadRequest, "invalid_grant", "Invalid refresh token"}
		}
		if !now.Before(rt.expires) {
			delete(p.refresh, get("refresh_token"))
			return nil, &Error{http.StatusBadRequest, "invalid_grant", "Token is not active"}
		}
		var acct *Account
		for _, a := range rs.accounts {
			if a.Subject == rt.subject {
				acct = a
			}
		}
		if acct == nil || !acct.Verified {
			return nil, &Error{http.StatusBadRequest, "invalid_grant", "Session not active"}
		}
		return p.issue(rs, acct, rt.session, rt.openid, now)
	default:
		return nil, &Error{http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant_type"}
	}
}

// issue mints tokens; p.mu is held.
func (p *Provider) issue(rs *realmState, a *Account, session string, openid bool, now time.Time) (*TokenResponse, *Error) {
	c := Claims{
		Issuer: p.Issuer(rs.Name), Subject: a.Subject, Audience: jwt.Audience{rs.ClientID},
		AZP: rs.ClientID, Email: a.Email, Username: strings.ToLower(a.Email), Verified: true,
		Type: "Bearer", Scope: "email", Session: session, SID: session,
		Expiry: jwt.NewNumericDate(now.Add(AccessTokenLifetime)), IssuedAt: jwt.NewNumericDate(now),
		JTI: RandomID(),
	}
	tok, err := jwt.Signed(p.sig).Claims(c).Serialize()
	if err != nil {
		return nil, &Error{http.StatusInternalServerError, "server_error", "signing failed"}
	}
	var idTok string
	scope := "email"
	if openid {
		scope = "openid email"
		id := c
		id.Type, id.Scope, id.JTI = "ID", "", RandomID()
		if idTok, err = jwt.Signed(p.sig).Claims(id).Serialize(); err != nil {
			return nil, &Error{http.StatusInternalServerError, "server_error", "signing failed"}
		}
	}
	var rb [32]byte
	_, _ = rand.Read(rb[:])
	rtok := hex.EncodeToString(rb[:])
	for k, v := range p.refresh { // drop expired tokens so the map stays small
		if !now.Before(v.expires) {
			delete(p.refresh, k)
		}
	}
	p.refresh[rtok] = &refreshToken{realm: rs.Name, subject: a.Subject, session: session, openid: openid, expires: now.Add(RefreshTokenLifetime)}
	return &TokenResponse{
		AccessToken: tok, ExpiresIn: int(AccessTokenLifetime / time.Second),
		RefreshExpiresIn: int(RefreshTokenLifetime / time.Second), RefreshToken: rtok,
		TokenType: "Bearer", IDToken: idTok, SessionState: session, Scope: scope,
	}, nil
}

// Issues reports whether iss is the issuer of one of the provider's realms.
func (p *Provider) Issues(iss string) bool {
	realm, ok := strings.CutPrefix(iss, p.base)
	if !ok {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_, ok = p.realms[realm]
	return ok
}

// Verify checks an access token's signature, issuer (one of this provider's
// realms), audience (the realm's client) and expiry, returning its claims and
// realm name.
func (p *Provider) Verify(token string) (Claims, string, error) {
	var c Claims
	t, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return c, "", fmt.Errorf("%w: %w", ErrTokenMalformed, err)
	}
	if err := t.Claims(&p.key.PublicKey, &c); err != nil {
		return c, "", fmt.Errorf("%w: %w", ErrTokenSignature, err)
	}
	if !strings.HasPrefix(c.Issuer, p.base) {
		return c, "", ErrTokenIssuer
	}
	realm := strings.TrimPrefix(c.Issuer, p.base)
	p.mu.Lock()
	rs, ok := p.realms[realm]
	p.mu.Unlock()
	if !ok {
		return c, "", ErrTokenIssuer
	}
	if !c.Audience.Contains(rs.ClientID) && c.AZP != rs.ClientID {
		return c, "", ErrTokenAudience
	}
	if c.Expiry == nil || !p.now().Before(c.Expiry.Time()) {
		return c, "", ErrTokenExpired
	}
	return c, realm, nil
}

// Handler serves the realms: paths {prefix}/{realm}/.well-known/openid-configuration,
// {prefix}/{realm}/protocol/openid-connect/{certs,token,userinfo}, where
// prefix is the path part of base (e.g. "/auth/realms/").
func (p *Provider) Handler(prefix string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, prefix)
		if !ok {
			http.NotFound(w, r)
			return
		}
		realm, sub, _ := strings.Cut(rest, "/")
		p.mu.Lock()
		_, known := p.realms[realm]
		p.mu.Unlock()
		if !known {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "Realm does not exist"})
			return
		}
		iss := p.Issuer(realm)
		switch sub {
		case ".well-known/openid-configuration":
			writeJSON(w, http.StatusOK, map[string]any{
				"issuer":                                iss,
				"authorization_endpoint":                iss + "/protocol/openid-connect/auth",
				"token_endpoint":                        iss + "/protocol/openid-connect/token",
				"userinfo_endpoint":                     iss + "/protocol/openid-connect/userinfo",
				"jwks_uri":                              iss + "/protocol/openid-connect/certs",
				"end_session_endpoint":                  iss + "/protocol/openid-connect/logout",
				"grant_types_supported":                 []string{"password", "refresh_token"},
				"response_types_supported":              []string{"code", "none", "id_token", "token"},
				"subject_types_supported":               []string{"public", "pairwise"},
				"id_token_signing_alg_values_supported": []string{"RS256"},
				"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
				"scopes_supported":                      []string{"openid", "email", "profile"},
				"claims_supported":                      []string{"iss", "sub", "aud", "exp", "iat", "email", "email_verified", "preferred_username"},
			})
		case "protocol/openid-connect/certs":
			set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: p.kid, Algorithm: "RS256", Use: "sig"}}}
			writeJSON(w, http.StatusOK, set)
		case "protocol/openid-connect/token":
			if r.Method != http.MethodPost {
				writeJSON(w, http.StatusMethodNotAllowed, &Error{Code: "invalid_request", Description: "HTTP method not allowed"})
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, MaxFormSize)
			if err := r.ParseForm(); err != nil {
				writeJSON(w, http.StatusBadRequest, &Error{Code: "invalid_request", Description: "Invalid form"})
				return
			}
			form := r.PostForm
			if id, _, ok := r.BasicAuth(); ok && form.Get("client_id") == "" {
				// client_secret_basic: public clients have no secret to check.
				form.Set("client_id", id)
			}
			tr, e := p.Token(realm, form)
			if e != nil {
				writeJSON(w, e.Status, e)
				return
			}
			w.Header().Set("Cache-Control", "no-store")
			writeJSON(w, http.StatusOK, tr)
		case "protocol/openid-connect/userinfo":
			tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			c, _, err := p.Verify(tok)
			if !ok || err != nil {
				w.Header().Set("WWW-Authenticate", `Bearer realm="`+realm+`", error="invalid_token"`)
				writeJSON(w, http.StatusUnauthorized, &Error{Code: "invalid_token", Description: "Token verification failed"})
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{"sub": c.Subject, "email": c.Email, "email_verified": true, "preferred_username": c.Username})
		default:
			http.NotFound(w, r)
		}
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"server_error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// UnverifiedIssuer returns the iss claim of a JWT without verifying it.
func UnverifiedIssuer(token string) (string, error) {
	t, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.ES256, jose.ES384, jose.ES512, jose.PS256})
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrTokenMalformed, err)
	}
	var c struct {
		Issuer string `json:"iss"`
	}
	if err := t.UnsafeClaimsWithoutVerification(&c); err != nil || c.Issuer == "" {
		return "", ErrTokenMalformed
	}
	return c.Issuer, nil
}
