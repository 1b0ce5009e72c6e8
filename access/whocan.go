package access

import (
	"context"
	"sort"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
)

// Grant is an identity that may perform an action on a resource.
type Grant struct {
	Identity arn.ARN `json:"identity"`
	Kind     string  `json:"kind"` // "user" or "role"
	// Conditional is true when the grant depends on open conditions: no
	// allowing statement is free of them, or a Deny may apply.
	Conditional bool `json:"conditional"`
	// Allow are the identity policies' statements that allow (the user's
	// own, then its groups').
	Allow []Statement `json:"allow"`
	// Boundary are the allowing statements of the permissions boundary,
	// for a bounded identity.
	Boundary []Statement `json:"boundary,omitempty"`
	// MayDeny are Deny statements that apply when their open conditions
	// hold.
	MayDeny []Statement `json:"mayDeny,omitempty"`
	// AssumableBy lists, for a role, who its trust policy lets assume it.
	AssumableBy []Trust `json:"assumableBy,omitempty"`
}

// Trust is an Allow statement of a role's trust policy.
type Trust struct {
	// Principal is the statement's Principal element: "*", or entries
	// such as "AWS:arn:…" and "Federated:arn:…:oidc-provider/…".
	Principal  []string         `json:"principal"`
	Actions    []string         `json:"actions"`
	Conditions policy.Condition `json:"conditions,omitempty"`
	// Users are the account's users that the statement names (directly,
	// or through their account).
	Users []arn.ARN `json:"users,omitempty"`
}

// WhoCan returns the users and roles allowed to perform action on
// resource, sorted by ARN, with the statements that allow and the
// conditions left open (see the package documentation).
func (a *Analyzer) WhoCan(ctx context.Context, action, resource string) ([]Grant, error) {
	acc, err := a.load(ctx)
	if err != nil {
		return nil, err
	}
	var out []Grant
	for _, m := range append(append([]*member(nil), acc.users...), acc.roles...) {
		d, err := a.decide(m, action, resource, nil)
		if err != nil {
			return nil, err
		}
		if !d.allowed {
			continue
		}
		g := Grant{Identity: m.id.ARN, Kind: m.id.Kind.String(), Conditional: !d.unconditional(),
			Allow: d.allow, Boundary: d.boundary, MayDeny: d.mayDeny}
		if m.id.Kind == principal.KindRole {
			g.AssumableBy = trusts(m.id.TrustPolicy, acc)
		}
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Identity.String() < out[j].Identity.String() })
	return out, nil
}

// trusts lists the Allow statements of a trust policy.
func trusts(doc *policy.Document, acc *account) []Trust {
	if doc == nil {
		return nil
	}
	var out []Trust
	for _, st := range doc.Statements {
		if st.Effect != policy.EffectAllow || st.Principal == nil {
			continue
		}
		t := Trust{Actions: st.Action, Conditions: st.Condition}
		p := st.Principal
		if p.Wildcard {
			t.Principal = []string{"*"}
		}
		for _, v := range p.AWS {
			t.Principal = append(t.Principal, "AWS:"+v)
		}
		for _, v := range p.Federated {
			t.Principal = append(t.Principal, "Federated:"+v)
		}
		for _, v := range p.Service {
			t.Principal = append(t.Principal, "Service:"+v)
		}
		if p.Wildcard || len(p.AWS) > 0 {
			set, err := policy.Compile([]policy.Policy{{ID: "trust", Document: &policy.Document{Version: policy.Version2012,
				Statements: []policy.Statement{{Effect: policy.EffectAllow, Principal: p, Action: []string{"*"}}}}}})
			if err == nil {
				for _, u := range acc.users {
					if set.Evaluate(&policy.Request{Principal: u.id.ARN.String(), Action: "sts:AssumeRole"}).Allowed() {
						t.Users = append(t.Users, u.id.ARN)
					}
				}
			}
		}
		out = append(out, t)
	}
	return out
}
