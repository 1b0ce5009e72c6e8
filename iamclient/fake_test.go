package iamclient_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/astran-oss/astran-go/iamclient"
)

// fakeIAM implements iamclient.API with per-operation function fakes,
// registered with handle. It records the operations called, in order. An
// operation without a handler fails the call with errUnexpected.
type fakeIAM struct {
	mu       sync.Mutex // guards handlers and calls
	handlers map[string]func(any) (any, error)
	calls    []string
}

var _ iamclient.API = (*fakeIAM)(nil)

type unexpectedCallError struct{ op string }

func (e *unexpectedCallError) Error() string { return "fake IAM: unexpected call to " + e.op }

// handle registers fn as the fake of operation op.
func handle[In, Out any](f *fakeIAM, op string, fn func(in In) (Out, error)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.handlers == nil {
		f.handlers = map[string]func(any) (any, error){}
	}
	f.handlers[op] = func(in any) (any, error) { return fn(in.(In)) }
}

// answer registers out as the answer of operation op to every request.
func answer[Out any](f *fakeIAM, op string, out Out) {
	handle(f, op, func(any) (Out, error) { return out, nil })
}

// succeed makes each operation of ops answer an empty output.
func (f *fakeIAM) succeed(ops ...string) {
	for _, op := range ops {
		handle(f, op, func(any) (any, error) { return nil, nil })
	}
}

// fail makes operation op fail with the IAM error code.
func (f *fakeIAM) fail(op, code string) {
	handle(f, op, func(any) (any, error) { return nil, apiErr(code) })
}

// wantCalls reports an error unless the operations called so far are want,
// in order.
func (f *fakeIAM) wantCalls(t *testing.T, want ...string) {
	t.Helper()
	if got := f.Calls(); !slices.Equal(got, want) {
		t.Errorf("calls:\n got %v\nwant %v", got, want)
	}
}

func (f *fakeIAM) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func call[Out any](f *fakeIAM, op string, in any) (Out, error) {
	f.mu.Lock()
	f.calls = append(f.calls, op)
	h := f.handlers[op]
	f.mu.Unlock()
	var zero Out
	if h == nil {
		return zero, &unexpectedCallError{op}
	}
	out, err := h(in)
	if err != nil {
		return zero, err
	}
	if out == nil { // succeed: an empty output
		return reflect.New(reflect.TypeFor[Out]().Elem()).Interface().(Out), nil
	}
	o, ok := out.(Out)
	if !ok {
		panic(fmt.Sprintf("fake %s returned %T", op, out))
	}
	return o, nil
}

func (f *fakeIAM) CreateUser(_ context.Context, in *iam.CreateUserInput, _ ...func(*iam.Options)) (*iam.CreateUserOutput, error) {
	return call[*iam.CreateUserOutput](f, "CreateUser", in)
}

func (f *fakeIAM) GetUser(_ context.Context, in *iam.GetUserInput, _ ...func(*iam.Options)) (*iam.GetUserOutput, error) {
	return call[*iam.GetUserOutput](f, "GetUser", in)
}

func (f *fakeIAM) ListUsers(_ context.Context, in *iam.ListUsersInput, _ ...func(*iam.Options)) (*iam.ListUsersOutput, error) {
	return call[*iam.ListUsersOutput](f, "ListUsers", in)
}

func (f *fakeIAM) DeleteUser(_ context.Context, in *iam.DeleteUserInput, _ ...func(*iam.Options)) (*iam.DeleteUserOutput, error) {
	return call[*iam.DeleteUserOutput](f, "DeleteUser", in)
}

func (f *fakeIAM) TagUser(_ context.Context, in *iam.TagUserInput, _ ...func(*iam.Options)) (*iam.TagUserOutput, error) {
	return call[*iam.TagUserOutput](f, "TagUser", in)
}

