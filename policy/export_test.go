package policy

// EvaluateScan evaluates req by scanning every statement, bypassing the
// action index, for differential tests of the index.
func EvaluateScan(s *Set, req *Request) Result {
	var r Result
	e := evaluator{s: s, req: req, res: &r}
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
func CompileIndex(policies []Policy, dialect Dialect, bucketMin, nesting, mergeBudget int) (*Set, error) {
	return compile(policies, CompileOptions{Dialect: dialect}, indexOptions{bucketMin: bucketMin, maxNesting: nesting, mergeBudget: mergeBudget})
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
