package iamclient

import (
	"context"
	"errors"
	"iter"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/astran-oss/astran-go/arn"
)

// CreateUserOptions are the optional settings of [Client.CreateUser].
type CreateUserOptions struct {
	// Path is the IAM path; the zero value means "/".
	Path string
	// Tags are attached to the new user.
	Tags map[string]string
	// PermissionsBoundary is set on the new user; the zero ARN means none.
	PermissionsBoundary arn.ARN
}

// CreateUser creates the user whose name is email. The address is validated
// locally first (an invalid one gives [ErrInvalidInput] wrapping
// arn.ErrInvalidEmail, and nothing is sent). Astran then mails the user a
// link to verify the address and set a password; until then the user cannot
// log in.
func (c *Client) CreateUser(ctx context.Context, email string, optFns ...func(*CreateUserOptions)) (User, error) {
	const op = "CreateUser"
	o := apply(optFns)
	if err := arn.ValidateEmail(email); err != nil {
		return User{}, invalid(op, email, err)
	}
	out, err := c.api.CreateUser(ctx, &iam.CreateUserInput{
		UserName: aws.String(email), Path: optional(o.Path),
		PermissionsBoundary: optionalARN(o.PermissionsBoundary), Tags: tagList(o.Tags),
	})
	if err != nil {
		return User{}, wrap(op, email, err)
	}
	u := userFrom(out.User)
	if u.Tags == nil && len(o.Tags) > 0 {
		u.Tags = maps.Clone(o.Tags)
	}
	return u, nil
}

// GetUser returns the user named email, with its tags and permissions
// boundary.
func (c *Client) GetUser(ctx context.Context, email string) (User, error) {
	out, err := c.api.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(email)})
	if err != nil {
		return User{}, wrap("GetUser", email, err)
	}
	return userFrom(out.User), nil
}

// ListOptions filter list operations.
type ListOptions struct {
	// PathPrefix keeps the entities whose path starts with it; the zero
	// value means "/" (all).
	PathPrefix string
}

func pathPrefix(optFns []func(*ListOptions)) *string {
	return optional(apply(optFns).PathPrefix)
}

// Users iterates over all users, fetching pages as needed. An error ends
// the iteration.
func (c *Client) Users(ctx context.Context, optFns ...func(*ListOptions)) iter.Seq2[User, error] {
	prefix := pathPrefix(optFns)
	return list(ctx, "ListUsers", "", c.api.ListUsers,
		func(m *string) *iam.ListUsersInput { return &iam.ListUsersInput{Marker: m, PathPrefix: prefix} },
		func(out *iam.ListUsersOutput) page[User] {
			return page[User]{convert(out.Users, userFrom), out.Marker, out.IsTruncated}
		})
}

// ListUsers returns all users; see [Client.Users].
func (c *Client) ListUsers(ctx context.Context, optFns ...func(*ListOptions)) ([]User, error) {
	return collect(c.Users(ctx, optFns...))
}

// DeleteUserOptions are the optional settings of [Client.DeleteUser].
type DeleteUserOptions struct {
	// Cascade first removes what IAM requires to be gone before it deletes
	// a user, in this order: group memberships, attached managed policies,
	// inline policies, access keys and the login profile. Without it, a user
	// that still has any of them gives [ErrDeleteConflict]. The cascade is
	// not atomic: if it fails midway, what was removed stays removed.
	Cascade bool
}

// DeleteUser deletes the user named email.
func (c *Client) DeleteUser(ctx context.Context, email string, optFns ...func(*DeleteUserOptions)) error {
	const op = "DeleteUser"
	o := apply(optFns)
	if o.Cascade {
		if err := c.cascadeUser(ctx, email); err != nil {
			return err
		}
	}
	_, err := c.api.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String(email)})
	return wrap(op, email, err)
}

