package emulator_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/astran-oss/astran-go/emulator"
	"github.com/astran-oss/astran-go/endpoint"
	"github.com/astran-oss/astran-go/sts"
)

// The tutorial's "Managing users" flow, in Go: root creates bob, bob logs in
// with the sts package (pointed at the emulator through the variables of
// Server.Env) and is denied until his group gets AstranAdmin.
func Example() {
	srv, err := emulator.New(emulator.WithPartition("demo"), emulator.WithUserPassword("bob-password"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()

	root := iam.NewFromConfig(srv.RootConfig())
	user, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob@astran.io")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("created", aws.ToString(user.User.UserName))
	_, _ = root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("marketing")})
	_, _ = root.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: aws.String("bob@astran.io"), GroupName: aws.String("marketing")})

	// The emulator's endpoints, as `astran serve` exports them.
	env := map[string]string{}
	for _, kv := range srv.Env() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	ep, err := endpoint.Resolve(func(o *endpoint.Options) { o.Getenv = func(k string) string { return env[k] } })
	if err != nil {
		log.Fatal(err)
	}
	grant, err := sts.NewPasswordGrant(ep, "bob@astran.io", sts.StaticPassword("bob-password"))
	if err != nil {
		log.Fatal(err)
	}
	provider, err := sts.NewProvider(ep, grant)
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := sts.NewConfig(ep, provider)
	if err != nil {
		log.Fatal(err)
	}
	bob := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })

	mb := func(bucket string) {
		_, err := bob.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
		var ae smithy.APIError
		if errors.As(err, &ae) {
			fmt.Printf("make_bucket failed: s3://%s %s: %s\n", bucket, ae.ErrorCode(), ae.ErrorMessage())
			return
		}
		fmt.Println("make_bucket:", bucket)
	}
	mb("test")
	_, _ = root.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("marketing"),
		PolicyArn: aws.String("arn:astran:iam::astran:policy/AstranAdmin")})
	mb("test")
	// Output:
	// created bob@astran.io
	// make_bucket failed: s3://test AccessDenied: You don't have permission to access this resource
	// make_bucket: test
}

// A user created through IAM must follow the emailed link before logging in.
func ExampleMailbox_Verify() {
	srv, err := emulator.New()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	_, err = iam.NewFromConfig(srv.RootConfig()).CreateUser(context.Background(), &iam.CreateUserInput{UserName: aws.String("alice@astran.io")})
	if err != nil {
		log.Fatal(err)
	}
	msg, _ := srv.Mailbox().Last("alice@astran.io")
	fmt.Println(msg.To, strings.Contains(msg.Link, "/login-actions/action-token?key="))
	fmt.Println(srv.Mailbox().Verify(msg.Link, "alice-password"))
	fmt.Println(srv.Mailbox().Verify(msg.Link, "again"))
	// Output:
	// alice@astran.io true
	// <nil>
	// emulator: verifying email: unknown or used verification link
}

// Advance moves the emulator's clock: the access token and the STS
// credentials expire without any sleep.
func ExampleServer_Advance() {
	srv, err := emulator.New(emulator.WithUserPassword("pw"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	if _, err := iam.NewFromConfig(srv.RootConfig()).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob@astran.io")}); err != nil {
		log.Fatal(err)
	}
	opts := func(o *sts.RequestOptions) {
		o.Now = srv.Now
		o.MaxAttempts = 1
	}
	ts, err := sts.NewPasswordGrant(srv.Endpoints(), "bob@astran.io", sts.StaticPassword("pw"),
		func(o *sts.PasswordGrantOptions) { opts(&o.RequestOptions) })
	if err != nil {
		log.Fatal(err)
	}
	tok, err := ts.Token(ctx)
	if err != nil {
		log.Fatal(err)
	}
	srv.Advance(6 * time.Minute) // access tokens live 300 s
	_, err = sts.LoginWithWebIdentity(ctx, srv.Endpoints(), tok.AccessToken, "bob-session-name", opts)
	fmt.Println(errors.Is(err, sts.ErrTokenExpired))
	// Output:
	// true
}

// AddPeer gives a test a second account: carol, a user of account B, reads
// account A's bucket once A's bucket policy and B's policy for her both
// allow it (examples/cross-account runs the same steps).
func ExampleServer_AddPeer() {
	a, err := emulator.New()
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	b, err := emulator.New(emulator.WithUserPassword("carol-pw"))
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()
	if err := a.AddPeer(b); err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	aS3 := s3.NewFromConfig(a.RootConfig())
	_, _ = aS3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("shared")})
	_, _ = aS3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("shared"), Key: aws.String("k"), Body: strings.NewReader("v")})
	carol := b.UserARN("carol@astran.io")
	_, _ = aS3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("shared"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + carol.String() +
			`"},"Action":"s3:GetObject","Resource":"arn:demo:s3:::shared/*"}]}`)})
	bIAM := iam.NewFromConfig(b.RootConfig())
	_, _ = bIAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("carol@astran.io")})
	cfg, err := b.UserConfig(ctx, "carol@astran.io", "carol-pw")
	if err != nil {
		log.Fatal(err)
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint = aws.String(a.Endpoints().S3) })
	read := func() string {
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("shared"), Key: aws.String("k")})
		var ae smithy.APIError
		if errors.As(err, &ae) {
			return ae.ErrorCode()
		}
		if err != nil {
			return err.Error()
		}
		defer out.Body.Close()
		v, _ := io.ReadAll(out.Body)
		return string(v)
	}
	fmt.Println("bucket policy only:", read())
	_, _ = bIAM.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("carol@astran.io"), PolicyName: aws.String("read"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::shared/*"}]}`)})
	fmt.Println("both sides:", read())
	// Output:
	// bucket policy only: AccessDenied
	// both sides: v
}
