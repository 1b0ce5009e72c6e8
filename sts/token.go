package sts

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/astran-oss/astran-go/endpoint"
	"github.com/astran-oss/astran-go/sts/internal/retry"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/sync/singleflight"
)

// PasswordGrant is the [TokenSource] of Astran's users: it obtains OIDC
// tokens for one user with the OAuth2 password grant and keeps them fresh: it reuses a valid access token, refreshes it
// with the (rotated) refresh token while that lives, and falls back to a new
// password grant when the refresh token has expired or is rejected.
//
// A password the server rejected as invalid ([ErrBadCredentials]) is held
// back for a while, so that a retry loop cannot lock the account: until
// [RejectedPasswordBackoff] (1 minute) has passed, asking for a token with
// the same password returns the same error without a request. Each further
// rejection in a row doubles the wait, up to [MaxRejectedPasswordBackoff]
// (15 minutes); a success resets it. A different password (the
// PasswordFunc returns what the user typed again, or a password reset was
// stored) is sent at once. Other failures are not remembered.
//
// A PasswordGrant is safe for concurrent use. Concurrent calls share one
// request; a caller whose context ends stops waiting without cancelling the
// shared request, which runs under its own RefreshTimeout.
type PasswordGrant struct {
	o        PasswordGrantOptions // defaults applied
	ep       endpoint.Endpoints
	httpc    *http.Client // o.HTTPClient with bodies capped at o.MaxResponseBytes
	username string
	password PasswordFunc
	sf       singleflight.Group

	mu  sync.Mutex // guards tok, rejected and the fields set up by init
	tok *Token     // current token set; nil before the first grant

	// rejected remembers the last password the server rejected as
	// ErrBadCredentials, as a keyed hash, with the error: the same password
	// is not sent again before heldUntil (every attempt counts towards a
	// lockout). rejections counts the rejections in a row.
	rejected    [sha256.Size]byte
	rejectedErr error
	heldUntil   time.Time
	rejections  int

	inited   bool
	tokenURL string
	issuer   string // expected issuer (from discovery when enabled)
	style    oauth2.AuthStyle
	verifier *oidc.IDTokenVerifier
}

// NewPasswordGrant returns a PasswordGrant for username at the identity
// provider of ep (its Issuer and ClientID; see [endpoint.Resolve]).
// password is called whenever a password grant is needed. No request is
// made until the first call to [PasswordGrant.Token].
func NewPasswordGrant(ep endpoint.Endpoints, username string, password PasswordFunc, optFns ...func(*PasswordGrantOptions)) (*PasswordGrant, error) {
	o := apply(optFns)
	o.RequestOptions, _ = o.RequestOptions.withDefaults()
	o.Leeway = leeway(o.Leeway)
	o.RefreshTimeout = refreshTimeout(o.RefreshTimeout)
	switch {
	case username == "":
		return nil, fmt.Errorf("sts: new password grant: empty username: %w", ErrInvalidConfig)
	case password == nil:
		return nil, fmt.Errorf("sts: new password grant: %w: %w", errNilPassword, ErrInvalidConfig)
	case ep.Issuer == "" && o.TokenURL == "":
		return nil, fmt.Errorf("sts: new password grant: no partition, issuer or token URL: %w", ErrInvalidConfig)
	case ep.Issuer != "" && !validURL(ep.Issuer):
		return nil, fmt.Errorf("sts: new password grant: issuer %q is not an http(s) URL: %w", ep.Issuer, ErrInvalidConfig)
	case o.TokenURL != "" && !validURL(o.TokenURL):
		return nil, fmt.Errorf("sts: new password grant: token URL %q is not an http(s) URL: %w", o.TokenURL, ErrInvalidConfig)
	case o.Discovery && ep.Issuer == "":
		return nil, fmt.Errorf("sts: new password grant: discovery needs an issuer: %w", ErrInvalidConfig)
	}
	return &PasswordGrant{o: o, ep: ep, httpc: cappedClient(o.HTTPClient, o.MaxResponseBytes), username: username, password: password}, nil
}

func validURL(s string) bool { return endpoint.ValidURL(s) }

func (s *PasswordGrant) view() view {
	return view{"sts.PasswordGrant", []field{
		{"Issuer", "issuer", s.ep.Issuer},
		{"ClientID", "client_id", s.ep.ClientID},
		{"Username", "username", s.username},
	}}
}

// String describes s without secrets.
func (s *PasswordGrant) String() string { return s.view().String() }

// GoString is String.
func (s *PasswordGrant) GoString() string { return s.String() }

