package sts_test

// fakeAstran is a loopback Astran: a Keycloak realm server that speaks
// Keycloak's token JSON (and discovery, JWKS), and an STS that speaks
// Astran's LoginWithWebIdentity XML and the AWS query protocol's
// AssumeRoleWithWebIdentity. Tests tweak its fields under mu.

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/astran-oss/astran-go/endpoint"
	"github.com/astran-oss/astran-go/sts"
)

const (
	testPartition = "demo"
	testAccount   = "ce09c61d-afac-404f-a96b-ebbbced80013"
	testUser      = "bob@astran.io"
	testPassword  = "correct-horse-battery-staple"
	testSubject   = "c654348c-b583-4cde-8b4a-2011f31cd2cb"
)

// clock is a settable clock shared by the fake and the client.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

// newClock starts at the current second: aws.CredentialsCache compares
// Expires with the real clock.
func newClock() *clock { return &clock{t: time.Now().UTC().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type fakeUser struct {
	password string
	setUp    bool
}

type refreshRec struct {
	user    string
	client  string
	expires time.Time
	used    bool
}

type fakeAstran struct {
	srv   *httptest.Server
	clock *clock // server clock

	key *rsa.PrivateKey
	kid string

	tokenRequests, passwordGrants, refreshGrants, stsCalls, discoveryCalls atomic.Int64

	mu               sync.Mutex
	users            map[string]*fakeUser
	clients          map[string]string // client ID -> secret ("" = public)
	directGrants     map[string]bool   // client ID -> direct access grants enabled
	authMethods      []string          // advertised token_endpoint_auth_methods_supported
	discoveryIssuer  string            // override of the advertised issuer
	tokenIssuer      string            // override of the iss claim
	tokenAZP         string            // override of the azp claim
	rfc9068          bool              // access tokens as RFC 9068 (client_id, aud the resource, no azp) at non-Keycloak URLs
	accessTokens     map[string]time.Time
	refreshTokens    map[string]*refreshRec
	expiresIn        int // seconds
	refreshExpiresIn int
	credLifetime     time.Duration
	expirationSkew   time.Duration // added to Expiration only
	noDate           bool          // omit the Date header of STS responses
	namespace        string        // xmlns of LoginWithWebIdentityResponse
	stsFailures      []int         // statuses answered before succeeding
	tokenFailures    []int
	emptyFailures    bool                                              // tokenFailures are answered with an empty body
	stsHook          func(w http.ResponseWriter, r *http.Request) bool // true = handled
	stsGate          chan struct{}                                     // when set, STS waits for it
	stsArrived       chan struct{}                                     // signalled when a request waits at the gate
	tokenGate        chan struct{}                                     // when set, the token endpoint waits for it
	tokenArrived     chan struct{}
	lastTokenForm    url.Values
	lastTokenAuth    string
	lastTokenPath    string
	n                int
}

// signingKey is shared by all fakes: generating RSA keys is slow.
var signingKey = sync.OnceValue(func() *rsa.PrivateKey {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return key
})

// newFake starts the fake Astran for t; it is closed when t ends (closing
// it earlier, to test an unreachable server, is allowed).
func newFake(t testing.TB) *fakeAstran {
	key := signingKey()
	f := &fakeAstran{
		clock:            newClock(),
		key:              key,
		kid:              "test-key",
		users:            map[string]*fakeUser{testUser: {password: testPassword, setUp: true}, "root@astran.io": {password: testPassword, setUp: true}},
		clients:          map[string]string{"s5": "", "root-client": ""},
		directGrants:     map[string]bool{"s5": true, "root-client": true},
		accessTokens:     map[string]time.Time{},
		refreshTokens:    map[string]*refreshRec{},
		expiresIn:        300,
		refreshExpiresIn: 1800,
		credLifetime:     time.Hour,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /auth/realms/{realm}/protocol/openid-connect/token", f.token)
	mux.HandleFunc("GET /auth/realms/{realm}/.well-known/openid-configuration", f.discovery)
	mux.HandleFunc("GET /auth/realms/{realm}/protocol/openid-connect/certs", f.certs)
	mux.HandleFunc("POST /sts/", f.sts)
	mux.HandleFunc("POST /oauth2/{realm}/token", f.token) // a non-Keycloak layout, advertised when rfc9068 is set
	mux.HandleFunc("GET /oauth2/{realm}/jwks", f.certs)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAstran) Close() {
	f.mu.Lock()
	if f.stsGate != nil {
		select {
		case <-f.stsGate:
		default:
			close(f.stsGate)
		}
	}
	f.mu.Unlock()
	f.srv.Close()
}

func (f *fakeAstran) issuer(realm string) string { return f.srv.URL + "/auth/realms/" + realm }
func (f *fakeAstran) stsURL() string             { return f.srv.URL + "/sts/" }

func (f *fakeAstran) nextID(prefix string) string {
	f.n++
	b := make([]byte, 12)
	rand.Read(b)
	return fmt.Sprintf("%s%d-%s", prefix, f.n, base64.RawURLEncoding.EncodeToString(b))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

func (f *fakeAstran) token(w http.ResponseWriter, r *http.Request) {
	f.tokenRequests.Add(1)
	realm := r.PathValue("realm")
	f.mu.Lock()
	gate, arrived := f.tokenGate, f.tokenArrived
	f.mu.Unlock()
	if gate != nil {
		arrived <- struct{}{}
		<-gate
	}
	if err := r.ParseForm(); err != nil {
		oauthError(w, 400, "invalid_request", "bad form")
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastTokenForm = r.PostForm
	f.lastTokenAuth = r.Header.Get("Authorization")
	f.lastTokenPath = r.URL.Path
	if len(f.tokenFailures) > 0 {
		st := f.tokenFailures[0]
		f.tokenFailures = f.tokenFailures[1:]
		if f.emptyFailures {
			w.WriteHeader(st)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(st)
		fmt.Fprint(w, "<html><body>upstream failure</body></html>")
		return
	}
	// Client authentication, as Keycloak does it.
	clientID, secret, basic := r.BasicAuth()
	if !basic {
		clientID, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	} else if r.PostForm.Get("client_secret") != "" {
		oauthError(w, 400, "invalid_request", "Multiple client authentication methods")
		return
	}
	want, ok := f.clients[clientID]
	if !ok || secret != want {
		oauthError(w, 401, "unauthorized_client", "Invalid client or Invalid client credentials")
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "password":
		f.passwordGrants.Add(1)
		if !f.directGrants[clientID] {
			oauthError(w, 400, "unauthorized_client", "Client not allowed for direct access grants")
			return
		}
		u, ok := f.users[r.PostForm.Get("username")]
		if !ok || u.password != r.PostForm.Get("password") {
			oauthError(w, 401, "invalid_grant", "Invalid user credentials")
			return
		}
		if !u.setUp {
			oauthError(w, 400, "invalid_grant", "Account is not fully set up")
			return
		}
		f.issue(w, realm, clientID, r.PostForm.Get("username"))
	case "refresh_token":
		f.refreshGrants.Add(1)
		rec, ok := f.refreshTokens[r.PostForm.Get("refresh_token")]
		switch {
		case !ok || rec.client != clientID:
			oauthError(w, 400, "invalid_grant", "Invalid refresh token")
		case rec.used:
			oauthError(w, 400, "invalid_grant", "Maximum allowed refresh token reuse exceeded")
		case !f.clock.Now().Before(rec.expires):
			oauthError(w, 400, "invalid_grant", "Token is not active")
		default:
			rec.used = true // Keycloak with "Revoke Refresh Token" on
			f.issue(w, realm, clientID, rec.user)
		}
	default:
		oauthError(w, 400, "unsupported_grant_type", "Unsupported grant_type")
	}
}

// issue writes Keycloak's token response; f.mu is held.
func (f *fakeAstran) issue(w http.ResponseWriter, realm, clientID, user string) {
	now := f.clock.Now()
	iss := f.issuer(realm)
	if f.tokenIssuer != "" {
		iss = f.tokenIssuer
	}
	azp := clientID
	if f.tokenAZP != "" {
		azp = f.tokenAZP
	}
	claims := map[string]any{
		"exp": now.Add(time.Duration(f.expiresIn) * time.Second).Unix(), "iat": now.Unix(),
		"jti": f.nextID("jti-"), "iss": iss, "aud": "account", "sub": testSubject, "typ": "Bearer",
		"azp": azp, "session_state": "faeee2cb-423b-4f6b-a833-7b0eeda28db2", "scope": "email",
		"email_verified": true, "email": user, "preferred_username": user,
	}
	if f.rfc9068 {
		delete(claims, "azp")
		delete(claims, "typ")
		delete(claims, "session_state")
		claims["client_id"], claims["aud"] = azp, "https://sts.example"
	}
	access := f.sign(claims)
	f.accessTokens[access] = now.Add(time.Duration(f.expiresIn) * time.Second)
	refresh := f.nextID("refresh-")
	f.refreshTokens[refresh] = &refreshRec{user: user, client: clientID, expires: now.Add(time.Duration(f.refreshExpiresIn) * time.Second)}
	writeJSON(w, 200, map[string]any{
		"access_token":       access,
		"expires_in":         f.expiresIn,
		"refresh_expires_in": f.refreshExpiresIn,
		"refresh_token":      refresh,
		"token_type":         "Bearer",
		"not-before-policy":  0,
		"session_state":      "faeee2cb-423b-4f6b-a833-7b0eeda28db2",
		"scope":              "email",
	})
}

func (f *fakeAstran) sign(claims map[string]any) string {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: f.key, KeyID: f.kid}}, nil)
	if err != nil {
		panic(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		panic(err)
	}
	s, err := jws.CompactSerialize()
	if err != nil {
		panic(err)
	}
	return s
}

func (f *fakeAstran) discovery(w http.ResponseWriter, r *http.Request) {
	f.discoveryCalls.Add(1)
	realm := r.PathValue("realm")
	f.mu.Lock()
	defer f.mu.Unlock()
	iss := f.issuer(realm)
	if f.discoveryIssuer != "" {
		iss = f.discoveryIssuer
	}
	doc := map[string]any{
		"issuer":                                iss,
		"authorization_endpoint":                f.issuer(realm) + "/protocol/openid-connect/auth",
		"token_endpoint":                        f.issuer(realm) + "/protocol/openid-connect/token",
		"jwks_uri":                              f.issuer(realm) + "/protocol/openid-connect/certs",
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"grant_types_supported":                 []string{"password", "refresh_token"},
	}
	if f.rfc9068 {
		doc["token_endpoint"] = f.srv.URL + "/oauth2/" + realm + "/token"
		doc["jwks_uri"] = f.srv.URL + "/oauth2/" + realm + "/jwks"
	}
	if f.authMethods != nil {
		doc["token_endpoint_auth_methods_supported"] = f.authMethods
	}
	writeJSON(w, 200, doc)
}

func (f *fakeAstran) certs(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, 200, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &f.key.PublicKey, KeyID: f.kid, Algorithm: "RS256", Use: "sig"}}})
}

