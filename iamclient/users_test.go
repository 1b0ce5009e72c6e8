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
	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/iamclient"
)

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
	users, err := c.ListUsers(t.Context(), func(o *iamclient.ListOptions) { o.PathPrefix = "/x/" })
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
	for u, err := range c.Users(t.Context()) {
		if err != nil || u.Name != "a@astran.io" {
			t.Fatalf("first = %+v, %v", u, err)
		}
		break
	}
	f.wantCalls(t, "ListUsers")
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
	for u, err := range c.Users(t.Context()) {
		if err != nil {
			gotErr = err
			continue // the iterator must stop by itself
		}
		got = append(got, u.Name)
	}
	if !slices.Equal(got, []string{"a@astran.io"}) || !errors.Is(gotErr, iamclient.ErrAccessDenied) {
		t.Errorf("got %v, %v", got, gotErr)
	}
	if _, err := c.ListUsers(t.Context()); !errors.Is(err, iamclient.ErrAccessDenied) {
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
	users, err := c.ListUsers(t.Context())
	if err != nil || len(users) != 2 {
		t.Errorf("ListUsers = %d users, %v; want 2 (then stop on the repeated marker)", len(users), err)
	}
}

func TestClient_Users_canceled(t *testing.T) {
	_, c := newFake(t)
	ctx, cancel := context.WithCancel(t.Context())
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
	answer(f, "ListAttachedUserPolicies", &iam.ListAttachedUserPoliciesOutput{AttachedPolicies: []types.AttachedPolicy{
		{PolicyArn: aws.String("arn:astran:iam::astran:policy/AstranAdmin"), PolicyName: aws.String("AstranAdmin")},
	}})
	handle(f, "DetachUserPolicy", func(in *iam.DetachUserPolicyInput) (*iam.DetachUserPolicyOutput, error) {
		detached = append(detached, aws.ToString(in.PolicyArn))
		return &iam.DetachUserPolicyOutput{}, nil
	})
	answer(f, "ListUserPolicies", &iam.ListUserPoliciesOutput{PolicyNames: []string{"inline1"}})
	handle(f, "DeleteUserPolicy", func(in *iam.DeleteUserPolicyInput) (*iam.DeleteUserPolicyOutput, error) {
		inline = append(inline, aws.ToString(in.PolicyName))
		return &iam.DeleteUserPolicyOutput{}, nil
	})
	answer(f, "ListAccessKeys", &iam.ListAccessKeysOutput{AccessKeyMetadata: []types.AccessKeyMetadata{{AccessKeyId: aws.String("AKIAEXAMPLE")}}})
	handle(f, "DeleteAccessKey", func(in *iam.DeleteAccessKeyInput) (*iam.DeleteAccessKeyOutput, error) {
		keys = append(keys, aws.ToString(in.AccessKeyId))
		return &iam.DeleteAccessKeyOutput{}, nil
	})
	f.fail("DeleteLoginProfile", "NoSuchEntity") // no login profile: fine
	handle(f, "DeleteUser", func(in *iam.DeleteUserInput) (*iam.DeleteUserOutput, error) {
		if aws.ToString(in.UserName) != bob {
			t.Errorf("DeleteUser(%q)", aws.ToString(in.UserName))
		}
		return &iam.DeleteUserOutput{}, nil
	})

	if err := c.DeleteUser(t.Context(), bob, func(o *iamclient.DeleteUserOptions) { o.Cascade = true }); err != nil {
		t.Fatal(err)
	}
	f.wantCalls(t, "ListGroupsForUser", "ListGroupsForUser", "RemoveUserFromGroup", "RemoveUserFromGroup",
		"ListAttachedUserPolicies", "DetachUserPolicy", "ListUserPolicies", "DeleteUserPolicy",
		"ListAccessKeys", "DeleteAccessKey", "DeleteLoginProfile", "DeleteUser")
	if !slices.Equal(removed, []string{"marketing/" + bob, "sales/" + bob}) ||
		!slices.Equal(detached, []string{"arn:astran:iam::astran:policy/AstranAdmin"}) ||
		!slices.Equal(inline, []string{"inline1"}) || !slices.Equal(keys, []string{"AKIAEXAMPLE"}) {
		t.Errorf("removed %v, detached %v, inline %v, keys %v", removed, detached, inline, keys)
	}
}

func TestClient_DeleteUser_cascadeStopsOnError(t *testing.T) {
	f, c := newFake(t)
	answer(f, "ListGroupsForUser", &iam.ListGroupsForUserOutput{Groups: []types.Group{{GroupName: aws.String("marketing")}}})
	f.fail("RemoveUserFromGroup", "AccessDenied")
	err := c.DeleteUser(t.Context(), "bob@astran.io", func(o *iamclient.DeleteUserOptions) { o.Cascade = true })
	if !errors.Is(err, iamclient.ErrAccessDenied) {
		t.Fatalf("err = %v, want ErrAccessDenied", err)
	}
	if slices.Contains(f.Calls(), "DeleteUser") {
		t.Error("DeleteUser was called after the cascade failed")
	}
}

func TestClient_CreateUser_invalidEmail(t *testing.T) {
	for _, email := range []string{"", "bob", "Bob <bob@astran.io>", "@astran.io", "bob@"} {
		t.Run(email, func(t *testing.T) {
			f, c := newFake(t)
			_, err := c.CreateUser(t.Context(), email)
			if !errors.Is(err, iamclient.ErrInvalidInput) || !errors.Is(err, arn.ErrInvalidEmail) {
				t.Fatalf("err = %v, want ErrInvalidInput and arn.ErrInvalidEmail", err)
			}
			f.wantCalls(t) // nothing sent
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
	u, err := c.CreateUser(t.Context(), "bob@astran.io", func(o *iamclient.CreateUserOptions) {
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