func (f *fakeIAM) UntagUser(_ context.Context, in *iam.UntagUserInput, _ ...func(*iam.Options)) (*iam.UntagUserOutput, error) {
	return call[*iam.UntagUserOutput](f, "UntagUser", in)
}

func (f *fakeIAM) PutUserPermissionsBoundary(_ context.Context, in *iam.PutUserPermissionsBoundaryInput, _ ...func(*iam.Options)) (*iam.PutUserPermissionsBoundaryOutput, error) {
	return call[*iam.PutUserPermissionsBoundaryOutput](f, "PutUserPermissionsBoundary", in)
}

func (f *fakeIAM) DeleteUserPermissionsBoundary(_ context.Context, in *iam.DeleteUserPermissionsBoundaryInput, _ ...func(*iam.Options)) (*iam.DeleteUserPermissionsBoundaryOutput, error) {
	return call[*iam.DeleteUserPermissionsBoundaryOutput](f, "DeleteUserPermissionsBoundary", in)
}

func (f *fakeIAM) AttachUserPolicy(_ context.Context, in *iam.AttachUserPolicyInput, _ ...func(*iam.Options)) (*iam.AttachUserPolicyOutput, error) {
	return call[*iam.AttachUserPolicyOutput](f, "AttachUserPolicy", in)
}

func (f *fakeIAM) DetachUserPolicy(_ context.Context, in *iam.DetachUserPolicyInput, _ ...func(*iam.Options)) (*iam.DetachUserPolicyOutput, error) {
	return call[*iam.DetachUserPolicyOutput](f, "DetachUserPolicy", in)
}

func (f *fakeIAM) ListAttachedUserPolicies(_ context.Context, in *iam.ListAttachedUserPoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedUserPoliciesOutput, error) {
	return call[*iam.ListAttachedUserPoliciesOutput](f, "ListAttachedUserPolicies", in)
}

func (f *fakeIAM) ListUserPolicies(_ context.Context, in *iam.ListUserPoliciesInput, _ ...func(*iam.Options)) (*iam.ListUserPoliciesOutput, error) {
	return call[*iam.ListUserPoliciesOutput](f, "ListUserPolicies", in)
}

func (f *fakeIAM) DeleteUserPolicy(_ context.Context, in *iam.DeleteUserPolicyInput, _ ...func(*iam.Options)) (*iam.DeleteUserPolicyOutput, error) {
	return call[*iam.DeleteUserPolicyOutput](f, "DeleteUserPolicy", in)
}

func (f *fakeIAM) GetAccessKeyLastUsed(_ context.Context, in *iam.GetAccessKeyLastUsedInput, _ ...func(*iam.Options)) (*iam.GetAccessKeyLastUsedOutput, error) {
	return call[*iam.GetAccessKeyLastUsedOutput](f, "GetAccessKeyLastUsed", in)
}

func (f *fakeIAM) ListAccessKeys(_ context.Context, in *iam.ListAccessKeysInput, _ ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error) {
	return call[*iam.ListAccessKeysOutput](f, "ListAccessKeys", in)
}

func (f *fakeIAM) DeleteAccessKey(_ context.Context, in *iam.DeleteAccessKeyInput, _ ...func(*iam.Options)) (*iam.DeleteAccessKeyOutput, error) {
	return call[*iam.DeleteAccessKeyOutput](f, "DeleteAccessKey", in)
}

func (f *fakeIAM) DeleteLoginProfile(_ context.Context, in *iam.DeleteLoginProfileInput, _ ...func(*iam.Options)) (*iam.DeleteLoginProfileOutput, error) {
	return call[*iam.DeleteLoginProfileOutput](f, "DeleteLoginProfile", in)
}

func (f *fakeIAM) CreateGroup(_ context.Context, in *iam.CreateGroupInput, _ ...func(*iam.Options)) (*iam.CreateGroupOutput, error) {
	return call[*iam.CreateGroupOutput](f, "CreateGroup", in)
}

