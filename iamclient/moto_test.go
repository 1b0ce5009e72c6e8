package iamclient_test

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/iamclient"
	"github.com/astran-oss/astran-go/iamclient/iamclienttest"
	"github.com/astran-oss/astran-go/internal/motoserver"
)

var moto motoserver.Shared

func TestMain(m *testing.M) { os.Exit(moto.Run(m)) }

// motoConfig returns an aws.Config with moto's dummy credentials.
func motoConfig() aws.Config {
	return aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", ""),
	}
}

// TestMoto runs the integration suite against a private moto_server. moto
// differs from Astran in ways iamclienttest.MotoQuirks lists.
func TestMoto(t *testing.T) {
	srv := moto.Get(t)
	iamclienttest.RunSuite(t, motoConfig(), srv.URL, iamclienttest.MotoQuirks)
}

// TestMoto_twice runs the suite twice on one server: the suite cleans up
// after itself, so it can share a server with other tests.
func TestMoto_twice(t *testing.T) {
	srv := moto.Get(t)
	for i := range 2 {
		t.Run(fmt.Sprint("run", i), func(t *testing.T) {
			iamclienttest.RunSuite(t, motoConfig(), srv.URL, iamclienttest.MotoQuirks)
		})
	}
}

// The operations moto does not implement, checked against fakes.
func TestClient_motoGaps(t *testing.T) {
	ctx := t.Context()
	f, c := newFake(t)
	var got []string
	handle(f, "PutUserPermissionsBoundary", func(in *iam.PutUserPermissionsBoundaryInput) (*iam.PutUserPermissionsBoundaryOutput, error) {
		got = append(got, aws.ToString(in.UserName)+" "+aws.ToString(in.PermissionsBoundary))
		return &iam.PutUserPermissionsBoundaryOutput{}, nil
	})
	handle(f, "DeleteUserPermissionsBoundary", func(in *iam.DeleteUserPermissionsBoundaryInput) (*iam.DeleteUserPermissionsBoundaryOutput, error) {
		got = append(got, aws.ToString(in.UserName))
		return nil, apiErr("NoSuchEntity")
	})
	handle(f, "AddClientIDToOpenIDConnectProvider", func(in *iam.AddClientIDToOpenIDConnectProviderInput) (*iam.AddClientIDToOpenIDConnectProviderOutput, error) {
		got = append(got, aws.ToString(in.OpenIDConnectProviderArn)+" "+aws.ToString(in.ClientID))
		return &iam.AddClientIDToOpenIDConnectProviderOutput{}, nil
	})
	if err := c.PutUserPermissionsBoundary(ctx, "bob@astran.io", builtin.PolicyARN(builtin.AstranS3ReadOnlyAccess)); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteUserPermissionsBoundary(ctx, "bob@astran.io"); !errors.Is(err, iamclient.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	provider := arn.MustParse("arn:demo:iam::acct:oidc-provider/astran.cloud-iam.com/auth/realms/demo")
	if err := c.AddOIDCClientID(ctx, provider, "astran"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"bob@astran.io arn:astran:iam::astran:policy/AstranS3ReadOnlyAccess",
		"bob@astran.io",
		"arn:demo:iam::acct:oidc-provider/astran.cloud-iam.com/auth/realms/demo astran",
	}
	if !slices.Equal(got, want) {
		t.Errorf("sent:\n %q\nwant\n %q", got, want)
	}
	if c.API() != iamclient.API(f) {
		t.Error("API() does not return Options.API")
	}
	if _, ok := iamclient.New(staticConfig(), func(o *iamclient.Options) { o.Partition = "demo" }).API().(*iam.Client); !ok {
		t.Error("API() of New is not an *iam.Client")
	}
}
