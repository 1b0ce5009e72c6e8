package iamclient_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/astran-oss/astran-go/iamclient"
)

func TestClient_DeleteRole_cascade(t *testing.T) {
	f, c := newFake(t)
	answer(f, "ListAttachedRolePolicies", &iam.ListAttachedRolePoliciesOutput{AttachedPolicies: []types.AttachedPolicy{{PolicyArn: aws.String("arn:astran:iam::astran:policy/AstranAdmin")}}})
	f.succeed("DetachRolePolicy", "ListRolePolicies", "DeleteRole")
	if err := c.DeleteRole(t.Context(), "r", func(o *iamclient.DeleteRoleOptions) { o.Cascade = true }); err != nil {
		t.Fatal(err)
	}
	f.wantCalls(t, "ListAttachedRolePolicies", "DetachRolePolicy", "ListRolePolicies", "DeleteRole")
}
