package principal

import (
	"context"
	"sort"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
)

// Entities returns the ARNs of the users, groups, roles and
// customer-managed policies in the store, sorted, so that tools can
// enumerate an account (the access package's WhoCan and Escalations). The
// result is a new slice the caller owns.
func (s *MemoryStore) Entities(_ context.Context) ([]arn.ARN, error) {
	s.mu.RLock()
	out := make([]arn.ARN, 0, len(s.identities)+len(s.groups)+len(s.managed))
	for a := range s.identities {
		out = append(out, a)
	}
	for a := range s.groups {
		out = append(out, a)
	}
	for a := range s.managed {
		out = append(out, a)
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out, nil
}

// PolicyVersion is one version of a customer-managed policy.
type PolicyVersion struct {
	ID       string // "v1", "v2", ...
	Default  bool
	Document *policy.Document
}

// PolicyVersions returns the versions of a customer-managed policy, oldest
// first, so that tools can see what SetDefaultPolicyVersion could switch
// to. It returns an error wrapping ErrNotFound for an unknown policy. The
// documents are the store's and must not be modified.
func (s *MemoryStore) PolicyVersions(_ context.Context, policyARN arn.ARN) ([]PolicyVersion, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	mp := s.managed[policyARN]
	if mp == nil {
		return nil, notFound("policy", policyARN.String())
	}
	out := make([]PolicyVersion, len(mp.versions))
	for i, v := range mp.versions {
		out[i] = PolicyVersion{ID: v.id, Default: v.id == mp.defaultVersion, Document: v.doc}
	}
	return out, nil
}