func (f *fakeIAM) GetGroup(_ context.Context, in *iam.GetGroupInput, _ ...func(*iam.Options)) (*iam.GetGroupOutput, error) {
	return call[*iam.GetGroupOutput](f, "GetGroup", in)
}

func (f *fakeIAM) ListGroups(_ context.Context, in *iam.ListGroupsInput, _ ...func(*iam.Options)) (*iam.ListGroupsOutput, error) {
	return call[*iam.ListGroupsOutput](f, "ListGroups", in)
}

func (f *fakeIAM) DeleteGroup(_ context.Context, in *iam.DeleteGroupInput, _ ...func(*iam.Options)) (*iam.DeleteGroupOutput, error) {
	return call[*iam.DeleteGroupOutput](f, "DeleteGroup", in)
}

func (f *fakeIAM) AddUserToGroup(_ context.Context, in *iam.AddUserToGroupInput, _ ...func(*iam.Options)) (*iam.AddUserToGroupOutput, error) {
	return call[*iam.AddUserToGroupOutput](f, "AddUserToGroup", in)
}

func (f *fakeIAM) RemoveUserFromGroup(_ context.Context, in *iam.RemoveUserFromGroupInput, _ ...func(*iam.Options)) (*iam.RemoveUserFromGroupOutput, error) {
	return call[*iam.RemoveUserFromGroupOutput](f, "RemoveUserFromGroup", in)
}

func (f *fakeIAM) ListGroupsForUser(_ context.Context, in *iam.ListGroupsForUserInput, _ ...func(*iam.Options)) (*iam.ListGroupsForUserOutput, error) {
	return call[*iam.ListGroupsForUserOutput](f, "ListGroupsForUser", in)
}

func (f *fakeIAM) AttachGroupPolicy(_ context.Context, in *iam.AttachGroupPolicyInput, _ ...func(*iam.Options)) (*iam.AttachGroupPolicyOutput, error) {
	return call[*iam.AttachGroupPolicyOutput](f, "AttachGroupPolicy", in)
}

func (f *fakeIAM) DetachGroupPolicy(_ context.Context, in *iam.DetachGroupPolicyInput, _ ...func(*iam.Options)) (*iam.DetachGroupPolicyOutput, error) {
	return call[*iam.DetachGroupPolicyOutput](f, "DetachGroupPolicy", in)
}

func (f *fakeIAM) ListAttachedGroupPolicies(_ context.Context, in *iam.ListAttachedGroupPoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedGroupPoliciesOutput, error) {
	return call[*iam.ListAttachedGroupPoliciesOutput](f, "ListAttachedGroupPolicies", in)
}

func (f *fakeIAM) ListGroupPolicies(_ context.Context, in *iam.ListGroupPoliciesInput, _ ...func(*iam.Options)) (*iam.ListGroupPoliciesOutput, error) {
	return call[*iam.ListGroupPoliciesOutput](f, "ListGroupPolicies", in)
}

func (f *fakeIAM) DeleteGroupPolicy(_ context.Context, in *iam.DeleteGroupPolicyInput, _ ...func(*iam.Options)) (*iam.DeleteGroupPolicyOutput, error) {
	return call[*iam.DeleteGroupPolicyOutput](f, "DeleteGroupPolicy", in)
}

func (f *fakeIAM) CreatePolicy(_ context.Context, in *iam.CreatePolicyInput, _ ...func(*iam.Options)) (*iam.CreatePolicyOutput, error) {
	return call[*iam.CreatePolicyOutput](f, "CreatePolicy", in)
}

func (f *fakeIAM) GetPolicy(_ context.Context, in *iam.GetPolicyInput, _ ...func(*iam.Options)) (*iam.GetPolicyOutput, error) {
	return call[*iam.GetPolicyOutput](f, "GetPolicy", in)
}

func (f *fakeIAM) GetPolicyVersion(_ context.Context, in *iam.GetPolicyVersionInput, _ ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error) {
	return call[*iam.GetPolicyVersionOutput](f, "GetPolicyVersion", in)
}