// Format implements [fmt.Formatter] so that every verb redacts.
func (s *PasswordGrant) Format(f fmt.State, verb rune) { s.view().Format(f, verb) }

// LogValue implements [slog.LogValuer] without secrets.
func (s *PasswordGrant) LogValue() slog.Value { return s.view().LogValue() }

// Token returns a token set whose access token is valid for at least
// Leeway. It implements [TokenSource]. The returned Token is a copy owned by the caller.
func (s *PasswordGrant) Token(ctx context.Context) (*Token, error) {
	if t := s.current(); t != nil {
		return t, nil
	}
	t, err := shared(ctx, &s.sf, "token", "getting token", s.o.RefreshTimeout, s.fetch)
	if err != nil {
		return nil, err
	}
	c := *t
	return &c, nil
}

// current returns a copy of the token if its access token is still valid.
func (s *PasswordGrant) current() *Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok == nil || !s.valid(s.tok.Expiry) {
		return nil
	}
	t := *s.tok
	return &t
}

func (s *PasswordGrant) valid(expiry time.Time) bool {
	return !expiry.IsZero() && s.o.Now().Add(s.o.Leeway).Before(expiry)
}

// expire forgets the access token accessToken (keeping the refresh token)
// so that the next call mints a new one.
func (s *PasswordGrant) expire(accessToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != nil && s.tok.AccessToken == accessToken {
		t := *s.tok
		t.AccessToken, t.Expiry = "", time.Time{}
		s.tok = &t
	}
}

// fetch runs inside the single flight.
func (s *PasswordGrant) fetch(ctx context.Context) (*Token, error) {
	if t := s.current(); t != nil {
		return t, nil
	}
	if err := s.init(ctx); err != nil {
		return nil, err
	}
	s.mu.Lock()
	old := s.tok
	s.mu.Unlock()
	if old != nil && old.RefreshToken != "" && (old.RefreshExpiry.IsZero() || s.valid(old.RefreshExpiry)) {
		t, err := s.grant(ctx, "refresh token grant", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {old.RefreshToken}}, old.RefreshToken)
		if err == nil {
			return s.store(t), nil
		}
		if !errors.Is(err, ErrRefreshExpired) {
			return nil, err
		}
		s.o.Logger.Debug("sts: refresh token rejected, running a new password grant", "error", err.Error())
	}
	pw, err := s.password(ctx)
	if err != nil {
		return nil, fmt.Errorf("sts: password grant: %w", err)
	}
	sum := passwordHash(pw)
	s.mu.Lock()
	prev, until := s.rejectedErr, s.heldUntil
	if prev != nil && hmac.Equal(sum[:], s.rejected[:]) && s.o.Now().Before(until) {
		s.mu.Unlock()
		return nil, fmt.Errorf("%w (the same password is not sent again before %s)", prev, timeString(until))
	}
	s.mu.Unlock()
	t, err := s.grant(ctx, "password grant", url.Values{"grant_type": {"password"}, "username": {s.username}, "password": {pw}}, pw)
	if err != nil {
		if errors.Is(err, ErrBadCredentials) {
			s.mu.Lock()
			s.rejections++
			s.rejected, s.rejectedErr = sum, err
			s.heldUntil = s.o.Now().Add(rejectedBackoff(s.rejections))
			s.mu.Unlock()
		}
		return nil, err
	}
	s.mu.Lock()
	s.rejectedErr, s.rejections = nil, 0
	s.mu.Unlock()
	return s.store(t), nil
}

// How long a rejected password is held back: RejectedPasswordBackoff after
// the first rejection, doubling with each further one in a row, at most
// MaxRejectedPasswordBackoff.
const (
	RejectedPasswordBackoff    = time.Minute
	MaxRejectedPasswordBackoff = 15 * time.Minute
)

// rejectedBackoff returns the wait after the n-th rejection in a row.
func rejectedBackoff(n int) time.Duration {
	d := RejectedPasswordBackoff
	for i := 1; i < n && d < MaxRejectedPasswordBackoff; i++ {
		d *= 2
	}
	return min(d, MaxRejectedPasswordBackoff)
}

// hashKey keys the hashes of rejected passwords; it never leaves the process.
var hashKey = func() []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}()

func passwordHash(pw string) (sum [sha256.Size]byte) {
	m := hmac.New(sha256.New, hashKey)
	m.Write([]byte(pw))
	copy(sum[:], m.Sum(nil))
	return sum
}

func (s *PasswordGrant) store(t *Token) *Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tok = t
	c := *t
	return &c
}

