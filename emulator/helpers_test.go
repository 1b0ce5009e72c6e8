package emulator_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/astran-oss/astran-go/emulator"
	"github.com/astran-oss/astran-go/endpoint"
)

var httpClient = &http.Client{Timeout: 30 * time.Second}

type tokenJSON struct {
	AccessToken      string `json:"access_token"`
	ExpiresIn        int    `json:"expires_in"`
	RefreshExpiresIn int    `json:"refresh_expires_in"`
	RefreshToken     string `json:"refresh_token"`
	TokenType        string `json:"token_type"`
	NotBeforePolicy  *int   `json:"not-before-policy"`
	SessionState     string `json:"session_state"`
	Scope            string `json:"scope"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// newServer starts a server for a test and closes it when the test ends.
func newServer(t testing.TB, optFns ...func(*emulator.Options)) *emulator.Server {
	t.Helper()
	srv, err := emulator.New(optFns...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// newServerWithUser starts a server with optFns, creates the user email as
// root and returns the server and the root IAM client.
func newServerWithUser(t testing.TB, email string, optFns ...func(*emulator.Options)) (*emulator.Server, *iam.Client) {
	t.Helper()
	srv := newServer(t, optFns...)
	root := iam.NewFromConfig(srv.RootConfig())
	createUser(t, root, email)
	return srv, root
}

// newServerWithBob starts a server whose users' password is "pw", creates
// bob@astran.io as root and returns the server and the root IAM client.
func newServerWithBob(t testing.TB) (*emulator.Server, *iam.Client) {
	t.Helper()
	return newServerWithUser(t, "bob@astran.io", emulator.WithUserPassword("pw"))
}

// createUser creates the user email with the IAM client c.
func createUser(t testing.TB, c *iam.Client, email string) {
	t.Helper()
	if _, err := c.CreateUser(t.Context(), &iam.CreateUserInput{UserName: aws.String(email)}); err != nil {
		t.Fatal(err)
	}
}

// postForm posts a form and returns status and body.
func postForm(t testing.TB, u string, form url.Values) (int, []byte) {
	t.Helper()
	return send(t, http.MethodPost, u, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

// send sends an unsigned request (with a Content-Type header unless
// contentType is "") and returns status and body.
func send(t testing.TB, method, u, contentType string, body io.Reader) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// passwordGrant runs the tutorial's curl against the emulator.
func passwordGrant(t testing.TB, issuer, clientID, user, pw string) (int, tokenJSON) {
	t.Helper()
	status, body := postForm(t, endpoint.TokenURL(issuer), url.Values{
		"client_id": {clientID}, "grant_type": {"password"}, "username": {user}, "password": {pw},
	})
	var tj tokenJSON
	if err := json.Unmarshal(body, &tj); err != nil {
		t.Fatalf("token response %q: %v", body, err)
	}
	return status, tj
}

type loginXML struct {
	XMLName     xml.Name `xml:"LoginWithWebIdentityResponse"`
	Credentials struct {
		AccessKeyID     string `xml:"AccessKeyId"`
		SecretAccessKey string
		SessionToken    string
		Expiration      time.Time
	} `xml:"LoginWithWebIdentityResult>Credentials"`
	Subject  string `xml:"LoginWithWebIdentityResult>SubjectFromWebIdentityToken"`
	Audience string `xml:"LoginWithWebIdentityResult>Audience"`
	UserID   string `xml:"LoginWithWebIdentityResult>User>Id"`
	UserARN  string `xml:"LoginWithWebIdentityResult>User>Arn"`
	Provider string `xml:"LoginWithWebIdentityResult>Provider"`
	Source   string `xml:"LoginWithWebIdentityResult>SourceIdentity"`
}

type errorXML struct {
	Type    string `xml:"Error>Type"`
	Code    string `xml:"Error>Code"`
	Message string `xml:"Error>Message"`
}

func loginWithWebIdentity(t testing.TB, srv *emulator.Server, token string) (int, []byte) {
	t.Helper()
	return postForm(t, srv.Endpoints().STS, url.Values{
		"Version": {"2011-06-15"}, "Action": {"LoginWithWebIdentity"},
		"WebIdentityToken": {token}, "UserSessionName": {"bob-session-name"},
	})
}

// login logs a user in as the tutorial does and returns its credentials.
func login(t testing.TB, srv *emulator.Server, email, pw string) aws.Credentials {
	t.Helper()
	status, tok := passwordGrant(t, srv.Issuer(), "s5", email, pw)
	if status != http.StatusOK {
		t.Fatalf("password grant: %d %+v", status, tok)
	}
	status, body := loginWithWebIdentity(t, srv, tok.AccessToken)
	if status != http.StatusOK {
		t.Fatalf("LoginWithWebIdentity: %d %s", status, body)
	}
	var lx loginXML
	if err := xml.Unmarshal(body, &lx); err != nil {
		t.Fatal(err)
	}
	return aws.Credentials{AccessKeyID: lx.Credentials.AccessKeyID, SecretAccessKey: lx.Credentials.SecretAccessKey,
		SessionToken: lx.Credentials.SessionToken, CanExpire: true, Expires: lx.Credentials.Expiration}
}

func clientsFor(srv *emulator.Server, c aws.Credentials) (*iam.Client, *s3.Client) {
	cfg := srv.Config(credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken))
	return iam.NewFromConfig(cfg), s3.NewFromConfig(cfg)
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// bucketWithObject creates a bucket with one object as root.
func bucketWithObject(t testing.TB, rootS3 *s3.Client, bucket, key, body string) {
	t.Helper()
	ctx := t.Context()
	if _, err := rootS3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	if _, err := rootS3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)}); err != nil {
		t.Fatal(err)
	}
}

// getObject reads an object with c and discards it.
func getObject(ctx context.Context, c *s3.Client, bucket, key string) error {
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err == nil {
		out.Body.Close()
	}
	return err
}

// putBucketPolicy sets the policy of bucket with c.
func putBucketPolicy(t testing.TB, c *s3.Client, bucket, doc string) {
	t.Helper()
	if _, err := c.PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
}

// attachUserPolicy attaches the managed policy policyARN to user with the
// IAM client c.
func attachUserPolicy(t testing.TB, c *iam.Client, user, policyARN string) {
	t.Helper()
	if _, err := c.AttachUserPolicy(t.Context(), &iam.AttachUserPolicyInput{UserName: aws.String(user), PolicyArn: aws.String(policyARN)}); err != nil {
		t.Fatal(err)
	}
}

// webIdentityTrust registers issuer as an OIDC provider for client s5 with
// root and returns the provider's ARN and a trust policy that lets its tokens
// assume a role; condition, unless "", is the statement's Condition object.
func webIdentityTrust(t testing.TB, root *iam.Client, issuer, condition string) (provider, trust string) {
	t.Helper()
	prov, err := root.CreateOpenIDConnectProvider(t.Context(), &iam.CreateOpenIDConnectProviderInput{Url: aws.String(issuer), ClientIDList: []string{"s5"}})
	if err != nil {
		t.Fatal(err)
	}
	provider = aws.ToString(prov.OpenIDConnectProviderArn)
	if condition != "" {
		condition = `,"Condition":` + condition
	}
	return provider, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + provider +
		`"},"Action":"sts:AssumeRoleWithWebIdentity"` + condition + `}]}`
}

// createRole creates a role as root and attaches the managed policies to it.
func createRole(t testing.TB, root *iam.Client, in *iam.CreateRoleInput, policyARNs ...string) *iamtypes.Role {
	t.Helper()
	out, err := root.CreateRole(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range policyARNs {
		if _, err := root.AttachRolePolicy(t.Context(), &iam.AttachRolePolicyInput{RoleName: in.RoleName, PolicyArn: aws.String(p)}); err != nil {
			t.Fatal(err)
		}
	}
	return out.Role
}

// assumeRoleWithWebIdentity calls AssumeRoleWithWebIdentity on srv without
// signing, as a workload does, and returns the answer and the configuration
// of the session's credentials.
func assumeRoleWithWebIdentity(ctx context.Context, srv *emulator.Server, in *awssts.AssumeRoleWithWebIdentityInput) (*awssts.AssumeRoleWithWebIdentityOutput, aws.Config, error) {
	out, err := awssts.NewFromConfig(srv.Config(aws.AnonymousCredentials{})).AssumeRoleWithWebIdentity(ctx, in)
	if err != nil {
		return nil, aws.Config{}, err
	}
	c := out.Credentials
	return out, srv.Config(credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)), nil
}
