package engines

import (
	"time"

	"github.com/cedar-policy/cedar-go"
	"github.com/cedar-policy/cedar-go/types"

	"github.com/astran-oss/astran-go/bench/internal/workload"
)

// Cedar is github.com/cedar-policy/cedar-go with the workload translated by
// workload.Cedar. The request's principal is User::"<aws:username>", its
// action Action::"<action>", its resource S3::"<arn>", and the context holds
// the resource ARN and the condition keys with typed values (ipaddr, Bool,
// Long epoch milliseconds for aws:CurrentTime). A deny whose diagnostic names
// a forbid policy is an explicit deny; a deny with no reason is implicit.
type Cedar struct{}

// Name implements Engine.
func (Cedar) Name() string { return "cedar" }

// Sources implements Engine: one Cedar policy set.
func (Cedar) Sources(w *workload.Workload) [][]byte { return [][]byte{workload.Cedar(w)} }

// Compile implements Engine.
func (c Cedar) Compile(w *workload.Workload) (Prepared, error) {
	v, err := c.CompilePolicies(c.Sources(w), w)
	if err != nil {
		return nil, err
	}
	cp := &cedarPrepared{ps: v.(*cedar.PolicySet)}
	for range cp.ps.All() {
		cp.n++
	}
	for _, r := range w.Requests {
		req, err := CedarRequest(r)
		if err != nil {
			return nil, err
		}
		cp.reqs = append(cp.reqs, req)
	}
	return cp, nil
}

// CompilePolicies implements Engine: parse the Cedar text into a
// *cedar.PolicySet keyed by each policy's @id.
func (Cedar) CompilePolicies(srcs [][]byte, _ *workload.Workload) (any, error) {
	ps := cedar.NewPolicySet()
	for _, src := range srcs {
		list, err := cedar.NewPolicyListFromBytes("workload.cedar", src)
		if err != nil {
			return nil, err
		}
		for _, p := range list {
			ps.Add(cedar.PolicyID(p.Annotations()["id"]), p)
		}
	}
	return ps, nil
}

// CedarRequest translates a request into a Cedar request.
func CedarRequest(r workload.Request) (cedar.Request, error) {
	ctx := types.RecordMap{"resource": types.String(r.Resource)}
	for k, v := range r.Context {
		attr := types.String(workload.CedarAttr(k))
		switch k {
		case workload.KeySourceIP:
			ip, err := types.ParseIPAddr(v)
			if err != nil {
				return cedar.Request{}, err
			}
			ctx[attr] = ip
		case workload.KeySecure:
			ctx[attr] = types.Boolean(v == "true")
		case workload.KeyTime:
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return cedar.Request{}, err
			}
			ctx[attr] = types.Long(t.UnixMilli())
		default:
			ctx[attr] = types.String(v)
		}
	}
	return cedar.Request{
		Principal: types.NewEntityUID("User", types.String(r.Username())),
		Action:    types.NewEntityUID("Action", types.String(r.Action)),
		Resource:  types.NewEntityUID("S3", types.String(r.Resource)),
		Context:   types.NewRecord(ctx),
	}, nil
}

type cedarPrepared struct {
	ps   *cedar.PolicySet
	n    int
	reqs []cedar.Request
}

func (p *cedarPrepared) Statements() int { return p.n }

func (p *cedarPrepared) Evaluator() func(int) workload.Decision {
	var entities types.EntityMap
	return func(i int) workload.Decision {
		d, diag := cedar.Authorize(p.ps, entities, p.reqs[i])
		switch {
		case len(diag.Errors) > 0:
			return workload.Decision(255) // never agrees: translation bug
		case d == cedar.Allow:
			return workload.Allow
		case len(diag.Reasons) > 0:
			return workload.ExplicitDeny
		}
		return workload.ImplicitDeny
	}
}
