package iamclient_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/endpoint"
	"github.com/astran-oss/astran-go/iamclient"
	"github.com/astran-oss/astran-go/policy"
)

func newFake(t *testing.T) (*fakeIAM, *iamclient.Client) {
	t.Helper()
	f := &fakeIAM{}
	return f, newClient(f)
}

func newClient(api iamclient.API) *iamclient.Client {
	return iamclient.New(aws.Config{}, func(o *iamclient.Options) { o.API = api })
}

func apiErr(code string) error {
	return &smithy.GenericAPIError{Code: code, Message: code + " from the fake", Fault: smithy.FaultClient}
}

func TestClient_Users_pagination(t *testing.T) {
	f, c := newFake(t)
	pages := map[string]*iam.ListUsersOutput{
		"":   {Users: []types.User{{UserName: aws.String("a@astran.io")}, {UserName: aws.String("b@astran.io")}}, IsTruncated: true, Marker: aws.String("m1")},
		"m1": {Users: []types.User{{UserName: aws.String("c@astran.io")}}, IsTruncated: true, Marker: aws.String("m2")},
		"m2": {Users: []types.User{{UserName: aws.String("d@astran.io"), Arn: aws.String("arn:demo:iam::acct:user/d@astran.io"),
			CreateDate: aws.Time(time.Date(2025, 3, 27, 8, 43, 40, 0, time.UTC))}}},
	}
	var prefixes []string
	handle(f, "ListUsers", func(in *iam.ListUsersInput) (*iam.ListUsersOutput, error) {
		prefixes = append(prefixes, aws.ToString(in.PathPrefix))
		return pages[aws.ToString(in.Marker)], nil
	})
	users, err := c.ListUsers(context.Background(), func(o *iamclient.ListOptions) { o.PathPrefix = "/x/" })
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range users {
		got = append(got, u.Name)
	}
	if want := []string{"a@astran.io", "b@astran.io", "c@astran.io", "d@astran.io"}; !slices.Equal(got, want) {
		t.Errorf("ListUsers = %v, want %v", got, want)
	}
	if !slices.Equal(prefixes, []string{"/x/", "/x/", "/x/"}) {
		t.Errorf("path prefixes sent = %q", prefixes)
	}
	last := users[3]
	if last.ARN != arn.MustParse("arn:demo:iam::acct:user/d@astran.io") || !last.CreateDate.Equal(time.Date(2025, 3, 27, 8, 43, 40, 0, time.UTC)) {
		t.Errorf("typed fields = %+v", last)
	}
}

func TestClient_Users_earlyBreak(t *testing.T) {
	f, c := newFake(t)
	handle(f, "ListUsers", func(in *iam.ListUsersInput) (*iam.ListUsersOutput, error) {
		if in.Marker != nil {
			t.Error("fetched a second page after the consumer stopped")
		}
		return &iam.ListUsersOutput{Users: []types.User{{UserName: aws.String("a@astran.io")}, {UserName: aws.String("b@astran.io")}}, IsTruncated: true, Marker: aws.String("m1")}, nil
	})
	for u, err := range c.Users(context.Background()) {
		if err != nil || u.Name != "a@astran.io" {
			t.Fatalf("first = %+v, %v", u, err)
		}
		break
	}
	if got := f.Calls(); len(got) != 1 {
		t.Errorf("calls = %v, want one ListUsers", got)
	}
}

