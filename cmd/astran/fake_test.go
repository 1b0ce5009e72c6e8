package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeAstran is a loopback Keycloak (password grant) and Astran STS
// (LoginWithWebIdentity), enough for login's tests.
type fakeAstran struct {
	srv *httptest.Server
	now func() time.Time // the server's clock; set before the first request

	mu         sync.Mutex // guards the fields below
	password   string     // bob's password
	setUp      bool       // bob verified his email
	stsDenied  bool       // STS answers AccessDenied
	grants     int        // password grants served
	logins     int        // STS logins served
	roles      int        // AssumeRoleWithWebIdentity calls served
	lastSecret int        // numbers the issued credentials
}

const (
	testPartition = "demo"
	testUser      = "bob@astran.io"
	testPassword  = "s3cret-Passw0rd"
	testAccount   = "ce09c61d-afac-404f-a96b-ebbbced80013"
)

func newFakeAstran(t *testing.T, now func() time.Time) *fakeAstran {
	f := &fakeAstran{now: now, password: testPassword, setUp: true}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /auth/realms/{realm}/protocol/openid-connect/token", f.token)
	mux.HandleFunc("POST /sts/", f.sts)
	f.srv = httptest.NewUnstartedServer(mux)
	f.srv.Start() // after f.srv is set: the handlers read it
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAstran) issuer() string { return f.srv.URL + "/auth/realms/" + testPartition }
func (f *fakeAstran) stsURL() string { return f.srv.URL + "/sts/" }

// env returns the ASTRAN_* variables that point at f.
func (f *fakeAstran) env() map[string]string {
	return map[string]string{
		"ASTRAN_PARTITION":    testPartition,
		"ASTRAN_OIDC_ISSUER":  f.issuer(),
		"ASTRAN_STS_ENDPOINT": f.stsURL(),
	}
}

func (f *fakeAstran) counts() (grants, logins int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.grants, f.logins
}

func (f *fakeAstran) token(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fail := func(status int, code, desc string) {
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
	}
	switch {
	case r.PathValue("realm") != testPartition || r.FormValue("client_id") != "s5":
		fail(400, "unauthorized_client", "Client not allowed for direct access grants")
	case r.FormValue("grant_type") != "password":
		fail(400, "unsupported_grant_type", "Unsupported grant_type")
	case r.FormValue("username") != testUser || r.FormValue("password") != f.password:
		fail(401, "invalid_grant", "Invalid user credentials")
	case !f.setUp:
		fail(400, "invalid_grant", "Account is not fully set up")
	default:
		f.grants++
		json.NewEncoder(w).Encode(map[string]any{
			"access_token":       fmt.Sprintf("access-%d", f.grants),
			"expires_in":         300,
			"refresh_expires_in": 1800,
			"refresh_token":      fmt.Sprintf("refresh-%d", f.grants),
			"token_type":         "Bearer",
			"not-before-policy":  0,
			"session_state":      "s",
			"scope":              "email",
		})
	}
}

func (f *fakeAstran) sts(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Date", f.now().UTC().Format(http.TimeFormat))
	if r.FormValue("Action") == "AssumeRoleWithWebIdentity" && strings.HasPrefix(r.FormValue("WebIdentityToken"), "access-") {
		f.roles++
		f.lastSecret++
		fmt.Fprintf(w, `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<AssumeRoleWithWebIdentityResult>
<Credentials><AccessKeyId>ASIAROLE%04d</AccessKeyId><SecretAccessKey>role-secret-%d</SecretAccessKey><SessionToken>role-token-%d</SessionToken><Expiration>%s</Expiration></Credentials>
<AssumedRoleUser><Arn>%s/%s</Arn><AssumedRoleId>AROAFAKE:%s</AssumedRoleId></AssumedRoleUser>
<SubjectFromWebIdentityToken>c654348c</SubjectFromWebIdentityToken>
</AssumeRoleWithWebIdentityResult>
<ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`, f.lastSecret, f.lastSecret, f.lastSecret, f.now().Add(time.Hour).UTC().Format(time.RFC3339),
			strings.Replace(r.FormValue("RoleArn"), ":role/", ":assumed-role/", 1), r.FormValue("RoleSessionName"), r.FormValue("RoleSessionName"))
		return
	}
	if r.FormValue("Action") != "LoginWithWebIdentity" || !strings.HasPrefix(r.FormValue("WebIdentityToken"), "access-") {
		w.WriteHeader(400)
		fmt.Fprint(w, "Invalid token: Token expired")
		return
	}
	if f.stsDenied {
		w.WriteHeader(403)
		fmt.Fprint(w, `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is disabled</Message></Error><RequestId>r1</RequestId></ErrorResponse>`)
		return
	}
	f.logins++
	f.lastSecret++
	exp := f.now().Add(time.Hour).UTC().Format(time.RFC3339)
	fmt.Fprintf(w, `<LoginWithWebIdentityResponse>
<LoginWithWebIdentityResult>
<Credentials>
<AccessKeyId>ASIAFAKE%04d</AccessKeyId>
<SecretAccessKey>secret-key-%d</SecretAccessKey>
<SessionToken>session-token-%d</SessionToken>
<Expiration>%s</Expiration>
</Credentials>
<SubjectFromWebIdentityToken>c654348c-b583-4cde-8b4a-2011f31cd2cb</SubjectFromWebIdentityToken>
<Audience>s5</Audience>
<User>
<Id>c654348c-b583-4cde-8b4a-2011f31cd2cb</Id>
<Arn>arn:demo:iam::%s:user/%s</Arn>
</User>
<Provider>%s</Provider>
<SourceIdentity>arn:demo:iam::astran:oidc-provider/astran.cloud-iam.com/auth/realms/demo</SourceIdentity>
</LoginWithWebIdentityResult>
</LoginWithWebIdentityResponse>`, f.lastSecret, f.lastSecret, f.lastSecret, exp, testAccount, r.FormValue("UserSessionName"), f.issuer())
}
