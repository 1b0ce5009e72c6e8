package emulator_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/astran-oss/astran-go/emulator"
)

// TestAddPeer_crossAccount: a user of a peer account reaches a bucket only
// when both its own account's policies and the bucket policy allow, as in
// AWS's cross-account evaluation; a deny in the bucket policy wins.
func TestAddPeer_crossAccount(t *testing.T) {
	owner := newServer(t)
	other := newServer(t, emulator.WithUserPassword("pw"))
	if err := owner.AddPeer(other); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	ownerS3 := s3.NewFromConfig(owner.RootConfig())
	bucketWithObject(t, ownerS3, "shared", "report.txt", "q3")
	otherIAM := iam.NewFromConfig(other.RootConfig())
	createUser(t, otherIAM, "carol@astran.io")
	carolCfg, err := other.UserConfig(ctx, "carol@astran.io", "pw")
	if err != nil {
		t.Fatal(err)
	}
	// Carol's credentials, sent to the owner's S3 endpoint.
	carol := s3.NewFromConfig(carolCfg, func(o *s3.Options) { o.BaseEndpoint = aws.String(owner.Endpoints().S3) })
	who, err := awssts.NewFromConfig(carolCfg, func(o *awssts.Options) { o.BaseEndpoint = aws.String(owner.Endpoints().STS) }).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Account) != other.Account() {
		t.Errorf("GetCallerIdentity through the owner: %v %v, want account %s", who, err, other.Account())
	}
	read := func() error { return getObject(ctx, carol, "shared", "report.txt") }
	carolARN := other.UserARN("carol@astran.io").String()
	bucketPolicy := func(effect string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"` + effect + `","Principal":{"AWS":"` + carolARN +
			`"},"Action":"s3:GetObject","Resource":"arn:demo:s3:::shared/*"}]}`
	}
	steps := []struct {
		name string
		do   func()
		want string // "" means allowed
	}{
		{"nothing allows", func() {}, "AccessDenied"},
		{"bucket policy only", func() { putBucketPolicy(t, ownerS3, "shared", bucketPolicy("Allow")) }, "AccessDenied"},
		{"both allow", func() {
			if _, err := otherIAM.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("carol@astran.io"), PolicyName: aws.String("read-shared"),
				PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::shared/*"}]}`)}); err != nil {
				t.Fatal(err)
			}
		}, ""},
		{"bucket policy denies", func() { putBucketPolicy(t, ownerS3, "shared", bucketPolicy("Deny")) }, "AccessDenied"},
	}
	for _, st := range steps {
		st.do()
		if err := read(); apiCode(err) != st.want && !(st.want == "" && err == nil) {
			t.Errorf("%s: GetObject = %v, want %q", st.name, err, st.want)
		}
	}
	// The peer's root needs the bucket policy too: its own account allows
	// it everything, the owner's bucket policy decides.
	otherRoot := s3.NewFromConfig(other.RootConfig(), func(o *s3.Options) { o.BaseEndpoint = aws.String(owner.Endpoints().S3) })
	rootRead := func() error { return getObject(ctx, otherRoot, "shared", "report.txt") }
	if err := rootRead(); apiCode(err) != "AccessDenied" {
		t.Errorf("peer root, bucket policy naming carol only: %v, want AccessDenied", err)
	}
	putBucketPolicy(t, ownerS3, "shared", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:demo:iam::`+other.Account()+
		`:root"},"Action":"s3:GetObject","Resource":"arn:demo:s3:::shared/*"}]}`)
	if err := rootRead(); err != nil {
		t.Errorf("peer root, bucket policy naming its account: %v", err)
	}
	if _, err := otherRoot.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("shared"), Key: aws.String("x"), Body: strings.NewReader("x")}); apiCode(err) != "AccessDenied" {
		t.Errorf("peer root, PutObject not in the bucket policy: %v, want AccessDenied", err)
	}
	// Carol cannot use the owner's IAM, nor list its buckets.
	if _, err := carol.ListBuckets(ctx, &s3.ListBucketsInput{}); apiCode(err) != "AccessDenied" {
		t.Errorf("ListBuckets across accounts: %v, want AccessDenied", err)
	}
	if err := owner.AddPeer(owner); !errors.Is(err, emulator.ErrPeer) {
		t.Errorf("AddPeer(self) = %v, want ErrPeer", err)
	}
	if err := owner.AddPeer(newServer(t, emulator.WithPartition("corp"))); err == nil || !strings.Contains(err.Error(), "partition") {
		t.Errorf("AddPeer(other partition) = %v, want ErrPeer", err)
	}
}
