package iamclient

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/policy"
)

// MaxPolicyVersions is the number of versions a managed policy keeps at
// most, in Astran as in AWS.
const MaxPolicyVersions = 5

// CreatePolicyOptions are the optional settings of [Client.CreatePolicy].
type CreatePolicyOptions struct {
	// Path is the IAM path; the zero value means "/".
	Path string
	// Description is stored with the policy; it cannot be changed later.
	Description string
	// Tags are attached to the new policy.
	Tags map[string]string
}

// encodeDocument validates doc in the client's dialect and marshals it.
func (c *Client) encodeDocument(op, name string, doc *policy.Document) (string, error) {
	if doc == nil {
		return "", invalid(op, name, errors.New("nil policy document"))
	}
	dialect := func(o *policy.ParseOptions) { o.Dialect = c.dialect }
	if err := doc.Validate(dialect); err != nil {
		return "", invalid(op, name, err)
	}
	b, err := doc.MarshalJSON()
	if err != nil {
		return "", invalid(op, name, err)
	}
	return string(b), nil
}

// decodeDocument parses a document returned by operation op on name with
// [Client.ParseDocument].
func (c *Client) decodeDocument(op, name string, s *string) (*policy.Document, error) {
	doc, err := c.ParseDocument(aws.ToString(s))
	if err != nil {
		return nil, &Error{Op: op, Name: name, Kind: ErrInvalidInput, Err: err}
	}
	return doc, nil
}

// parseDocument implements [Client.ParseDocument].
func parseDocument(s string, opt func(*policy.ParseOptions)) (*policy.Document, error) {
	if s == "" {
		return nil, nil
	}
	if strings.HasPrefix(strings.TrimSpace(s), "{") {
		return parseText(s, opt)
	}
	text, err := url.PathUnescape(s)
	if err != nil {
		return nil, fmt.Errorf("iamclient: URL-decoding policy document: %w", err)
	}
	doc, err := parseText(text, opt)
	if err != nil && strings.Contains(s, "+") {
		// Form encoding writes a space as "+".
		if q, qerr := url.QueryUnescape(s); qerr == nil {
			if d, perr := parseText(q, opt); perr == nil {
				return d, nil
			}
		}
	}
	return doc, err
}

func parseText(text string, opt func(*policy.ParseOptions)) (*policy.Document, error) {
	doc, err := policy.Parse([]byte(text), opt)
	if err != nil {
		return nil, fmt.Errorf("iamclient: parsing policy document: %w", err)
	}
	return doc, nil
}

// CreatePolicy creates the customer-managed policy name with doc as its
// first (default) version. doc is validated locally first: an invalid
// document gives [ErrInvalidInput] wrapping the policy package's error, and
// nothing is sent.
func (c *Client) CreatePolicy(ctx context.Context, name string, doc *policy.Document, optFns ...func(*CreatePolicyOptions)) (Policy, error) {
	const op = "CreatePolicy"
	o := apply(optFns)
	text, err := c.encodeDocument(op, name, doc)
	if err != nil {
		return Policy{}, err
	}
	out, err := c.api.CreatePolicy(ctx, &iam.CreatePolicyInput{
		PolicyName: aws.String(name), PolicyDocument: aws.String(text), Path: optional(o.Path),
		Description: optional(o.Description), Tags: tagList(o.Tags),
	})
	if err != nil {
		return Policy{}, wrap(op, name, err)
	}
	return policyFrom(out.Policy), nil
}

// GetPolicy returns the managed policy policyARN (customer or built-in).
func (c *Client) GetPolicy(ctx context.Context, policyARN arn.ARN) (Policy, error) {
	out, err := c.api.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(policyARN.String())})
	if err != nil {
		return Policy{}, wrap("GetPolicy", policyARN.String(), err)
	}
	return policyFrom(out.Policy), nil
}

// GetPolicyVersion returns one version of policyARN with its document.
func (c *Client) GetPolicyVersion(ctx context.Context, policyARN arn.ARN, versionID string) (PolicyVersion, error) {
	const op = "GetPolicyVersion"
	out, err := c.api.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(policyARN.String()), VersionId: aws.String(versionID)})
	if err != nil {
		return PolicyVersion{}, wrap(op, policyARN.String(), err)
	}
	return c.versionFrom(op, policyARN.String(), out.PolicyVersion)
}

