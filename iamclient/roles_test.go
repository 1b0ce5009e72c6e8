package iamclient_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/astran-oss/astran-go/iamclient"
)

func TestClient_DeleteRole_cascade(t *testing.T) {
	f, c := newFake(t)
	handle(f, "ListAttachedRolePolicies", func(in *iam.ListAttachedRolePoliciesInput) (*iam.ListAttachedRolePoliciesOutput, error) {
		return &iam.ListAttachedRolePoliciesOutput{AttachedPolicies: []types.AttachedPolicy{{PolicyArn: aws.String("arn:astran:iam::astran:policy/AstranAdmin")}}}, nil
	})
	handle(f, "DetachRolePolicy", func(in *iam.DetachRolePolicyInput) (*iam.DetachRolePolicyOutput, error) {
		return &iam.DetachRolePolicyOutput{}, nil
	})
	handle(f, "ListRolePolicies", func(in *iam.ListRolePoliciesInput) (*iam.ListRolePoliciesOutput, error) {
		return &iam.ListRolePoliciesOutput{}, nil
	})
	handle(f, "DeleteRole", func(in *iam.DeleteRoleInput) (*iam.DeleteRoleOutput, error) {
		return &iam.DeleteRoleOutput{}, nil
	})
	if err := c.DeleteRole(context.Background(), "r", func(o *iamclient.DeleteRoleOptions) { o.Cascade = true }); err != nil {
		t.Fatal(err)
	}
	want := []string{"ListAttachedRolePolicies", "DetachRolePolicy", "ListRolePolicies", "DeleteRole"}
	if got := f.Calls(); !slices.Equal(got, want) {
		t.Errorf("calls = %v, want %v", got, want)
	}
}
