package iamclient_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/iamclient"
	"github.com/astran-oss/astran-go/policy"
)

// newFake returns a fake IAM API and a Client that calls it.
func newFake(t *testing.T) (*fakeIAM, *iamclient.Client) {
	t.Helper()
	f := &fakeIAM{}
	return f, newClient(f)
}

func newClient(api iamclient.API) *iamclient.Client {
	return iamclient.New(aws.Config{}, func(o *iamclient.Options) { o.API = api })
}

// apiErr is the error IAM answers with code.
func apiErr(code string) error {
	return &smithy.GenericAPIError{Code: code, Message: code + " from the fake", Fault: smithy.FaultClient}
}

var testPolicyARN = arn.MustParse("arn:demo:iam::acct:policy/read")

// version is a policy version as IAM lists it, created on day d of 2025.
func version(id string, d int, isDefault bool) types.PolicyVersion {
	return types.PolicyVersion{VersionId: aws.String(id), CreateDate: aws.Time(time.Date(2025, 1, d, 0, 0, 0, 0, time.UTC)), IsDefaultVersion: isDefault}
}

func testDoc(t *testing.T) *policy.Document {
	t.Helper()
	d, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::b/*"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	return d
}
