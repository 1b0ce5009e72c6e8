package main

// These tests drive the service over HTTP: first the authorized routes with
// callers put in the request context (fast, no identity provider), then the
// whole service with real tokens from the emulator.

import (
	"bufio"
	"context"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/astran-oss/astran-go/astrantest"
	"github.com/astran-oss/astran-go/emulator"
	"github.com/astran-oss/astran-go/endpoint"
	"github.com/astran-oss/astran-go/iamclient"
	"github.com/astran-oss/astran-go/principal"
	"github.com/astran-oss/astran-go/principal/principaltest"
	"github.com/astran-oss/astran-go/sts"
)

func noEnv(string) string { return "" }

// quietLogger drops the service's logs.
var quietLogger = slog.New(slog.DiscardHandler)

// newRoutes returns the authorized routes over the fixture, without
// authentication: requests carry their caller in the context.
func newRoutes(t *testing.T) http.Handler {
	t.Helper()
	s := &service{
		partition: "demo",
		account:   account,
		authz:     principaltest.Authorizer(t, "testdata/fixture.json"),
		log:       quietLogger,
		docs:      newDocStore(sampleDocs),
	}
	return s.routes()
}

// s3Error is the XML body of a denial.
type s3Error struct {
	Code    string
	Message string
}

func TestService_routes(t *testing.T) {
	routes := newRoutes(t)
	tests := []struct {
		name     string
		caller   principal.Caller
		method   string
		path     string
		body     string
		status   int
		wantBody string // a substring of the body, or the S3 error code
	}{
		{"read public", bob, http.MethodGet, "/docs/public/welcome.txt", "", http.StatusOK, "Welcome"},
		{"read own home", bob, http.MethodGet, "/docs/home/bob@astran.io/todo.txt", "", http.StatusOK, "tutorial"},
		{"read missing in own home", bob, http.MethodGet, "/docs/home/bob@astran.io/nothing", "", http.StatusNotFound, "no such document"},
		{"read other home", bob, http.MethodGet, "/docs/home/alice@astran.io/ideas", "", http.StatusForbidden, "AccessDenied"},
		{"write own home", bob, http.MethodPut, "/docs/home/bob@astran.io/new.txt", "hello", http.StatusNoContent, ""},
		{"write public", bob, http.MethodPut, "/docs/public/welcome.txt", "defaced", http.StatusForbidden, "AccessDenied"},
		{"editor writes public", alice, http.MethodPut, "/docs/public/news.txt", "news", http.StatusNoContent, ""},
		{"editor denied secret", alice, http.MethodGet, "/docs/secret/launch-plan.txt", "", http.StatusForbidden, "AccessDenied"},
		{"delete own", bob, http.MethodDelete, "/docs/home/bob@astran.io/todo.txt", "", http.StatusNoContent, ""},
		{"editor cannot delete", alice, http.MethodDelete, "/docs/public/welcome.txt", "", http.StatusForbidden, "AccessDenied"},
		{"no group", carol, http.MethodGet, "/docs/public/welcome.txt", "", http.StatusForbidden, "AccessDenied"},
		{"unknown user", erin, http.MethodGet, "/docs/public/welcome.txt", "", http.StatusForbidden, "AccessDenied"},
		{"no caller", principal.Caller{}, http.MethodGet, "/docs/public/welcome.txt", "", http.StatusForbidden, "AccessDenied"},
		{"root", root, http.MethodGet, "/docs/secret/launch-plan.txt", "", http.StatusOK, "Nobody"},
		{"empty key", bob, http.MethodGet, "/docs/", "", http.StatusBadRequest, "InvalidRequest"},
		{"dot segments are cleaned by ServeMux", bob, http.MethodGet, "/docs/public/../secret/launch-plan.txt", "", http.StatusTemporaryRedirect, ""},
		{"escaped dot segments are refused", bob, http.MethodGet, "/docs/public%2F..%2Fsecret%2Flaunch-plan.txt", "", http.StatusBadRequest, "InvalidRequest"},
		{"other method", bob, http.MethodPost, "/docs/public/welcome.txt", "", http.StatusMethodNotAllowed, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
			if !tc.caller.IsZero() {
				req = req.WithContext(principal.WithCaller(req.Context(), tc.caller))
			}
			rec := httptest.NewRecorder()
			routes.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("%s %s as %v: status %d, want %d; body:\n%s", tc.method, tc.path, tc.caller, rec.Code, tc.status, rec.Body)
			}
			if !strings.Contains(rec.Body.String(), tc.wantBody) {
				t.Errorf("body lacks %q:\n%s", tc.wantBody, rec.Body)
			}
			if rec.Code == http.StatusForbidden {
				var e s3Error
				if err := xml.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Message != "You don't have permission to access this resource" {
					t.Errorf("denial body %q: %+v, %v", rec.Body, e, err)
				}
			}
		})
	}
}

