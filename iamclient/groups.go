package iamclient

import (
	"context"
	"iter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/astran-oss/astran-go/arn"
)

// CreateGroupOptions are the optional settings of [Client.CreateGroup].
type CreateGroupOptions struct {
	// Path is the IAM path; the zero value means "/".
	Path string
}

// CreateGroup creates the group name.
func (c *Client) CreateGroup(ctx context.Context, name string, optFns ...func(*CreateGroupOptions)) (Group, error) {
	o := apply(optFns)
	out, err := c.api.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(name), Path: optional(o.Path)})
	if err != nil {
		return Group{}, wrap("CreateGroup", name, err)
	}
	return groupFrom(out.Group), nil
}

// GetGroup returns the group name and all its members.
func (c *Client) GetGroup(ctx context.Context, name string) (Group, []User, error) {
	var g Group
	members, err := collect(list(ctx, "GetGroup", name, c.api.GetGroup,
		func(m *string) *iam.GetGroupInput { return &iam.GetGroupInput{GroupName: aws.String(name), Marker: m} },
		func(out *iam.GetGroupOutput) page[User] {
			g = groupFrom(out.Group)
			return page[User]{convert(out.Users, userFrom), out.Marker, out.IsTruncated}
		}))
	if err != nil {
		return Group{}, nil, err
	}
	return g, members, nil
}

// Groups iterates over all groups, fetching pages as needed. An error ends
// the iteration.
func (c *Client) Groups(ctx context.Context, optFns ...func(*ListOptions)) iter.Seq2[Group, error] {
	prefix := pathPrefix(optFns)
	return list(ctx, "ListGroups", "", c.api.ListGroups,
		func(m *string) *iam.ListGroupsInput { return &iam.ListGroupsInput{Marker: m, PathPrefix: prefix} },
		func(out *iam.ListGroupsOutput) page[Group] {
			return page[Group]{convert(out.Groups, groupFrom), out.Marker, out.IsTruncated}
		})
}

// ListGroups returns all groups; see [Client.Groups].
func (c *Client) ListGroups(ctx context.Context, optFns ...func(*ListOptions)) ([]Group, error) {
	return collect(c.Groups(ctx, optFns...))
}

// GroupsForUser iterates over the groups the user named email belongs to.
func (c *Client) GroupsForUser(ctx context.Context, email string) iter.Seq2[Group, error] {
	return list(ctx, "ListGroupsForUser", email, c.api.ListGroupsForUser,
		func(m *string) *iam.ListGroupsForUserInput {
			return &iam.ListGroupsForUserInput{UserName: aws.String(email), Marker: m}
		},
		func(out *iam.ListGroupsForUserOutput) page[Group] {
			return page[Group]{convert(out.Groups, groupFrom), out.Marker, out.IsTruncated}
		})
}

// ListGroupsForUser returns the groups the user named email belongs to.
func (c *Client) ListGroupsForUser(ctx context.Context, email string) ([]Group, error) {
	return collect(c.GroupsForUser(ctx, email))
}

// DeleteGroupOptions are the optional settings of [Client.DeleteGroup].
type DeleteGroupOptions struct {
	// Cascade first removes every member, detaches every managed policy and
	// deletes every inline policy, which IAM requires before it deletes a
	// group. Without it, a non-empty group gives [ErrDeleteConflict]. The
	// cascade is not atomic: if it fails midway, what was removed stays
	// removed.
	Cascade bool
}

// DeleteGroup deletes the group name. Built-in groups are refused with
// [ErrBuiltin].
func (c *Client) DeleteGroup(ctx context.Context, name string, optFns ...func(*DeleteGroupOptions)) error {
	const op = "DeleteGroup"
	if isBuiltinGroupName(name) {
		return refuseBuiltin(op, name)
	}
	o := apply(optFns)
	if o.Cascade {
		if err := c.cascadeGroup(ctx, name); err != nil {
			return err
		}
	}
	_, err := c.api.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String(name)})
	return wrap(op, name, err)
}

func (c *Client) cascadeGroup(ctx context.Context, name string) error {
	_, members, err := c.GetGroup(ctx, name)
	if err := each(members, err)(func(u User) error {
		return c.RemoveUserFromGroup(ctx, name, u.Name)
	}); err != nil {
		return err
	}
	groups := holder{c.ListAttachedGroupPolicies, c.DetachGroupPolicy, c.ListGroupPolicies, c.DeleteGroupPolicy}
	return groups.clearPolicies(ctx, name)
}

// AddUserToGroup adds the user named email to the group.
func (c *Client) AddUserToGroup(ctx context.Context, group, email string) error {
	_, err := c.api.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(group), UserName: aws.String(email)})
	return wrap("AddUserToGroup", group, err)
}

// RemoveUserFromGroup removes the user named email from the group.
func (c *Client) RemoveUserFromGroup(ctx context.Context, group, email string) error {
	_, err := c.api.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String(group), UserName: aws.String(email)})
	return wrap("RemoveUserFromGroup", group, err)
}

// AttachGroupPolicy attaches the managed policy policyARN (a customer policy
// or a built-in such as builtin.PolicyARN(builtin.AstranAdmin)) to the group. The
// policies of built-in groups cannot be changed: [ErrBuiltin].
func (c *Client) AttachGroupPolicy(ctx context.Context, group string, policyARN arn.ARN) error {
	in := &iam.AttachGroupPolicyInput{GroupName: aws.String(group), PolicyArn: aws.String(policyARN.String())}
	return change(ctx, isBuiltinGroupName(group), "AttachGroupPolicy", group, c.api.AttachGroupPolicy, in)
}

// DetachGroupPolicy detaches the managed policy policyARN from the group.
// The policies of built-in groups cannot be changed: [ErrBuiltin].
func (c *Client) DetachGroupPolicy(ctx context.Context, group string, policyARN arn.ARN) error {
	in := &iam.DetachGroupPolicyInput{GroupName: aws.String(group), PolicyArn: aws.String(policyARN.String())}
	return change(ctx, isBuiltinGroupName(group), "DetachGroupPolicy", group, c.api.DetachGroupPolicy, in)
}

// ListAttachedGroupPolicies returns the managed policies attached to the
// group.
func (c *Client) ListAttachedGroupPolicies(ctx context.Context, group string) ([]AttachedPolicy, error) {
	return collect(list(ctx, "ListAttachedGroupPolicies", group, c.api.ListAttachedGroupPolicies,
		func(m *string) *iam.ListAttachedGroupPoliciesInput {
			return &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String(group), Marker: m}
		},
		func(out *iam.ListAttachedGroupPoliciesOutput) page[AttachedPolicy] {
			return page[AttachedPolicy]{convert(out.AttachedPolicies, attachedFrom), out.Marker, out.IsTruncated}
		}))
}
