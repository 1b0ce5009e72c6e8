package emulator_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	gooidc "github.com/coreos/go-oidc/v3/oidc"

	"github.com/astran-oss/astran-go/emulator"
)

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestOIDC_goOIDCVerifiesTokens(t *testing.T) {
	srv := newServer(t, emulator.WithUserPassword("pw-bob"))
	ctx := context.Background()
	if _, err := iam.NewFromConfig(srv.RootConfig()).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob@astran.io")}); err != nil {
		t.Fatal(err)
	}
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
	if err := jsonUnmarshal(body, &withID); err != nil || st != 200 || withID.Scope != "openid email" {
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
	srv := newServer(t)
	ctx := context.Background()
	if _, err := iam.NewFromConfig(srv.RootConfig()).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob@astran.io")}); err != nil {
		t.Fatal(err)
	}
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
		_ = jsonUnmarshal(body, &tj)
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

func TestS3_gate(t *testing.T) {
	srv, rootIAM := newServerWithBob(t)
	ctx := context.Background()
	bob := login(t, srv, "bob@astran.io", "pw")
	_, bobS3 := clientsFor(srv, bob)
	_, err := bobS3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("test")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" || ae.ErrorMessage() != "You don't have permission to access this resource" {
		t.Fatalf("new user CreateBucket: %v", err)
	}
	if _, err := rootIAM.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bob@astran.io"),
		PolicyArn: aws.String("arn:demo:iam::astran:policy/AstranAdmin")}); err != nil {
		t.Fatal(err)
	}
	if _, err := bobS3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("test")}); err != nil {
		t.Fatal(err)
	}
	if _, err := bobS3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("test"), Key: aws.String("dir/a b.txt"), Body: strings.NewReader("hello")}); err != nil {
		t.Fatal(err)
	}
	out, err := bobS3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("test"), Key: aws.String("dir/a b.txt")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(b) != "hello" {
		t.Errorf("GetObject = %q", b)
	}
	rng, err := bobS3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("test"), Key: aws.String("dir/a b.txt"), Range: aws.String("bytes=1-3")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(rng.Body)
	rng.Body.Close()
	if string(b) != "ell" || aws.ToString(rng.ContentRange) != "bytes 1-3/5" {
		t.Errorf("ranged GetObject = %q %q", b, aws.ToString(rng.ContentRange))
	}
	lo, err := bobS3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("test")})
	if err != nil || len(lo.Contents) != 1 || *lo.Contents[0].Key != "dir/a b.txt" {
		t.Fatalf("ListObjectsV2: %+v %v", lo, err)
	}
	// Expired session.
	srv.Advance(61 * time.Minute)
	_, err = bobS3.ListBuckets(ctx, &s3.ListBucketsInput{})
	if !errors.As(err, &ae) || ae.ErrorCode() != "ExpiredToken" || ae.ErrorMessage() != "Invalid token: Token expired" {
		t.Fatalf("expired session, S3: %v", err)
	}
	bobIAM, _ := clientsFor(srv, bob)
	if _, err := bobIAM.ListUsers(ctx, &iam.ListUsersInput{}); apiCode(err) != "ExpiredToken" {
		t.Fatalf("expired session, IAM: %v", err)
	}
}

func jsonUnmarshal(b []byte, v any) error { return jsonDecode(b, v) }
