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

// putInline validates doc in the client's dialect, then sends it with fn
// in the request that in builds around its text.
func putInline[In, Out any](ctx context.Context, c *Client, op, entity string, doc *policy.Document, fn operation[In, Out], in func(text *string) *In) error {
	text, err := c.encodeDocument(op, entity, doc)
	if err != nil {
		return err
	}
	_, err = fn(ctx, in(aws.String(text)))
	return wrap(op, entity, err)
}

// getInline sends in with fn and parses the document that doc reads from
// the answer.
func getInline[In, Out any](ctx context.Context, c *Client, op, entity string, fn operation[In, Out], in *In, doc func(*Out) *string) (*policy.Document, error) {
	out, err := fn(ctx, in)
	if err != nil {
		return nil, wrap(op, entity, err)
	}
	return c.decodeDocument(op, entity, doc(out))
}

// PutUserPolicy creates or replaces the inline policy name of the user named
// email. doc is validated locally first.
func (c *Client) PutUserPolicy(ctx context.Context, email, name string, doc *policy.Document) error {
	return putInline(ctx, c, "PutUserPolicy", email, doc, c.api.PutUserPolicy, func(text *string) *iam.PutUserPolicyInput {
		return &iam.PutUserPolicyInput{UserName: aws.String(email), PolicyName: aws.String(name), PolicyDocument: text}
	})
}

// GetUserPolicy returns the inline policy name of the user named email.
func (c *Client) GetUserPolicy(ctx context.Context, email, name string) (*policy.Document, error) {
	in := &iam.GetUserPolicyInput{UserName: aws.String(email), PolicyName: aws.String(name)}
	return getInline(ctx, c, "GetUserPolicy", email, c.api.GetUserPolicy, in, func(out *iam.GetUserPolicyOutput) *string { return out.PolicyDocument })
}

// ListUserPolicies returns the names of the inline policies of the user named
// email.
func (c *Client) ListUserPolicies(ctx context.Context, email string) ([]string, error) {
	return collect(list(ctx, "ListUserPolicies", email, c.api.ListUserPolicies,
		func(m *string) *iam.ListUserPoliciesInput {
			return &iam.ListUserPoliciesInput{UserName: aws.String(email), Marker: m}
		},
		func(out *iam.ListUserPoliciesOutput) page[string] {
			return page[string]{out.PolicyNames, out.Marker, out.IsTruncated}
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
	return putInline(ctx, c, op, group, doc, c.api.PutGroupPolicy, func(text *string) *iam.PutGroupPolicyInput {
		return &iam.PutGroupPolicyInput{GroupName: aws.String(group), PolicyName: aws.String(name), PolicyDocument: text}
	})
}

// GetGroupPolicy returns the inline policy name of group.
func (c *Client) GetGroupPolicy(ctx context.Context, group, name string) (*policy.Document, error) {
	in := &iam.GetGroupPolicyInput{GroupName: aws.String(group), PolicyName: aws.String(name)}
	return getInline(ctx, c, "GetGroupPolicy", group, c.api.GetGroupPolicy, in, func(out *iam.GetGroupPolicyOutput) *string { return out.PolicyDocument })
}

// ListGroupPolicies returns the names of the inline policies of group.
func (c *Client) ListGroupPolicies(ctx context.Context, group string) ([]string, error) {
	return collect(list(ctx, "ListGroupPolicies", group, c.api.ListGroupPolicies,
		func(m *string) *iam.ListGroupPoliciesInput {
			return &iam.ListGroupPoliciesInput{GroupName: aws.String(group), Marker: m}
		},
		func(out *iam.ListGroupPoliciesOutput) page[string] {
			return page[string]{out.PolicyNames, out.Marker, out.IsTruncated}
		}))
}

// DeleteGroupPolicy deletes the inline policy name of group. Built-in groups
// are refused with [ErrBuiltin].
func (c *Client) DeleteGroupPolicy(ctx context.Context, group, name string) error {
	in := &iam.DeleteGroupPolicyInput{GroupName: aws.String(group), PolicyName: aws.String(name)}
	return change(ctx, isBuiltinGroupName(group), "DeleteGroupPolicy", group, c.api.DeleteGroupPolicy, in)
}

// PutRolePolicy creates or replaces the inline policy name of role. doc is
// validated locally first.
func (c *Client) PutRolePolicy(ctx context.Context, role, name string, doc *policy.Document) error {
	return putInline(ctx, c, "PutRolePolicy", role, doc, c.api.PutRolePolicy, func(text *string) *iam.PutRolePolicyInput {
		return &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(name), PolicyDocument: text}
	})
}

// GetRolePolicy returns the inline policy name of role.
func (c *Client) GetRolePolicy(ctx context.Context, role, name string) (*policy.Document, error) {
	in := &iam.GetRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(name)}
	return getInline(ctx, c, "GetRolePolicy", role, c.api.GetRolePolicy, in, func(out *iam.GetRolePolicyOutput) *string { return out.PolicyDocument })
}

// ListRolePolicies returns the names of the inline policies of role.
func (c *Client) ListRolePolicies(ctx context.Context, role string) ([]string, error) {
	return collect(list(ctx, "ListRolePolicies", role, c.api.ListRolePolicies,
		func(m *string) *iam.ListRolePoliciesInput {
			return &iam.ListRolePoliciesInput{RoleName: aws.String(role), Marker: m}
		},
		func(out *iam.ListRolePoliciesOutput) page[string] {
			return page[string]{out.PolicyNames, out.Marker, out.IsTruncated}
		}))
}

// DeleteRolePolicy deletes the inline policy name of role.
func (c *Client) DeleteRolePolicy(ctx context.Context, role, name string) error {
	_, err := c.api.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(name)})
	return wrap("DeleteRolePolicy", role, err)
}
