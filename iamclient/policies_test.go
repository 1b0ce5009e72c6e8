package iamclient_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/astran-oss/astran-go/iamclient"
	"github.com/astran-oss/astran-go/policy"
)

func TestClient_CreatePolicyVersion_prune(t *testing.T) {
	tests := map[string]struct {
		versions    []types.PolicyVersion
		prune       bool
		wantDeleted string // "" = none
		wantCalls   []string
	}{
		"five versions, default not oldest": {
			versions: []types.PolicyVersion{
				version("v3", 3, true),
				version("v5", 5, false),
				version("v2", 2, false),
				version("v4", 4, false),
				version("v6", 6, false),
			},
			prune:       true,
			wantDeleted: "v2",
			wantCalls:   []string{"ListPolicyVersions", "DeletePolicyVersion", "CreatePolicyVersion"},
		},
		"five versions, oldest is default": {
			versions: []types.PolicyVersion{
				version("v1", 1, true),
				version("v10", 2, false),
				version("v9", 2, false), // same date: lower number first
				version("v11", 3, false),
				version("v12", 4, false),
			},
			prune:       true,
			wantDeleted: "v9",
			wantCalls:   []string{"ListPolicyVersions", "DeletePolicyVersion", "CreatePolicyVersion"},
		},
		"room left": {
			versions: []types.PolicyVersion{
				version("v1", 1, true),
				version("v2", 2, false),
			},
			prune:     true,
			wantCalls: []string{"ListPolicyVersions", "CreatePolicyVersion"},
		},
		"no pruning asked": {
			wantCalls: []string{"CreatePolicyVersion"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f, c := newFake(t)
			var deleted string
			answer(f, "ListPolicyVersions", &iam.ListPolicyVersionsOutput{Versions: tc.versions})
			handle(f, "DeletePolicyVersion", func(in *iam.DeletePolicyVersionInput) (*iam.DeletePolicyVersionOutput, error) {
				deleted = aws.ToString(in.VersionId)
				return &iam.DeletePolicyVersionOutput{}, nil
			})
			var sent string
			handle(f, "CreatePolicyVersion", func(in *iam.CreatePolicyVersionInput) (*iam.CreatePolicyVersionOutput, error) {
				sent = aws.ToString(in.PolicyDocument)
				return &iam.CreatePolicyVersionOutput{PolicyVersion: &types.PolicyVersion{VersionId: aws.String("v99"), IsDefaultVersion: in.SetAsDefault}}, nil
			})
			doc := testDoc(t)
			v, err := c.CreatePolicyVersion(t.Context(), testPolicyARN, doc, func(o *iamclient.CreatePolicyVersionOptions) {
				o.PruneOldest = tc.prune
				o.SetAsDefault = true
			})
			if err != nil {
				t.Fatal(err)
			}
			if v.VersionID != "v99" || !v.IsDefault || v.Document != doc {
				t.Errorf("version = %+v", v)
			}
			if deleted != tc.wantDeleted {
				t.Errorf("deleted %q, want %q", deleted, tc.wantDeleted)
			}
			f.wantCalls(t, tc.wantCalls...)
			if want, _ := doc.MarshalJSON(); sent != string(want) {
				t.Errorf("sent %s, want %s", sent, want)
			}
		})
	}
}

func TestClient_CreatePolicyVersion_limit(t *testing.T) {
	f, c := newFake(t)
	f.fail("CreatePolicyVersion", "LimitExceeded")
	_, err := c.CreatePolicyVersion(t.Context(), testPolicyARN, testDoc(t))
	if !errors.Is(err, iamclient.ErrLimitExceeded) {
		t.Fatalf("err = %v, want ErrLimitExceeded", err)
	}
}

func TestClient_DeletePolicy_versionsFirst(t *testing.T) {
	f, c := newFake(t)
	var deleted []string
	answer(f, "ListEntitiesForPolicy", &iam.ListEntitiesForPolicyOutput{
		PolicyUsers:  []types.PolicyUser{{UserName: aws.String("bob@astran.io")}},
		PolicyGroups: []types.PolicyGroup{{GroupName: aws.String("marketing")}},
		PolicyRoles:  []types.PolicyRole{{RoleName: aws.String("r")}},
	})
	f.succeed("DetachUserPolicy", "DetachGroupPolicy", "DetachRolePolicy", "DeletePolicy")
	answer(f, "ListPolicyVersions", &iam.ListPolicyVersionsOutput{Versions: []types.PolicyVersion{
		{VersionId: aws.String("v1")}, {VersionId: aws.String("v2"), IsDefaultVersion: true}, {VersionId: aws.String("v3")},
	}})
	handle(f, "DeletePolicyVersion", func(in *iam.DeletePolicyVersionInput) (*iam.DeletePolicyVersionOutput, error) {
		deleted = append(deleted, aws.ToString(in.VersionId))
		return &iam.DeletePolicyVersionOutput{}, nil
	})
	if err := c.DeletePolicy(t.Context(), testPolicyARN, func(o *iamclient.DeletePolicyOptions) { o.Detach = true }); err != nil {
		t.Fatal(err)
	}
	f.wantCalls(t, "ListEntitiesForPolicy", "DetachUserPolicy", "DetachGroupPolicy", "DetachRolePolicy",
		"ListPolicyVersions", "DeletePolicyVersion", "DeletePolicyVersion", "DeletePolicy")
	if !slices.Equal(deleted, []string{"v1", "v3"}) {
		t.Errorf("deleted versions %v, want [v1 v3]", deleted)
	}
}

func TestClient_CreatePolicy_invalidDocument(t *testing.T) {
	bad := &policy.Document{Version: "2012-10-17", Statements: []policy.Statement{{Effect: policy.EffectAllow, Resource: []string{"*"}}}} // no Action
	for name, doc := range map[string]*policy.Document{"invalid": bad, "nil": nil} {
		t.Run(name, func(t *testing.T) {
			f, c := newFake(t)
			_, err := c.CreatePolicy(t.Context(), "p", doc)
			if !errors.Is(err, iamclient.ErrInvalidInput) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
			if doc != nil && !errors.Is(err, policy.ErrMissingField) {
				t.Errorf("err = %v, want the policy package's ErrMissingField", err)
			}
			f.wantCalls(t) // nothing sent
		})
	}
}
