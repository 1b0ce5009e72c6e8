package emulator_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

func TestS3_gate(t *testing.T) {
	srv, rootIAM := newServerWithBob(t)
	ctx := t.Context()
	bob := login(t, srv, "bob@astran.io", "pw")
	_, bobS3 := clientsFor(srv, bob)
	_, err := bobS3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("test")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" || ae.ErrorMessage() != "You don't have permission to access this resource" {
		t.Fatalf("new user CreateBucket: %v", err)
	}
	attachUserPolicy(t, rootIAM, "bob@astran.io", "arn:demo:iam::astran:policy/AstranAdmin")
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

func TestS3_signatures(t *testing.T) {
	srv := newServer(t)
	ctx := t.Context()
	root := srv.RootCredentials()
	rootS3 := s3.NewFromConfig(srv.RootConfig())
	if _, err := rootS3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bk1")}); err != nil {
		t.Fatal(err)
	}
	wrong := []byte(root.SecretAccessKey)
	wrong[0] ^= 1 // a different secret of the same length
	tests := []struct {
		name  string
		creds aws.Credentials
		code  string
	}{
		{"wrong secret", aws.Credentials{AccessKeyID: root.AccessKeyID, SecretAccessKey: string(wrong)}, "SignatureDoesNotMatch"},
		{"unknown key", aws.Credentials{AccessKeyID: "AKIAUNKNOWN000000000", SecretAccessKey: root.SecretAccessKey}, "InvalidAccessKeyId"},
		{"token on a static key", aws.Credentials{AccessKeyID: root.AccessKeyID, SecretAccessKey: root.SecretAccessKey, SessionToken: "bogus"}, "InvalidToken"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, c := clientsFor(srv, tc.creds)
			if _, err := c.ListBuckets(ctx, &s3.ListBucketsInput{}); apiCode(err) != tc.code {
				t.Errorf("%v, want %s", err, tc.code)
			}
		})
	}
	// Presigned URLs.
	if _, err := rootS3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bk1"), Key: aws.String("k/ü x"), Body: strings.NewReader("data")}); err != nil {
		t.Fatal(err)
	}
	pc := s3.NewPresignClient(rootS3)
	req, err := pc.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bk1"), Key: aws.String("k/ü x")}, s3.WithPresignExpires(5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	get := func(u string) (int, string) {
		st, b := send(t, http.MethodGet, u, "", nil)
		return st, string(b)
	}
	if st, body := get(req.URL); st != 200 || body != "data" {
		t.Errorf("presigned GET: %d %s", st, body)
	}
	if st, _ := get(strings.Replace(req.URL, "X-Amz-Signature=", "X-Amz-Signature=0", 1)); st != 403 {
		t.Errorf("tampered presigned GET: %d", st)
	}
	srv.Advance(6 * time.Minute)
	if st, body := get(req.URL); st != 403 || !strings.Contains(body, "Request has expired") {
		t.Errorf("expired presigned GET: %d %s", st, body)
	}
}

// TestS3_virtualHost addresses buckets as {bucket}.localhost:port.
func TestS3_virtualHost(t *testing.T) {
	srv := newServer(t)
	ctx := t.Context()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.Endpoints().S3, "http://"))
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	cfg := srv.RootConfig()
	cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, "127.0.0.1:"+port) // every name is loopback
		},
	}}
	c := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String("http://localhost:" + port)
		o.UsePathStyle = false
	})
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("vhost")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vhost"), Key: aws.String("a/b.txt"), Body: strings.NewReader("v")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("vhost"), Key: aws.String("a/b.txt")}); err != nil {
		t.Fatal(err)
	}
	// Path-style sees the same object.
	out, err := s3.NewFromConfig(srv.RootConfig()).ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("vhost"), Delimiter: aws.String("/")})
	if err != nil || len(out.CommonPrefixes) != 1 || aws.ToString(out.CommonPrefixes[0].Prefix) != "a/" {
		t.Errorf("ListObjectsV2: %+v %v", out, err)
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("vhost"), Key: aws.String("a/b.txt")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("vhost")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("vhost")}); err == nil {
		t.Error("deleted bucket still exists")
	}
}

func TestS3_multipart(t *testing.T) {
	srv := newServer(t)
	ctx := t.Context()
	c := s3.NewFromConfig(srv.RootConfig())
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("mpu")}); err != nil {
		t.Fatal(err)
	}
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("big"), ContentType: aws.String("text/plain")})
	if err != nil {
		t.Fatal(err)
	}
	var parts []types.CompletedPart
	for i, chunk := range []string{strings.Repeat("a", 5<<20), "tail"} {
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("mpu"), Key: aws.String("big"), UploadId: up.UploadId,
			PartNumber: aws.Int32(int32(i + 1)), Body: strings.NewReader(chunk)})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(i + 1))})
	}
	lp, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("mpu"), Key: aws.String("big"), UploadId: up.UploadId})
	if err != nil || len(lp.Parts) != 2 {
		t.Fatalf("ListParts: %+v %v", lp, err)
	}
	if _, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("big"), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}}); err != nil {
		t.Fatal(err)
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("mpu"), Key: aws.String("big")})
	if err != nil || aws.ToInt64(head.ContentLength) != 5<<20+4 || aws.ToString(head.ContentType) != "text/plain" || !strings.HasSuffix(aws.ToString(head.ETag), `-2"`) {
		t.Errorf("HeadObject: %+v %v", head, err)
	}
	// Abort.
	up2, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("gone")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("gone"), UploadId: up2.UploadId}); err != nil {
		t.Fatal(err)
	}
	live, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("live")})
	if err != nil {
		t.Fatal(err)
	}
	gone := func(_ any, err error) error { return err }
	for name, err := range map[string]error{
		"ListParts": gone(c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("mpu"), Key: aws.String("gone"), UploadId: up2.UploadId})),
		"UploadPart": gone(c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("mpu"), Key: aws.String("gone"), UploadId: up2.UploadId,
			PartNumber: aws.Int32(1), Body: strings.NewReader("x")})),
		"CompleteMultipartUpload": gone(c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("gone"), UploadId: up2.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: aws.String(`"x"`)}}}})),
		"AbortMultipartUpload": gone(c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String("mpu"), Key: aws.String("gone"), UploadId: up2.UploadId})),
		// A live upload of another object is no upload of this one.
		"ListParts of another key": gone(c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("mpu"), Key: aws.String("other"), UploadId: live.UploadId})),
	} {
		if apiCode(err) != "NoSuchUpload" {
			t.Errorf("%s: %v, want NoSuchUpload", name, err)
		}
	}
}
