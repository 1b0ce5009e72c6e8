package policy

import "github.com/astran-oss/astran-go/policy/internal/eval"

// EvaluateScan evaluates req by scanning every statement, bypassing the
// action index, for differential tests of the index.
func EvaluateScan(s *Set, req *Request) Result { return eval.Scan(&s.set, req) }

// CompileIndex is Compile with index parameters (see eval.CompileIndex).
func CompileIndex(policies []Policy, dialect Dialect, bucketMin, nesting, mergeBudget int) (*Set, error) {
	s := new(Set)
	if err := eval.CompileIndex(&s.set, policies, dialect, bucketMin, nesting, mergeBudget); err != nil {
		return nil, err
	}
	return s, nil
}

// ResourceIndexed returns the number of candidate lists of s indexed by
// resource.
func ResourceIndexed(s *Set) int { return eval.ResourceIndexed(&s.set) }