func (f *fakeIAM) CreatePolicyVersion(_ context.Context, in *iam.CreatePolicyVersionInput, _ ...func(*iam.Options)) (*iam.CreatePolicyVersionOutput, error) {
	return call[*iam.CreatePolicyVersionOutput](f, "CreatePolicyVersion", in)
}

func (f *fakeIAM) ListPolicyVersions(_ context.Context, in *iam.ListPolicyVersionsInput, _ ...func(*iam.Options)) (*iam.ListPolicyVersionsOutput, error) {
	return call[*iam.ListPolicyVersionsOutput](f, "ListPolicyVersions", in)
}

func (f *fakeIAM) DeletePolicyVersion(_ context.Context, in *iam.DeletePolicyVersionInput, _ ...func(*iam.Options)) (*iam.DeletePolicyVersionOutput, error) {
	return call[*iam.DeletePolicyVersionOutput](f, "DeletePolicyVersion", in)
}

func (f *fakeIAM) SetDefaultPolicyVersion(_ context.Context, in *iam.SetDefaultPolicyVersionInput, _ ...func(*iam.Options)) (*iam.SetDefaultPolicyVersionOutput, error) {
	return call[*iam.SetDefaultPolicyVersionOutput](f, "SetDefaultPolicyVersion", in)
}

func (f *fakeIAM) DeletePolicy(_ context.Context, in *iam.DeletePolicyInput, _ ...func(*iam.Options)) (*iam.DeletePolicyOutput, error) {
	return call[*iam.DeletePolicyOutput](f, "DeletePolicy", in)
}

func (f *fakeIAM) ListPolicies(_ context.Context, in *iam.ListPoliciesInput, _ ...func(*iam.Options)) (*iam.ListPoliciesOutput, error) {
	return call[*iam.ListPoliciesOutput](f, "ListPolicies", in)
}

func (f *fakeIAM) ListEntitiesForPolicy(_ context.Context, in *iam.ListEntitiesForPolicyInput, _ ...func(*iam.Options)) (*iam.ListEntitiesForPolicyOutput, error) {
	return call[*iam.ListEntitiesForPolicyOutput](f, "ListEntitiesForPolicy", in)
}

func (f *fakeIAM) CreateRole(_ context.Context, in *iam.CreateRoleInput, _ ...func(*iam.Options)) (*iam.CreateRoleOutput, error) {
	return call[*iam.CreateRoleOutput](f, "CreateRole", in)
}

func (f *fakeIAM) GetRole(_ context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	return call[*iam.GetRoleOutput](f, "GetRole", in)
}

func (f *fakeIAM) ListRoles(_ context.Context, in *iam.ListRolesInput, _ ...func(*iam.Options)) (*iam.ListRolesOutput, error) {
	return call[*iam.ListRolesOutput](f, "ListRoles", in)
}

func (f *fakeIAM) DeleteRole(_ context.Context, in *iam.DeleteRoleInput, _ ...func(*iam.Options)) (*iam.DeleteRoleOutput, error) {
	return call[*iam.DeleteRoleOutput](f, "DeleteRole", in)
}

func (f *fakeIAM) AttachRolePolicy(_ context.Context, in *iam.AttachRolePolicyInput, _ ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error) {
	return call[*iam.AttachRolePolicyOutput](f, "AttachRolePolicy", in)
}

func (f *fakeIAM) DetachRolePolicy(_ context.Context, in *iam.DetachRolePolicyInput, _ ...func(*iam.Options)) (*iam.DetachRolePolicyOutput, error) {
	return call[*iam.DetachRolePolicyOutput](f, "DetachRolePolicy", in)
}

func (f *fakeIAM) ListAttachedRolePolicies(_ context.Context, in *iam.ListAttachedRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	return call[*iam.ListAttachedRolePoliciesOutput](f, "ListAttachedRolePolicies", in)
}

