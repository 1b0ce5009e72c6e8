package access

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/catalog"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
)

// Path is a privilege escalation: a chain of IAM calls that an identity is
// allowed to make and that ends with administrator access.
type Path struct {
	// Identity is the user or role that starts the chain.
	Identity arn.ARN `json:"identity"`
	Steps    []Step  `json:"steps"`
	// Gains says what the chain ends with, such as
	// "AstranAdmin attached to user/eve@astran.io".
	Gains string `json:"gains"`
}

// Step is one call of a Path.
type Step struct {
	// As is the identity whose permissions the call uses: the path's
	// identity, or one whose credentials an earlier step obtained.
	As arn.ARN `json:"as"`
	// Action and Resource are what the call is authorized as.
	Action   string `json:"action"`
	Resource string `json:"resource"`
	// Params are the API call's parameters (UserName, PolicyArn, …).
	Params map[string]string `json:"params,omitempty"`
	// AllowedBy are the statements that allow the call; empty for a call
	// the path's own earlier steps authorize (assuming a role whose trust
	// policy a step rewrote).
	AllowedBy []Statement `json:"allowedBy"`
	// Conditional is true when the call is allowed only if open
	// conditions hold.
	Conditional bool `json:"conditional,omitempty"`
	// Effect says what the call achieves.
	Effect string `json:"effect"`
}

// maxSelfSteps bounds the number of changes an identity makes to itself.
const maxSelfSteps = 3

// adminDocument is the inline policy an escalation writes.
var adminDocument = &policy.Document{Version: policy.Version2012, Statements: []policy.Statement{
	{Effect: policy.EffectAllow, Action: []string{"*"}, Resource: []string{"*"}}}}

// probes are the actions that administrator access must allow on every
// resource: every action of the catalog's closed services, IAM first (the
// one most identities fail soonest).
var probes = func() []string {
	var out []string
	for _, prefix := range []string{"iam", "s3", "sts"} {
		svc, ok := catalog.LookupService(prefix)
		if !ok {
			continue
		}
		for a := range svc.Actions() {
			out = append(out, a.Name())
		}
	}
	return out
}()

// isAdmin reports whether m may call every probe action on every resource
// whatever the open conditions.
func (a *Analyzer) isAdmin(m *member) (bool, error) {
	for _, act := range probes {
		d, err := a.decide(m, act, "*", nil)
		if err != nil || !d.unconditional() {
			return false, err
		}
	}
	return true, nil
}

// state is an identity as changed by the steps taken so far.
type state struct {
	m     *member
	steps []Step
	gains string
}

func (s *state) key() string {
	var ids []string
	for _, p := range s.m.policies {
		ids = append(ids, fmt.Sprintf("%s@%s@%p", p.pol.ID, p.via, p.pol.Document))
	}
	sort.Strings(ids)
	b := "-"
	if s.m.boundary != nil {
		b = s.m.boundary.pol.ID
	}
	return strings.Join(ids, ",") + "|" + b
}

func (s *state) with(m *member, st Step, gains string) *state {
	return &state{m: m, steps: append(s.steps[:len(s.steps):len(s.steps)], st), gains: gains}
}

// edit returns a copy of m whose policies are changed by fn.
func edit(m *member, fn func(*member)) *member {
	c := *m
	c.policies = append([]source(nil), m.policies...)
	fn(&c)
	return &c
}

// try records a step if m may make the call.
func (a *Analyzer) try(m *member, action, resource string, extra, params map[string]string, effect string) (*Step, error) {
	if ok, err := a.mayAct(m, action); err != nil || !ok {
		return nil, err
	}
	d, err := a.decide(m, action, resource, extra)
	if err != nil || !d.allowed {
		return nil, err
	}
	return &Step{As: m.id.ARN, Action: action, Resource: resource, Params: params, AllowedBy: d.allow,
		Conditional: !d.unconditional(), Effect: effect}, nil
}