func (c *Client) cascadeUser(ctx context.Context, email string) error {
	name := aws.String(email)
	if err := each(c.ListGroupsForUser(ctx, email))(func(g Group) error {
		return c.RemoveUserFromGroup(ctx, g.Name, email)
	}); err != nil {
		return err
	}
	users := holder{c.ListAttachedUserPolicies, c.DetachUserPolicy, c.ListUserPolicies, c.DeleteUserPolicy}
	if err := users.clearPolicies(ctx, email); err != nil {
		return err
	}
	keys, err := collect(list(ctx, "ListAccessKeys", email, c.api.ListAccessKeys,
		func(m *string) *iam.ListAccessKeysInput { return &iam.ListAccessKeysInput{UserName: name, Marker: m} },
		func(out *iam.ListAccessKeysOutput) page[string] {
			ids := convert(out.AccessKeyMetadata, func(k *types.AccessKeyMetadata) string { return aws.ToString(k.AccessKeyId) })
			return page[string]{ids, out.Marker, out.IsTruncated}
		}))
	if err := each(keys, err)(func(id string) error {
		_, err := c.api.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: name, AccessKeyId: aws.String(id)})
		return wrap("DeleteAccessKey", email, err)
	}); err != nil {
		return err
	}
	if _, err := c.api.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: name}); err != nil {
		if err := wrap("DeleteLoginProfile", email, err); !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}

// TagUser adds tags to the user named email, replacing the values of keys it
// already has.
func (c *Client) TagUser(ctx context.Context, email string, tags map[string]string) error {
	_, err := c.api.TagUser(ctx, &iam.TagUserInput{UserName: aws.String(email), Tags: tagList(tags)})
	return wrap("TagUser", email, err)
}

// UntagUser removes the tags with the given keys from the user named email.
func (c *Client) UntagUser(ctx context.Context, email string, keys ...string) error {
	keys = slices.Clone(keys)
	_, err := c.api.UntagUser(ctx, &iam.UntagUserInput{UserName: aws.String(email), TagKeys: keys})
	return wrap("UntagUser", email, err)
}

// PutUserPermissionsBoundary sets the managed policy policyARN (a built-in
// or customer policy) as the permissions boundary of the user named email.
func (c *Client) PutUserPermissionsBoundary(ctx context.Context, email string, policyARN arn.ARN) error {
	_, err := c.api.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{
		UserName: aws.String(email), PermissionsBoundary: aws.String(policyARN.String()),
	})
	return wrap("PutUserPermissionsBoundary", email, err)
}

// DeleteUserPermissionsBoundary removes the permissions boundary of the user
// named email.
func (c *Client) DeleteUserPermissionsBoundary(ctx context.Context, email string) error {
	_, err := c.api.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String(email)})
	return wrap("DeleteUserPermissionsBoundary", email, err)
}

// AttachUserPolicy attaches the managed policy policyARN to the user named
// email. Astran recommends attaching policies to groups instead.
func (c *Client) AttachUserPolicy(ctx context.Context, email string, policyARN arn.ARN) error {
	_, err := c.api.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(email), PolicyArn: aws.String(policyARN.String())})
	return wrap("AttachUserPolicy", email, err)
}

// DetachUserPolicy detaches the managed policy policyARN from the user named
// email.
func (c *Client) DetachUserPolicy(ctx context.Context, email string, policyARN arn.ARN) error {
	_, err := c.api.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String(email), PolicyArn: aws.String(policyARN.String())})
	return wrap("DetachUserPolicy", email, err)
}

// AccessKeyUser returns the email address of the user who owns the
// long-term access key accessKeyID ("AKIA…"), from GetAccessKeyLastUsed.
// A key IAM does not know gives [ErrNotFound].
func (c *Client) AccessKeyUser(ctx context.Context, accessKeyID string) (string, error) {
	const op = "GetAccessKeyLastUsed"
	out, err := c.api.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(accessKeyID)})
	if err != nil {
		return "", wrap(op, accessKeyID, err)
	}
	name := aws.ToString(out.UserName)
	if name == "" {
		return "", &Error{Op: op, Name: accessKeyID, Kind: ErrNotFound, Err: ErrNotFound}
	}
	return name, nil
}

// ListAttachedUserPolicies returns the managed policies attached to the user
// named email.
func (c *Client) ListAttachedUserPolicies(ctx context.Context, email string) ([]AttachedPolicy, error) {
	return collect(list(ctx, "ListAttachedUserPolicies", email, c.api.ListAttachedUserPolicies,
		func(m *string) *iam.ListAttachedUserPoliciesInput {
			return &iam.ListAttachedUserPoliciesInput{UserName: aws.String(email), Marker: m}
		},
		func(out *iam.ListAttachedUserPoliciesOutput) page[AttachedPolicy] {
			return page[AttachedPolicy]{convert(out.AttachedPolicies, attachedFrom), out.Marker, out.IsTruncated}
		}))
}