func TestClient_Users_errorMidway(t *testing.T) {
	f, c := newFake(t)
	handle(f, "ListUsers", func(in *iam.ListUsersInput) (*iam.ListUsersOutput, error) {
		if in.Marker == nil {
			return &iam.ListUsersOutput{Users: []types.User{{UserName: aws.String("a@astran.io")}}, IsTruncated: true, Marker: aws.String("m1")}, nil
		}
		return nil, apiErr("AccessDenied")
	})
	var got []string
	var gotErr error
	for u, err := range c.Users(context.Background()) {
		if err != nil {
			gotErr = err
			continue // the iterator must stop by itself
		}
		got = append(got, u.Name)
	}
	if !slices.Equal(got, []string{"a@astran.io"}) || !errors.Is(gotErr, iamclient.ErrAccessDenied) {
		t.Errorf("got %v, %v", got, gotErr)
	}
	if _, err := c.ListUsers(context.Background()); !errors.Is(err, iamclient.ErrAccessDenied) {
		t.Errorf("ListUsers err = %v", err)
	}
}

func TestClient_Users_repeatedMarker(t *testing.T) {
	f, c := newFake(t)
	n := 0
	handle(f, "ListUsers", func(in *iam.ListUsersInput) (*iam.ListUsersOutput, error) {
		n++
		if n > 10 {
			t.Fatal("looping on a repeated marker")
		}
		return &iam.ListUsersOutput{Users: []types.User{{UserName: aws.String("a@astran.io")}}, IsTruncated: true, Marker: aws.String("same")}, nil
	})
	users, err := c.ListUsers(context.Background())
	if err != nil || len(users) != 2 {
		t.Errorf("ListUsers = %d users, %v; want 2 (then stop on the repeated marker)", len(users), err)
	}
}

