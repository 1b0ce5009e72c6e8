package access

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/iamclient"
	"github.com/astran-oss/astran-go/principal"
)

// Directory is an account to analyse: a principal.Store that can also list
// the account's users, groups, roles and customer-managed policies.
// *principal.MemoryStore implements it.
type Directory interface {
	principal.Store
	// Entities returns the ARNs of the account's users, groups, roles and
	// customer-managed policies.
	Entities(ctx context.Context) ([]arn.ARN, error)
}

var _ Directory = (*principal.MemoryStore)(nil)

// IAMListAPI lists the entities of an account. Both *iam.Client and the
// value returned by (*iamclient.Client).API() implement it.
type IAMListAPI interface {
	ListUsers(ctx context.Context, params *iam.ListUsersInput, optFns ...func(*iam.Options)) (*iam.ListUsersOutput, error)
	ListGroups(ctx context.Context, params *iam.ListGroupsInput, optFns ...func(*iam.Options)) (*iam.ListGroupsOutput, error)
	ListRoles(ctx context.Context, params *iam.ListRolesInput, optFns ...func(*iam.Options)) (*iam.ListRolesOutput, error)
	ListPolicies(ctx context.Context, params *iam.ListPoliciesInput, optFns ...func(*iam.Options)) (*iam.ListPoliciesOutput, error)
}

// NewIAMDirectory returns a Directory that lists entities through api and
// reads everything else from store, typically a principal IAM store over
// the same partition.
//
// When api also implements iamclient.API (as *iam.Client does), the
// directory implements VersionLister too.
func NewIAMDirectory(api IAMListAPI, store principal.Store) Directory {
	d := &iamDirectory{Store: store, api: api}
	if full, ok := api.(iamclient.API); ok {
		return &iamVersionDirectory{iamDirectory: d, client: iamclient.New(aws.Config{}, func(o *iamclient.Options) { o.API = full })}
	}
	return d
}

type iamDirectory struct {
	principal.Store
	api IAMListAPI
}

// iamVersionDirectory is an iamDirectory that reads policy versions.
type iamVersionDirectory struct {
	*iamDirectory
	client *iamclient.Client
}

// PolicyVersions implements VersionLister with ListPolicyVersions and
// GetPolicyVersion.
func (d *iamVersionDirectory) PolicyVersions(ctx context.Context, policyARN arn.ARN) ([]principal.PolicyVersion, error) {
	list, err := d.client.ListPolicyVersions(ctx, policyARN)
	if err != nil {
		return nil, err
	}
	out := make([]principal.PolicyVersion, 0, len(list))
	for _, v := range list {
		full, err := d.client.GetPolicyVersion(ctx, policyARN, v.VersionID)
		if err != nil {
			return nil, err
		}
		out = append(out, principal.PolicyVersion{ID: v.VersionID, Default: v.IsDefault, Document: full.Document})
	}
	return out, nil
}

// Entities lists users, groups, roles and customer-managed policies
// (ListPolicies with scope Local), following every page.
func (d *iamDirectory) Entities(ctx context.Context) ([]arn.ARN, error) {
	var raw []string
	add := func(a *string) { raw = append(raw, aws.ToString(a)) }
	err := eachPage(ctx, "users", iam.NewListUsersPaginator(d.api, &iam.ListUsersInput{}), func(out *iam.ListUsersOutput) {
		for _, u := range out.Users {
			add(u.Arn)
		}
	})
	if err == nil {
		err = eachPage(ctx, "groups", iam.NewListGroupsPaginator(d.api, &iam.ListGroupsInput{}), func(out *iam.ListGroupsOutput) {
			for _, g := range out.Groups {
				add(g.Arn)
			}
		})
	}
	if err == nil {
		err = eachPage(ctx, "roles", iam.NewListRolesPaginator(d.api, &iam.ListRolesInput{}), func(out *iam.ListRolesOutput) {
			for _, r := range out.Roles {
				add(r.Arn)
			}
		})
	}
	if err == nil {
		local := &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal}
		err = eachPage(ctx, "policies", iam.NewListPoliciesPaginator(d.api, local), func(out *iam.ListPoliciesOutput) {
			for _, pol := range out.Policies {
				add(pol.Arn)
			}
		})
	}
	if err != nil {
		return nil, err
	}
	out := make([]arn.ARN, 0, len(raw))
	for _, s := range raw {
		a, err := arn.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("access: IAM listed an invalid ARN: %w", err)
		}
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out, nil
}

// pages is an IAM List* paginator of the SDK.
type pages[O any] interface {
	HasMorePages() bool
	NextPage(ctx context.Context, optFns ...func(*iam.Options)) (O, error)
}

// eachPage calls page with every page of p; what names the listing in the
// error.
func eachPage[O any](ctx context.Context, what string, p pages[O], page func(O)) error {
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("access: listing %s: %w", what, err)
		}
		page(out)
	}
	return nil
}
