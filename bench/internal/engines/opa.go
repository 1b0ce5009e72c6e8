package engines

import (
	"context"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/astran-oss/astran-go/bench/internal/workload"
)

// OPA is the Open Policy Agent Go API (github.com/open-policy-agent/opa/v1/rego)
// with the workload translated by workload.Rego into one module whose
// `decision` is "ExplicitDeny", "Allow" or "ImplicitDeny". The query is
// prepared once (rego.PrepareForEval) and each request's input is converted
// to an AST value ahead of time (rego.EvalParsedInput), the fastest path the
// API offers short of compiling to Wasm.
type OPA struct{}

// Name implements Engine.
func (OPA) Name() string { return "opa" }

// Sources implements Engine: one Rego module.
func (OPA) Sources(w *workload.Workload) [][]byte { return [][]byte{workload.Rego(w)} }

// Compile implements Engine.
func (o OPA) Compile(w *workload.Workload) (Prepared, error) {
	srcs := o.Sources(w)
	v, err := o.CompilePolicies(srcs, w)
	if err != nil {
		return nil, err
	}
	op := &opaPrepared{pq: v.(rego.PreparedEvalQuery)}
	for _, src := range srcs {
		m, err := ast.ParseModule("count.rego", string(src))
		if err != nil {
			return nil, err
		}
		op.n += len(m.Rules)
	}
	for _, r := range w.Requests {
		v, err := ast.InterfaceToValue(OPAInput(r))
		if err != nil {
			return nil, err
		}
		op.inputs = append(op.inputs, v)
	}
	return op, nil
}

// CompilePolicies implements Engine: parse and compile the Rego modules and
// prepare the decision query (rego.PreparedEvalQuery).
func (OPA) CompilePolicies(srcs [][]byte, _ *workload.Workload) (any, error) {
	opts := []func(*rego.Rego){rego.Query(workload.RegoQuery)}
	for i, src := range srcs {
		opts = append(opts, rego.Module(fmt.Sprintf("workload%d.rego", i), string(src)))
	}
	return rego.New(opts...).PrepareForEval(context.Background())
}

// OPAInput translates a request into the Rego input document.
func OPAInput(r workload.Request) map[string]any {
	in := map[string]any{"action": r.Action, "resource": r.Resource}
	for k, v := range r.Context {
		if k == workload.KeySecure {
			in[workload.RegoAttr(k)] = v == "true"
			continue
		}
		in[workload.RegoAttr(k)] = v
	}
	return in
}

type opaPrepared struct {
	pq     rego.PreparedEvalQuery
	n      int
	inputs []ast.Value
}

func (p *opaPrepared) Statements() int { return p.n }

func (p *opaPrepared) Evaluator() func(int) workload.Decision {
	ctx := context.Background()
	return func(i int) workload.Decision {
		rs, err := p.pq.Eval(ctx, rego.EvalParsedInput(p.inputs[i]))
		if err != nil || len(rs) != 1 || len(rs[0].Expressions) != 1 {
			return workload.Decision(255)
		}
		switch rs[0].Expressions[0].Value {
		case "Allow":
			return workload.Allow
		case "ExplicitDeny":
			return workload.ExplicitDeny
		case "ImplicitDeny":
			return workload.ImplicitDeny
		}
		return workload.Decision(255)
	}
}