// TestService_writeThenRead: a document bob writes to his home is his to
// read, and nobody else's but the editors'.
func TestService_writeThenRead(t *testing.T) {
	routes := newRoutes(t)
	do := func(caller principal.Caller, method, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "/docs/home/bob@astran.io/diary.txt", strings.NewReader(body))
		req = req.WithContext(principal.WithCaller(req.Context(), caller))
		rec := httptest.NewRecorder()
		routes.ServeHTTP(rec, req)
		return rec
	}
	if rec := do(bob, http.MethodPut, "dear diary"); rec.Code != http.StatusNoContent {
		t.Fatalf("PUT: %d %s", rec.Code, rec.Body)
	}
	for _, c := range []struct {
		caller principal.Caller
		status int
	}{{bob, http.StatusOK}, {alice, http.StatusOK}, {carol, http.StatusForbidden}} {
		if rec := do(c.caller, http.MethodGet, ""); rec.Code != c.status {
			t.Errorf("GET as %v: %d, want %d", c.caller, rec.Code, c.status)
		}
	}
}

// newEmulator starts the emulator with the fixture's users, who
// all have password pw.
func newEmulator(t *testing.T, pw string) *emulator.Server {
	t.Helper()
	srv := astrantest.New(t, emulator.WithUserPassword(pw))
	admin := iamclient.New(srv.RootConfig(), func(o *iamclient.Options) { o.BaseEndpoint = srv.Endpoints().IAM })
	for _, u := range []string{"bob@astran.io", "alice@astran.io", "carol@astran.io", "erin@astran.io"} {
		if _, err := admin.CreateUser(t.Context(), u); err != nil {
			t.Fatal(err)
		}
	}
	return srv
}

// accessToken logs email in at the emulator, as a client of the service
// would with Astran.
func accessToken(t *testing.T, srv *emulator.Server, email, pw string) string {
	t.Helper()
	ts, err := sts.NewPasswordGrant(srv.Endpoints(), email, sts.StaticPassword(pw), func(o *sts.PasswordGrantOptions) {
		o.Now = srv.Now
	})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := ts.Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}

