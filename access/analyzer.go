package access

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
)

// Options configures an Analyzer.
type Options struct {
	// Dialect is the policy dialect of the account's documents. The zero
	// value is policy.Astran (case-sensitive actions).
	Dialect policy.Dialect
	// Context holds request condition keys to fix (aws:SourceIp,
	// aws:SecureTransport, …); the keys it sets are decided instead of
	// left open. Nil leaves every request key open.
	Context map[string][]string
}

// Analyzer answers WhoCan and Escalations over a Directory. It reads the
// whole account on each call. It is safe for concurrent use.
type Analyzer struct {
	dir  Directory
	opts Options

	mu    sync.Mutex                   // guards cache
	cache map[cacheKey][]*compiledStmt // compiled statements per document and decided keys
}

type cacheKey struct {
	doc   *policy.Document
	fixed string // the extra keys decided, sorted and joined
}

// New returns an Analyzer over dir.
func New(dir Directory, optFns ...func(*Options)) *Analyzer {
	a := &Analyzer{dir: dir, cache: map[cacheKey][]*compiledStmt{}}
	for _, fn := range optFns {
		if fn != nil {
			fn(&a.opts)
		}
	}
	return a
}

// Statement is a policy statement that takes part in a decision.
type Statement struct {
	// Policy is the policy's ID: a managed policy's ARN, or an inline
	// policy's "{entity}/inline/{name}".
	Policy string `json:"policy"`
	// Via is the user, group or role the policy is attached to, or, for
	// a permissions boundary, the identity it bounds.
	Via arn.ARN `json:"via"`
	// Boundary is true for a statement of a permissions boundary.
	Boundary bool          `json:"boundary,omitempty"`
	Sid      string        `json:"sid,omitempty"`
	Index    int           `json:"index"`
	Effect   policy.Effect `json:"effect"`
	// Open are the statement's conditions on keys neither the identity
	// nor the call determines: the statement applies only when they hold.
	Open policy.Condition `json:"conditions,omitempty"`
}

func (s Statement) String() string {
	out := s.Policy
	if s.Sid != "" {
		out += " " + s.Sid
	} else {
		out += fmt.Sprintf(" statement %d", s.Index)
	}
	if s.Via.Type() == arn.TypeGroup {
		out += " (group " + s.Via.Name() + ")"
	}
	if s.Boundary {
		out += " (boundary)"
	}
	return out
}

// identityKeys are the (lower-case) condition keys an identity determines;
// keys ending in "/" are prefixes.
var identityKeys = []string{"aws:principalarn", "aws:principalaccount", "aws:principaltype", "aws:userid", "aws:username", "aws:principaltag/"}

