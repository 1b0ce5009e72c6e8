package iamclient_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/astran-oss/astran-go/iamclient"
)

func TestClient_DeleteGroup_cascade(t *testing.T) {
	f, c := newFake(t)
	handle(f, "GetGroup", func(in *iam.GetGroupInput) (*iam.GetGroupOutput, error) {
		g := &types.Group{GroupName: aws.String("marketing")}
		if in.Marker == nil {
			return &iam.GetGroupOutput{Group: g, Users: []types.User{{UserName: aws.String("a@astran.io")}}, IsTruncated: true, Marker: aws.String("m")}, nil
		}
		return &iam.GetGroupOutput{Group: g, Users: []types.User{{UserName: aws.String("b@astran.io")}}}, nil
	})
	var removed []string
	handle(f, "RemoveUserFromGroup", func(in *iam.RemoveUserFromGroupInput) (*iam.RemoveUserFromGroupOutput, error) {
		removed = append(removed, aws.ToString(in.UserName))
		return &iam.RemoveUserFromGroupOutput{}, nil
	})
	answer(f, "ListAttachedGroupPolicies", &iam.ListAttachedGroupPoliciesOutput{AttachedPolicies: []types.AttachedPolicy{{PolicyArn: aws.String("arn:demo:iam::acct:policy/p")}}})
	answer(f, "ListGroupPolicies", &iam.ListGroupPoliciesOutput{PolicyNames: []string{"inline"}})
	f.succeed("DetachGroupPolicy", "DeleteGroupPolicy", "DeleteGroup")
	if err := c.DeleteGroup(t.Context(), "marketing", func(o *iamclient.DeleteGroupOptions) { o.Cascade = true }); err != nil {
		t.Fatal(err)
	}
	f.wantCalls(t, "GetGroup", "GetGroup", "RemoveUserFromGroup", "RemoveUserFromGroup", "ListAttachedGroupPolicies",
		"DetachGroupPolicy", "ListGroupPolicies", "DeleteGroupPolicy", "DeleteGroup")
	if !slices.Equal(removed, []string{"a@astran.io", "b@astran.io"}) {
		t.Errorf("removed %v", removed)
	}
}
