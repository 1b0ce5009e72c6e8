package iamclient

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/astran-oss/astran-go/policy"
)

// Inline policies are documents embedded in one user, group or role, named
// within it. Astran recommends managed policies attached to groups; these
// methods exist for completeness and for cleaning up.

// PutUserPolicy creates or replaces the inline policy name of the user named
// email. doc is validated locally first.
func (c *Client) PutUserPolicy(ctx context.Context, email, name string, doc *policy.Document) error {
	const op = "PutUserPolicy"
	text, err := c.encodeDocument(op, email, doc)
	if err != nil {
		return err
	}
	_, err = c.api.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(email), PolicyName: aws.String(name), PolicyDocument: aws.String(text)})
	return wrap(op, email, err)
}

// GetUserPolicy returns the inline policy name of the user named email.
func (c *Client) GetUserPolicy(ctx context.Context, email, name string) (*policy.Document, error) {
	const op = "GetUserPolicy"
	out, err := c.api.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String(email), PolicyName: aws.String(name)})
	if err != nil {
		return nil, wrap(op, email, err)
	}
	return c.decodeDocument(op, email, out.PolicyDocument)
}

// ListUserPolicies returns the names of the inline policies of the user named
// email.
func (c *Client) ListUserPolicies(ctx context.Context, email string) ([]string, error) {
	return collect(paginate(ctx, "ListUserPolicies", email, func(ctx context.Context, marker *string) (page[string], error) {
		out, err := c.api.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String(email), Marker: marker})
		if err != nil {
			return page[string]{}, err
		}
		return page[string]{out.PolicyNames, out.Marker, out.IsTruncated}, nil
	}))
}

// DeleteUserPolicy deletes the inline policy name of the user named email.
func (c *Client) DeleteUserPolicy(ctx context.Context, email, name string) error {
	_, err := c.api.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String(email), PolicyName: aws.String(name)})
	return wrap("DeleteUserPolicy", email, err)
}

// PutGroupPolicy creates or replaces the inline policy name of group. doc is
// validated locally first. Built-in groups are refused with [ErrBuiltin].
func (c *Client) PutGroupPolicy(ctx context.Context, group, name string, doc *policy.Document) error {
	const op = "PutGroupPolicy"
	if isBuiltinGroupName(group) {
		return refuseBuiltin(op, group)
	}
	text, err := c.encodeDocument(op, group, doc)
	if err != nil {
		return err
	}
	_, err = c.api.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String(group), PolicyName: aws.String(name), PolicyDocument: aws.String(text)})
	return wrap(op, group, err)
}

// GetGroupPolicy returns the inline policy name of group.
func (c *Client) GetGroupPolicy(ctx context.Context, group, name string) (*policy.Document, error) {
	const op = "GetGroupPolicy"
	out, err := c.api.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String(group), PolicyName: aws.String(name)})
	if err != nil {
		return nil, wrap(op, group, err)
	}
	return c.decodeDocument(op, group, out.PolicyDocument)
}

// ListGroupPolicies returns the names of the inline policies of group.
func (c *Client) ListGroupPolicies(ctx context.Context, group string) ([]string, error) {
	return collect(paginate(ctx, "ListGroupPolicies", group, func(ctx context.Context, marker *string) (page[string], error) {
		out, err := c.api.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: aws.String(group), Marker: marker})
		if err != nil {
			return page[string]{}, err
		}
		return page[string]{out.PolicyNames, out.Marker, out.IsTruncated}, nil
	}))
}

// DeleteGroupPolicy deletes the inline policy name of group. Built-in groups
// are refused with [ErrBuiltin].
func (c *Client) DeleteGroupPolicy(ctx context.Context, group, name string) error {
	const op = "DeleteGroupPolicy"
	if isBuiltinGroupName(group) {
		return refuseBuiltin(op, group)
	}
	_, err := c.api.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String(group), PolicyName: aws.String(name)})
	return wrap(op, group, err)
}

// PutRolePolicy creates or replaces the inline policy name of role. doc is
// validated locally first.
func (c *Client) PutRolePolicy(ctx context.Context, role, name string, doc *policy.Document) error {
	const op = "PutRolePolicy"
	text, err := c.encodeDocument(op, role, doc)
	if err != nil {
		return err
	}
	_, err = c.api.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(name), PolicyDocument: aws.String(text)})
	return wrap(op, role, err)
}

// GetRolePolicy returns the inline policy name of role.
func (c *Client) GetRolePolicy(ctx context.Context, role, name string) (*policy.Document, error) {
	const op = "GetRolePolicy"
	out, err := c.api.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(name)})
	if err != nil {
		return nil, wrap(op, role, err)
	}
	return c.decodeDocument(op, role, out.PolicyDocument)
}

// ListRolePolicies returns the names of the inline policies of role.
func (c *Client) ListRolePolicies(ctx context.Context, role string) ([]string, error) {
	return collect(paginate(ctx, "ListRolePolicies", role, func(ctx context.Context, marker *string) (page[string], error) {
		out, err := c.api.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(role), Marker: marker})
		if err != nil {
			return page[string]{}, err
		}
		return page[string]{out.PolicyNames, out.Marker, out.IsTruncated}, nil
	}))
}

// DeleteRolePolicy deletes the inline policy name of role.
func (c *Client) DeleteRolePolicy(ctx context.Context, role, name string) error {
	_, err := c.api.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(name)})
	return wrap("DeleteRolePolicy", role, err)
}
