package emulator_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/astran-oss/astran-go/iamclient"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
	"github.com/astran-oss/astran-go/principal/iamstore"
)

const homeDoc = `{"Version":"2012-10-17","Statement":[
 {"Sid":"Home","Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:demo:s3:::user-buckets/${aws:username}/*"},
 {"Sid":"NoSecrets","Effect":"Deny","Action":"s3:*","Resource":"arn:demo:s3:::user-buckets/*/secret*"}]}`

// TestPolicies_endToEnd: an inline policy with ${aws:username} and an
// explicit deny, enforced by the S3 gate and, identically, by a
// principal.Authorizer reading the emulator's IAM through principal.IAMStore.
func TestPolicies_endToEnd(t *testing.T) {
	srv, root := newServerWithBob(t)
	ctx := t.Context()
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("bob@astran.io"), PolicyName: aws.String("home"), PolicyDocument: aws.String(homeDoc)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s3.NewFromConfig(srv.RootConfig()).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("user-buckets")}); err != nil {
		t.Fatal(err)
	}
	_, bob := clientsFor(srv, login(t, srv, "bob@astran.io", "pw"))
	external := principal.NewAuthorizer(iamstore.New(iamclient.New(aws.Config{}, func(o *iamclient.Options) { o.API = root })))
	bobARN := principal.Caller{ARN: srv.UserARN("bob@astran.io")}
	tests := []struct {
		key   string
		allow bool
	}{
		{"bob@astran.io/notes.txt", true},
		{"bob@astran.io/secret.txt", false},
		{"alice@astran.io/notes.txt", false},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			_, err := bob.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("user-buckets"), Key: aws.String(tc.key), Body: strings.NewReader("x")})
			if got := err == nil; got != tc.allow {
				t.Errorf("emulator PutObject allowed=%v (%v), want %v", got, err, tc.allow)
			}
			res, err := external.Authorize(ctx, bobARN, "s3:PutObject", "arn:demo:s3:::user-buckets/"+tc.key, policy.Context{})
			if err != nil || res.Allowed() != tc.allow {
				t.Errorf("principal.IAMStore decision %v (%v), want allowed=%v", res.Decision, err, tc.allow)
			}
		})
	}
}

// TestPolicies_sourceIP: aws:SourceIp and aws:SecureTransport come from the
// request (loopback, plain HTTP).
func TestPolicies_sourceIP(t *testing.T) {
	srv, root := newServerWithBob(t)
	ctx := t.Context()
	doc := `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}}},
 {"Effect":"Allow","Action":"s3:CreateBucket","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("bob@astran.io"), PolicyName: aws.String("net"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	_, bob := clientsFor(srv, login(t, srv, "bob@astran.io", "pw"))
	if _, err := bob.ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil {
		t.Errorf("ListBuckets from loopback: %v", err)
	}
	if _, err := bob.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("tls-only")}); apiCode(err) != "AccessDenied" {
		t.Errorf("CreateBucket over plain HTTP: %v, want AccessDenied", err)
	}
}
