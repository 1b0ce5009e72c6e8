package sts_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/astran-oss/astran-go/endpoint"
	"github.com/astran-oss/astran-go/sts"
)

// recorder is a service endpoint that records requests and answers 200
// with a fixed body.
type recorder struct {
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []*http.Request
}

func newRecorder(body string) *recorder {
	r := &recorder{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.reqs = append(r.reqs, req.Clone(context.Background()))
		r.mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		w.Write([]byte(body))
	}))
	return r
}

func (r *recorder) last(t *testing.T) *http.Request {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reqs) == 0 {
		t.Fatal("no request")
	}
	return r.reqs[len(r.reqs)-1]
}

func TestNewConfig(t *testing.T) {
	f := newFake(t)
	s3srv := newRecorder(`<ListAllMyBucketsResult><Buckets><Bucket><Name>test</Name><CreationDate>2025-03-27T09:40:47Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>`)
	defer s3srv.srv.Close()
	iamsrv := newRecorder(`<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListUsersResult><Users/><IsTruncated>false</IsTruncated></ListUsersResult></ListUsersResponse>`)
	defer iamsrv.srv.Close()
	stssrv := newRecorder(`<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:demo:iam::` + testAccount + `:user/bob@astran.io</Arn><UserId>x</UserId><Account>` + testAccount + `</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`)
	defer stssrv.srv.Close()

	p := newProvider(t, f)
	ep := f.endpoints()
	ep.S3, ep.IAM, ep.STS, ep.Region = s3srv.srv.URL, iamsrv.srv.URL, stssrv.srv.URL, "eu-west-3"
	cfg, err := sts.NewConfig(ep, p)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "eu-west-3" || cfg.BaseEndpoint != nil || cfg.HTTPClient != nil {
		t.Errorf("Region %q BaseEndpoint %v HTTPClient %v", cfg.Region, cfg.BaseEndpoint, cfg.HTTPClient)
	}
	if _, ok := cfg.Credentials.(*aws.CredentialsCache); !ok {
		t.Errorf("Credentials %T, want *aws.CredentialsCache", cfg.Credentials)
	}
	ctx := t.Context()

	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	out, err := s3c.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Buckets) != 1 || aws.ToString(out.Buckets[0].Name) != "test" {
		t.Errorf("buckets %v", out.Buckets)
	}
	if _, err := s3c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("test"), Key: aws.String("a/b.txt")}); err != nil {
		t.Fatal(err)
	}
	req := s3srv.last(t)
	if req.URL.Path != "/test/a/b.txt" {
		t.Errorf("path-style request path %q", req.URL.Path)
	}
	auth := req.Header.Get("Authorization")
	if !strings.Contains(auth, "/eu-west-3/s3/aws4_request") || !strings.Contains(auth, "Credential=ASIA") || req.Header.Get("X-Amz-Security-Token") == "" {
		t.Errorf("not signed with the session credentials: %q", auth)
	}

	if _, err := iam.NewFromConfig(cfg).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
	if a := iamsrv.last(t).Header.Get("Authorization"); !strings.Contains(a, "/iam/aws4_request") {
		t.Errorf("IAM Authorization %q", a)
	}
	if _, err := awssts.NewFromConfig(cfg).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	stssrv.last(t)
	// One login served all three clients.
	if got := f.stsCalls.Load(); got != 1 {
		t.Errorf("logins = %d, want 1", got)
	}
}

func TestNewConfig_invalid(t *testing.T) {
	demo, err := endpoint.Resolve(func(o *endpoint.Options) { o.Partition = "demo"; o.Getenv = func(string) string { return "" } })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sts.NewConfig(demo, nil); !errors.Is(err, sts.ErrInvalidConfig) {
		t.Errorf("nil provider: %v", err)
	}
	p := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return aws.Credentials{}, nil })
	noS3 := demo
	noS3.S3 = ""
	if _, err := sts.NewConfig(noS3, p); !errors.Is(err, sts.ErrInvalidConfig) {
		t.Errorf("no S3 endpoint: %v", err)
	}
	cfg, err := sts.NewConfig(demo, p)
	if err != nil || cfg.Region != "us-east-1" {
		t.Errorf("defaults: %v %q", err, cfg.Region)
	}
}