// init resolves the token URL, the expected issuer, the client auth style
// and the verifier, once (discovery happens here).
func (s *PasswordGrant) init(ctx context.Context) error {
	s.mu.Lock()
	done := s.inited
	s.mu.Unlock()
	if done {
		return nil
	}
	issuer := s.ep.Issuer
	tokenURL := s.o.TokenURL
	jwksURL := ""
	var authMethods, algs []string
	if s.o.Discovery {
		doc, err := s.discover(ctx)
		if err != nil {
			return err
		}
		issuer = doc.Issuer
		if tokenURL == "" {
			tokenURL = doc.TokenEndpoint
		}
		jwksURL, authMethods, algs = doc.JWKSURI, doc.AuthMethods, doc.Algorithms
	}
	if tokenURL == "" {
		tokenURL = endpoint.TokenURL(issuer)
	}
	if jwksURL == "" && issuer != "" {
		jwksURL = strings.TrimRight(issuer, "/") + "/protocol/openid-connect/certs"
	}
	style := oauth2.AuthStyleInParams // public client: never auto-detect
	if s.o.ClientSecret != nil {
		style = s.o.ClientAuthStyle
		if style == oauth2.AuthStyleAutoDetect {
			style = authStyleFor(authMethods)
		}
	}
	var verifier *oidc.IDTokenVerifier
	if s.o.VerifyTokens {
		if jwksURL == "" {
			return &OIDCError{Op: "verify token", Kind: ErrInvalidConfig, Err: errors.New("no issuer or JWKS URL")}
		}
		// The key set fetches keys in the background with this context; it
		// carries only the HTTP client (go-oidc's configuration channel).
		kctx := oidc.ClientContext(context.Background(), s.httpc)
		keys := oidc.NewRemoteKeySet(kctx, jwksURL)
		verifier = oidc.NewVerifier(issuer, keys, &oidc.Config{
			// Keycloak access tokens carry aud "account" and the client
			// in azp: the client and the issuer are checked in verify.
			SkipClientIDCheck:    true,
			SkipIssuerCheck:      true,
			SupportedSigningAlgs: algs,
			Now:                  func() time.Time { return s.o.Now().Add(-s.o.Leeway) },
		})
	}
	s.mu.Lock()
	s.inited, s.tokenURL, s.issuer, s.style, s.verifier = true, tokenURL, issuer, style, verifier
	s.mu.Unlock()
	return nil
}

// authStyleFor picks the client authentication advertised by discovery:
// client_secret_basic (the default of RFC 6749 and OIDC) unless only
// client_secret_post is listed.
func authStyleFor(methods []string) oauth2.AuthStyle {
	if !slices.Contains(methods, "client_secret_basic") && slices.Contains(methods, "client_secret_post") {
		return oauth2.AuthStyleInParams
	}
	return oauth2.AuthStyleInHeader
}

type discoveryDoc struct {
	Issuer        string   `json:"issuer"`
	TokenEndpoint string   `json:"token_endpoint"`
	JWKSURI       string   `json:"jwks_uri"`
	AuthMethods   []string `json:"token_endpoint_auth_methods_supported"`
	Algorithms    []string `json:"id_token_signing_alg_values_supported"`
}

// sameIssuer compares issuers ignoring trailing slashes only.
func sameIssuer(a, b string) bool {
	return strings.TrimRight(a, "/") == strings.TrimRight(b, "/")
}

