// Package engine connects the emulator's state to the policy and
// principal packages: it implements principal.Store over emu.State and
// emu.Engine with a principal.Authorizer.
package engine

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/emulator/internal/emu"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
)

// Store implements principal.Store over an emu.State.
type Store struct{ st *emu.State }

var _ principal.Store = Store{}

func notFound(kind, key string) error { return &principal.NotFoundError{Kind: kind, Key: key} }

// Identity implements principal.Store.
func (s Store) Identity(_ context.Context, a arn.ARN) (principal.Identity, error) {
	switch a.Type() {
	case arn.TypeRoot:
		if a == s.st.RootARN() {
			return principal.Identity{Kind: principal.KindRoot, ARN: a, ID: s.st.Account, Name: "root", Path: "/"}, nil
		}
	case arn.TypeUser:
		if u, ok := s.st.User(a.Name()); ok && u.ARN == a {
			return principal.Identity{Kind: principal.KindUser, ARN: u.ARN, ID: u.ID, Name: u.Name, Path: u.Path, Tags: tagMap(u.Tags),
				PermissionsBoundary: u.Boundary}, nil
		}
	case arn.TypeAssumedRole:
		// A session ARN names the role without its path: resolve the role
		// by name within the account (names are unique per account).
		role, _, ok := strings.Cut(strings.TrimPrefix(a.Resource, "assumed-role/"), "/")
		if r, found := s.st.Role(role); ok && found && r.Name == role && a.Partition == r.ARN.Partition && a.Account == r.ARN.Account {
			return s.Identity(context.Background(), r.ARN)
		}
	case arn.TypeRole:
		if r, ok := s.st.Role(a.Name()); ok && r.ARN == a {
			return principal.Identity{Kind: principal.KindRole, ARN: r.ARN, ID: r.ID, Name: r.Name, Path: r.Path, Tags: tagMap(r.Tags),
				TrustPolicy: r.TrustDoc, PermissionsBoundary: r.Boundary}, nil
		}
	}
	return principal.Identity{}, notFound("identity", a.String())
}

