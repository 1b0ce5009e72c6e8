package sts_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/astran-oss/astran-go/endpoint"
	"github.com/astran-oss/astran-go/sts"
)

// exampleServer stands in for Astran: Keycloak's token endpoint and STS's
// LoginWithWebIdentity, answering exactly as the documentation shows.
func exampleServer() *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /auth/realms/demo/protocol/openid-connect/token", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("client_id") != "s5" || r.FormValue("username") != "bob@astran.io" || r.FormValue("password") != "hunter2!" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"invalid_grant","error_description":"Invalid user credentials"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"YOUR_ACCESS_TOKEN","expires_in":300,"refresh_expires_in":1800,
"refresh_token":"YOUR_REFRESH_TOKEN","token_type":"Bearer","not-before-policy":0,
"session_state":"faeee2cb-423b-4f6b-a833-7b0eeda28db2","scope":"email"}`)
	})
	mux.HandleFunc("POST /", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("Action") != "LoginWithWebIdentity" || r.FormValue("WebIdentityToken") != "YOUR_ACCESS_TOKEN" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, "Invalid token: Token expired")
			return
		}
		exp := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		fmt.Fprintf(w, `<LoginWithWebIdentityResponse><LoginWithWebIdentityResult>
<Credentials><AccessKeyId>ASIA4FB16A86064449E6A02C1BB6EE4740CD</AccessKeyId>
<SecretAccessKey>tSSQTo03wjC0Z5VXJAPNOu3HLPKweIWBOT82kVBx</SecretAccessKey>
<SessionToken>SOME_SESSION_TOKEN</SessionToken><Expiration>%s</Expiration></Credentials>
<SubjectFromWebIdentityToken>c654348c-b583-4cde-8b4a-2011f31cd2cb</SubjectFromWebIdentityToken><Audience>s5</Audience>
<User><Id>c654348c-b583-4cde-8b4a-2011f31cd2cb</Id><Arn>arn:demo:iam::ce09c61d-afac-404f-a96b-ebbbced80013:user/bob@astran.io</Arn></User>
<Provider>https://astran.cloud-iam.com/auth/realms/demo</Provider>
<SourceIdentity>arn:demo:iam::astran:oidc-provider/astran.cloud-iam.com/auth/realms/demo</SourceIdentity>
</LoginWithWebIdentityResult></LoginWithWebIdentityResponse>`, exp)
	})
	return httptest.NewServer(mux)
}

func ExampleProvider_Retrieve() {
	srv := exampleServer()
	defer srv.Close()

	// In real use the endpoints default to Astran's public ones (or the
	// ASTRAN_* environment variables) and the password comes from
	// sts.PasswordFromTerminal("Password: ") or sts.PasswordFromEnv(...).
	ep, err := endpoint.Resolve(func(o *endpoint.Options) {
		o.Partition = "demo"
		o.Issuer = srv.URL + "/auth/realms/demo"
		o.STS = srv.URL
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	grant, err := sts.NewPasswordGrant(ep, "bob@astran.io", sts.StaticPassword("hunter2!"))
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := sts.NewProvider(ep, grant)
	if err != nil {
		fmt.Println(err)
		return
	}
	creds := aws.NewCredentialsCache(p)
	c, err := creds.Retrieve(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("access key:", c.AccessKeyID)
	fmt.Println("account:", c.AccountID)
	fmt.Println("source:", c.Source)
	// Renewed 5 minutes (plus jitter) before the server's one-hour expiration.
	fmt.Println("renewed within the hour:", time.Until(c.Expires) < 55*time.Minute+time.Second)
	// Output:
	// access key: ASIA4FB16A86064449E6A02C1BB6EE4740CD
	// account: ce09c61d-afac-404f-a96b-ebbbced80013
	// source: AstranWebIdentity
	// renewed within the hour: true
}

func ExampleProvider_Login() {
	srv := exampleServer()
	defer srv.Close()
	ep := endpoint.Endpoints{Partition: "demo", Issuer: srv.URL + "/auth/realms/demo", ClientID: "s5", STS: srv.URL}
	grant, _ := sts.NewPasswordGrant(ep, "bob@astran.io", sts.StaticPassword("hunter2!"))
	p, _ := sts.NewProvider(ep, grant)
	res, err := p.Login(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("user:", res.User)
	fmt.Println("email:", res.User.Name())
	fmt.Println("audience:", res.Audience)
	fmt.Println("lifetime:", res.Lifetime(time.Now()).Round(time.Minute))
	// Secrets never print.
	c := res.Credentials
	c.Expiration = time.Time{}
	fmt.Println(c)
	// Output:
	// user: arn:demo:iam::ce09c61d-afac-404f-a96b-ebbbced80013:user/bob@astran.io
	// email: bob@astran.io
	// audience: s5
	// lifetime: 1h0m0s
	// sts.Credentials{AccessKeyID:ASIA4FB16A86064449E6A02C1BB6EE4740CD Expiration:never SecretAccessKey:[redacted] SessionToken:[redacted]}
}

func Example_badPassword() {
	srv := exampleServer()
	defer srv.Close()
	ep := endpoint.Endpoints{Partition: "demo", Issuer: srv.URL + "/auth/realms/demo", ClientID: "s5", STS: srv.URL}
	grant, _ := sts.NewPasswordGrant(ep, "bob@astran.io", sts.StaticPassword("wrong"))
	p, _ := sts.NewProvider(ep, grant)
	_, err := p.Retrieve(context.Background())
	var oe *sts.OIDCError
	switch {
	case errors.Is(err, sts.ErrAccountNotSetUp):
		fmt.Println("verify your email and set a password first")
	case errors.Is(err, sts.ErrBadCredentials) && errors.As(err, &oe):
		fmt.Println("bad credentials:", oe.StatusCode, oe.Code, oe.Description)
	}
	// Output:
	// bad credentials: 401 invalid_grant Invalid user credentials
}

// A workload whose platform writes an OIDC token to a file (a Kubernetes
// projected service account token) logs in with it; the file is read at
// every login, so rotation needs nothing.
func ExampleTokenFile() {
	srv := exampleServer()
	defer srv.Close()
	dir, _ := os.MkdirTemp("", "token")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "token")
	_ = os.WriteFile(path, []byte("YOUR_ACCESS_TOKEN\n"), 0o600)

	ep := endpoint.Endpoints{Partition: "demo", STS: srv.URL}
	p, err := sts.NewProvider(ep, sts.TokenFile(path))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := p.Login(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("user:", res.User.Name())
	// Output:
	// user: bob@astran.io
}
