package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/astran-oss/astran-go/policy"
)

// policySets are the compiled policies of a request, by policy type; a nil
// set is a type with no policy.
type policySets struct {
	identity, boundary, session, resource *policy.Set
	identities, boundaries                int // documents in identity and boundary
}

// multiType reports whether the request needs AWS's evaluation over several
// policy types rather than the identity-based policies alone.
func (s *policySets) multiType(req *policy.Request) bool {
	return s.boundary != nil || s.session != nil || s.resource != nil || req.Principal == anonymous || req.ResourceAccount != ""
}

// evaluateInto decides req, storing the result in res. With identity-based
// policies only, the request is evaluated against them as given (the
// principal is optional). Otherwise it follows AWS's evaluation logic over
// every type (policy.Policies): the principal is required; "anonymous" is
// an unsigned request, which has no identity-based policy, boundary or
// session policy; a role ARN stands for a session of that role; and for
// sts:AssumeRole* the resource-based policy is the role's trust policy,
// which must allow even in the same account. It may rewrite req.Principal.
func (s *policySets) evaluateInto(req *policy.Request, res *policy.Result) error {
	if !s.multiType(req) {
		if s.identity == nil {
			*res = policy.Result{} // no policy: denied by default
			return nil
		}
		s.identity.EvaluateInto(req, res)
		return nil
	}
	switch {
	case req.Principal == "":
		return errors.New(`request: "principal" is required with a permissions boundary, session policy, resource policy or resource account (an ARN, or "anonymous")`)
	case req.Principal == anonymous:
		if s.identities > 0 || s.boundaries > 0 || s.session != nil {
			return errors.New(`request: an "anonymous" request has no identity-based policy, permissions boundary or session policy`)
		}
		req.Principal = ""
	default:
		req.Principal = sessionOf(req.Principal)
	}
	p := policy.Policies{
		Identity:         s.identity,
		Boundary:         s.boundary,
		Session:          s.session,
		Resource:         s.resource,
		ResourceRequired: isAssumeRole(req.Action),
	}
	p.EvaluateInto(req, res)
	return nil
}

// isAssumeRole reports whether action is one of sts:AssumeRole,
// sts:AssumeRoleWithWebIdentity, sts:AssumeRoleWithSAML.
func isAssumeRole(action string) bool {
	const prefix = "sts:AssumeRole"
	return len(action) >= len(prefix) && strings.EqualFold(action[:len(prefix)], prefix)
}

// sessionOf returns the ARN of a session of the role principal
// (arn:P:iam::ACCOUNT:role/PATH/NAME becomes
// arn:P:sts::ACCOUNT:assumed-role/NAME/session), and any other principal as
// it is.
func sessionOf(principal string) string {
	parts := strings.SplitN(principal, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "iam" {
		return principal
	}
	role, ok := strings.CutPrefix(parts[5], "role/")
	if !ok || role == "" {
		return principal
	}
	name := role[strings.LastIndexByte(role, '/')+1:]
	if name == "" {
		return principal
	}
	return "arn:" + parts[1] + ":sts::" + parts[4] + ":assumed-role/" + name + "/session"
}

// resourcePolicyProblems lists what AWS rejects in a resource-based policy
// (data, parsed as doc) that the grammar accepts: a statement without
// Principal or NotPrincipal, NotPrincipal with Allow, and wildcards in a
// principal other than "*" alone. Positions are those of the elements.
func resourcePolicyProblems(data []byte, doc *policy.Document) []problem {
	var out []problem
	var loc *policy.Locator
	add := func(path, msg string) {
		if loc == nil {
			loc, _ = policy.NewLocator(data) // data parsed: no syntax error
		}
		p := problem{text: path + ": " + msg}
		if loc != nil {
			p.line, p.col = loc.Locate(path)
		}
		out = append(out, p)
	}
	for i, st := range doc.Statements {
		path := fmt.Sprintf("Statement[%d]", i)
		switch {
		case st.Principal == nil && st.NotPrincipal == nil:
			add(path, "a resource-based policy statement needs Principal or NotPrincipal")
		case st.NotPrincipal != nil && st.Effect == policy.EffectAllow:
			add(path+".NotPrincipal", "NotPrincipal with Allow is not supported (AWS rejects it): name the principals with Principal")
		}
		for _, el := range [...]struct {
			name string
			p    *policy.Principal
		}{{"Principal", st.Principal}, {"NotPrincipal", st.NotPrincipal}} {
			if el.p == nil {
				continue
			}
			for _, l := range [...]struct {
				kind string
				list []string
			}{{"AWS", el.p.AWS}, {"Federated", el.p.Federated}, {"Service", el.p.Service}} {
				for _, v := range l.list {
					if v != "*" && strings.ContainsAny(v, "*?") {
						add(path+"."+el.name+"."+l.kind, fmt.Sprintf("%q: a principal cannot contain wildcards (only \"*\" alone, for everyone)", v))
					}
				}
			}
		}
	}
	sortProblems(out)
	return out
}