func tagMap(tags []emu.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

// Session implements principal.Store.
func (s Store) Session(_ context.Context, akid string) (principal.Session, error) {
	ses, ok := s.st.Session(akid)
	if !ok {
		return principal.Session{}, notFound("session", akid)
	}
	return principal.Session{AccessKeyID: ses.AccessKeyID, Identity: ses.Identity, Name: ses.Name,
		SourceIdentity: ses.SourceIdentity, Expiration: ses.Expiration, Tags: maps.Clone(ses.Tags),
		Policy: ses.Policy, PolicyARNs: slices.Clone(ses.PolicyARNs)}, nil
}

// Groups implements principal.Store.
func (s Store) Groups(_ context.Context, user arn.ARN) ([]principal.Group, error) {
	u, ok := s.st.User(user.Name())
	if !ok || u.ARN != user {
		return nil, nil
	}
	var out []principal.Group
	for _, name := range u.Groups {
		if g, ok := s.st.Group(name); ok {
			out = append(out, principal.Group{ARN: g.ARN, ID: g.ID, Name: g.Name, Path: g.Path})
		}
	}
	return out, nil
}

// Policies implements principal.Store.
func (s Store) Policies(ctx context.Context, entity arn.ARN) ([]policy.Policy, error) {
	kind := "identity"
	switch entity.Type() {
	case arn.TypeUser, arn.TypeRole:
	case arn.TypeGroup:
		kind = "group"
	default:
		return nil, nil
	}
	e, ok := s.st.Entity(entity.Type(), entity.Name())
	if !ok {
		return nil, notFound(kind, entity.String())
	}
	var out []policy.Policy
	for _, p := range e.Attached {
		mp, err := s.ManagedPolicy(ctx, p)
		if err != nil {
			return nil, err
		}
		out = append(out, mp)
	}
	for _, n := range slices.Sorted(maps.Keys(e.Inline)) {
		out = append(out, policy.Policy{ID: principal.InlinePolicyID(entity, n), Document: e.Inline[n].Doc})
	}
	return out, nil
}

// ManagedPolicy implements principal.Store.
func (s Store) ManagedPolicy(_ context.Context, p arn.ARN) (policy.Policy, error) {
	if builtin.IsBuiltin(p) {
		ca, err := builtin.Canonical(p, s.st.Partition)
		if err != nil || ca.Type() != arn.TypePolicy {
			return policy.Policy{}, notFound("policy", p.String())
		}
		bp, ok := builtin.Policy(ca.Name())
		if !ok {
			return policy.Policy{}, notFound("policy", p.String())
		}
		return bp, nil
	}
	s.st.RLock()
	defer s.st.RUnlock()
	mp := s.st.PolicyLocked(p)
	if mp == nil {
		return policy.Policy{}, notFound("policy", p.String())
	}
	return policy.Policy{ID: p.String(), Document: mp.DefaultVersion().Doc}, nil
}

// Generation implements principal.Store.
func (s Store) Generation() uint64 { return s.st.Generation() }

// Engine implements emu.Engine: every decision is principal.Authorizer's,
// with the request's resource policy supplied through Options.Resources.
type Engine struct {
	st    *emu.State
	authz *principal.Authorizer
}

var _ emu.Engine = (*Engine)(nil)

// New returns an engine over st with the given clock.
func New(st *emu.State, now func() time.Time) *Engine {
	return &Engine{st: st, authz: principal.NewAuthorizer(Store{st}, func(o *principal.Options) {
		o.Now = now
		o.Resources = principal.ResourcePolicyFunc(requestResource)
	})}
}

// resourceKey is the context key of the resource policy of the request
// being authorized.
type resourceKey struct{}

// requestResource is the Authorizer's resource policy source: the policy
// Authorize put in the request's context (none outside Authorize).
func requestResource(ctx context.Context, _ string) (principal.ResourcePolicy, error) {
	rp, _ := ctx.Value(resourceKey{}).(principal.ResourcePolicy)
	return rp, nil
}

// ParsePolicy implements emu.Engine.
func (e *Engine) ParsePolicy(raw string) (*policy.Document, error) {
	doc, err := policy.Parse([]byte(raw))
	if err != nil {
		return nil, fmt.Errorf("emulator: parsing policy: %w", err)
	}
	return doc, nil
}

// Authorize implements emu.Engine.
func (e *Engine) Authorize(ctx context.Context, req emu.AuthRequest) (bool, error) {
	rp := principal.ResourcePolicy{Set: req.ResourcePolicy, Account: req.ResourceAccount}
	if rp != (principal.ResourcePolicy{}) {
		ctx = context.WithValue(ctx, resourceKey{}, rp)
	}
	reqCtx := policy.ContextFromMap(req.Context)
	var caller principal.Caller
	switch {
	case req.Identity == arn.ARN{}:
		caller = principal.Anonymous
	case req.Identity == e.st.RootARN() && rp.Account != "" && rp.Account != e.st.Account:
		return e.rootAcrossAccounts(req, rp, reqCtx)
	case req.AccessKeyID != "":
		caller = principal.Caller{AccessKeyID: req.AccessKeyID}
	default:
		caller = principal.Caller{ARN: req.Identity}
	}
	res, err := e.authz.Authorize(ctx, caller, req.Action, req.Resource, reqCtx)
	if err != nil {
		return false, err
	}
	return res.Decision == policy.Allow, nil
}

// rootPolicies is the identity side of an account's root: everything.
var rootPolicies = sync.OnceValues(func() (*policy.Set, error) {
	return policy.Compile([]policy.Policy{{ID: "root", Document: &policy.Document{Version: policy.Version2012,
		Statements: []policy.Statement{{Effect: policy.EffectAllow, Action: []string{"*"}, Resource: []string{"*"}}}}}})
})

// rootAcrossAccounts decides a request of this account's root on another
// account's resource (a peer's bucket). principal.Authorizer allows its
// store's root whatever the policies say, before it consults the
// resource's policy; across accounts AWS requires the resource's policy to
// allow the root too. The root's own side allows everything, so the
// decision is the cross-account one over that and the resource policy.
func (e *Engine) rootAcrossAccounts(req emu.AuthRequest, rp principal.ResourcePolicy, reqCtx policy.Context) (bool, error) {
	identity, err := rootPolicies()
	if err != nil {
		return false, err
	}
	derived := principal.DerivedContext(principal.Identity{Kind: principal.KindRoot, ARN: req.Identity, ID: e.st.Account}, nil)
	for _, k := range derived.Keys() {
		v, _ := derived.Get(k)
		reqCtx.Set(k, v...)
	}
	p := policy.Policies{Identity: identity, Resource: rp.Set}
	res := p.Evaluate(&policy.Request{Principal: req.Identity.String(), Action: req.Action, Resource: req.Resource,
		ResourceAccount: rp.Account, Context: reqCtx})
	return res.Decision == policy.Allow, nil
}

// AllowSetSourceIdentity implements emu.Engine: it evaluates the role's
// trust policy for sts:SetSourceIdentity by the federated provider.
func (e *Engine) AllowSetSourceIdentity(_ context.Context, role, provider arn.ARN, reqCtx map[string][]string) (bool, error) {
	r, ok := e.st.Role(role.Name())
	if !ok || r.ARN != role || r.TrustDoc == nil {
		return false, nil
	}
	set, err := policy.Compile([]policy.Policy{{ID: role.String() + "/trust", Document: r.TrustDoc}})
	if err != nil {
		return false, fmt.Errorf("emulator: compiling the trust policy of %s: %w", role, err)
	}
	res := set.Evaluate(&policy.Request{Principal: provider.String(), Action: "sts:SetSourceIdentity",
		Resource: role.String(), Context: policy.ContextFromMap(reqCtx)})
	return res.Allowed(), nil
}

// AllowAssumeRole implements emu.Engine.
func (e *Engine) AllowAssumeRole(ctx context.Context, role, provider arn.ARN, reqCtx map[string][]string) (bool, error) {
	res, err := e.authz.AuthorizeAssumeRole(ctx, role, provider, policy.ContextFromMap(reqCtx))
	if err != nil {
		return false, err
	}
	return res.Allowed(), nil
}
