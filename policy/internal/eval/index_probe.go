package eval

import "github.com/astran-oss/astran-go/policy/types"

// The functions of this file serve the differential tests of the index in
// package policy, which compare indexed evaluation with a scan of every
// statement over sets indexed with every option.

// Scan evaluates req by scanning every statement of s, bypassing the
// action index.
func Scan(s *Set, req *types.Request) types.Result {
	var r types.Result
	var e evaluator
	e.s, e.req, e.res = s, req, &r
	for i := range s.stmts {
		e.stmt(int32(i), false)
	}
	decide(&r, outcome{allow: e.allow, deny: e.deny})
	return r
}

// CompileIndex is Compile with index parameters: candidate lists of at
// least bucketMin statements are indexed by resource with at most nesting
// nested heads, and literal actions get merged candidate lists only if
// their total length stays within mergeBudget.
func CompileIndex(s *Set, policies []types.Policy, dialect types.Dialect, bucketMin, nesting, mergeBudget int) error {
	return s.compile(policies, types.CompileOptions{Dialect: dialect}, indexOptions{bucketMin: bucketMin, maxNesting: nesting, mergeBudget: mergeBudget})
}

// ResourceIndexed returns the number of candidate lists of s indexed by
// resource.
func ResourceIndexed(s *Set) int {
	n := 0
	if s.always.keys != nil {
		n++
	}
	for i := range s.buckets {
		if s.buckets[i].keys != nil {
			n++
		}
	}
	return n
}