func (f *fakeAstran) sts(w http.ResponseWriter, r *http.Request) {
	f.stsCalls.Add(1)
	f.mu.Lock()
	gate, arrived, hook := f.stsGate, f.stsArrived, f.stsHook
	f.mu.Unlock()
	if gate != nil {
		if arrived != nil {
			select {
			case arrived <- struct{}{}:
			default:
			}
		}
		<-gate
	}
	if hook != nil && hook(w, r) {
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", 400)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.clock.Now()
	if f.noDate {
		w.Header()["Date"] = nil
	} else {
		w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
	}
	if len(f.stsFailures) > 0 {
		st := f.stsFailures[0]
		f.stsFailures = f.stsFailures[1:]
		queryError(w, st, "Receiver", "ServiceUnavailable", "Service is unavailable, please retry")
		return
	}
	if r.PostForm.Get("Version") != "2011-06-15" {
		queryError(w, 400, "Sender", "InvalidParameterValue", "bad version")
		return
	}
	token := r.PostForm.Get("WebIdentityToken")
	exp, ok := f.accessTokens[token]
	if !ok {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(400)
		fmt.Fprint(w, "Invalid token: Invalid signature")
		return
	}
	if !now.Before(exp) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(400)
		fmt.Fprint(w, "Invalid token: Token expired")
		return
	}
	expiration := now.Add(f.credLifetime + f.expirationSkew).UTC().Format(time.RFC3339)
	akid := "ASIA" + strings.ToUpper(strings.ReplaceAll(f.nextID("k")[:12], "-", "0"))
	secret := f.nextID("secret-")
	session := f.nextID("session-")
	switch r.PostForm.Get("Action") {
	case "LoginWithWebIdentity":
		xmlns := ""
		if f.namespace != "" {
			xmlns = ` xmlns="` + f.namespace + `"`
		}
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<LoginWithWebIdentityResponse%s>
<LoginWithWebIdentityResult>
<Credentials>
<AccessKeyId>%s</AccessKeyId>
<SecretAccessKey>%s</SecretAccessKey>
<SessionToken>%s</SessionToken>
<Expiration>%s</Expiration>
</Credentials>
<SubjectFromWebIdentityToken>%s</SubjectFromWebIdentityToken>
<Audience>s5</Audience>
<User>
<Id>%s</Id>
<Arn>arn:demo:iam::%s:user/%s</Arn>
</User>
<Provider>https://astran.cloud-iam.com/auth/realms/demo</Provider>
<SourceIdentity>arn:demo:iam::astran:oidc-provider/astran.cloud-iam.com/auth/realms/demo</SourceIdentity>
</LoginWithWebIdentityResult>
</LoginWithWebIdentityResponse>`, xmlns, akid, secret, session, expiration, testSubject, testSubject, testAccount, testUser)
	case "AssumeRoleWithWebIdentity":
		role := r.PostForm.Get("RoleArn")
		if !strings.HasSuffix(role, ":role/marketing") {
			queryError(w, 403, "Sender", "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>%s</SubjectFromWebIdentityToken>
    <Audience>s5</Audience>
    <AssumedRoleUser>
      <Arn>arn:demo:sts::%s:assumed-role/marketing/%s</Arn>
      <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:%s</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>%s</SessionToken>
      <SecretAccessKey>%s</SecretAccessKey>
      <Expiration>%s</Expiration>
      <AccessKeyId>%s</AccessKeyId>
    </Credentials>
    <Provider>%s</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`, testSubject, testAccount, r.PostForm.Get("RoleSessionName"), r.PostForm.Get("RoleSessionName"),
			session, secret, expiration, akid, f.issuer("demo"))
	default:
		queryError(w, 400, "Sender", "InvalidAction", "unknown action")
	}
}

