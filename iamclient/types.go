package iamclient

import (
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/policy"
)

// User is an IAM user. Its Name is the user's email address.
type User struct {
	ARN        arn.ARN
	ID         string
	Name       string // the email address
	Path       string
	CreateDate time.Time
	// PasswordLastUsed is the zero time when unknown or never used.
	PasswordLastUsed time.Time
	// PermissionsBoundary is the zero ARN when the user has none. List
	// operations do not return it: use [Client.GetUser].
	PermissionsBoundary arn.ARN
	// Tags are nil when the user has none or when the operation does not
	// return them (list operations).
	Tags map[string]string
}

// Group is an IAM group.
type Group struct {
	ARN        arn.ARN
	ID         string
	Name       string
	Path       string
	CreateDate time.Time
}

// Policy is a managed policy: customer-managed or one of Astran's built-ins.
type Policy struct {
	ARN              arn.ARN
	ID               string
	Name             string
	Path             string
	Description      string
	DefaultVersionID string // e.g. "v1"
	AttachmentCount  int
	// PermissionsBoundaryUsageCount counts the users and roles that use the
	// policy as their permissions boundary.
	PermissionsBoundaryUsageCount int
	IsAttachable                  bool
	CreateDate                    time.Time
	UpdateDate                    time.Time
	Tags                          map[string]string
}

// Builtin reports whether p is one of Astran's built-in policies.
func (p Policy) Builtin() bool { return builtin.IsBuiltin(p.ARN) }

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	VersionID  string // e.g. "v2"
	IsDefault  bool
	CreateDate time.Time
	// Document is the version's policy document, nil when the operation
	// does not return it (listing versions).
	Document *policy.Document
}

// Role is an IAM role, assumed by federated identities.
type Role struct {
	ARN         arn.ARN
	ID          string
	Name        string
	Path        string
	Description string
	CreateDate  time.Time
	// MaxSessionDuration is zero when IAM did not return it.
	MaxSessionDuration time.Duration
	// TrustPolicy is the role's assume-role policy document; nil when the
	// operation does not return it.
	TrustPolicy         *policy.Document
	PermissionsBoundary arn.ARN
	Tags                map[string]string
}

// AttachedPolicy names a managed policy attached to a user, group or role.
type AttachedPolicy struct {
	ARN  arn.ARN
	Name string
}

// OIDCProvider is an OpenID Connect identity provider registered in IAM.
type OIDCProvider struct {
	ARN         arn.ARN
	URL         string // issuer URL as IAM stores it (host and path, no scheme)
	ClientIDs   []string
	Thumbprints []string
	CreateDate  time.Time
	Tags        map[string]string
}

// PolicyEntities are the users, groups and roles a managed policy is
// attached to, by name.
type PolicyEntities struct {
	Users, Groups, Roles []string
}

func parseARN(s *string) arn.ARN {
	a, _ := arn.Parse(aws.ToString(s))
	return a
}

func tagsMap(tags []types.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

// tagList converts tags to the SDK form, sorted by key for determinism.
func tagList(m map[string]string) []types.Tag {
	if len(m) == 0 {
		return nil
	}
	tags := make([]types.Tag, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		tags = append(tags, types.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return tags
}

func boundary(b *types.AttachedPermissionsBoundary) arn.ARN {
	if b == nil {
		return arn.ARN{}
	}
	return parseARN(b.PermissionsBoundaryArn)
}

func userFrom(u *types.User) User {
	if u == nil {
		return User{}
	}
	return User{
		ARN:                 parseARN(u.Arn),
		ID:                  aws.ToString(u.UserId),
		Name:                aws.ToString(u.UserName),
		Path:                aws.ToString(u.Path),
		CreateDate:          aws.ToTime(u.CreateDate),
		PasswordLastUsed:    aws.ToTime(u.PasswordLastUsed),
		PermissionsBoundary: boundary(u.PermissionsBoundary),
		Tags:                tagsMap(u.Tags),
	}
}

func groupFrom(g *types.Group) Group {
	if g == nil {
		return Group{}
	}
	return Group{
		ARN:        parseARN(g.Arn),
		ID:         aws.ToString(g.GroupId),
		Name:       aws.ToString(g.GroupName),
		Path:       aws.ToString(g.Path),
		CreateDate: aws.ToTime(g.CreateDate),
	}
}

func policyFrom(p *types.Policy) Policy {
	if p == nil {
		return Policy{}
	}
	return Policy{
		ARN:                           parseARN(p.Arn),
		ID:                            aws.ToString(p.PolicyId),
		Name:                          aws.ToString(p.PolicyName),
		Path:                          aws.ToString(p.Path),
		Description:                   aws.ToString(p.Description),
		DefaultVersionID:              aws.ToString(p.DefaultVersionId),
		AttachmentCount:               int(aws.ToInt32(p.AttachmentCount)),
		PermissionsBoundaryUsageCount: int(aws.ToInt32(p.PermissionsBoundaryUsageCount)),
		IsAttachable:                  p.IsAttachable,
		CreateDate:                    aws.ToTime(p.CreateDate),
		UpdateDate:                    aws.ToTime(p.UpdateDate),
		Tags:                          tagsMap(p.Tags),
	}
}

func attachedFrom(p *types.AttachedPolicy) AttachedPolicy {
	return AttachedPolicy{ARN: parseARN(p.PolicyArn), Name: aws.ToString(p.PolicyName)}
}

// versionNumber returns the number of a version ID such as "v12", or -1.
func versionNumber(id string) int {
	if len(id) < 2 || id[0] != 'v' {
		return -1
	}
	n, err := strconv.Atoi(id[1:])
	if err != nil {
		return -1
	}
	return n
}

// convert returns f applied to (a pointer to) each element of s.
func convert[S, T any](s []S, f func(*S) T) []T {
	out := make([]T, 0, len(s))
	for i := range s {
		out = append(out, f(&s[i]))
	}
	return out
}

// optional returns s as an optional request field: nil when s is "".
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// optionalARN returns a as an optional request field: nil for the zero ARN.
func optionalARN(a arn.ARN) *string {
	if a == (arn.ARN{}) {
		return nil
	}
	return aws.String(a.String())
}
