package policy

// EvaluateScan evaluates req by scanning every statement, bypassing the
// action index, for differential tests of the index.
func EvaluateScan(s *Set, req *Request) Result {
	var r Result
	e := evaluator{s: s, req: req, res: &r}
	for i := range s.stmts {
		e.stmt(int32(i), false)
	}
	e.finish()
	return r
}
