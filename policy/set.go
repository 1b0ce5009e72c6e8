package policy

import "github.com/astran-oss/astran-go/policy/internal/eval"

// Set is a compiled, immutable set of policies. It is safe for concurrent
// use by multiple goroutines.
type Set struct {
	set eval.Set // the compiled statements and their index
}

// Compile validates the policies (with [types.Document.Validate] for the
// dialect) and compiles them into a [Set]. On failure the error is a
// *[CompileError] naming the first invalid policy. The set keeps the
// documents for [Diff]: do not modify a document after compiling it
// ([types.Document.Clone] it first); evaluation never reads them.
func Compile(policies []Policy, opts ...func(*CompileOptions)) (*Set, error) {
	var o CompileOptions
	for _, fn := range opts {
		if fn != nil {
			fn(&o)
		}
	}
	s := new(Set)
	if err := eval.Compile(&s.set, policies, o); err != nil {
		return nil, err
	}
	return s, nil
}

// MustCompile is like [Compile] but panics on error. It is intended for
// tests and hard-coded policies.
func MustCompile(policies []Policy, opts ...func(*CompileOptions)) *Set {
	s, err := Compile(policies, opts...)
	if err != nil {
		panic(err)
	}
	return s
}

// Len returns the number of statements in the set.
func (s *Set) Len() int { return s.compiled().Len() }

// Evaluate evaluates the request against the set. It is safe for concurrent
// use. A nil Set or a nil request gives an implicit deny.
func (s *Set) Evaluate(req *Request) Result {
	var r Result
	s.compiled().EvaluateInto(req, &r)
	return r
}

// EvaluateInto is like [Set.Evaluate] but stores the result in res, reusing
// the capacity of its slices: once res has grown to fit, an evaluation does
// not allocate (unless a policy variable expands to more than 256 bytes).
// res must not be shared between concurrent evaluations.
func (s *Set) EvaluateInto(req *Request, res *Result) { s.compiled().EvaluateInto(req, res) }

// compiled returns the compiled set, nil for a nil Set.
func (s *Set) compiled() *eval.Set {
	if s == nil {
		return nil
	}
	return &s.set
}
