// Package eval is the engine behind policy.Set and policy.Policies: it
// compiles validated documents of package types into a Set (patterns,
// principals and conditions in matching form, an action index and, for
// long candidate lists, a resource index) and evaluates requests against
// one set (Set.EvaluateInto) or against the sets of every policy type
// (Policies.EvaluateInto) without allocating. Policy variables expand into
// a buffer on the evaluator's stack.
package eval
