package iamclient

import (
	"context"
	"iter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

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
	in := &iam.CreateGroupInput{GroupName: aws.String(name)}
	if o.Path != "" {
		in.Path = aws.String(o.Path)
	}
	out, err := c.api.CreateGroup(ctx, in)
	if err != nil {
		return Group{}, wrap("CreateGroup", name, err)
	}
	return groupFrom(out.Group), nil
}

// GetGroup returns the group name and all its members.
func (c *Client) GetGroup(ctx context.Context, name string) (Group, []User, error) {
	var g Group
	members, err := collect(paginate(ctx, "GetGroup", name, func(ctx context.Context, marker *string) (page[User], error) {
		out, err := c.api.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String(name), Marker: marker})
		if err != nil {
			return page[User]{}, err
		}
		g = groupFrom(out.Group)
		users := make([]User, 0, len(out.Users))
		for i := range out.Users {
			users = append(users, userFrom(&out.Users[i]))
		}
		return page[User]{users, out.Marker, out.IsTruncated}, nil
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
	return paginate(ctx, "ListGroups", "", func(ctx context.Context, marker *string) (page[Group], error) {
		out, err := c.api.ListGroups(ctx, &iam.ListGroupsInput{Marker: marker, PathPrefix: prefix})
		if err != nil {
			return page[Group]{}, err
		}
		return page[Group]{groupsFrom(out.Groups), out.Marker, out.IsTruncated}, nil
	})
}

// ListGroups returns all groups; see [Client.Groups].
func (c *Client) ListGroups(ctx context.Context, optFns ...func(*ListOptions)) ([]Group, error) {
	return collect(c.Groups(ctx, optFns...))
}

// GroupsForUser iterates over the groups the user named email belongs to.
func (c *Client) GroupsForUser(ctx context.Context, email string) iter.Seq2[Group, error] {
	return paginate(ctx, "ListGroupsForUser", email, func(ctx context.Context, marker *string) (page[Group], error) {
		out, err := c.api.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String(email), Marker: marker})
		if err != nil {
			return page[Group]{}, err
		}
		return page[Group]{groupsFrom(out.Groups), out.Marker, out.IsTruncated}, nil
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
	if err := each(c.ListAttachedGroupPolicies(ctx, name))(func(p AttachedPolicy) error {
		_, err := c.api.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String(name), PolicyArn: aws.String(p.ARN.String())})
		return wrap("DetachGroupPolicy", name, err)
	}); err != nil {
		return err
	}
	return each(c.ListGroupPolicies(ctx, name))(func(p string) error {
		_, err := c.api.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String(name), PolicyName: aws.String(p)})
		return wrap("DeleteGroupPolicy", name, err)
	})
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
	const op = "AttachGroupPolicy"
	if isBuiltinGroupName(group) {
		return refuseBuiltin(op, group)
	}
	_, err := c.api.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String(group), PolicyArn: aws.String(policyARN.String())})
	return wrap(op, group, err)
}

// DetachGroupPolicy detaches the managed policy policyARN from the group.
// The policies of built-in groups cannot be changed: [ErrBuiltin].
func (c *Client) DetachGroupPolicy(ctx context.Context, group string, policyARN arn.ARN) error {
	const op = "DetachGroupPolicy"
	if isBuiltinGroupName(group) {
		return refuseBuiltin(op, group)
	}
	_, err := c.api.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String(group), PolicyArn: aws.String(policyARN.String())})
	return wrap(op, group, err)
}

// ListAttachedGroupPolicies returns the managed policies attached to the
// group.
func (c *Client) ListAttachedGroupPolicies(ctx context.Context, group string) ([]AttachedPolicy, error) {
	return collect(paginate(ctx, "ListAttachedGroupPolicies", group, func(ctx context.Context, marker *string) (page[AttachedPolicy], error) {
		out, err := c.api.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String(group), Marker: marker})
		if err != nil {
			return page[AttachedPolicy]{}, err
		}
		return page[AttachedPolicy]{attachedFrom(out.AttachedPolicies), out.Marker, out.IsTruncated}, nil
	}))
}

func groupsFrom(gs []types.Group) []Group {
	out := make([]Group, 0, len(gs))
	for i := range gs {
		out = append(out, groupFrom(&gs[i]))
	}
	return out
}
