package eval

import (
	"github.com/astran-oss/astran-go/internal/glob"
	"github.com/astran-oss/astran-go/policy/types"
)

// Policies are the compiled sets of each policy type that apply to a
// request (see policy.Policies, which documents the evaluation logic).
type Policies struct {
	Identity, Boundary, Session, Resource *Set
	ResourceRequired                      bool
}

// EvaluateInto decides req with AWS's evaluation logic over every policy
// type (see policy.Policies.Evaluate) and stores the result in res. A nil
// Policies or request gives an implicit deny.
func (p *Policies) EvaluateInto(req *types.Request, res *types.Result) {
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
		id = p.Identity.runIf(req, nil, res, types.IdentityBased)
		bd = p.Boundary.runIf(req, nil, res, types.PermissionsBoundary)
		ss = p.Session.runIf(req, nil, res, types.SessionPolicy)
	}
	if p.Resource != nil {
		c = parseCaller(req.Principal)
		parsed = &c
		rs = p.Resource.run(req, parsed, res, types.ResourceBased)
	}
	sortMissing(res)

	// Explicit deny anywhere wins.
	for _, o := range [...]struct {
		deny bool
		t    types.PolicyType
	}{{id.deny, types.IdentityBased}, {bd.deny, types.PermissionsBoundary}, {ss.deny, types.SessionPolicy}, {rs.deny, types.ResourceBased}} {
		if o.deny {
			res.Decision, res.DecidedBy = types.ExplicitDeny, o.t
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
		res.Decision = types.Allow
		if byResource {
			res.DecidedBy = types.ResourceBased
			kinds := typeBit(types.ResourceBased)
			if identity && (!same || resource == grantAccount) {
				// The identity side's Allow was needed too.
				kinds |= typeBit(types.IdentityBased) | typeBit(types.PermissionsBoundary) | typeBit(types.SessionPolicy)
			} else if resource == grantRole {
				kinds |= typeBit(types.PermissionsBoundary) | typeBit(types.SessionPolicy)
			}
			keep(res, kinds)
		} else {
			res.DecidedBy = types.IdentityBased
			keep(res, typeBit(types.IdentityBased)|typeBit(types.PermissionsBoundary)|typeBit(types.SessionPolicy))
		}
		return
	}
	keep(res, 0)
	switch {
	case anonymous:
		res.MissingAllow = types.ResourceBased
	case !id.allow && (!same || resource < grantRole):
		res.MissingAllow = types.IdentityBased
	case p.Boundary != nil && !bd.allow:
		res.MissingAllow = types.PermissionsBoundary
	case p.Session != nil && !ss.allow:
		res.MissingAllow = types.SessionPolicy
	default:
		res.MissingAllow = types.ResourceBased
	}
}

// runIf runs a set that may be nil (see Set.run).
func (s *Set) runIf(req *types.Request, c *caller, res *types.Result, t types.PolicyType) outcome {
	if s == nil {
		return outcome{}
	}
	return s.run(req, c, res, t)
}

// sameAccount reports whether the request's resource belongs to the
// principal's account (see Request.ResourceAccount). c is the principal
// parsed, or nil.
func sameAccount(req *types.Request, c *caller) bool {
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
