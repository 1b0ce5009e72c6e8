package iamclient_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/iamclient"
)

func TestClient_builtinRefusedLocally(t *testing.T) {
	ctx := t.Context()
	doc := testDoc(t)
	calls := map[string]func(c *iamclient.Client) error{
		"DeleteGroup": func(c *iamclient.Client) error { return c.DeleteGroup(ctx, builtin.GroupAdmin) },
		"AttachGroupPolicy": func(c *iamclient.Client) error {
			return c.AttachGroupPolicy(ctx, builtin.GroupS3ReadOnly, testPolicyARN)
		},
		"DetachGroupPolicy": func(c *iamclient.Client) error {
			return c.DetachGroupPolicy(ctx, builtin.GroupKitCreator, testPolicyARN)
		},
	}
	for _, a := range []arn.ARN{
		builtin.PolicyARN(builtin.AstranAdmin),
		arn.MustParse("arn:demo:iam::astran:policy/AstranKitCreator"), // customer partition, account astran
	} {
		calls["DeletePolicy/"+a.String()] = func(c *iamclient.Client) error { return c.DeletePolicy(ctx, a) }
		calls["DeletePolicyVersion/"+a.String()] = func(c *iamclient.Client) error { return c.DeletePolicyVersion(ctx, a, "v1") }
		calls["SetDefaultPolicyVersion/"+a.String()] = func(c *iamclient.Client) error { return c.SetDefaultPolicyVersion(ctx, a, "v1") }
		calls["CreatePolicyVersion/"+a.String()] = func(c *iamclient.Client) error {
			_, err := c.CreatePolicyVersion(ctx, a, doc)
			return err
		}
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			f, c := newFake(t)
			if err := call(c); !errors.Is(err, iamclient.ErrBuiltin) {
				t.Fatalf("err = %v, want ErrBuiltin", err)
			}
			f.wantCalls(t) // nothing sent
		})
	}
}

func TestClient_attachBuiltinAllowed(t *testing.T) {
	f, c := newFake(t)
	var sent string
	handle(f, "AttachGroupPolicy", func(in *iam.AttachGroupPolicyInput) (*iam.AttachGroupPolicyOutput, error) {
		sent = aws.ToString(in.PolicyArn)
		return &iam.AttachGroupPolicyOutput{}, nil
	})
	if err := c.AttachGroupPolicy(t.Context(), "marketing", builtin.PolicyARN(builtin.AstranAdmin)); err != nil {
		t.Fatal(err)
	}
	if sent != "arn:astran:iam::astran:policy/AstranAdmin" {
		t.Errorf("sent %q", sent)
	}
}