// selfEdges returns the states one change of the identity to itself away.
func (a *Analyzer) selfEdges(ctx context.Context, acc *account, s *state) ([]*state, error) {
	m := s.m
	id := m.id
	kind := "User"
	if id.Kind == principal.KindRole {
		kind = "Role"
	}
	nameParam := kind + "Name"
	admin, _ := builtin.Policy(builtin.AstranAdmin)
	adminARN := builtin.PolicyARN(builtin.AstranAdmin).String()
	docJSON, _ := json.Marshal(adminDocument)
	inline := policy.Policy{ID: principal.InlinePolicyID(id.ARN, "escalation"), Document: adminDocument}
	self := id.ARN.String()
	var out []*state
	add := func(st *Step, err error, next *member, gains string) error {
		if err != nil {
			return err
		}
		if st != nil {
			out = append(out, s.with(next, *st, gains))
		}
		return nil
	}
	// Attach AstranAdmin, or write an inline policy, to oneself.
	st, err := a.try(m, "iam:Attach"+kind+"Policy", self, map[string]string{"iam:PolicyARN": adminARN},
		map[string]string{nameParam: id.Name, "PolicyArn": adminARN}, "attaches AstranAdmin to "+id.ARN.Resource)
	if err := add(st, err, edit(m, func(c *member) { c.policies = append(c.policies, source{pol: admin, via: id.ARN}) }),
		"AstranAdmin attached to "+id.ARN.Resource); err != nil {
		return nil, err
	}
	st, err = a.try(m, "iam:Put"+kind+"Policy", self, nil,
		map[string]string{nameParam: id.Name, "PolicyName": "escalation", "PolicyDocument": string(docJSON)}, "gives "+id.ARN.Resource+" an inline policy allowing everything")
	if err := add(st, err, edit(m, func(c *member) { c.policies = append(c.policies, source{pol: inline, via: id.ARN}) }),
		"an inline policy allowing everything on "+id.ARN.Resource); err != nil {
		return nil, err
	}
	// Through a group one is in, or can join.
	in := map[arn.ARN]bool{}
	for _, g := range m.groups {
		in[g.ARN] = true
		gi := policy.Policy{ID: principal.InlinePolicyID(g.ARN, "escalation"), Document: adminDocument}
		st, err := a.try(m, "iam:AttachGroupPolicy", g.ARN.String(), map[string]string{"iam:PolicyARN": adminARN},
			map[string]string{"GroupName": g.ARN.Name(), "PolicyArn": adminARN}, "attaches AstranAdmin to group "+g.ARN.Name())
		if err := add(st, err, edit(m, func(c *member) { c.policies = append(c.policies, source{pol: admin, via: g.ARN}) }),
			"AstranAdmin through group "+g.ARN.Name()); err != nil {
			return nil, err
		}
		st, err = a.try(m, "iam:PutGroupPolicy", g.ARN.String(), nil,
			map[string]string{"GroupName": g.ARN.Name(), "PolicyName": "escalation", "PolicyDocument": string(docJSON)}, "gives group "+g.ARN.Name()+" an inline policy allowing everything")
		if err := add(st, err, edit(m, func(c *member) { c.policies = append(c.policies, source{pol: gi, via: g.ARN}) }),
			"an inline policy allowing everything through group "+g.ARN.Name()); err != nil {
			return nil, err
		}
	}
	canJoin, err := a.mayAct(m, "iam:AddUserToGroup")
	if err != nil {
		return nil, err
	}
	if id.Kind == principal.KindUser && canJoin {
		for _, g := range acc.groups {
			if in[g.ARN] {
				continue
			}
			g := g
			st, err := a.try(m, "iam:AddUserToGroup", g.ARN.String(), nil,
				map[string]string{"GroupName": g.ARN.Name(), "UserName": id.Name}, "adds "+id.ARN.Resource+" to group "+g.ARN.Name())
			if err := add(st, err, edit(m, func(c *member) {
				c.groups = append(append([]principal.Group(nil), c.groups...), g)
				for _, p := range acc.groupPols[g.ARN] {
					c.policies = append(c.policies, source{pol: p, via: g.ARN})
				}
			}), "the permissions of group "+g.ARN.Name()); err != nil {
				return nil, err
			}
		}
	}
	// Rewrite a customer-managed policy that applies to oneself.
	for i, src := range m.policies {
		p, err := arn.Parse(src.pol.ID)
		if err != nil || p.Type() != arn.TypePolicy || builtin.IsBuiltin(p) {
			continue
		}
		i := i
		st, err := a.try(m, "iam:CreatePolicyVersion", p.String(), nil,
			map[string]string{"PolicyArn": p.String(), "PolicyDocument": string(docJSON), "SetAsDefault": "true"},
			"makes a version of "+p.Resource+" allowing everything the default")
		if err := add(st, err, edit(m, func(c *member) { c.policies[i].pol = policy.Policy{ID: src.pol.ID, Document: adminDocument} }),
			"a new default version of "+p.Resource+" allowing everything"); err != nil {
			return nil, err
		}
	}
	// Make an existing version of such a policy its default.
	if ok, err := a.mayAct(m, "iam:SetDefaultPolicyVersion"); err != nil {
		return nil, err
	} else if ok {
		for i, src := range m.policies {
			p, err := arn.Parse(src.pol.ID)
			if err != nil || p.Type() != arn.TypePolicy || builtin.IsBuiltin(p) {
				continue
			}
			versions, err := acc.policyVersions(ctx, a.dir, p)
			if err != nil {
				return nil, err
			}
			for _, v := range versions {
				if v.Default || v.Document == nil {
					continue
				}
				i, v := i, v
				st, err := a.try(m, "iam:SetDefaultPolicyVersion", p.String(), nil, map[string]string{"PolicyArn": p.String(), "VersionId": v.ID},
					"makes version "+v.ID+" of "+p.Resource+" the default")
				if err := add(st, err, edit(m, func(c *member) { c.policies[i].pol = policy.Policy{ID: src.pol.ID, Document: v.Document} }),
					"version "+v.ID+" of "+p.Resource+" as its default"); err != nil {
					return nil, err
				}
			}
		}
	}
	// Lift or widen one's permissions boundary.
	if m.boundary != nil {
		st, err := a.try(m, "iam:Delete"+kind+"PermissionsBoundary", self, nil, map[string]string{nameParam: id.Name},
			"removes the permissions boundary of "+id.ARN.Resource)
		if err := add(st, err, edit(m, func(c *member) { c.boundary = nil }), "no permissions boundary on "+id.ARN.Resource); err != nil {
			return nil, err
		}
		st, err = a.try(m, "iam:Put"+kind+"PermissionsBoundary", self, map[string]string{"iam:PermissionsBoundary": adminARN},
			map[string]string{nameParam: id.Name, "PermissionsBoundary": adminARN}, "makes AstranAdmin the permissions boundary of "+id.ARN.Resource)
		if err := add(st, err, edit(m, func(c *member) { c.boundary = &source{pol: admin, via: id.ARN, boundary: true} }),
			"AstranAdmin as the permissions boundary of "+id.ARN.Resource); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// selfPath returns the shortest chain of changes that an identity can make
// to itself to become an administrator, or nil.
func (a *Analyzer) selfPath(ctx context.Context, acc *account, m *member) (*state, error) {
	start := &state{m: m}
	seen := map[string]bool{start.key(): true}
	level := []*state{start}
	for depth := 0; depth < maxSelfSteps && len(level) > 0; depth++ {
		var next []*state
		for _, s := range level {
			succ, err := a.selfEdges(ctx, acc, s)
			if err != nil {
				return nil, err
			}
			for _, n := range succ {
				if seen[n.key()] {
					continue
				}
				seen[n.key()] = true
				ok, err := a.isAdmin(n.m)
				if err != nil {
					return nil, err
				}
				if ok {
					return n, nil
				}
				next = append(next, n)
			}
		}
		level = next
	}
	return nil, nil
}

// lateral is a way to act as another identity.
type lateral struct {
	to    *member
	steps []Step
}

// laterals returns the identities m can act as: users it can create an
// access key for, roles whose trust policy it can rewrite for an identity
// provider it creates.
func (a *Analyzer) laterals(acc *account, m *member) ([]lateral, error) {
	var out []lateral
	ok, err := a.mayAct(m, "iam:CreateAccessKey")
	if err != nil {
		return nil, err
	}
	if ok {
		for _, u := range acc.users {
			if u == m {
				continue
			}
			st, err := a.try(m, "iam:CreateAccessKey", u.id.ARN.String(), nil, map[string]string{"UserName": u.id.Name},
				"creates an access key of "+u.id.ARN.Resource+" and acts as that user")
			if err != nil {
				return nil, err
			}
			if st != nil {
				out = append(out, lateral{to: u, steps: []Step{*st}})
			}
		}
	}
	if ok, err = a.mayAct(m, "iam:UpdateAssumeRolePolicy"); err != nil || !ok {
		return out, err
	}
	for _, r := range acc.roles {
		if r == m {
			continue
		}
		provider := fmt.Sprintf("arn:%s:iam::%s:oidc-provider/idp.escalation.example", r.id.ARN.Partition, r.id.ARN.Account)
		trust := &policy.Document{Version: policy.Version2012, Statements: []policy.Statement{{Effect: policy.EffectAllow,
			Principal: &policy.Principal{Federated: []string{provider}}, Action: []string{"sts:AssumeRoleWithWebIdentity"}}}}
		trustJSON, _ := json.Marshal(trust)
		st1, err := a.try(m, "iam:CreateOpenIDConnectProvider", provider, nil, map[string]string{"Url": "https://idp.escalation.example"},
			"registers an identity provider it controls")
		if err != nil || st1 == nil {
			if err != nil {
				return nil, err
			}
			continue
		}
		st2, err := a.try(m, "iam:UpdateAssumeRolePolicy", r.id.ARN.String(), nil,
			map[string]string{"RoleName": r.id.Name, "PolicyDocument": string(trustJSON)}, "lets that provider assume "+r.id.ARN.Resource)
		if err != nil {
			return nil, err
		}
		if st2 == nil {
			continue
		}
		st3 := Step{As: m.id.ARN, Action: "sts:AssumeRoleWithWebIdentity", Resource: r.id.ARN.String(),
			Params: map[string]string{"RoleArn": r.id.ARN.String()}, AllowedBy: []Statement{}, Effect: "assumes " + r.id.ARN.Resource + " with a token of that provider"}
		out = append(out, lateral{to: r, steps: []Step{*st1, *st2, st3}})
	}
	return out, nil
}

// VersionLister is implemented by Directories that can list the versions
// of a customer-managed policy (principal.MemoryStore, and the directory
// of NewIAMDirectory when its API can); with it, Escalations also
// considers making an existing version the default.
type VersionLister interface {
	PolicyVersions(ctx context.Context, policyARN arn.ARN) ([]principal.PolicyVersion, error)
}

var _ VersionLister = (*principal.MemoryStore)(nil)

// policyVersions returns the versions of p when the directory can list
// them, reading each policy once per analysis.
func (acc *account) policyVersions(ctx context.Context, dir Directory, p arn.ARN) ([]principal.PolicyVersion, error) {
	vl, ok := dir.(VersionLister)
	if !ok {
		return nil, nil
	}
	if v, ok := acc.versions[p]; ok {
		return v, nil
	}
	v, err := vl.PolicyVersions(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("access: versions of %s: %w", p, err)
	}
	if acc.versions == nil {
		acc.versions = map[arn.ARN][]principal.PolicyVersion{}
	}
	acc.versions[p] = v
	return v, nil
}

// Escalations returns, for every user and role that is not an
// administrator (allowed every IAM, S3 and STS action on every resource)
// but can become one, the shortest chain of calls it is allowed to make
// that ends with administrator access: changes to its own permissions
// (attaching AstranAdmin or writing an inline policy to itself or a group
// it is in, joining a group, rewriting a customer-managed policy that
// applies to it or making an older version of it the default, removing
// or widening its permissions boundary) and
// taking over other identities (creating a user's access key, rewriting
// a role's trust policy). Identities without such a chain are not listed.
func (a *Analyzer) Escalations(ctx context.Context) ([]Path, error) {
	acc, err := a.load(ctx)
	if err != nil {
		return nil, err
	}
	all := append(append([]*member(nil), acc.users...), acc.roles...)
	index := map[*member]int{}
	admin := make([]bool, len(all))
	self := make([]*state, len(all))
	for i, m := range all {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		index[m] = i
		if admin[i], err = a.isAdmin(m); err != nil {
			return nil, err
		}
		if !admin[i] {
			if self[i], err = a.selfPath(ctx, acc, m); err != nil {
				return nil, err
			}
		}
	}
	// cost[i] is the length of the shortest path from identity i to
	// administrator access; next[i] the lateral move it starts with.
	const inf = 1 << 30
	cost := make([]int, len(all))
	next := make([]*lateral, len(all))
	edges := make([][]lateral, len(all))
	for i, m := range all {
		switch {
		case admin[i]:
			cost[i] = 0
		case self[i] != nil:
			cost[i] = len(self[i].steps)
		default:
			cost[i] = inf
		}
		if !admin[i] {
			if edges[i], err = a.laterals(acc, m); err != nil {
				return nil, err
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for i := range all {
			for k := range edges[i] {
				e := &edges[i][k]
				j := index[e.to]
				if cost[j] < inf && cost[j]+len(e.steps) < cost[i] {
					cost[i], next[i], changed = cost[j]+len(e.steps), e, true
				}
			}
		}
	}
	var out []Path
	for i, m := range all {
		if admin[i] || cost[i] == inf {
			continue
		}
		p := Path{Identity: m.id.ARN}
		for k := i; ; {
			if next[k] == nil {
				if admin[k] {
					p.Gains = "administrator access as " + all[k].id.ARN.Resource
				} else {
					p.Steps = append(p.Steps, self[k].steps...)
					p.Gains = self[k].gains
				}
				break
			}
			p.Steps = append(p.Steps, next[k].steps...)
			k = index[next[k].to]
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Identity.String() < out[j].Identity.String() })
	return out, nil
}