func get(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestService_emulator runs the whole service, authentication included,
// with access tokens issued by the emulator's Keycloak realm.
func TestService_emulator(t *testing.T) {
	const pw = "s3cret-for-tests"
	srv := newEmulator(t, pw)
	svc, err := newService(t.Context(), config{
		Issuer:  srv.Issuer(),
		Fixture: defaultFixture,
		Now:     srv.Now, // the emulator's clock, which the test advances
		Logger:  quietLogger,
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(svc.Handler())
	defer ts.Close()

	bobToken := accessToken(t, srv, "bob@astran.io", pw)
	aliceToken := accessToken(t, srv, "alice@astran.io", pw)
	erinToken := accessToken(t, srv, "erin@astran.io", pw) // can log in, but not in the fixture

	tests := []struct {
		name   string
		token  string
		key    string
		status int
	}{
		{"bob reads public", bobToken, "public/welcome.txt", http.StatusOK},
		{"bob reads his home", bobToken, "home/bob@astran.io/todo.txt", http.StatusOK},
		{"bob reads alice's home", bobToken, "home/alice@astran.io/ideas", http.StatusForbidden},
		{"alice reads bob's home", aliceToken, "home/bob@astran.io/todo.txt", http.StatusOK},
		{"alice reads secrets", aliceToken, "secret/launch-plan.txt", http.StatusForbidden},
		{"erin is unknown to the fixture", erinToken, "public/welcome.txt", http.StatusForbidden},
		{"no token", "", "public/welcome.txt", http.StatusUnauthorized},
		{"garbage token", "not-a-jwt", "public/welcome.txt", http.StatusUnauthorized},
		{"tampered token", bobToken[:len(bobToken)-4] + "AAAA", "public/welcome.txt", http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if status, body := get(t, ts.URL+"/docs/"+tc.key, tc.token); status != tc.status {
				t.Errorf("GET %s: %d, want %d; body:\n%s", tc.key, status, tc.status, body)
			}
		})
	}

	// Access tokens live 5 minutes: after that, bob must log in again.
	srv.Advance(6 * time.Minute)
	if status, _ := get(t, ts.URL+"/docs/public/welcome.txt", bobToken); status != http.StatusUnauthorized {
		t.Errorf("expired token: %d, want 401", status)
	}
	if status, _ := get(t, ts.URL+"/docs/public/welcome.txt", accessToken(t, srv, "bob@astran.io", pw)); status != http.StatusOK {
		t.Errorf("fresh token: %d, want 200", status)
	}
}

// TestService_otherIssuer: a token of another realm (here the root
// accounts' realm) is refused.
func TestService_otherIssuer(t *testing.T) {
	const pw = "pw"
	srv := newEmulator(t, pw)
	svc, err := newService(t.Context(), config{Issuer: srv.Issuer(), Fixture: defaultFixture, Logger: quietLogger})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(svc.Handler())
	defer ts.Close()

	email, rootPW := srv.RootLogin()
	rootEP := srv.Endpoints()
	rootEP.Root, rootEP.Issuer, rootEP.ClientID = true, srv.RootIssuer(), endpoint.RootClientID
	rts, err := sts.NewPasswordGrant(rootEP, email, sts.StaticPassword(rootPW))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := rts.Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := get(t, ts.URL+"/docs/public/welcome.txt", tok.AccessToken); status != http.StatusUnauthorized {
		t.Errorf("token of realm root-accounts: %d, want 401", status)
	}
}

// TestRun is `go run ./examples/service-authz` with no configuration: it
// starts the emulator, prints how to try the service, serves until
// cancelled.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"-addr", "127.0.0.1:0"}, noEnv, pw)
		pw.Close()
		errc <- err
	}()

	// Read up to the curl commands, the last thing printed before serving;
	// what follows is drained.
	var out strings.Builder
	found := false
	for sc := bufio.NewScanner(pr); !found && sc.Scan(); {
		out.WriteString(sc.Text() + "\n")
		found = strings.HasSuffix(sc.Text(), "/docs/secret/launch-plan.txt")
	}
	if !found {
		t.Fatalf("run ended: %v\n%s", <-errc, out.String())
	}
	go io.Copy(io.Discard, pr)
	text := out.String()
	serviceURL := regexp.MustCompile(`Serving documents on (\S+),`).FindStringSubmatch(text)
	password := regexp.MustCompile(`have the password "([^"]+)"`).FindStringSubmatch(text)
	tokenURL := regexp.MustCompile(`(http://\S+/protocol/openid-connect/token)`).FindStringSubmatch(text)
	if serviceURL == nil || password == nil || tokenURL == nil {
		t.Fatalf("output lacks the service URL, password or token URL:\n%s", text)
	}

	// Follow the printed instructions with sts instead of curl.
	issuer := strings.TrimSuffix(tokenURL[1], "/protocol/openid-connect/token")
	ts, err := sts.NewPasswordGrant(endpoint.Endpoints{Partition: "demo", Issuer: issuer, ClientID: endpoint.ClientID},
		"bob@astran.io", sts.StaticPassword(password[1]))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := ts.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if status, body := get(t, serviceURL[1]+"/docs/public/welcome.txt", tok.AccessToken); status != http.StatusOK {
		t.Errorf("GET: %d %s", status, body)
	}
	if status, _ := get(t, serviceURL[1]+"/docs/secret/launch-plan.txt", tok.AccessToken); status != http.StatusForbidden {
		t.Errorf("GET secret: %d, want 403", status)
	}

	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("run after cancel: %v", err)
	}
}
