package principal

import (
	"context"
	"sort"

	"github.com/astran-oss/astran-go/arn"
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
