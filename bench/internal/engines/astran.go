package engines

import (
	"fmt"

	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/policy"

	"github.com/astran-oss/astran-go/bench/internal/workload"
)

// Astran is our engine, github.com/astran-oss/astran-go/policy, in its default
// (Astran) dialect: policy.Parse each document, policy.Compile them into one
// Set, and evaluate with Set.EvaluateInto reusing one Result per goroutine.
// A workload naming a built-in (workload 1) loads builtin.Policy.
type Astran struct{}

// Name implements Engine.
func (Astran) Name() string { return "astran" }

// Sources implements Engine: IAM JSON, one document per policy.
func (Astran) Sources(w *workload.Workload) [][]byte { return iamSources(w) }

// Compile implements Engine.
func (a Astran) Compile(w *workload.Workload) (Prepared, error) {
	var set *policy.Set
	var err error
	if w.Builtin != "" {
		bp, ok := builtin.Policy(w.Builtin)
		if !ok {
			return nil, fmt.Errorf("no built-in policy %q", w.Builtin)
		}
		set, err = policy.Compile([]policy.Policy{bp})
	} else {
		var v any
		v, err = a.CompilePolicies(a.Sources(w), w)
		set, _ = v.(*policy.Set)
	}
	if err != nil {
		return nil, err
	}
	ap := &astranPrepared{set: set, n: w.Statements()}
	for _, r := range w.Requests {
		ap.reqs = append(ap.reqs, AstranRequest(r))
	}
	return ap, nil
}

// CompilePolicies implements Engine: policy.Parse each document (one per
// policy of w), then policy.Compile them into one *policy.Set.
func (Astran) CompilePolicies(srcs [][]byte, w *workload.Workload) (any, error) {
	pols := make([]policy.Policy, len(srcs))
	for i, src := range srcs {
		doc, err := policy.Parse(src)
		if err != nil {
			return nil, err
		}
		pols[i] = policy.Policy{ID: w.Policies[i].ID, Document: doc}
	}
	return policy.Compile(pols)
}

// AstranRequest translates a request into a policy.Request.
func AstranRequest(r workload.Request) policy.Request {
	req := policy.Request{Principal: workload.Principal, Action: r.Action, Resource: r.Resource}
	for _, k := range workload.ContextKeys {
		if v, ok := r.Context[k]; ok {
			req.Context.Set(k, v)
		}
	}
	return req
}

type astranPrepared struct {
	set  *policy.Set
	n    int
	reqs []policy.Request
}

func (p *astranPrepared) Statements() int { return p.n }

func (p *astranPrepared) Evaluator() func(int) workload.Decision {
	var res policy.Result
	return func(i int) workload.Decision {
		p.set.EvaluateInto(&p.reqs[i], &res)
		return workload.Decision(res.Decision)
	}
}