func (s *PasswordGrant) discover(ctx context.Context) (*discoveryDoc, error) {
	u := strings.TrimRight(s.ep.Issuer, "/") + "/.well-known/openid-configuration"
	var doc discoveryDoc
	err := retry.Do(ctx, s.o.retryPolicy("discovery"), transient, func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return &OIDCError{Op: "discovery", URL: u, Kind: ErrInvalidConfig, Err: err}
		}
		req.Header.Set("Accept", "application/json")
		resp, err := s.o.HTTPClient.Do(req)
		if err != nil {
			return netError(ctx, "discovery", u, err)
		}
		defer resp.Body.Close()
		body, err := readCapped(resp.Body, s.o.MaxResponseBytes)
		if err != nil {
			return &OIDCError{Op: "discovery", URL: u, StatusCode: resp.StatusCode, Kind: ErrMalformedResponse, Err: err}
		}
		if resp.StatusCode != http.StatusOK {
			return &OIDCError{Op: "discovery", URL: u, StatusCode: resp.StatusCode, Kind: statusKind(resp.StatusCode)}
		}
		doc = discoveryDoc{}
		if err := json.Unmarshal(body, &doc); err != nil {
			return &OIDCError{Op: "discovery", URL: u, StatusCode: resp.StatusCode, Kind: ErrMalformedResponse, Err: err}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !sameIssuer(doc.Issuer, s.ep.Issuer) {
		return nil, &OIDCError{Op: "discovery", URL: u, Kind: ErrIssuerMismatch,
			Err: fmt.Errorf("configured %q, discovered %q", s.ep.Issuer, serverText(doc.Issuer))}
	}
	if doc.TokenEndpoint == "" && s.o.TokenURL == "" {
		return nil, &OIDCError{Op: "discovery", URL: u, Kind: ErrMalformedResponse, Err: errors.New("no token_endpoint")}
	}
	return &doc, nil
}

// statusKind classifies an HTTP status without an error code.
func statusKind(code int) error {
	switch {
	case code == http.StatusTooManyRequests || code >= 500:
		return ErrUnavailable
	case code == http.StatusForbidden:
		return ErrAccessDenied
	}
	return ErrRejected
}

// netError classifies a failure to get a response.
func netError(ctx context.Context, op, u string, err error) error {
	if ctx.Err() != nil {
		return &OIDCError{Op: op, URL: u, Err: ctx.Err()}
	}
	return &OIDCError{Op: op, URL: u, Kind: ErrUnreachable, Err: err}
}

func readCapped(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("response body larger than %d bytes", limit)
	}
	return b, nil
}

// grant runs one token request (with retries on transient failures) via
// golang.org/x/oauth2, converts and verifies the token. secret is removed
// from any server text kept in errors.
func (s *PasswordGrant) grant(ctx context.Context, op string, v url.Values, secret string) (*Token, error) {
	s.mu.Lock()
	tokenURL, style := s.tokenURL, s.style
	s.mu.Unlock()
	clientSecret := ""
	if s.o.ClientSecret != nil {
		var err error
		if clientSecret, err = s.o.ClientSecret(ctx); err != nil {
			return nil, fmt.Errorf("sts: %s: reading client secret: %w", op, err)
		}
	}
	cfg := &oauth2.Config{
		ClientID:     s.ep.ClientID,
		ClientSecret: clientSecret,
		Endpoint:     oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: style},
		Scopes:       s.o.Scopes,
	}
	var ot *oauth2.Token
	var start time.Time
	err := retry.Do(ctx, s.o.retryPolicy(op), transient, func(ctx context.Context) error {
		hctx := context.WithValue(ctx, oauth2.HTTPClient, s.httpc)
		start = s.o.Now()
		var err error
		if v.Get("grant_type") == "password" {
			ot, err = cfg.PasswordCredentialsToken(hctx, v.Get("username"), v.Get("password"))
		} else {
			// A token with only a refresh token makes x/oauth2 refresh at once.
			ot, err = cfg.TokenSource(hctx, &oauth2.Token{RefreshToken: v.Get("refresh_token")}).Token()
		}
		if err != nil {
			return s.classify(ctx, op, tokenURL, err, secret, clientSecret)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	t := convertToken(ot, start)
	if err := s.verify(ctx, t); err != nil {
		return nil, err
	}
	s.o.Logger.Debug("sts: token obtained", "op", op, "token", t)
	return t, nil
}

// classify turns an x/oauth2 error into an *OIDCError. The RetrieveError
// itself is not kept: its Error text contains the raw response body.
func (s *PasswordGrant) classify(ctx context.Context, op, u string, err error, secrets ...string) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		if ctx.Err() != nil {
			return &OIDCError{Op: op, URL: u, Err: ctx.Err()}
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			return &OIDCError{Op: op, URL: u, Kind: ErrUnreachable, Err: ue.Err}
		}
		// x/oauth2's own messages ("server response missing access_token",
		// "cannot parse json") contain no body.
		return &OIDCError{Op: op, URL: u, Kind: ErrMalformedResponse, Err: errors.New(serverText(err.Error(), secrets...))}
	}
	e := &OIDCError{
		Op:          op,
		URL:         u,
		Code:        serverText(re.ErrorCode, secrets...),
		Description: serverText(re.ErrorDescription, secrets...),
	}
	if re.Response != nil {
		e.StatusCode = re.Response.StatusCode
	}
	desc := strings.ToLower(re.ErrorDescription)
	switch {
	case e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500:
		e.Kind = ErrUnavailable
	case re.ErrorCode == "unauthorized_client":
		e.Kind = ErrUnauthorizedClient
	case re.ErrorCode == "invalid_client":
		e.Kind = ErrInvalidClient
	case re.ErrorCode == "invalid_grant" && op == "refresh token grant":
		e.Kind = ErrRefreshExpired
	case re.ErrorCode == "invalid_grant" && strings.Contains(desc, "not fully set up"):
		e.Kind = ErrAccountNotSetUp
	case re.ErrorCode == "invalid_grant" && (e.StatusCode == http.StatusUnauthorized || strings.Contains(desc, "invalid user credentials")):
		e.Kind = ErrBadCredentials
	case re.ErrorCode == "" && (e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden):
		// A bare 401 or 403 (an identity provider or a proxy before it that
		// gives no RFC 6749 error) rejected the grant.
		e.Kind = ErrBadCredentials
		if op == "refresh token grant" {
			e.Kind = ErrRefreshExpired
		}
	default:
		e.Kind = ErrRejected
	}
	return e
}