// failSTS makes every STS call fail with a Sender error.
func (f *fakeAstran) failSTS(status int, code, msg string) {
	f.stsHook = func(w http.ResponseWriter, r *http.Request) bool {
		queryError(w, status, "Sender", code, msg)
		return true
	}
}

// wantSTSCalls reports an error unless STS was called want times; why says
// what the count proves.
func (f *fakeAstran) wantSTSCalls(t testing.TB, want int, why string) {
	t.Helper()
	if got := f.stsCalls.Load(); int(got) != want {
		if why != "" {
			why = " (" + why + ")"
		}
		t.Errorf("STS calls = %d, want %d%s", got, want, why)
	}
}

func queryError(w http.ResponseWriter, status int, typ, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error>
  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
</ErrorResponse>`, typ, code, msg)
}

// endpoints are the fake's endpoints for partition "demo".
func (f *fakeAstran) endpoints() endpoint.Endpoints {
	return endpoint.Endpoints{
		Partition: testPartition,
		Issuer:    f.issuer(testPartition),
		ClientID:  endpoint.ClientID,
		STS:       f.stsURL(),
		IAM:       f.srv.URL + "/iam/",
		S3:        f.srv.URL + "/s3/",
		Region:    endpoint.Region,
	}
}

// request points requests at the fake, with the fake's clock and no
// backoff.
func (f *fakeAstran) request(o *sts.RequestOptions) {
	o.HTTPClient = &http.Client{Transport: f.srv.Client().Transport, Timeout: 10 * time.Second}
	o.Now = f.clock.Now
	o.Backoff = func(int) time.Duration { return 0 }
}

func (f *fakeAstran) grantOptions(o *sts.PasswordGrantOptions) { f.request(&o.RequestOptions) }

// providerOptions are request's, without early-refresh jitter.
func (f *fakeAstran) providerOptions(o *sts.ProviderOptions) {
	f.request(&o.RequestOptions)
	o.ExpiryWindowJitterFrac = -1
}

// newProvider returns a provider of testUser's password grant at f.
func newProvider(t *testing.T, f *fakeAstran, optFns ...func(*sts.ProviderOptions)) *sts.Provider {
	t.Helper()
	return newUserProvider(t, f, f.endpoints(), testUser, sts.StaticPassword(testPassword), optFns...)
}

// newGrant returns testUser's password grant at f.
func newGrant(t *testing.T, f *fakeAstran, optFns ...func(*sts.PasswordGrantOptions)) *sts.PasswordGrant {
	t.Helper()
	g, err := sts.NewPasswordGrant(f.endpoints(), testUser, sts.StaticPassword(testPassword), append([]func(*sts.PasswordGrantOptions){f.grantOptions}, optFns...)...)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// newUserProvider returns a provider of username's password grant at ep.
func newUserProvider(t *testing.T, f *fakeAstran, ep endpoint.Endpoints, username string, pw sts.PasswordFunc, optFns ...func(*sts.ProviderOptions)) *sts.Provider {
	t.Helper()
	g, err := sts.NewPasswordGrant(ep, username, pw, f.grantOptions)
	if err != nil {
		t.Fatal(err)
	}
	p, err := sts.NewProvider(ep, g, append([]func(*sts.ProviderOptions){f.providerOptions}, optFns...)...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// mint returns a fresh access token of testUser that f's STS accepts.
func mint(t *testing.T, f *fakeAstran) string {
	t.Helper()
	tok, err := newGrant(t, f).Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func assertNoSecret(t *testing.T, what, out string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("%s leaks %q: %s", what, s, out)
		}
	}
}

// gateTokens makes f's token endpoint hold every request until gate is
// closed; arrived receives a value when one is held.
func (f *fakeAstran) gateTokens() (gate, arrived chan struct{}) {
	return f.hold(&f.tokenGate, &f.tokenArrived)
}

// gateSTS is gateTokens for the STS endpoint.
func (f *fakeAstran) gateSTS() (gate, arrived chan struct{}) {
	return f.hold(&f.stsGate, &f.stsArrived)
}

func (f *fakeAstran) hold(gateField, arrivedField *chan struct{}) (gate, arrived chan struct{}) {
	gate, arrived = make(chan struct{}), make(chan struct{}, 1)
	f.mu.Lock()
	*gateField, *arrivedField = gate, arrived
	f.mu.Unlock()
	return gate, arrived
}

// wantGrants reports an error unless f has answered password and refresh
// grants so many times.
func (f *fakeAstran) wantGrants(t *testing.T, password, refresh int64) {
	t.Helper()
	if pg, rg := f.passwordGrants.Load(), f.refreshGrants.Load(); pg != password || rg != refresh {
		t.Errorf("password grants %d, refresh grants %d; want %d, %d", pg, rg, password, refresh)
	}
}

// wantJoined opens gate and checks that call, made while the shared request
// was held at it, gets that request's result: one password grant in all.
func (f *fakeAstran) wantJoined(t *testing.T, gate chan struct{}, call func(context.Context) error) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- call(t.Context()) }()
	close(gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := f.passwordGrants.Load(); got != 1 {
		t.Errorf("password grants = %d, want 1", got)
	}
}
