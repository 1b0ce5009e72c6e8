package principal

import (
	"context"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/policy"
)

// Store answers the lookups an [Authorizer] needs. Implementations must be
// safe for concurrent use. Returned values must not be modified.
//
// [MemoryStore] keeps everything in memory (tests, emulators, fixtures);
// [IAMStore] reads live IAM through a cache.
type Store interface {
	// Identity returns the user, role or root named by a. It returns an
	// error wrapping ErrNotFound when there is no such identity.
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
	// ManagedPolicy returns the default version of a managed policy,
	// built-ins included (arn:{any}:iam::astran:policy/{name}).
	ManagedPolicy(ctx context.Context, policyARN arn.ARN) (policy.Policy, error)
	// Generation returns a number that changes whenever the content the
	// store serves may have changed. Callers cache derived data keyed by it.
	Generation() uint64
}

// InlinePolicyID returns the ID a store gives an inline policy named name of
// entity in [Store.Policies]: "{entity resource}/inline/{name}", for
// example "user/bob@astran.io/inline/S3Home".
func InlinePolicyID(entity arn.ARN, name string) string {
	return entity.Resource + "/inline/" + name
}

// builtinPolicy resolves a built-in policy ARN in either partition.
func builtinPolicy(p arn.ARN) (policy.Policy, bool) {
	if p.Account != builtin.Account || p.Type() != arn.TypePolicy {
		return policy.Policy{}, false
	}
	bp, ok := builtin.Policy(p.Name())
	if !ok {
		return policy.Policy{}, false
	}
	bp.ID = p.String()
	return bp, true
}