// GetPolicyDocument returns the default version of policyARN, with its
// document URL-decoded and parsed.
func (c *Client) GetPolicyDocument(ctx context.Context, policyARN arn.ARN) (PolicyVersion, error) {
	p, err := c.GetPolicy(ctx, policyARN)
	if err != nil {
		return PolicyVersion{}, err
	}
	return c.GetPolicyVersion(ctx, policyARN, p.DefaultVersionID)
}

func (c *Client) versionFrom(op, name string, v *types.PolicyVersion) (PolicyVersion, error) {
	if v == nil {
		return PolicyVersion{}, nil
	}
	doc, err := c.decodeDocument(op, name, v.Document)
	if err != nil {
		return PolicyVersion{}, err
	}
	pv := versionHeader(v)
	pv.Document = doc
	return pv, nil
}

// ListPolicyVersions returns the versions of policyARN, without their
// documents.
func (c *Client) ListPolicyVersions(ctx context.Context, policyARN arn.ARN) ([]PolicyVersion, error) {
	name := policyARN.String()
	return collect(list(ctx, "ListPolicyVersions", name, c.api.ListPolicyVersions,
		func(m *string) *iam.ListPolicyVersionsInput {
			return &iam.ListPolicyVersionsInput{PolicyArn: aws.String(name), Marker: m}
		},
		func(out *iam.ListPolicyVersionsOutput) page[PolicyVersion] {
			return page[PolicyVersion]{convert(out.Versions, versionHeader), out.Marker, out.IsTruncated}
		}))
}

// CreatePolicyVersionOptions are the optional settings of
// [Client.CreatePolicyVersion].
type CreatePolicyVersionOptions struct {
	// SetAsDefault makes the new version the default (effective) one.
	SetAsDefault bool
	// PruneOldest deletes the oldest non-default version first when the
	// policy already has [MaxPolicyVersions] versions. Without it, that
	// case gives [ErrLimitExceeded].
	PruneOldest bool
}

// CreatePolicyVersion adds doc as a new version of the customer-managed
// policy policyARN. doc is validated locally first, and built-in policies
// are refused with [ErrBuiltin]. The returned version has no Document (IAM
// does not return it); it is doc.
func (c *Client) CreatePolicyVersion(ctx context.Context, policyARN arn.ARN, doc *policy.Document, optFns ...func(*CreatePolicyVersionOptions)) (PolicyVersion, error) {
	const op = "CreatePolicyVersion"
	name := policyARN.String()
	if builtin.IsBuiltin(policyARN) {
		return PolicyVersion{}, refuseBuiltin(op, name)
	}
	o := apply(optFns)
	text, err := c.encodeDocument(op, name, doc)
	if err != nil {
		return PolicyVersion{}, err
	}
	if o.PruneOldest {
		if err := c.pruneOldestVersion(ctx, policyARN); err != nil {
			return PolicyVersion{}, err
		}
	}
	out, err := c.api.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{
		PolicyArn: aws.String(name), PolicyDocument: aws.String(text), SetAsDefault: o.SetAsDefault,
	})
	if err != nil {
		return PolicyVersion{}, wrap(op, name, err)
	}
	if out.PolicyVersion == nil {
		return PolicyVersion{Document: doc, IsDefault: o.SetAsDefault}, nil
	}
	v := versionHeader(out.PolicyVersion)
	v.Document = doc
	return v, nil
}

// versionHeader converts v without its document.
func versionHeader(v *types.PolicyVersion) PolicyVersion {
	return PolicyVersion{VersionID: aws.ToString(v.VersionId), IsDefault: v.IsDefaultVersion, CreateDate: aws.ToTime(v.CreateDate)}
}

