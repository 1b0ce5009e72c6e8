package iamclient

import (
	"context"
	"iter"
	"math"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
)

// CreateRoleOptions are the optional settings of [Client.CreateRole].
type CreateRoleOptions struct {
	// Path is the IAM path; the zero value means "/".
	Path string
	// Description is stored with the role.
	Description string
	// MaxSessionDuration bounds the sessions of the role; the zero value
	// leaves IAM's default (one hour). IAM accepts 1 to 12 hours.
	MaxSessionDuration time.Duration
	// PermissionsBoundary is set on the new role; the zero ARN means none.
	PermissionsBoundary arn.ARN
	// Tags are attached to the new role.
	Tags map[string]string
}

// CreateRole creates the role name, which identities matching trust (its
// assume-role policy, e.g. allowing sts:AssumeRoleWithWebIdentity to a
// Federated OIDC provider) may assume. trust is validated locally first.
func (c *Client) CreateRole(ctx context.Context, name string, trust *policy.Document, optFns ...func(*CreateRoleOptions)) (Role, error) {
	const op = "CreateRole"
	o := apply(optFns)
	text, err := c.encodeDocument(op, name, trust)
	if err != nil {
		return Role{}, err
	}
	in := &iam.CreateRoleInput{
		RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(text), Path: optional(o.Path),
		Description: optional(o.Description), PermissionsBoundary: optionalARN(o.PermissionsBoundary), Tags: tagList(o.Tags),
	}
	if o.MaxSessionDuration > 0 {
		secs := min(o.MaxSessionDuration/time.Second, math.MaxInt32) // IAM refuses more than 12 hours
		in.MaxSessionDuration = aws.Int32(int32(secs))
	}
	out, err := c.api.CreateRole(ctx, in)
	if err != nil {
		return Role{}, wrap(op, name, err)
	}
	r, err := c.roleFrom(op, name, out.Role)
	if err != nil {
		return Role{}, err
	}
	if r.TrustPolicy == nil {
		r.TrustPolicy = trust
	}
	return r, nil
}

// GetRole returns the role name with its trust policy.
func (c *Client) GetRole(ctx context.Context, name string) (Role, error) {
	const op = "GetRole"
	out, err := c.api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if err != nil {
		return Role{}, wrap(op, name, err)
	}
	return c.roleFrom(op, name, out.Role)
}

func (c *Client) roleFrom(op, name string, r *types.Role) (Role, error) {
	if r == nil {
		return Role{}, nil
	}
	trust, err := c.decodeDocument(op, name, r.AssumeRolePolicyDocument)
	if err != nil {
		return Role{}, err
	}
	return Role{
		ARN:                 parseARN(r.Arn),
		ID:                  aws.ToString(r.RoleId),
		Name:                aws.ToString(r.RoleName),
		Path:                aws.ToString(r.Path),
		Description:         aws.ToString(r.Description),
		CreateDate:          aws.ToTime(r.CreateDate),
		MaxSessionDuration:  time.Duration(aws.ToInt32(r.MaxSessionDuration)) * time.Second,
		TrustPolicy:         trust,
		PermissionsBoundary: boundary(r.PermissionsBoundary),
		Tags:                tagsMap(r.Tags),
	}, nil
}

// Roles iterates over all roles, fetching pages as needed. An error ends
// the iteration.
func (c *Client) Roles(ctx context.Context, optFns ...func(*ListOptions)) iter.Seq2[Role, error] {
	const op = "ListRoles"
	prefix := pathPrefix(optFns)
	return paginate(ctx, op, "", func(ctx context.Context, marker *string) (page[Role], error) {
		out, err := c.api.ListRoles(ctx, &iam.ListRolesInput{Marker: marker, PathPrefix: prefix})
		if err != nil {
			return page[Role]{}, err
		}
		// Not list: decoding a trust policy can fail.
		roles := make([]Role, 0, len(out.Roles))
		for i := range out.Roles {
			r, err := c.roleFrom(op, aws.ToString(out.Roles[i].RoleName), &out.Roles[i])
			if err != nil {
				return page[Role]{}, err
			}
			roles = append(roles, r)
		}
		return page[Role]{roles, out.Marker, out.IsTruncated}, nil
	})
}

// ListRoles returns all roles; see [Client.Roles].
func (c *Client) ListRoles(ctx context.Context, optFns ...func(*ListOptions)) ([]Role, error) {
	return collect(c.Roles(ctx, optFns...))
}

// AttachRolePolicy attaches the managed policy policyARN to the role.
func (c *Client) AttachRolePolicy(ctx context.Context, role string, policyARN arn.ARN) error {
	_, err := c.api.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(policyARN.String())})
	return wrap("AttachRolePolicy", role, err)
}

// DetachRolePolicy detaches the managed policy policyARN from the role.
func (c *Client) DetachRolePolicy(ctx context.Context, role string, policyARN arn.ARN) error {
	_, err := c.api.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String(role), PolicyArn: aws.String(policyARN.String())})
	return wrap("DetachRolePolicy", role, err)
}

// ListAttachedRolePolicies returns the managed policies attached to the role.
func (c *Client) ListAttachedRolePolicies(ctx context.Context, role string) ([]AttachedPolicy, error) {
	return collect(list(ctx, "ListAttachedRolePolicies", role, c.api.ListAttachedRolePolicies,
		func(m *string) *iam.ListAttachedRolePoliciesInput {
			return &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(role), Marker: m}
		},
		func(out *iam.ListAttachedRolePoliciesOutput) page[AttachedPolicy] {
			return page[AttachedPolicy]{convert(out.AttachedPolicies, attachedFrom), out.Marker, out.IsTruncated}
		}))
}

// DeleteRoleOptions are the optional settings of [Client.DeleteRole].
type DeleteRoleOptions struct {
	// Cascade first detaches every managed policy and deletes every inline
	// policy, which IAM requires before it deletes a role. Without it such a
	// role gives [ErrDeleteConflict]. The cascade is not atomic.
	Cascade bool
}

// DeleteRole deletes the role name.
func (c *Client) DeleteRole(ctx context.Context, name string, optFns ...func(*DeleteRoleOptions)) error {
	const op = "DeleteRole"
	o := apply(optFns)
	if o.Cascade {
		roles := holder{c.ListAttachedRolePolicies, c.DetachRolePolicy, c.ListRolePolicies, c.DeleteRolePolicy}
		if err := roles.clearPolicies(ctx, name); err != nil {
			return err
		}
	}
	_, err := c.api.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String(name)})
	return wrap(op, name, err)
}
