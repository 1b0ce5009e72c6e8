package policy

import "github.com/astran-oss/astran-go/policy/internal/eval"

// Policies are the compiled sets that apply to a request, one per policy
// type, for [Policies.Evaluate]. Each set is compiled once with [Compile]
// (a type made of several policies, such as a user's identity-based
// policies, is one set) and can be shared by many Policies values; a nil
// set means that the request has no policy of that type. Combining sets
// per request costs nothing: Policies is a small value.
type Policies struct {
	// Identity holds the identity-based policies of the principal.
	Identity *Set
	// Boundary is the principal's permissions boundary; nil means none.
	Boundary *Set
	// Session is the session policy of the principal's session; nil means
	// none.
	Session *Set
	// Resource is the resource-based policy; nil means none. Its Allow
	// statements grant only the principals they name: an Allow without
	// Principal grants nothing, and one with NotPrincipal (which AWS
	// rejects) grants at most as an account does, through the identity
	// side.
	Resource *Set
	// ResourceRequired makes an Allow of the resource-based policy
	// necessary even in the same account, as a role's trust policy is for
	// sts:AssumeRole*.
	ResourceRequired bool
}

// Evaluate decides the request with AWS's evaluation logic over every
// policy type, as documented in the AWS IAM User Guide ("Policy evaluation
// logic", "Cross-account policy evaluation logic"):
//
//   - An explicit Deny in any of the policies wins.
//   - A permissions boundary and a session policy only limit: the
//     identity side allows when the identity-based policies allow and
//     the boundary and session policy (each if present) allow too.
//   - In the same account (the resource's account is the principal's), an
//     Allow of the identity side or of the resource-based policy
//     suffices. A resource-based Allow that names the principal itself (a
//     user ARN, an assumed-role session ARN, "*", a federated or service
//     principal) is not limited by the boundary or session policy; one
//     that names the role ARN (matching the role's sessions) is limited
//     by them; one that names only the account (an account ID or
//     "arn:…:iam::ACCOUNT:root") delegates to the identity side.
//   - Across accounts, both the identity side and the resource-based
//     policy must allow.
//   - An anonymous request (Principal "") has no identity side: only a
//     resource-based policy allowing "*" (or {"AWS": "*"}) grants it.
//
// Statements of every set are evaluated as by [Set.Evaluate]; the result
// adds the type of each statement, the type that decided and, for an
// implicit deny, the type that lacked an Allow. A nil Policies or request
// gives an implicit deny.
func (p *Policies) Evaluate(req *Request) Result {
	var r Result
	p.EvaluateInto(req, &r)
	return r
}

// EvaluateInto is like [Policies.Evaluate] but stores the result in res,
// reusing its capacity as [Set.EvaluateInto] does: once res has grown to
// fit, an evaluation does not allocate.
func (p *Policies) EvaluateInto(req *Request, res *Result) {
	if p == nil {
		(*eval.Policies)(nil).EvaluateInto(req, res)
		return
	}
	// Assigned field by field, e is built in place (a composite literal
	// would be built in a temporary and copied, a store-forwarding stall).
	var e eval.Policies
	e.Identity, e.Boundary, e.Session = p.Identity.compiled(), p.Boundary.compiled(), p.Session.compiled()
	e.Resource, e.ResourceRequired = p.Resource.compiled(), p.ResourceRequired
	e.EvaluateInto(req, res)
}