// pruneOldestVersion deletes the oldest non-default version of policyARN
// when it has MaxPolicyVersions or more.
func (c *Client) pruneOldestVersion(ctx context.Context, policyARN arn.ARN) error {
	versions, err := c.ListPolicyVersions(ctx, policyARN)
	if err != nil {
		return err
	}
	if len(versions) < MaxPolicyVersions {
		return nil
	}
	oldest, ok := oldestNonDefault(versions)
	if !ok {
		return &Error{Op: "CreatePolicyVersion", Name: policyARN.String(), Kind: ErrLimitExceeded,
			Err: errors.New("no non-default version to prune")}
	}
	return c.DeletePolicyVersion(ctx, policyARN, oldest.VersionID)
}

// oldestNonDefault returns the non-default version created first (ties
// broken by the version number).
func oldestNonDefault(vs []PolicyVersion) (PolicyVersion, bool) {
	var cands []PolicyVersion
	for _, v := range vs {
		if !v.IsDefault {
			cands = append(cands, v)
		}
	}
	if len(cands) == 0 {
		return PolicyVersion{}, false
	}
	return slices.MinFunc(cands, func(a, b PolicyVersion) int {
		if c := a.CreateDate.Compare(b.CreateDate); c != 0 {
			return c
		}
		return cmp.Compare(versionNumber(a.VersionID), versionNumber(b.VersionID))
	}), true
}

// SetDefaultPolicyVersion makes versionID the default version of the
// customer-managed policy policyARN. Built-ins are refused with [ErrBuiltin].
func (c *Client) SetDefaultPolicyVersion(ctx context.Context, policyARN arn.ARN, versionID string) error {
	in := &iam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(policyARN.String()), VersionId: aws.String(versionID)}
	return change(ctx, builtin.IsBuiltin(policyARN), "SetDefaultPolicyVersion", policyARN.String(), c.api.SetDefaultPolicyVersion, in)
}

// DeletePolicyVersion deletes a non-default version of the customer-managed
// policy policyARN. Built-ins are refused with [ErrBuiltin]; deleting the
// default version gives [ErrDeleteConflict].
func (c *Client) DeletePolicyVersion(ctx context.Context, policyARN arn.ARN, versionID string) error {
	in := &iam.DeletePolicyVersionInput{PolicyArn: aws.String(policyARN.String()), VersionId: aws.String(versionID)}
	return change(ctx, builtin.IsBuiltin(policyARN), "DeletePolicyVersion", policyARN.String(), c.api.DeletePolicyVersion, in)
}

// DeletePolicyOptions are the optional settings of [Client.DeletePolicy].
type DeletePolicyOptions struct {
	// Detach first detaches the policy from every user, group and role it
	// is attached to. Without it, an attached policy gives
	// [ErrDeleteConflict].
	Detach bool
}

// DeletePolicy deletes the customer-managed policy policyARN, first deleting
// its non-default versions as IAM requires. Built-ins are refused with
// [ErrBuiltin].
func (c *Client) DeletePolicy(ctx context.Context, policyARN arn.ARN, optFns ...func(*DeletePolicyOptions)) error {
	const op = "DeletePolicy"
	name := policyARN.String()
	if builtin.IsBuiltin(policyARN) {
		return refuseBuiltin(op, name)
	}
	o := apply(optFns)
	if o.Detach {
		if err := c.detachEverywhere(ctx, policyARN); err != nil {
			return err
		}
	}
	versions, err := c.ListPolicyVersions(ctx, policyARN)
	if err != nil {
		return err
	}
	for _, v := range versions {
		if v.IsDefault {
			continue
		}
		if err := c.DeletePolicyVersion(ctx, policyARN, v.VersionID); err != nil {
			return err
		}
	}
	_, err = c.api.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(name)})
	return wrap(op, name, err)
}