func convertToken(ot *oauth2.Token, start time.Time) *Token {
	t := &Token{
		AccessToken:  ot.AccessToken,
		RefreshToken: ot.RefreshToken,
		TokenType:    ot.TokenType,
	}
	if ot.ExpiresIn > 0 {
		t.Expiry = start.Add(time.Duration(ot.ExpiresIn) * time.Second)
	}
	if d, ok := seconds(ot.Extra("refresh_expires_in")); ok && d > 0 {
		t.RefreshExpiry = start.Add(d)
	}
	if v, ok := ot.Extra("id_token").(string); ok {
		t.IDToken = v
	}
	if v, ok := ot.Extra("scope").(string); ok {
		t.Scope = v
	}
	return t
}

func seconds(v any) (time.Duration, bool) {
	switch x := v.(type) {
	case float64:
		return time.Duration(x * float64(time.Second)), true
	case json.Number:
		f, err := x.Float64()
		return time.Duration(f * float64(time.Second)), err == nil
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return time.Duration(n) * time.Second, err == nil
	}
	return 0, false
}

// verify checks the access token and the ID token when VerifyTokens is set.
func (s *PasswordGrant) verify(ctx context.Context, t *Token) error {
	s.mu.Lock()
	v, issuer := s.verifier, s.issuer
	s.mu.Unlock()
	if v == nil {
		return nil
	}
	for _, raw := range []string{t.AccessToken, t.IDToken} {
		if raw == "" {
			continue
		}
		idt, err := v.Verify(ctx, raw)
		if err != nil {
			var te *oidc.TokenExpiredError
			if errors.As(err, &te) {
				return &OIDCError{Op: "verify token", Kind: ErrTokenInvalid, Err: fmt.Errorf("expired at %s", te.Expiry.UTC().Format(time.RFC3339))}
			}
			if ctx.Err() != nil {
				return &OIDCError{Op: "verify token", Err: ctx.Err()}
			}
			return &OIDCError{Op: "verify token", Kind: ErrTokenInvalid, Err: errors.New(serverText(err.Error(), raw))}
		}
		if !sameIssuer(idt.Issuer, issuer) {
			return &OIDCError{Op: "verify token", Kind: ErrTokenInvalid,
				Err: fmt.Errorf("%w: expected %q, token has %q", ErrIssuerMismatch, issuer, serverText(idt.Issuer))}
		}
		var claims struct {
			AZP      string `json:"azp"`
			ClientID string `json:"client_id"`
		}
		if err := idt.Claims(&claims); err != nil {
			return &OIDCError{Op: "verify token", Kind: ErrTokenInvalid, Err: err}
		}
		if client, ok := tokenClient(claims.AZP, claims.ClientID, idt.Audience, s.ep.ClientID); !ok {
			return &OIDCError{Op: "verify token", Kind: ErrTokenInvalid,
				Err: fmt.Errorf("token issued to client %q (aud %q), not %q", serverText(client), serverText(strings.Join(idt.Audience, " ")), s.ep.ClientID)}
		}
	}
	return nil
}

// tokenClient names the client a verified token was issued to and reports
// whether it is want: the "azp" claim when present (Keycloak's access
// tokens, whose aud is "account"; OIDC ID tokens), else "client_id" (RFC
// 9068 JWT access tokens, whose aud is the resource), else the token must
// list want in "aud" (OIDC ID tokens without azp).
func tokenClient(azp, clientID string, aud []string, want string) (string, bool) {
	switch {
	case azp != "":
		return azp, azp == want
	case clientID != "":
		return clientID, clientID == want
	}
	return "", slices.Contains(aud, want)
}