func (f *fakeIAM) ListRolePolicies(_ context.Context, in *iam.ListRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	return call[*iam.ListRolePoliciesOutput](f, "ListRolePolicies", in)
}

func (f *fakeIAM) DeleteRolePolicy(_ context.Context, in *iam.DeleteRolePolicyInput, _ ...func(*iam.Options)) (*iam.DeleteRolePolicyOutput, error) {
	return call[*iam.DeleteRolePolicyOutput](f, "DeleteRolePolicy", in)
}

func (f *fakeIAM) CreateOpenIDConnectProvider(_ context.Context, in *iam.CreateOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.CreateOpenIDConnectProviderOutput, error) {
	return call[*iam.CreateOpenIDConnectProviderOutput](f, "CreateOpenIDConnectProvider", in)
}

func (f *fakeIAM) GetOpenIDConnectProvider(_ context.Context, in *iam.GetOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.GetOpenIDConnectProviderOutput, error) {
	return call[*iam.GetOpenIDConnectProviderOutput](f, "GetOpenIDConnectProvider", in)
}

func (f *fakeIAM) ListOpenIDConnectProviders(_ context.Context, in *iam.ListOpenIDConnectProvidersInput, _ ...func(*iam.Options)) (*iam.ListOpenIDConnectProvidersOutput, error) {
	return call[*iam.ListOpenIDConnectProvidersOutput](f, "ListOpenIDConnectProviders", in)
}

func (f *fakeIAM) DeleteOpenIDConnectProvider(_ context.Context, in *iam.DeleteOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.DeleteOpenIDConnectProviderOutput, error) {
	return call[*iam.DeleteOpenIDConnectProviderOutput](f, "DeleteOpenIDConnectProvider", in)
}

func (f *fakeIAM) AddClientIDToOpenIDConnectProvider(_ context.Context, in *iam.AddClientIDToOpenIDConnectProviderInput, _ ...func(*iam.Options)) (*iam.AddClientIDToOpenIDConnectProviderOutput, error) {
	return call[*iam.AddClientIDToOpenIDConnectProviderOutput](f, "AddClientIDToOpenIDConnectProvider", in)
}

func (f *fakeIAM) GetUserPolicy(_ context.Context, in *iam.GetUserPolicyInput, _ ...func(*iam.Options)) (*iam.GetUserPolicyOutput, error) {
	return call[*iam.GetUserPolicyOutput](f, "GetUserPolicy", in)
}

func (f *fakeIAM) PutUserPolicy(_ context.Context, in *iam.PutUserPolicyInput, _ ...func(*iam.Options)) (*iam.PutUserPolicyOutput, error) {
	return call[*iam.PutUserPolicyOutput](f, "PutUserPolicy", in)
}

func (f *fakeIAM) GetGroupPolicy(_ context.Context, in *iam.GetGroupPolicyInput, _ ...func(*iam.Options)) (*iam.GetGroupPolicyOutput, error) {
	return call[*iam.GetGroupPolicyOutput](f, "GetGroupPolicy", in)
}

func (f *fakeIAM) PutGroupPolicy(_ context.Context, in *iam.PutGroupPolicyInput, _ ...func(*iam.Options)) (*iam.PutGroupPolicyOutput, error) {
	return call[*iam.PutGroupPolicyOutput](f, "PutGroupPolicy", in)
}

func (f *fakeIAM) GetRolePolicy(_ context.Context, in *iam.GetRolePolicyInput, _ ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	return call[*iam.GetRolePolicyOutput](f, "GetRolePolicy", in)
}

func (f *fakeIAM) PutRolePolicy(_ context.Context, in *iam.PutRolePolicyInput, _ ...func(*iam.Options)) (*iam.PutRolePolicyOutput, error) {
	return call[*iam.PutRolePolicyOutput](f, "PutRolePolicy", in)
}