// ListEntitiesForPolicy returns the users, groups and roles policyARN is
// attached to.
func (c *Client) ListEntitiesForPolicy(ctx context.Context, policyARN arn.ARN) (PolicyEntities, error) {
	var ents PolicyEntities
	name := policyARN.String()
	seq := list(ctx, "ListEntitiesForPolicy", name, c.api.ListEntitiesForPolicy,
		func(m *string) *iam.ListEntitiesForPolicyInput {
			return &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(name), Marker: m}
		},
		func(out *iam.ListEntitiesForPolicyOutput) page[struct{}] {
			for _, u := range out.PolicyUsers {
				ents.Users = append(ents.Users, aws.ToString(u.UserName))
			}
			for _, g := range out.PolicyGroups {
				ents.Groups = append(ents.Groups, aws.ToString(g.GroupName))
			}
			for _, r := range out.PolicyRoles {
				ents.Roles = append(ents.Roles, aws.ToString(r.RoleName))
			}
			return page[struct{}]{nil, out.Marker, out.IsTruncated}
		})
	if _, err := collect(seq); err != nil {
		return PolicyEntities{}, err
	}
	return ents, nil
}

func (c *Client) detachEverywhere(ctx context.Context, policyARN arn.ARN) error {
	ents, err := c.ListEntitiesForPolicy(ctx, policyARN)
	if err != nil {
		return err
	}
	for _, kind := range []struct {
		names  []string
		detach func(ctx context.Context, name string, policyARN arn.ARN) error
	}{
		{ents.Users, c.DetachUserPolicy},
		{ents.Groups, c.DetachGroupPolicy},
		{ents.Roles, c.DetachRolePolicy},
	} {
		for _, name := range kind.names {
			if err := kind.detach(ctx, name, policyARN); err != nil {
				return err
			}
		}
	}
	return nil
}

// holder is the policy operations of one kind of entity that holds
// policies (users, groups or roles), as methods of a Client.
type holder struct {
	listAttached func(ctx context.Context, name string) ([]AttachedPolicy, error)
	detach       func(ctx context.Context, name string, policyARN arn.ARN) error
	listInline   func(ctx context.Context, name string) ([]string, error)
	deleteInline func(ctx context.Context, name, policyName string) error
}

// clearPolicies detaches every managed policy of the entity name and
// deletes its inline policies, as IAM requires before deleting it. Each
// list is read just before its items are removed.
func (h holder) clearPolicies(ctx context.Context, name string) error {
	if err := each(h.listAttached(ctx, name))(func(p AttachedPolicy) error {
		return h.detach(ctx, name, p.ARN)
	}); err != nil {
		return err
	}
	return each(h.listInline(ctx, name))(func(p string) error {
		return h.deleteInline(ctx, name, p)
	})
}

// Scope selects the policies [Client.Policies] lists.
type Scope string

// Policy scopes.
const (
	ScopeAll     Scope = ""      // customer-managed and built-in policies
	ScopeLocal   Scope = "Local" // customer-managed policies only
	ScopeBuiltin Scope = "AWS"   // built-in policies only (IAM's "AWS" scope)
)

// ListPoliciesOptions filter [Client.Policies].
type ListPoliciesOptions struct {
	// Scope selects customer-managed or built-in policies; the zero value
	// lists both.
	Scope Scope
	// OnlyAttached keeps the policies attached to at least one entity.
	OnlyAttached bool
	// PathPrefix keeps the policies whose path starts with it.
	PathPrefix string
}

// Policies iterates over managed policies, fetching pages as needed. An
// error ends the iteration.
func (c *Client) Policies(ctx context.Context, optFns ...func(*ListPoliciesOptions)) iter.Seq2[Policy, error] {
	o := apply(optFns)
	return list(ctx, "ListPolicies", "", c.api.ListPolicies,
		func(m *string) *iam.ListPoliciesInput {
			return &iam.ListPoliciesInput{Marker: m, OnlyAttached: o.OnlyAttached, Scope: types.PolicyScopeType(o.Scope), PathPrefix: optional(o.PathPrefix)}
		},
		func(out *iam.ListPoliciesOutput) page[Policy] {
			return page[Policy]{convert(out.Policies, policyFrom), out.Marker, out.IsTruncated}
		})
}

// ListPolicies returns managed policies; see [Client.Policies].
func (c *Client) ListPolicies(ctx context.Context, optFns ...func(*ListPoliciesOptions)) ([]Policy, error) {
	return collect(c.Policies(ctx, optFns...))
}
