package iamclient_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/iamclient"
	"github.com/astran-oss/astran-go/policy"
)

var (
	testPolicyARN = arn.MustParse("arn:demo:iam::acct:policy/read")
	day           = func(d int) *time.Time { return aws.Time(time.Date(2025, 1, d, 0, 0, 0, 0, time.UTC)) }
)

func testDoc(t *testing.T) *policy.Document {
	t.Helper()
	d, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::b/*"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestClient_CreatePolicyVersion_prune(t *testing.T) {
	tests := map[string]struct {
		versions    []types.PolicyVersion
		prune       bool
		wantDeleted string // "" = none
		wantCalls   []string
	}{
		"five versions, default not oldest": {
			versions: []types.PolicyVersion{
				{VersionId: aws.String("v3"), CreateDate: day(3), IsDefaultVersion: true},
				{VersionId: aws.String("v5"), CreateDate: day(5)},
				{VersionId: aws.String("v2"), CreateDate: day(2)},
				{VersionId: aws.String("v4"), CreateDate: day(4)},
				{VersionId: aws.String("v6"), CreateDate: day(6)},
			},
			prune:       true,
			wantDeleted: "v2",
			wantCalls:   []string{"ListPolicyVersions", "DeletePolicyVersion", "CreatePolicyVersion"},
		},
		"five versions, oldest is default": {
			versions: []types.PolicyVersion{
				{VersionId: aws.String("v1"), CreateDate: day(1), IsDefaultVersion: true},
				{VersionId: aws.String("v10"), CreateDate: day(2)},
				{VersionId: aws.String("v9"), CreateDate: day(2)}, // same date: lower number first
				{VersionId: aws.String("v11"), CreateDate: day(3)},
				{VersionId: aws.String("v12"), CreateDate: day(4)},
			},
			prune:       true,
			wantDeleted: "v9",
			wantCalls:   []string{"ListPolicyVersions", "DeletePolicyVersion", "CreatePolicyVersion"},
		},
		"room left": {
			versions: []types.PolicyVersion{
				{VersionId: aws.String("v1"), CreateDate: day(1), IsDefaultVersion: true},
				{VersionId: aws.String("v2"), CreateDate: day(2)},
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
			handle(f, "ListPolicyVersions", func(in *iam.ListPolicyVersionsInput) (*iam.ListPolicyVersionsOutput, error) {
				return &iam.ListPolicyVersionsOutput{Versions: tc.versions}, nil
			})
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
			v, err := c.CreatePolicyVersion(context.Background(), testPolicyARN, doc, func(o *iamclient.CreatePolicyVersionOptions) {
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
			if got := f.Calls(); !slices.Equal(got, tc.wantCalls) {
				t.Errorf("calls = %v, want %v", got, tc.wantCalls)
			}
			if want, _ := doc.MarshalJSON(); sent != string(want) {
				t.Errorf("sent %s, want %s", sent, want)
			}
		})
	}
}

func TestClient_CreatePolicyVersion_limit(t *testing.T) {
	f, c := newFake(t)
	handle(f, "CreatePolicyVersion", func(in *iam.CreatePolicyVersionInput) (*iam.CreatePolicyVersionOutput, error) {
		return nil, apiErr("LimitExceeded")
	})
	_, err := c.CreatePolicyVersion(context.Background(), testPolicyARN, testDoc(t))
	if !errors.Is(err, iamclient.ErrLimitExceeded) {
		t.Fatalf("err = %v, want ErrLimitExceeded", err)
	}
}

func TestClient_DeletePolicy_versionsFirst(t *testing.T) {
	f, c := newFake(t)
	var deleted []string
	handle(f, "ListEntitiesForPolicy", func(in *iam.ListEntitiesForPolicyInput) (*iam.ListEntitiesForPolicyOutput, error) {
		return &iam.ListEntitiesForPolicyOutput{
			PolicyUsers:  []types.PolicyUser{{UserName: aws.String("bob@astran.io")}},
			PolicyGroups: []types.PolicyGroup{{GroupName: aws.String("marketing")}},
			PolicyRoles:  []types.PolicyRole{{RoleName: aws.String("r")}},
		}, nil
	})
	for _, op := range []string{"DetachUserPolicy", "DetachGroupPolicy", "DetachRolePolicy"} {
		switch op {
		case "DetachUserPolicy":
			handle(f, op, func(*iam.DetachUserPolicyInput) (*iam.DetachUserPolicyOutput, error) {
				return &iam.DetachUserPolicyOutput{}, nil
			})
		case "DetachGroupPolicy":
			handle(f, op, func(*iam.DetachGroupPolicyInput) (*iam.DetachGroupPolicyOutput, error) {
				return &iam.DetachGroupPolicyOutput{}, nil
			})
		case "DetachRolePolicy":
			handle(f, op, func(*iam.DetachRolePolicyInput) (*iam.DetachRolePolicyOutput, error) {
				return &iam.DetachRolePolicyOutput{}, nil
			})
		}
	}
	handle(f, "ListPolicyVersions", func(in *iam.ListPolicyVersionsInput) (*iam.ListPolicyVersionsOutput, error) {
		return &iam.ListPolicyVersionsOutput{Versions: []types.PolicyVersion{
			{VersionId: aws.String("v1")}, {VersionId: aws.String("v2"), IsDefaultVersion: true}, {VersionId: aws.String("v3")},
		}}, nil
	})
	handle(f, "DeletePolicyVersion", func(in *iam.DeletePolicyVersionInput) (*iam.DeletePolicyVersionOutput, error) {
		deleted = append(deleted, aws.ToString(in.VersionId))
		return &iam.DeletePolicyVersionOutput{}, nil
	})
	handle(f, "DeletePolicy", func(in *iam.DeletePolicyInput) (*iam.DeletePolicyOutput, error) {
		return &iam.DeletePolicyOutput{}, nil
	})
	if err := c.DeletePolicy(context.Background(), testPolicyARN, func(o *iamclient.DeletePolicyOptions) { o.Detach = true }); err != nil {
		t.Fatal(err)
	}
	want := []string{"ListEntitiesForPolicy", "DetachUserPolicy", "DetachGroupPolicy", "DetachRolePolicy",
		"ListPolicyVersions", "DeletePolicyVersion", "DeletePolicyVersion", "DeletePolicy"}
	if got := f.Calls(); !slices.Equal(got, want) {
		t.Errorf("calls:\n got %v\nwant %v", got, want)
	}
	if !slices.Equal(deleted, []string{"v1", "v3"}) {
		t.Errorf("deleted versions %v, want [v1 v3]", deleted)
	}
}

func TestClient_CreatePolicy_invalidDocument(t *testing.T) {
	bad := &policy.Document{Version: "2012-10-17", Statements: []policy.Statement{{Effect: policy.EffectAllow, Resource: []string{"*"}}}} // no Action
	for name, doc := range map[string]*policy.Document{"invalid": bad, "nil": nil} {
		t.Run(name, func(t *testing.T) {
			f, c := newFake(t)
			_, err := c.CreatePolicy(context.Background(), "p", doc)
			if !errors.Is(err, iamclient.ErrInvalidInput) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
			if doc != nil && !errors.Is(err, policy.ErrMissingField) {
				t.Errorf("err = %v, want the policy package's ErrMissingField", err)
			}
			if calls := f.Calls(); len(calls) != 0 {
				t.Errorf("sent %v", calls)
			}
		})
	}
}
