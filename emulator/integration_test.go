package emulator_test

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/astran-oss/astran-go/emulator"
	"github.com/astran-oss/astran-go/endpoint"
	"github.com/astran-oss/astran-go/iamclient/iamclienttest"
	"github.com/astran-oss/astran-go/sts"
)

// TestIAMClientSuite runs the iamclient integration suite (also run against
// moto_server) against the emulator with no quirks enabled.
func TestIAMClientSuite(t *testing.T) {
	srv := newServer(t)
	iamclienttest.RunSuite(t, srv.RootConfig(), srv.Endpoints().IAM,
		func(o *iamclienttest.Options) { o.Partition = srv.Partition() })
}

// stsRequest points sts requests at the emulator's clock, without retries.
func stsRequest(srv *emulator.Server) func(*sts.RequestOptions) {
	return func(o *sts.RequestOptions) {
		o.Now = srv.Now
		o.MaxAttempts = 1
	}
}

// stsProvider returns a provider of username's password grant at ep.
func stsProvider(t *testing.T, srv *emulator.Server, ep endpoint.Endpoints, username, password string, grantFns ...func(*sts.PasswordGrantOptions)) *sts.Provider {
	t.Helper()
	g, err := sts.NewPasswordGrant(ep, username, sts.StaticPassword(password),
		append([]func(*sts.PasswordGrantOptions){func(o *sts.PasswordGrantOptions) { stsRequest(srv)(&o.RequestOptions) }}, grantFns...)...)
	if err != nil {
		t.Fatal(err)
	}
	p, err := sts.NewProvider(ep, g, func(o *sts.ProviderOptions) { stsRequest(srv)(&o.RequestOptions) })
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSTSProvider_emulator runs the sts package's login flow and provider
// against the emulator: password grant, LoginWithWebIdentity, S3 calls
// through NewConfig, typed errors, token verification with go-oidc.
func TestSTSProvider_emulator(t *testing.T) {
	srv, rootIAM := newServerWithUser(t, "bob@astran.io")
	ctx := t.Context()

	// Not verified yet: ErrAccountNotSetUp.
	ep := srv.Endpoints()
	p := stsProvider(t, srv, ep, "bob@astran.io", "pw")
	if _, err := p.Retrieve(ctx); !errors.Is(err, sts.ErrAccountNotSetUp) {
		t.Fatalf("unverified account: %v, want ErrAccountNotSetUp", err)
	}
	if err := srv.Mailbox().VerifyUser("bob@astran.io", "pw"); err != nil {
		t.Fatal(err)
	}
	bad := stsProvider(t, srv, ep, "bob@astran.io", "wrong")
	if _, err := bad.Retrieve(ctx); !errors.Is(err, sts.ErrBadCredentials) {
		t.Fatalf("bad password: %v, want ErrBadCredentials", err)
	}

	p = stsProvider(t, srv, ep, "bob@astran.io", "pw", func(o *sts.PasswordGrantOptions) { o.VerifyTokens = true; o.Discovery = true })
	creds, err := p.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !creds.CanExpire || creds.Expires.Before(srv.Now().Add(50*time.Minute)) {
		t.Errorf("credentials expire at %v", creds.Expires)
	}
	cfg, err := sts.NewConfig(ep, p)
	if err != nil {
		t.Fatal(err)
	}
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("test")}); apiCode(err) != "AccessDenied" {
		t.Fatalf("new user CreateBucket: %v", err)
	}
	attachUserPolicy(t, rootIAM, "bob@astran.io", "arn:astran:iam::astran:policy/AstranAdmin")
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("test")}); err != nil {
		t.Fatal(err)
	}

	// A direct LoginWithWebIdentity with an expired token is ErrTokenExpired.
	ts, err := sts.NewPasswordGrant(ep, "bob@astran.io", sts.StaticPassword("pw"), func(o *sts.PasswordGrantOptions) { stsRequest(srv)(&o.RequestOptions) })
	if err != nil {
		t.Fatal(err)
	}
	tok, err := ts.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sts.LoginWithWebIdentity(ctx, ep, tok.AccessToken, "bob-session-name", stsRequest(srv))
	if err != nil {
		t.Fatal(err)
	}
	if res.User != srv.UserARN("bob@astran.io") || res.Audience != "s5" || res.Provider != srv.Issuer() {
		t.Errorf("LoginResult = %+v", res)
	}
	srv.Advance(10 * time.Minute)
	if _, err := sts.LoginWithWebIdentity(ctx, ep, tok.AccessToken, "x", stsRequest(srv)); !errors.Is(err, sts.ErrTokenExpired) {
		t.Errorf("expired token: %v, want ErrTokenExpired", err)
	}

	// Root through the root-accounts realm.
	email, pw := srv.RootLogin()
	rootEP := ep
	rootEP.Root, rootEP.Issuer, rootEP.ClientID = true, srv.RootIssuer(), endpoint.RootClientID
	rp := stsProvider(t, srv, rootEP, email, pw)
	rcfg, err := sts.NewConfig(rootEP, rp)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := iam.NewFromConfig(rcfg).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Errorf("root session ListUsers: %v", err)
	}
}
