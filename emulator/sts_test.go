package emulator_test

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/astran-oss/astran-go/emulator"
)

func TestSTS_loginWithWebIdentity(t *testing.T) {
	srv, _ := newServerWithBob(t)
	_, tok := passwordGrant(t, srv.Issuer(), "s5", "bob@astran.io", "pw")
	status, body := loginWithWebIdentity(t, srv, tok.AccessToken)
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	var lx loginXML
	if err := xml.Unmarshal(body, &lx); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(lx.Credentials.AccessKeyID, "ASIA") || len(lx.Credentials.SecretAccessKey) != 40 || lx.Credentials.SessionToken == "" {
		t.Errorf("credentials %+v", lx.Credentials)
	}
	if d := lx.Credentials.Expiration.Sub(srv.Now()); d < 59*time.Minute || d > time.Hour {
		t.Errorf("expiration in %v, want one hour", d)
	}
	if lx.Audience != "s5" || lx.UserARN != srv.UserARN("bob@astran.io").String() || lx.Provider != srv.Issuer() ||
		lx.Subject == "" || lx.UserID != lx.Subject ||
		lx.Source != "arn:demo:iam::astran:oidc-provider/"+strings.TrimPrefix(srv.Issuer(), "http://") {
		t.Errorf("result %+v", lx)
	}
	for _, elem := range []string{"<LoginWithWebIdentityResponse>", "<LoginWithWebIdentityResult>", "<Credentials>", "<SubjectFromWebIdentityToken>", "<User><Id>"} {
		if !bytes.Contains(body, []byte(elem)) {
			t.Errorf("body lacks %s: %s", elem, body)
		}
	}
	// Expired token.
	srv.Advance(6 * time.Minute)
	status, body = loginWithWebIdentity(t, srv, tok.AccessToken)
	var ex errorXML
	_ = xml.Unmarshal(body, &ex)
	if status != 400 || ex.Message != "Invalid token: Token expired" {
		t.Errorf("expired token: %d %s", status, body)
	}
	// Garbage token.
	status, body = loginWithWebIdentity(t, srv, "not.a.jwt")
	_ = xml.Unmarshal(body, &ex)
	if status != 400 || ex.Code != "InvalidIdentityToken" || ex.Type != "Sender" {
		t.Errorf("garbage token: %d %s", status, body)
	}
}

func TestSTS_assumeRoleWithWebIdentity(t *testing.T) {
	srv, root := newServerWithBob(t)
	ctx := t.Context()
	host := strings.TrimPrefix(srv.Issuer(), "http://")
	_, trust := webIdentityTrust(t, root, srv.Issuer(), `{"StringEquals":{"`+host+`:aud":"s5"}}`)
	role := createRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("reader"), AssumeRolePolicyDocument: aws.String(trust)},
		"arn:astran:iam::astran:policy/AstranS3ReadOnlyAccess")
	wrongAud := strings.Replace(trust, `:aud":"s5"`, `:aud":"astran"`, 1)
	createRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("other"), AssumeRolePolicyDocument: aws.String(wrongAud)})
	_, tok := passwordGrant(t, srv.Issuer(), "s5", "bob@astran.io", "pw")
	assume := func(role *string) (*awssts.AssumeRoleWithWebIdentityOutput, aws.Config, error) {
		return assumeRoleWithWebIdentity(ctx, srv, &awssts.AssumeRoleWithWebIdentityInput{
			RoleArn: role, RoleSessionName: aws.String("ci"), WebIdentityToken: aws.String(tok.AccessToken)})
	}
	out, cfg, err := assume(role.Arn)
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:demo:sts::" + srv.Account() + ":assumed-role/reader/ci"; aws.ToString(out.AssumedRoleUser.Arn) != want {
		t.Errorf("assumed role ARN %s, want %s", aws.ToString(out.AssumedRoleUser.Arn), want)
	}
	who, err := awssts.NewFromConfig(cfg).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil || !strings.HasSuffix(aws.ToString(who.Arn), ":assumed-role/reader/ci") || aws.ToString(who.Account) != srv.Account() {
		t.Errorf("GetCallerIdentity: %+v %v", who, err)
	}
	s3c := s3.NewFromConfig(cfg)
	if _, err := s3c.ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil {
		t.Errorf("role ListBuckets: %v", err)
	}
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("nope")}); apiCode(err) != "AccessDenied" {
		t.Errorf("role CreateBucket: %v, want AccessDenied", err)
	}
	// The trust policy's audience condition fails for "other".
	_, _, err = assume(aws.String("arn:demo:iam::" + srv.Account() + ":role/other"))
	if apiCode(err) != "AccessDenied" {
		t.Errorf("untrusted role: %v, want AccessDenied", err)
	}
	// Expired token.
	srv.Advance(10 * time.Minute)
	_, _, err = assume(role.Arn)
	if apiCode(err) != "ExpiredTokenException" {
		t.Errorf("expired token: %v, want ExpiredTokenException", err)
	}
}

// TestSTS_externalIdentityProvider: server B trusts server A's realm as an
// external OIDC provider (discovered and verified with go-oidc), as a
// partition trusts a customer's own IdP.
func TestSTS_externalIdentityProvider(t *testing.T) {
	idp, _ := newServerWithUser(t, "carol@corp.example", emulator.WithPartition("corp"), emulator.WithUserPassword("pw"))
	srv := newServer(t)
	ctx := t.Context()
	root := iam.NewFromConfig(srv.RootConfig())
	prov, trust := webIdentityTrust(t, root, idp.Issuer(), "")
	role := createRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("partner"), AssumeRolePolicyDocument: aws.String(trust)})
	_, tok := passwordGrant(t, idp.Issuer(), "s5", "carol@corp.example", "pw")
	out, _, err := assumeRoleWithWebIdentity(ctx, srv, &awssts.AssumeRoleWithWebIdentityInput{
		RoleArn: role.Arn, RoleSessionName: aws.String("carol"), WebIdentityToken: aws.String(tok.AccessToken)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Provider) != prov || aws.ToString(out.Audience) != "s5" {
		t.Errorf("provider %s audience %s", aws.ToString(out.Provider), aws.ToString(out.Audience))
	}
	// A token from an issuer the partition does not trust.
	_, _, err = assumeRoleWithWebIdentity(ctx, idp, &awssts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String("arn:corp:iam::" + idp.Account() + ":role/none"), RoleSessionName: aws.String("x"), WebIdentityToken: aws.String(tok.AccessToken)})
	if apiCode(err) != "AccessDenied" {
		t.Errorf("unknown role: %v", err)
	}
}
