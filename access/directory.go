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
	for p := iam.NewListUsersPaginator(d.api, &iam.ListUsersInput{}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("access: listing users: %w", err)
		}
		for _, u := range out.Users {
			raw = append(raw, aws.ToString(u.Arn))
		}
	}
	for p := iam.NewListGroupsPaginator(d.api, &iam.ListGroupsInput{}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("access: listing groups: %w", err)
		}
		for _, g := range out.Groups {
			raw = append(raw, aws.ToString(g.Arn))
		}
	}
	for p := iam.NewListRolesPaginator(d.api, &iam.ListRolesInput{}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("access: listing roles: %w", err)
		}
		for _, r := range out.Roles {
			raw = append(raw, aws.ToString(r.Arn))
		}
	}
	for p := iam.NewListPoliciesPaginator(d.api, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("access: listing policies: %w", err)
		}
		for _, pol := range out.Policies {
			raw = append(raw, aws.ToString(pol.Arn))
		}
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