func decidedKey(k string, fixed map[string]bool) bool {
	k = strings.ToLower(k)
	if fixed[k] {
		return true
	}
	for _, p := range identityKeys {
		if k == p || strings.HasSuffix(p, "/") && strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// compiledStmt is one statement of a document, compiled with only its
// decided conditions, as an Allow.
type compiledStmt struct {
	set    *policy.Set
	action *policy.Set // the statement's actions only: tells whether an action can match
	index  int
	sid    string
	effect policy.Effect
	open   policy.Condition
}

// statements returns the compiled statements of doc for the decided keys
// fixed (lower case).
func (a *Analyzer) statements(doc *policy.Document, fixed map[string]bool) ([]*compiledStmt, error) {
	names := make([]string, 0, len(fixed))
	for k := range fixed {
		names = append(names, k)
	}
	sort.Strings(names)
	key := cacheKey{doc: doc, fixed: strings.Join(names, "\x00")}
	a.mu.Lock()
	cs, ok := a.cache[key]
	a.mu.Unlock()
	if ok {
		return cs, nil
	}
	cs = make([]*compiledStmt, 0, len(doc.Statements))
	dialect := func(o *policy.CompileOptions) { o.Dialect = a.opts.Dialect }
	for i, st := range doc.Statements {
		c := &compiledStmt{index: i, sid: st.Sid, effect: st.Effect}
		decided := st.Clone()
		decided.Sid, decided.Effect, decided.Condition = "", policy.EffectAllow, nil
		decided.Principal, decided.NotPrincipal = nil, nil
		if decided.Resource == nil && decided.NotResource == nil {
			decided.Resource = []string{"*"}
		}
		for op, keys := range st.Condition {
			for k, vals := range keys {
				target := &decided.Condition
				if !decidedKey(k, fixed) {
					target = &c.open
				}
				if *target == nil {
					*target = policy.Condition{}
				}
				if (*target)[op] == nil {
					(*target)[op] = map[string][]string{}
				}
				(*target)[op][k] = vals
			}
		}
		var err error
		c.set, err = policy.Compile([]policy.Policy{{ID: "s", Document: &policy.Document{Version: doc.Version, Statements: []policy.Statement{decided}}}}, dialect)
		if err != nil {
			return nil, err
		}
		onlyAction := policy.Statement{Effect: policy.EffectAllow, Action: st.Action, NotAction: st.NotAction, Resource: []string{"*"}}
		c.action, err = policy.Compile([]policy.Policy{{ID: "a", Document: &policy.Document{Version: policy.Version2012, Statements: []policy.Statement{onlyAction}}}}, dialect)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	a.mu.Lock()
	a.cache[key] = cs
	a.mu.Unlock()
	return cs, nil
}

// source is a policy with what it is attached to.
type source struct {
	pol      policy.Policy
	via      arn.ARN
	boundary bool
}

// member is a user or role with the policies that apply to it.
type member struct {
	id       principal.Identity
	groups   []principal.Group
	policies []source // identity policies: own, then each group's
	boundary *source  // the permissions boundary, if any
	derived  policy.Context
}

// account is a snapshot of a Directory.
type account struct {
	users, roles []*member
	byARN        map[arn.ARN]*member
	groups       []principal.Group
	groupPols    map[arn.ARN][]policy.Policy
	managed      []arn.ARN // customer-managed policies
	versions     map[arn.ARN][]principal.PolicyVersion
}

func (a *Analyzer) load(ctx context.Context) (*account, error) {
	ents, err := a.dir.Entities(ctx)
	if err != nil {
		return nil, err
	}
	acc := &account{byARN: map[arn.ARN]*member{}, groupPols: map[arn.ARN][]policy.Policy{}}
	for _, e := range ents {
		switch e.Type() {
		case arn.TypeGroup:
			pols, err := a.dir.Policies(ctx, e)
			if err != nil {
				return nil, fmt.Errorf("access: policies of %s: %w", e, err)
			}
			acc.groups = append(acc.groups, principal.Group{ARN: e, Name: e.Name()})
			acc.groupPols[e] = pols
		case arn.TypePolicy:
			acc.managed = append(acc.managed, e)
		}
	}
	for _, e := range ents {
		if t := e.Type(); t != arn.TypeUser && t != arn.TypeRole {
			continue
		}
		id, err := a.dir.Identity(ctx, e)
		if errors.Is(err, principal.ErrNotFound) {
			continue // deleted since listed
		}
		if err != nil {
			return nil, fmt.Errorf("access: identity %s: %w", e, err)
		}
		m := &member{id: id, derived: principal.DerivedContext(id, nil)}
		own, err := a.dir.Policies(ctx, e)
		if err != nil {
			return nil, fmt.Errorf("access: policies of %s: %w", e, err)
		}
		for _, p := range own {
			m.policies = append(m.policies, source{pol: p, via: e})
		}
		if id.Kind == principal.KindUser {
			if m.groups, err = a.dir.Groups(ctx, e); err != nil {
				return nil, fmt.Errorf("access: groups of %s: %w", e, err)
			}
			for _, g := range m.groups {
				pols, ok := acc.groupPols[g.ARN]
				if !ok {
					if pols, err = a.dir.Policies(ctx, g.ARN); err != nil {
						return nil, fmt.Errorf("access: policies of %s: %w", g.ARN, err)
					}
					acc.groupPols[g.ARN] = pols
				}
				for _, p := range pols {
					m.policies = append(m.policies, source{pol: p, via: g.ARN})
				}
			}
		}
		if id.PermissionsBoundary != (arn.ARN{}) {
			bp, err := a.dir.ManagedPolicy(ctx, id.PermissionsBoundary)
			if err != nil {
				return nil, fmt.Errorf("access: boundary of %s: %w", e, err)
			}
			m.boundary = &source{pol: bp, via: e, boundary: true}
		}
		for k, v := range a.opts.Context {
			m.derived.Set(k, v...)
		}
		acc.byARN[e] = m
		if id.Kind == principal.KindUser {
			acc.users = append(acc.users, m)
		} else {
			acc.roles = append(acc.roles, m)
		}
	}
	return acc, nil
}

// decision is whether an identity may do one call, with the statements.
type decision struct {
	allowed  bool
	allow    []Statement // applicable Allow statements of the identity policies
	boundary []Statement // applicable Allow statements of the boundary
	mayDeny  []Statement // applicable Deny statements with open conditions
	denied   []Statement // applicable unconditional Deny statements
}

// unconditional reports whether the decision holds whatever the open
// conditions: an allow without open conditions, in the boundary too, and
// no Deny that may apply.
func (d *decision) unconditional() bool {
	if !d.allowed || len(d.mayDeny) > 0 {
		return false
	}
	return anyUnconditional(d.allow) && (d.boundary == nil || anyUnconditional(d.boundary))
}

func anyUnconditional(ss []Statement) bool {
	for _, s := range ss {
		if len(s.Open) == 0 {
			return true
		}
	}
	return false
}

// decide evaluates whether m may call action on resource with the extra
// context keys of the call.
func (a *Analyzer) decide(m *member, action, resource string, extra map[string]string) (decision, error) {
	var d decision
	fixed := map[string]bool{}
	ctx := m.derived
	if len(extra) > 0 {
		ctx = m.derived.Clone()
		for k, v := range extra {
			ctx.Set(k, v)
			fixed[strings.ToLower(k)] = true
		}
	}
	for k := range a.opts.Context {
		fixed[strings.ToLower(k)] = true
	}
	req := &policy.Request{Action: action, Resource: resource, Context: ctx}
	srcs := m.policies
	if m.boundary != nil {
		srcs = append(srcs[:len(srcs):len(srcs)], *m.boundary)
	}
	for _, src := range srcs {
		if src.pol.Document == nil {
			continue
		}
		cs, err := a.statements(src.pol.Document, fixed)
		if err != nil {
			return d, fmt.Errorf("access: policy %s: %w", src.pol.ID, err)
		}
		for _, c := range cs {
			if !c.set.Evaluate(req).Allowed() {
				continue
			}
			s := Statement{Policy: src.pol.ID, Via: src.via, Boundary: src.boundary, Sid: c.sid, Index: c.index, Effect: c.effect, Open: c.open}
			switch {
			case c.effect == policy.EffectDeny && len(c.open) == 0:
				d.denied = append(d.denied, s)
			case c.effect == policy.EffectDeny:
				d.mayDeny = append(d.mayDeny, s)
			case src.boundary:
				d.boundary = append(d.boundary, s)
			default:
				d.allow = append(d.allow, s)
			}
		}
	}
	d.allowed = len(d.allow) > 0 && len(d.denied) == 0 && (m.boundary == nil || len(d.boundary) > 0)
	if m.boundary != nil && d.boundary == nil {
		d.boundary = []Statement{} // bounded, and the boundary allows nothing here
	}
	return d, nil
}

// mayAct reports whether any statement of m's policies names action at all
// (a cheap filter before checking resources).
func (a *Analyzer) mayAct(m *member, action string) (bool, error) {
	req := &policy.Request{Action: action, Resource: "x"}
	for _, src := range m.policies {
		if src.pol.Document == nil {
			continue
		}
		cs, err := a.statements(src.pol.Document, nil)
		if err != nil {
			return false, err
		}
		for _, c := range cs {
			if c.effect == policy.EffectAllow && c.action.Evaluate(req).Allowed() {
				return true, nil
			}
		}
	}
	return false, nil
}
