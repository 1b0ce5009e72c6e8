package emulator_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/astran-oss/astran-go/emulator"
)

func TestSTS_assumeRoleWithWebIdentity(t *testing.T) {
	srv, root := newServerWithBob(t)
	ctx := context.Background()
	prov, err := root.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(srv.Issuer()), ClientIDList: []string{"s5"}})
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(srv.Issuer(), "http://")
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + *prov.OpenIDConnectProviderArn +
		`"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + host + `:aud":"s5"}}}]}`
	role, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("reader"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := root.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("reader"), PolicyArn: aws.String("arn:astran:iam::astran:policy/AstranS3ReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	wrongAud := strings.Replace(trust, `:aud":"s5"`, `:aud":"astran"`, 1)
	if _, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("other"), AssumeRolePolicyDocument: aws.String(wrongAud)}); err != nil {
		t.Fatal(err)
	}
	_, tok := passwordGrant(t, srv.Issuer(), "s5", "bob@astran.io", "pw")
	stsc := awssts.NewFromConfig(srv.Config(aws.AnonymousCredentials{}))
	out, err := stsc.AssumeRoleWithWebIdentity(ctx, &awssts.AssumeRoleWithWebIdentityInput{
		RoleArn: role.Role.Arn, RoleSessionName: aws.String("ci"), WebIdentityToken: aws.String(tok.AccessToken)})
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:demo:sts::" + srv.Account() + ":assumed-role/reader/ci"; aws.ToString(out.AssumedRoleUser.Arn) != want {
		t.Errorf("assumed role ARN %s, want %s", aws.ToString(out.AssumedRoleUser.Arn), want)
	}
	c := out.Credentials
	cfg := srv.Config(credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken))
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
	_, err = stsc.AssumeRoleWithWebIdentity(ctx, &awssts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String("arn:demo:iam::" + srv.Account() + ":role/other"), RoleSessionName: aws.String("ci"), WebIdentityToken: aws.String(tok.AccessToken)})
	if apiCode(err) != "AccessDenied" {
		t.Errorf("untrusted role: %v, want AccessDenied", err)
	}
	// Expired token.
	srv.Advance(10 * time.Minute)
	_, err = stsc.AssumeRoleWithWebIdentity(ctx, &awssts.AssumeRoleWithWebIdentityInput{
		RoleArn: role.Role.Arn, RoleSessionName: aws.String("ci"), WebIdentityToken: aws.String(tok.AccessToken)})
	if apiCode(err) != "ExpiredTokenException" {
		t.Errorf("expired token: %v, want ExpiredTokenException", err)
	}
}

func TestS3_signatures(t *testing.T) {
	srv := newServer(t)
	ctx := context.Background()
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
		r, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := httpClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
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
	ctx := context.Background()
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

// TestSTS_externalIdentityProvider: server B trusts server A's realm as an
// external OIDC provider (discovered and verified with go-oidc), as a
// partition trusts a customer's own IdP.
func TestSTS_externalIdentityProvider(t *testing.T) {
	idp := newServer(t, emulator.WithPartition("corp"), emulator.WithUserPassword("pw"))
	srv := newServer(t)
	ctx := context.Background()
	if _, err := iam.NewFromConfig(idp.RootConfig()).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("carol@corp.example")}); err != nil {
		t.Fatal(err)
	}
	root := iam.NewFromConfig(srv.RootConfig())
	prov, err := root.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(idp.Issuer()), ClientIDList: []string{"s5"}})
	if err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + *prov.OpenIDConnectProviderArn + `"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`
	role, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("partner"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	_, tok := passwordGrant(t, idp.Issuer(), "s5", "carol@corp.example", "pw")
	stsc := awssts.NewFromConfig(srv.Config(aws.AnonymousCredentials{}))
	out, err := stsc.AssumeRoleWithWebIdentity(ctx, &awssts.AssumeRoleWithWebIdentityInput{
		RoleArn: role.Role.Arn, RoleSessionName: aws.String("carol"), WebIdentityToken: aws.String(tok.AccessToken)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Provider) != *prov.OpenIDConnectProviderArn || aws.ToString(out.Audience) != "s5" {
		t.Errorf("provider %s audience %s", aws.ToString(out.Provider), aws.ToString(out.Audience))
	}
	// A token from an issuer the partition does not trust.
	_, err = awssts.NewFromConfig(idp.Config(aws.AnonymousCredentials{})).AssumeRoleWithWebIdentity(ctx, &awssts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String("arn:corp:iam::" + idp.Account() + ":role/none"), RoleSessionName: aws.String("x"), WebIdentityToken: aws.String(tok.AccessToken)})
	if apiCode(err) != "AccessDenied" {
		t.Errorf("unknown role: %v", err)
	}
}

// TestServer_concurrentClients exercises IAM, STS and S3 from many
// goroutines at once (run with -race).
func TestServer_concurrentClients(t *testing.T) {
	srv := newServer(t, emulator.WithUserPassword("pw"))
	ctx := context.Background()
	root := iam.NewFromConfig(srv.RootConfig())
	rootS3 := s3.NewFromConfig(srv.RootConfig())
	if _, err := root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("all")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("all"), PolicyArn: aws.String("arn:astran:iam::astran:policy/AstranAdmin")}); err != nil {
		t.Fatal(err)
	}
	clients := make([]*s3.Client, 8)
	for i := range clients {
		user := "u" + string(rune('a'+i)) + "@astran.io"
		if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user)}); err != nil {
			t.Fatal(err)
		}
		_, clients[i] = clientsFor(srv, login(t, srv, user, "pw"))
	}
	errs := make(chan error, 8)
	for i, c := range clients {
		go func() {
			errs <- func() error {
				user := "u" + string(rune('a'+i)) + "@astran.io"
				if _, err := root.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: aws.String(user), GroupName: aws.String("all")}); err != nil {
					return err
				}
				if _, err := root.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
					return err
				}
				bucket := "bucket-" + string(rune('a'+i))
				if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
					return err
				}
				for j := range 5 {
					key := "k" + string(rune('0'+j))
					if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(key)}); err != nil {
						return err
					}
				}
				_, err := rootS3.ListBuckets(ctx, &s3.ListBucketsInput{})
				return err
			}()
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestS3_multipart(t *testing.T) {
	srv := newServer(t)
	ctx := context.Background()
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
	if _, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("mpu"), Key: aws.String("gone"), UploadId: up2.UploadId}); apiCode(err) != "NoSuchUpload" {
		t.Errorf("ListParts after abort: %v", err)
	}
}