func TestClient_Users_canceled(t *testing.T) {
	_, c := newFake(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.ListUsers(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestClient_DeleteUser_cascade(t *testing.T) {
	const bob = "bob@astran.io"
	f, c := newFake(t)
	var removed, detached, inline, keys []string
	handle(f, "ListGroupsForUser", func(in *iam.ListGroupsForUserInput) (*iam.ListGroupsForUserOutput, error) {
		if in.Marker == nil {
			return &iam.ListGroupsForUserOutput{Groups: []types.Group{{GroupName: aws.String("marketing")}}, IsTruncated: true, Marker: aws.String("p2")}, nil
		}
		return &iam.ListGroupsForUserOutput{Groups: []types.Group{{GroupName: aws.String("sales")}}}, nil
	})
	handle(f, "RemoveUserFromGroup", func(in *iam.RemoveUserFromGroupInput) (*iam.RemoveUserFromGroupOutput, error) {
		removed = append(removed, aws.ToString(in.GroupName)+"/"+aws.ToString(in.UserName))
		return &iam.RemoveUserFromGroupOutput{}, nil
	})
	handle(f, "ListAttachedUserPolicies", func(in *iam.ListAttachedUserPoliciesInput) (*iam.ListAttachedUserPoliciesOutput, error) {
		return &iam.ListAttachedUserPoliciesOutput{AttachedPolicies: []types.AttachedPolicy{
			{PolicyArn: aws.String("arn:astran:iam::astran:policy/AstranAdmin"), PolicyName: aws.String("AstranAdmin")},
		}}, nil
	})
	handle(f, "DetachUserPolicy", func(in *iam.DetachUserPolicyInput) (*iam.DetachUserPolicyOutput, error) {
		detached = append(detached, aws.ToString(in.PolicyArn))
		return &iam.DetachUserPolicyOutput{}, nil
	})
	handle(f, "ListUserPolicies", func(in *iam.ListUserPoliciesInput) (*iam.ListUserPoliciesOutput, error) {
		return &iam.ListUserPoliciesOutput{PolicyNames: []string{"inline1"}}, nil
	})
	handle(f, "DeleteUserPolicy", func(in *iam.DeleteUserPolicyInput) (*iam.DeleteUserPolicyOutput, error) {
		inline = append(inline, aws.ToString(in.PolicyName))
		return &iam.DeleteUserPolicyOutput{}, nil
	})
	handle(f, "ListAccessKeys", func(in *iam.ListAccessKeysInput) (*iam.ListAccessKeysOutput, error) {
		return &iam.ListAccessKeysOutput{AccessKeyMetadata: []types.AccessKeyMetadata{{AccessKeyId: aws.String("AKIAEXAMPLE")}}}, nil
	})
	handle(f, "DeleteAccessKey", func(in *iam.DeleteAccessKeyInput) (*iam.DeleteAccessKeyOutput, error) {
		keys = append(keys, aws.ToString(in.AccessKeyId))
		return &iam.DeleteAccessKeyOutput{}, nil
	})
	handle(f, "DeleteLoginProfile", func(in *iam.DeleteLoginProfileInput) (*iam.DeleteLoginProfileOutput, error) {
		return nil, apiErr("NoSuchEntity") // no login profile: fine
	})
	handle(f, "DeleteUser", func(in *iam.DeleteUserInput) (*iam.DeleteUserOutput, error) {
		if aws.ToString(in.UserName) != bob {
			t.Errorf("DeleteUser(%q)", aws.ToString(in.UserName))
		}
		return &iam.DeleteUserOutput{}, nil
	})

	if err := c.DeleteUser(context.Background(), bob, func(o *iamclient.DeleteUserOptions) { o.Cascade = true }); err != nil {
		t.Fatal(err)
	}
	want := []string{"ListGroupsForUser", "ListGroupsForUser", "RemoveUserFromGroup", "RemoveUserFromGroup",
		"ListAttachedUserPolicies", "DetachUserPolicy", "ListUserPolicies", "DeleteUserPolicy",
		"ListAccessKeys", "DeleteAccessKey", "DeleteLoginProfile", "DeleteUser"}
	if got := f.Calls(); !slices.Equal(got, want) {
		t.Errorf("calls:\n got %v\nwant %v", got, want)
	}
	if !slices.Equal(removed, []string{"marketing/" + bob, "sales/" + bob}) ||
		!slices.Equal(detached, []string{"arn:astran:iam::astran:policy/AstranAdmin"}) ||
		!slices.Equal(inline, []string{"inline1"}) || !slices.Equal(keys, []string{"AKIAEXAMPLE"}) {
		t.Errorf("removed %v, detached %v, inline %v, keys %v", removed, detached, inline, keys)
	}
}

func TestClient_DeleteUser_noCascade(t *testing.T) {
	f, c := newFake(t)
	handle(f, "DeleteUser", func(in *iam.DeleteUserInput) (*iam.DeleteUserOutput, error) {
		return nil, apiErr("DeleteConflict")
	})
	err := c.DeleteUser(context.Background(), "bob@astran.io")
	if !errors.Is(err, iamclient.ErrDeleteConflict) {
		t.Fatalf("err = %v, want ErrDeleteConflict", err)
	}
	if got := f.Calls(); !slices.Equal(got, []string{"DeleteUser"}) {
		t.Errorf("calls = %v", got)
	}
}

func TestClient_DeleteUser_cascadeStopsOnError(t *testing.T) {
	f, c := newFake(t)
	handle(f, "ListGroupsForUser", func(in *iam.ListGroupsForUserInput) (*iam.ListGroupsForUserOutput, error) {
		return &iam.ListGroupsForUserOutput{Groups: []types.Group{{GroupName: aws.String("marketing")}}}, nil
	})
	handle(f, "RemoveUserFromGroup", func(in *iam.RemoveUserFromGroupInput) (*iam.RemoveUserFromGroupOutput, error) {
		return nil, apiErr("AccessDenied")
	})
	err := c.DeleteUser(context.Background(), "bob@astran.io", func(o *iamclient.DeleteUserOptions) { o.Cascade = true })
	if !errors.Is(err, iamclient.ErrAccessDenied) {
		t.Fatalf("err = %v, want ErrAccessDenied", err)
	}
	if slices.Contains(f.Calls(), "DeleteUser") {
		t.Error("DeleteUser was called after the cascade failed")
	}
}

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

func TestClient_builtinRefusedLocally(t *testing.T) {
	ctx := context.Background()
	doc := testDoc(t)
	for _, a := range []arn.ARN{
		builtin.PolicyARN(builtin.AstranAdmin),
		arn.MustParse("arn:demo:iam::astran:policy/AstranKitCreator"), // customer partition, account astran
	} {
		for name, call := range map[string]func(c *iamclient.Client) error{
			"DeletePolicy":            func(c *iamclient.Client) error { return c.DeletePolicy(ctx, a) },
			"DeletePolicyVersion":     func(c *iamclient.Client) error { return c.DeletePolicyVersion(ctx, a, "v1") },
			"SetDefaultPolicyVersion": func(c *iamclient.Client) error { return c.SetDefaultPolicyVersion(ctx, a, "v1") },
			"CreatePolicyVersion": func(c *iamclient.Client) error {
				_, err := c.CreatePolicyVersion(ctx, a, doc)
				return err
			},
		} {
			t.Run(name+"/"+a.String(), func(t *testing.T) {
				f, c := newFake(t)
				err := call(c)
				if !errors.Is(err, iamclient.ErrBuiltin) {
					t.Fatalf("err = %v, want ErrBuiltin", err)
				}
				if calls := f.Calls(); len(calls) != 0 {
					t.Errorf("sent %v", calls)
				}
			})
		}
	}
	for name, call := range map[string]func(c *iamclient.Client) error{
		"DeleteGroup": func(c *iamclient.Client) error { return c.DeleteGroup(ctx, builtin.GroupAdmin) },
		"AttachGroupPolicy": func(c *iamclient.Client) error {
			return c.AttachGroupPolicy(ctx, builtin.GroupS3ReadOnly, testPolicyARN)
		},
		"DetachGroupPolicy": func(c *iamclient.Client) error {
			return c.DetachGroupPolicy(ctx, builtin.GroupKitCreator, testPolicyARN)
		},
	} {
		t.Run(name, func(t *testing.T) {
			f, c := newFake(t)
			if err := call(c); !errors.Is(err, iamclient.ErrBuiltin) {
				t.Fatalf("err = %v, want ErrBuiltin", err)
			}
			if calls := f.Calls(); len(calls) != 0 {
				t.Errorf("sent %v", calls)
			}
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
	if err := c.AttachGroupPolicy(context.Background(), "marketing", builtin.PolicyARN(builtin.AstranAdmin)); err != nil {
		t.Fatal(err)
	}
	if sent != "arn:astran:iam::astran:policy/AstranAdmin" {
		t.Errorf("sent %q", sent)
	}
}

func TestClient_CreateUser_invalidEmail(t *testing.T) {
	for _, email := range []string{"", "bob", "Bob <bob@astran.io>", "@astran.io", "bob@"} {
		t.Run(email, func(t *testing.T) {
			f, c := newFake(t)
			_, err := c.CreateUser(context.Background(), email)
			if !errors.Is(err, iamclient.ErrInvalidInput) || !errors.Is(err, arn.ErrInvalidEmail) {
				t.Fatalf("err = %v, want ErrInvalidInput and arn.ErrInvalidEmail", err)
			}
			if calls := f.Calls(); len(calls) != 0 {
				t.Errorf("sent %v", calls)
			}
		})
	}
}

func TestClient_CreateUser_options(t *testing.T) {
	f, c := newFake(t)
	var got *iam.CreateUserInput
	handle(f, "CreateUser", func(in *iam.CreateUserInput) (*iam.CreateUserOutput, error) {
		got = in
		return &iam.CreateUserOutput{User: &types.User{UserName: in.UserName, Path: in.Path}}, nil
	})
	u, err := c.CreateUser(context.Background(), "bob@astran.io", func(o *iamclient.CreateUserOptions) {
		o.Path = "/eng/"
		o.Tags = map[string]string{"b": "2", "a": "1"}
		o.PermissionsBoundary = builtin.PolicyARN(builtin.AstranStandardUser)
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.Path) != "/eng/" || aws.ToString(got.PermissionsBoundary) != "arn:astran:iam::astran:policy/AstranStandardUser" ||
		len(got.Tags) != 2 || aws.ToString(got.Tags[0].Key) != "a" {
		t.Errorf("input = %+v", got)
	}
	if u.Tags["a"] != "1" || u.Path != "/eng/" {
		t.Errorf("user = %+v", u)
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

func TestClient_GetPolicyDocument_decoding(t *testing.T) {
	const doc = `{"Version":"2012-10-17","Statement":[{"Sid":"A+B","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::b/a b+c%/*"}]}`
	tests := map[string]struct {
		stored  string
		wantErr bool
	}{
		"URL-encoded (RFC 3986)": {stored: url.PathEscape(doc)},
		"query-escaped":          {stored: strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")},
		"plain JSON":             {stored: doc},
		"bad escape":             {stored: "%7B%zz", wantErr: true},
		"not a policy":           {stored: url.PathEscape(`{"Version":"2012-10-17"}`), wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f, c := newFake(t)
			handle(f, "GetPolicy", func(in *iam.GetPolicyInput) (*iam.GetPolicyOutput, error) {
				return &iam.GetPolicyOutput{Policy: &types.Policy{Arn: in.PolicyArn, DefaultVersionId: aws.String("v2")}}, nil
			})
			handle(f, "GetPolicyVersion", func(in *iam.GetPolicyVersionInput) (*iam.GetPolicyVersionOutput, error) {
				if aws.ToString(in.VersionId) != "v2" {
					t.Errorf("asked for version %q, want the default v2", aws.ToString(in.VersionId))
				}
				return &iam.GetPolicyVersionOutput{PolicyVersion: &types.PolicyVersion{
					VersionId: in.VersionId, IsDefaultVersion: true, Document: aws.String(tc.stored),
				}}, nil
			})
			v, err := c.GetPolicyDocument(context.Background(), testPolicyARN)
			if tc.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				var ie *iamclient.Error
				if !errors.As(err, &ie) || ie.Op != "GetPolicyVersion" {
					t.Errorf("err = %#v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			st := v.Document.Statements[0]
			if st.Sid != "A+B" || st.Resource[0] != "arn:demo:s3:::b/a b+c%/*" || v.VersionID != "v2" || !v.IsDefault {
				t.Errorf("decoded %+v / %+v", v, st)
			}
		})
	}
}

func TestError_classification(t *testing.T) {
	tests := []struct {
		code string
		kind error
	}{
		{"NoSuchEntity", iamclient.ErrNotFound},
		{"EntityAlreadyExists", iamclient.ErrAlreadyExists},
		{"DeleteConflict", iamclient.ErrDeleteConflict},
		{"LimitExceeded", iamclient.ErrLimitExceeded},
		{"AccessDenied", iamclient.ErrAccessDenied},
		{"InvalidInput", iamclient.ErrInvalidInput},
		{"MalformedPolicyDocument", iamclient.ErrInvalidInput},
		{"ValidationError", iamclient.ErrInvalidInput},
		{"UnmodifiableEntity", iamclient.ErrBuiltin},
		{"ServiceFailure", nil},
	}
	kinds := []error{iamclient.ErrNotFound, iamclient.ErrAlreadyExists, iamclient.ErrDeleteConflict, iamclient.ErrLimitExceeded,
		iamclient.ErrAccessDenied, iamclient.ErrInvalidInput, iamclient.ErrBuiltin}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			f, c := newFake(t)
			handle(f, "GetUser", func(*iam.GetUserInput) (*iam.GetUserOutput, error) { return nil, apiErr(tc.code) })
			_, err := c.GetUser(context.Background(), "bob@astran.io")
			for _, k := range kinds {
				if got := errors.Is(err, k); got != (k == tc.kind) {
					t.Errorf("errors.Is(err, %v) = %v", k, got)
				}
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != tc.code {
				t.Errorf("errors.As(smithy.APIError) failed: %v", err)
			}
			var ie *iamclient.Error
			if !errors.As(err, &ie) || ie.Op != "GetUser" || ie.Name != "bob@astran.io" || ie.Kind != tc.kind || ie.Code() != tc.code {
				t.Errorf("*Error = %+v", ie)
			}
			if !strings.HasPrefix(err.Error(), "iamclient: GetUser bob@astran.io: ") {
				t.Errorf("message %q", err.Error())
			}
		})
	}
}

// iamServer answers the IAM query API for one action with body, recording
// the requests.
func iamServer(t *testing.T, body string) (*httptest.Server, chan *http.Request) {
	reqs := make(chan *http.Request, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		reqs <- r
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, reqs
}

const getUserXML = `<GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetUserResult><User>
<Path>/</Path><UserName>bob@astran.io</UserName><UserId>AIDAC654348CB5834CDE8B4A2011F31CD2CB</UserId>
<Arn>arn:demo:iam::ce09c61d-afac-404f-a96b-ebbbced80013:user/bob@astran.io</Arn>
<CreateDate>2025-03-27T08:43:40.813640Z</CreateDate>
<Tags><member><Key>team</Key><Value>marketing</Value></member></Tags>
<PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType><PermissionsBoundaryArn>arn:astran:iam::astran:policy/AstranStandardUser</PermissionsBoundaryArn></PermissionsBoundary>
</User></GetUserResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetUserResponse>`

func staticConfig() aws.Config {
	return aws.Config{Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}
}

func TestNew_httpRoundTrip(t *testing.T) {
	srv, reqs := iamServer(t, getUserXML)
	c := iamclient.New(staticConfig(), func(o *iamclient.Options) {
		o.Partition = "demo"
		o.BaseEndpoint = srv.URL
		o.HTTPClient = srv.Client()
		o.Getenv = func(string) string { return "" }
	})
	u, err := c.GetUser(context.Background(), "bob@astran.io")
	if err != nil {
		t.Fatal(err)
	}
	r := <-reqs
	if r.Form.Get("Action") != "GetUser" || r.Form.Get("UserName") != "bob@astran.io" {
		t.Errorf("form = %v", r.Form)
	}
	if auth := r.Header.Get("Authorization"); !strings.Contains(auth, "/us-east-1/iam/aws4_request") {
		t.Errorf("Authorization = %q, want SigV4 for us-east-1/iam", auth)
	}
	want := iamclient.User{
		ARN:                 arn.MustParse("arn:demo:iam::ce09c61d-afac-404f-a96b-ebbbced80013:user/bob@astran.io"),
		ID:                  "AIDAC654348CB5834CDE8B4A2011F31CD2CB",
		Name:                "bob@astran.io",
		Path:                "/",
		CreateDate:          time.Date(2025, 3, 27, 8, 43, 40, 813640000, time.UTC),
		PermissionsBoundary: builtin.PolicyARN(builtin.AstranStandardUser),
		Tags:                map[string]string{"team": "marketing"},
	}
	if u.ARN != want.ARN || u.ID != want.ID || u.Name != want.Name || u.Path != want.Path ||
		!u.CreateDate.Equal(want.CreateDate) || u.PermissionsBoundary != want.PermissionsBoundary || u.Tags["team"] != "marketing" {
		t.Errorf("GetUser =\n %+v\nwant\n %+v", u, want)
	}
}

func TestNew_endpoint(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := map[string]struct {
		opts iamclient.Options
		cfg  aws.Config
		want string
	}{
		"partition default":      {opts: iamclient.Options{Partition: "demo", Getenv: env(nil)}, want: "https://demo.iam.astran.io"},
		"ASTRAN_PARTITION":       {opts: iamclient.Options{Getenv: env(map[string]string{"ASTRAN_PARTITION": "acme"})}, want: "https://acme.iam.astran.io"},
		"ASTRAN_IAM_ENDPOINT":    {opts: iamclient.Options{Partition: "demo", Getenv: env(map[string]string{"ASTRAN_IAM_ENDPOINT": "http://127.0.0.1:9"})}, want: "http://127.0.0.1:9"},
		"cfg.BaseEndpoint":       {opts: iamclient.Options{Partition: "demo", Getenv: env(nil)}, cfg: aws.Config{BaseEndpoint: aws.String("http://cfg")}, want: "http://cfg"},
		"env beats cfg":          {opts: iamclient.Options{Getenv: env(map[string]string{"ASTRAN_IAM_ENDPOINT": "http://env"})}, cfg: aws.Config{BaseEndpoint: aws.String("http://cfg")}, want: "http://env"},
		"BaseEndpoint beats all": {opts: iamclient.Options{BaseEndpoint: "http://opt", Partition: "demo", Getenv: env(map[string]string{"ASTRAN_IAM_ENDPOINT": "http://env"})}, cfg: aws.Config{BaseEndpoint: aws.String("http://cfg")}, want: "http://opt"},
		"nothing":                {opts: iamclient.Options{Getenv: env(nil)}, want: ""},
		"cfg.ConfigSources IAM": {opts: iamclient.Options{Partition: "demo", Getenv: env(nil)},
			cfg: aws.Config{BaseEndpoint: aws.String("http://cfg"), ConfigSources: []any{"unrelated", serviceEndpoints{"S3": "http://s3", "IAM": "http://iam-src"}}}, want: "http://iam-src"},
		"cfg.ConfigSources without IAM": {opts: iamclient.Options{Partition: "demo", Getenv: env(nil)},
			cfg: aws.Config{ConfigSources: []any{serviceEndpoints{"S3": "http://s3"}}}, want: "https://demo.iam.astran.io"},
		"env beats ConfigSources": {opts: iamclient.Options{Getenv: env(map[string]string{"ASTRAN_IAM_ENDPOINT": "http://env"})},
			cfg: aws.Config{ConfigSources: []any{serviceEndpoints{"IAM": "http://iam-src"}}}, want: "http://env"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := iamclient.New(tc.cfg, func(o *iamclient.Options) { *o = tc.opts })
			if got := c.Endpoint(); got != tc.want {
				t.Errorf("Endpoint() = %q, want %q", got, tc.want)
			}
		})
	}
}

// serviceEndpoints is a ConfigSources entry like the ones sts.NewConfig and
// the emulator put in an aws.Config.
type serviceEndpoints map[string]string

func (m serviceEndpoints) GetServiceBaseEndpoint(_ context.Context, sdkID string) (string, bool, error) {
	ep, ok := m[sdkID]
	return ep, ok, nil
}

func TestNew_noEndpoint(t *testing.T) {
	c := iamclient.New(staticConfig(), func(o *iamclient.Options) { o.Getenv = func(string) string { return "" } })
	_, err := c.GetUser(context.Background(), "bob@astran.io")
	if !errors.Is(err, iamclient.ErrNoEndpoint) {
		t.Fatalf("err = %v, want ErrNoEndpoint", err)
	}
}

func TestNew_malformedPartition(t *testing.T) {
	c := iamclient.New(staticConfig(), func(o *iamclient.Options) {
		o.Partition = "evil.example/x"
		o.Getenv = func(string) string { return "" }
	})
	_, err := c.GetUser(context.Background(), "bob@astran.io")
	if !errors.Is(err, endpoint.ErrInvalidPartition) {
		t.Fatalf("err = %v, want endpoint.ErrInvalidPartition", err)
	}
}

// The operations moto does not implement, checked against fakes.
func TestClient_motoGaps(t *testing.T) {
	ctx := context.Background()
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
