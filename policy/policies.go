package policy

import "github.com/astran-oss/astran-go/internal/glob"

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
	reset(res)
	if p == nil || req == nil {
		return
	}
	anonymous := req.Principal == ""
	// The principal is parsed once for the resource-based policy, whose
	// statements all name principals; identity-side statements rarely do
	// and parse it themselves if needed.
	var c caller
	var parsed *caller
	var id, bd, ss, rs outcome
	if !anonymous {
		// An anonymous request has no identity: no identity-based policy,
		// boundary or session policy applies to it.
		id = p.Identity.runIf(req, nil, res, IdentityBased)
		bd = p.Boundary.runIf(req, nil, res, PermissionsBoundary)
		ss = p.Session.runIf(req, nil, res, SessionPolicy)
	}
	if p.Resource != nil {
		c = parseCaller(req.Principal)
		parsed = &c
		rs = p.Resource.run(req, parsed, res, ResourceBased)
	}
	sortMissing(res)

	// Explicit deny anywhere wins.
	for _, o := range [...]struct {
		deny bool
		t    PolicyType
	}{{id.deny, IdentityBased}, {bd.deny, PermissionsBoundary}, {ss.deny, SessionPolicy}, {rs.deny, ResourceBased}} {
		if o.deny {
			res.Decision, res.DecidedBy = ExplicitDeny, o.t
			keep(res, allTypes)
			return
		}
	}

	limits := (p.Boundary == nil || bd.allow) && (p.Session == nil || ss.allow)
	identity := !anonymous && id.allow && limits
	resource := rs.grant // grantNone unless the resource-based policy allows
	same := anonymous || sameAccount(req, parsed)
	var ok, byResource bool
	switch {
	case anonymous:
		ok, byResource = resource == grantDirect, true
	case !same:
		ok, byResource = identity && resource != grantNone, true
	default:
		byResource = resource == grantDirect || resource == grantRole && limits
		ok = identity || byResource
		if p.ResourceRequired && resource == grantNone {
			ok, byResource = false, true
		}
		byResource = byResource || p.ResourceRequired
	}
	if ok {
		res.Decision = Allow
		if byResource {
			res.DecidedBy = ResourceBased
			types := typeBit(ResourceBased)
			if identity && (!same || resource == grantAccount) {
				// The identity side's Allow was needed too.
				types |= typeBit(IdentityBased) | typeBit(PermissionsBoundary) | typeBit(SessionPolicy)
			} else if resource == grantRole {
				types |= typeBit(PermissionsBoundary) | typeBit(SessionPolicy)
			}
			keep(res, types)
		} else {
			res.DecidedBy = IdentityBased
			keep(res, typeBit(IdentityBased)|typeBit(PermissionsBoundary)|typeBit(SessionPolicy))
		}
		return
	}
	keep(res, 0)
	switch {
	case anonymous:
		res.MissingAllow = ResourceBased
	case !id.allow && (!same || resource < grantRole):
		res.MissingAllow = IdentityBased
	case p.Boundary != nil && !bd.allow:
		res.MissingAllow = PermissionsBoundary
	case p.Session != nil && !ss.allow:
		res.MissingAllow = SessionPolicy
	default:
		res.MissingAllow = ResourceBased
	}
}

// runIf runs a set that may be nil (see Set.run).
func (s *Set) runIf(req *Request, c *caller, res *Result, t PolicyType) outcome {
	if s == nil {
		return outcome{}
	}
	return s.run(req, c, res, t)
}

// sameAccount reports whether the request's resource belongs to the
// principal's account (see Request.ResourceAccount). c is the principal
// parsed, or nil.
func sameAccount(req *Request, c *caller) bool {
	resource := req.ResourceAccount
	if resource == "" {
		var seg [6]string
		if glob.Segments(req.Resource, &seg) == 6 && seg[0] == "arn" {
			resource = seg[4]
		}
	}
	if resource == "" {
		return true
	}
	if c == nil {
		own := parseCaller(req.Principal)
		c = &own
	}
	return c.isARN && c.account == resource
}
