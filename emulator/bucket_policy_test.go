package emulator_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/astran-oss/astran-go/emulator"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
)

func TestS3_bucketPolicyValidation(t *testing.T) {
	srv := newServer(t)
	ctx := t.Context()
	rootS3 := s3.NewFromConfig(srv.RootConfig())
	bucketWithObject(t, rootS3, "docs", "a.txt", "a")
	if _, err := rootS3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("docs")}); apiCode(err) != "NoSuchBucketPolicy" {
		t.Fatalf("GetBucketPolicy without one: %v, want NoSuchBucketPolicy", err)
	}
	stmt := func(s string) string { return `{"Version":"2012-10-17","Statement":[` + s + `]}` }
	for _, tc := range []struct{ name, doc string }{
		{"not JSON", `{"Version":`},
		{"unknown element", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:demo:s3:::docs/*","Bogus":1}`)},
		{"no principal", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::docs/*"}`)},
		{"NotPrincipal with Allow", stmt(`{"Effect":"Allow","NotPrincipal":{"AWS":"` + srv.UserARN("x@astran.io").String() + `"},"Action":"s3:GetObject","Resource":"arn:demo:s3:::docs/*"}`)},
		{"no resource", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}`)},
		{"another bucket", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:demo:s3:::other/*"}`)},
		{"too large", stmt(`{"Sid":"` + strings.Repeat("x", 21<<10) + `","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:demo:s3:::docs/*"}`)},
	} {
		_, err := rootS3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("docs"), Policy: aws.String(tc.doc)})
		if apiCode(err) != "MalformedPolicy" {
			t.Errorf("%s: %v, want MalformedPolicy", tc.name, err)
		}
	}
	good := stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:demo:s3:::docs/*"}`)
	if _, err := rootS3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("nope"), Policy: aws.String(good)}); apiCode(err) != "NoSuchBucket" {
		t.Errorf("PutBucketPolicy on a missing bucket: %v, want NoSuchBucket", err)
	}
	putBucketPolicy(t, rootS3, "docs", good)
	out, err := rootS3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("docs")})
	if err != nil || aws.ToString(out.Policy) != good {
		t.Errorf("GetBucketPolicy = %q, %v, want the stored document", aws.ToString(out.Policy), err)
	}
	if _, err := rootS3.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String("docs")}); err != nil {
		t.Fatal(err)
	}
	if _, err := rootS3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("docs")}); apiCode(err) != "NoSuchBucketPolicy" {
		t.Errorf("GetBucketPolicy after delete: %v, want NoSuchBucketPolicy", err)
	}
}

// TestS3_bucketPolicyEnforced: a bucket policy grants a user with no
// identity policy, and its explicit deny beats an identity allow.
func TestS3_bucketPolicyEnforced(t *testing.T) {
	srv, root := newServerWithBob(t)
	ctx := t.Context()
	rootS3 := s3.NewFromConfig(srv.RootConfig())
	bucketWithObject(t, rootS3, "shared", "report.txt", "q3")
	_, bobS3 := clientsFor(srv, login(t, srv, "bob@astran.io", "pw"))
	get := func() error { return getObject(ctx, bobS3, "shared", "report.txt") }
	if err := get(); apiCode(err) != "AccessDenied" {
		t.Fatalf("bob without any policy: %v, want AccessDenied", err)
	}
	bob := srv.UserARN("bob@astran.io").String()
	doc := `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"AWS":"` + bob + `"},"Action":"s3:GetObject","Resource":"arn:demo:s3:::shared/*"},
		{"Effect":"Deny","Principal":{"AWS":"` + bob + `"},"Action":"s3:DeleteObject","Resource":"arn:demo:s3:::shared/*"}]}`
	putBucketPolicy(t, rootS3, "shared", doc)
	if err := get(); err != nil {
		t.Errorf("bob allowed by the bucket policy: %v", err)
	}
	if _, err := bobS3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("shared")}); apiCode(err) != "AccessDenied" {
		t.Errorf("ListObjectsV2, allowed by nothing: %v, want AccessDenied", err)
	}
	attachUserPolicy(t, root, "bob@astran.io", "arn:astran:iam::astran:policy/AstranAdmin")
	if _, err := bobS3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("shared"), Key: aws.String("report.txt")}); apiCode(err) != "AccessDenied" {
		t.Errorf("DeleteObject denied by the bucket policy, allowed by AstranAdmin: %v, want AccessDenied", err)
	}
}

// TestS3_bucketPolicyAnonymous: unsigned requests are served only when a
// bucket policy allows "*".
func TestS3_bucketPolicyAnonymous(t *testing.T) {
	srv := newServer(t)
	rootS3 := s3.NewFromConfig(srv.RootConfig())
	bucketWithObject(t, rootS3, "public", "index.html", "<h1>hi</h1>")
	bucketWithObject(t, rootS3, "private", "index.html", "secret")
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:demo:s3:::public/*"}]}`
	putBucketPolicy(t, rootS3, "public", doc)
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/public/index.html", http.StatusOK},
		{http.MethodGet, "/private/index.html", http.StatusForbidden},
		{http.MethodPut, "/public/new.html", http.StatusForbidden},
		{http.MethodGet, "/public", http.StatusForbidden},
		{http.MethodGet, "/", http.StatusForbidden},
	} {
		status, body := send(t, tc.method, srv.Endpoints().S3+tc.path, "", strings.NewReader(""))
		if status != tc.want {
			t.Errorf("anonymous %s %s: %d %s, want %d", tc.method, tc.path, status, body, tc.want)
		}
		if tc.want == http.StatusOK && string(body) != "<h1>hi</h1>" {
			t.Errorf("anonymous GET: body %q", body)
		}
	}
}

// roleSessionSetup is a server with bob@astran.io (password "pw"), a bucket
// holding one object, and the server's own issuer trusted for web identities.
type roleSessionSetup struct {
	srv    *emulator.Server
	root   *iam.Client
	rootS3 *s3.Client
	trust  string // a trust policy for the server's issuer
	token  string // bob's access token from that issuer
}

func newRoleSessionSetup(t *testing.T, bucket, key string) *roleSessionSetup {
	t.Helper()
	srv, root := newServerWithBob(t)
	rootS3 := s3.NewFromConfig(srv.RootConfig())
	bucketWithObject(t, rootS3, bucket, key, "a")
	_, trust := webIdentityTrust(t, root, srv.Issuer(), "")
	status, tok := passwordGrant(t, srv.Issuer(), "s5", "bob@astran.io", "pw")
	if status != http.StatusOK || tok.AccessToken == "" {
		t.Fatalf("password grant: %d", status)
	}
	return &roleSessionSetup{srv: srv, root: root, rootS3: rootS3, trust: trust, token: tok.AccessToken}
}

// assume assumes role as session s1 with bob's token and the session
// policies of in, and returns an S3 client of the session.
func (rs *roleSessionSetup) assume(ctx context.Context, role *string, in *awssts.AssumeRoleWithWebIdentityInput) (*s3.Client, error) {
	in.RoleArn, in.RoleSessionName, in.WebIdentityToken = role, aws.String("s1"), aws.String(rs.token)
	_, cfg, err := assumeRoleWithWebIdentity(ctx, rs.srv, in)
	return s3.NewFromConfig(cfg), err
}

// TestSTS_sessionPolicies: Policy and PolicyArns of
// AssumeRoleWithWebIdentity limit the session to what both the role and the
// session policies allow.
func TestSTS_sessionPolicies(t *testing.T) {
	rs := newRoleSessionSetup(t, "data", "public/a.txt")
	ctx := t.Context()
	role := createRole(t, rs.root, &iam.CreateRoleInput{RoleName: aws.String("reader"), AssumeRolePolicyDocument: aws.String(rs.trust)},
		"arn:astran:iam::astran:policy/AstranS3ReadOnlyAccess")
	assume := func(in *awssts.AssumeRoleWithWebIdentityInput) (*s3.Client, error) {
		return rs.assume(ctx, role.Arn, in)
	}
	onlyPublic := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:demo:s3:::data/public/*"}]}`
	limited, err := assume(&awssts.AssumeRoleWithWebIdentityInput{Policy: aws.String(onlyPublic)})
	if err != nil {
		t.Fatal(err)
	}
	if err := getObject(ctx, limited, "data", "public/a.txt"); err != nil {
		t.Errorf("GetObject allowed by role and session policy: %v", err)
	}
	if _, err := limited.ListBuckets(ctx, &s3.ListBucketsInput{}); apiCode(err) != "AccessDenied" {
		t.Errorf("ListBuckets, allowed by the role only: %v, want AccessDenied", err)
	}
	if _, err := limited.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("public/b.txt"), Body: strings.NewReader("b")}); apiCode(err) != "AccessDenied" {
		t.Errorf("PutObject, allowed by the session policy only: %v, want AccessDenied", err)
	}
	managed, err := assume(&awssts.AssumeRoleWithWebIdentityInput{PolicyArns: []ststypes.PolicyDescriptorType{{Arn: aws.String("arn:astran:iam::astran:policy/AstranS3ReadOnlyAccess")}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := managed.ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil {
		t.Errorf("ListBuckets with a managed session policy that allows it: %v", err)
	}
	for name, in := range map[string]*awssts.AssumeRoleWithWebIdentityInput{
		"malformed policy": {Policy: aws.String(`{"Statement":`)},
		"foreign built-in": {PolicyArns: []ststypes.PolicyDescriptorType{{Arn: aws.String("arn:x:iam::astran:policy/AstranAdmin")}}},
		"policy too large": {Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"` + strings.Repeat("x", 2100) + `","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)},
		"unknown managed":  {PolicyArns: []ststypes.PolicyDescriptorType{{Arn: aws.String("arn:demo:iam::" + rs.srv.Account() + ":policy/none")}}},
	} {
		if _, err := assume(in); err == nil {
			t.Errorf("%s: assumed, want an error", name)
		}
	}
}

// TestS3_bucketPolicyRoleSessionLimits follows AWS's "Policy evaluation
// logic" (identity-based and resource-based policies within one account):
// a bucket policy that names the role ARN is still limited by the role
// session's permissions boundary and session policy, while one that names
// the assumed-role session ARN grants directly, despite both.
func TestS3_bucketPolicyRoleSessionLimits(t *testing.T) {
	rs := newRoleSessionSetup(t, "data", "private/a.txt")
	srv, root, rootS3 := rs.srv, rs.root, rs.rootS3
	ctx := t.Context()
	// The boundary and the session policy allow listing buckets, never
	// s3:GetObject.
	listOnly := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`
	bp, err := root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("list-only"), PolicyDocument: aws.String(listOnly)})
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]string{} // role name -> role ARN
	for _, name := range []string{"bounded", "limited"} {
		in := &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(rs.trust)}
		if name == "bounded" {
			in.PermissionsBoundary = bp.Policy.Arn
		}
		roles[name] = aws.ToString(createRole(t, root, in).Arn)
	}
	assume := func(t *testing.T, role string) *s3.Client {
		t.Helper()
		in := &awssts.AssumeRoleWithWebIdentityInput{}
		if role == "limited" {
			in.Policy = aws.String(listOnly)
		}
		c, err := rs.assume(ctx, aws.String(roles[role]), in)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	sessionARN := func(role string) string {
		return "arn:demo:sts::" + srv.Account() + ":assumed-role/" + role + "/s1"
	}
	for _, tc := range []struct {
		name, role, principal string
		want                  string // "" means allowed
	}{
		{"role ARN, limited by the boundary", "bounded", roles["bounded"], "AccessDenied"},
		{"role ARN, limited by the session policy", "limited", roles["limited"], "AccessDenied"},
		{"session ARN, despite the boundary", "bounded", sessionARN("bounded"), ""},
		{"session ARN, despite the session policy", "limited", sessionARN("limited"), ""},
		{"another session's ARN", "limited", "arn:demo:sts::" + srv.Account() + ":assumed-role/limited/other", "AccessDenied"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + tc.principal +
				`"},"Action":"s3:GetObject","Resource":"arn:demo:s3:::data/*"}]}`
			putBucketPolicy(t, rootS3, "data", doc)
			err := getObject(ctx, assume(t, tc.role), "data", "private/a.txt")
			if apiCode(err) != tc.want && !(tc.want == "" && err == nil) {
				t.Errorf("GetObject = %v, want %q", err, tc.want)
			}
		})
	}
}
