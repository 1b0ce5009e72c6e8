package principal

import (
	"context"
	"fmt"
	"strings"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/policy"
)

// Store answers the lookups an [Authorizer] needs. Implementations must be
// safe for concurrent use. Returned values must not be modified.
//
// [MemoryStore] keeps everything in memory (tests, emulators, fixtures);
// Package principal/iamstore reads live IAM through a cache.
type Store interface {
	// Identity returns the user, role or root named by a. It returns an
	// error wrapping ErrNotFound when there is no such identity. A user or
	// role ARN must match exactly (path included); an STS assumed-role ARN
	// (which carries no path) names the role of that name in its account.
	// A root ARN resolves, to [KindRoot], only for the store's own
	// account(s): the root of any other account or partition is not found.
	Identity(ctx context.Context, a arn.ARN) (Identity, error)
	// Session returns the STS session with the given access key ID, or an
	// error wrapping ErrNotFound.
	Session(ctx context.Context, accessKeyID string) (Session, error)
	// Groups returns the groups user belongs to (none for roles and root).
	Groups(ctx context.Context, user arn.ARN) ([]Group, error)
	// Policies returns the policies that apply to a user, group or role
	// directly: attached managed policies (resolved to their default
	// version) followed by inline policies. Each policy's ID is its ARN,
	// or "{entity resource}/inline/{name}" for inline policies.
	Policies(ctx context.Context, entity arn.ARN) ([]policy.Policy, error)
	// ManagedPolicy returns the default version of a managed policy. A
	// built-in is accepted only as arn:astran:iam::astran:policy/{name} or
	// in the store's own partition, and returned with its canonical ARN as
	// ID; every other spelling in account "astran" is not found.
	ManagedPolicy(ctx context.Context, policyARN arn.ARN) (policy.Policy, error)
	// Generation returns a number that changes whenever the content the
	// store serves may have changed. Callers cache derived data keyed by it.
	Generation() uint64
}

// ChangeTracker is implemented by a [Store] that knows what each change
// touched. An [Authorizer] over such a store keeps what it derived for a
// caller across changes that touch neither the caller's identity, its
// session, its groups nor the managed policies it uses, instead of
// rebuilding every caller after any change (a login, another user's
// attachment). [MemoryStore] and the principal/iamstore store implement it.
type ChangeTracker interface {
	// Changed reports whether a change made after generation since (a
	// value of [Store.Generation]) touched a key in deps, or may have:
	// it reports true when it no longer knows every change made after
	// since. Keys are the String forms of user, role, root, group and
	// managed-policy ARNs (a change of a user's groups, attachments,
	// inline policies or boundary is a change of the user) and the access
	// key IDs of sessions. deps is only read. Changed must be safe for
	// concurrent use.
	Changed(since uint64, deps map[string]bool) bool
}

// InlinePolicyID returns the ID a store gives an inline policy named name of
// entity in [Store.Policies]: "{entity resource}/inline/{name}", for
// example "user/bob@astran.io/inline/S3Home".
func InlinePolicyID(entity arn.ARN, name string) string {
	return entity.Resource + "/inline/" + name
}

// builtinPolicy resolves p, an ARN in Astran's built-in account, to the
// built-in policy it names, with the canonical ARN as ID. It accepts only
// the canonical spelling and the spelling in a partition that own reports
// as the store's own ([builtin.Canonical]); any other spelling is not found.
func builtinPolicy(p arn.ARN, own func(partition string) bool) (policy.Policy, error) {
	part := ""
	if own(p.Partition) {
		part = p.Partition
	}
	bp, err := builtin.ResolvePolicy(p, part)
	if err != nil {
		return policy.Policy{}, fmt.Errorf("%w: %w", notFound("policy", p.String()), err)
	}
	return bp, nil
}

// assumedRoleName returns the role name and session name of an STS
// assumed-role ARN, arn:{partition}:sts::{account}:assumed-role/{role}/{session}.
// The ARN carries no path: IAM role names are unique per account.
func assumedRoleName(a arn.ARN) (role, session string, err error) {
	rest := strings.TrimPrefix(a.Resource, "assumed-role/")
	role, session, ok := strings.Cut(rest, "/")
	if !ok || role == "" || session == "" || a.Account == "" {
		return "", "", fmt.Errorf("principal: assumed-role ARN %s: %w", a, ErrInvalid)
	}
	return role, session, nil
}
