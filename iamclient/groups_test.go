package iamclient_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

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
	handle(f, "ListAttachedGroupPolicies", func(in *iam.ListAttachedGroupPoliciesInput) (*iam.ListAttachedGroupPoliciesOutput, error) {
		return &iam.ListAttachedGroupPoliciesOutput{AttachedPolicies: []types.AttachedPolicy{{PolicyArn: aws.String("arn:demo:iam::acct:policy/p")}}}, nil
	})
	handle(f, "DetachGroupPolicy", func(in *iam.DetachGroupPolicyInput) (*iam.DetachGroupPolicyOutput, error) {
		return &iam.DetachGroupPolicyOutput{}, nil
	})
	handle(f, "ListGroupPolicies", func(in *iam.ListGroupPoliciesInput) (*iam.ListGroupPoliciesOutput, error) {
		return &iam.ListGroupPoliciesOutput{PolicyNames: []string{"inline"}}, nil
	})
	handle(f, "DeleteGroupPolicy", func(in *iam.DeleteGroupPolicyInput) (*iam.DeleteGroupPolicyOutput, error) {
		return &iam.DeleteGroupPolicyOutput{}, nil
	})
	handle(f, "DeleteGroup", func(in *iam.DeleteGroupInput) (*iam.DeleteGroupOutput, error) {
		return &iam.DeleteGroupOutput{}, nil
	})
	if err := c.DeleteGroup(context.Background(), "marketing", func(o *iamclient.DeleteGroupOptions) { o.Cascade = true }); err != nil {
		t.Fatal(err)
	}
	want := []string{"GetGroup", "GetGroup", "RemoveUserFromGroup", "RemoveUserFromGroup", "ListAttachedGroupPolicies",
		"DetachGroupPolicy", "ListGroupPolicies", "DeleteGroupPolicy", "DeleteGroup"}
	if got := f.Calls(); !slices.Equal(got, want) {
		t.Errorf("calls:\n got %v\nwant %v", got, want)
	}
	if !slices.Equal(removed, []string{"a@astran.io", "b@astran.io"}) {
		t.Errorf("removed %v", removed)
	}
}

func TestClient_DeleteGroup_nonEmpty(t *testing.T) {
	f, c := newFake(t)
	handle(f, "DeleteGroup", func(in *iam.DeleteGroupInput) (*iam.DeleteGroupOutput, error) {
		return nil, apiErr("DeleteConflict")
	})
	err := c.DeleteGroup(context.Background(), "marketing")
	if !errors.Is(err, iamclient.ErrDeleteConflict) {
		t.Fatalf("err = %v, want ErrDeleteConflict", err)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "DeleteConflict" {
		t.Errorf("errors.As(smithy.APIError) = %v", ae)
	}
}
