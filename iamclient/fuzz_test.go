package iamclient_test

import (
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/astran-oss/astran-go/policy"
)

// FuzzGetPolicyVersion feeds arbitrary stored documents (URL-encoded or not)
// through the decoding of GetPolicyVersion: no panic, and a decoded document
// marshals to JSON that parses back.
func FuzzGetPolicyVersion(f *testing.F) {
	for _, seed := range []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
		url.PathEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"iam:*","Resource":"arn:demo:s3:::b/${aws:username}/*"}]}`),
		"%7B%22Version%22%3A%222012-10-17%22%7D",
		"%zz", "", "{", "%7B",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, stored string) {
		fake := &fakeIAM{}
		handle(fake, "GetPolicyVersion", func(in *iam.GetPolicyVersionInput) (*iam.GetPolicyVersionOutput, error) {
			return &iam.GetPolicyVersionOutput{PolicyVersion: &types.PolicyVersion{VersionId: in.VersionId, Document: aws.String(stored)}}, nil
		})
		c := newClient(fake)
		v, err := c.GetPolicyVersion(t.Context(), testPolicyARN, "v1")
		if err != nil || v.Document == nil {
			return
		}
		b, err := v.Document.MarshalJSON()
		if err != nil {
			t.Fatalf("decoded document does not marshal: %v", err)
		}
		if _, err := policy.Parse(b, func(o *policy.ParseOptions) { o.Dialect = policy.AWS; o.MaxSize = -1 }); err != nil {
			t.Fatalf("re-parsing %s: %v", b, err)
		}
	})
}
