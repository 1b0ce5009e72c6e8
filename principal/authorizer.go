package principal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
)

// Context keys the [Authorizer] fills in from the caller's identity and the
// clock. Keys the request supplies override them.
const (
	KeyPrincipalARN      = "aws:PrincipalArn"
	KeyPrincipalAccount  = "aws:PrincipalAccount"
	KeyPrincipalType     = "aws:PrincipalType" // "User", "AssumedRole", "Account"
	KeyPrincipalTag      = "aws:PrincipalTag/" // + tag key
	KeyUsername          = "aws:username"      // users only: the email address
	KeyUserID            = "aws:userid"
	KeySourceIdentity    = "aws:SourceIdentity"
	KeyCurrentTime       = "aws:CurrentTime" // RFC 3339, UTC
	KeyEpochTime         = "aws:EpochTime"   // seconds since the epoch
	KeyRequestTag        = "aws:RequestTag/" // + tag key
	KeyTagKeys           = "aws:TagKeys"
	KeyFederatedProvider = "aws:FederatedProvider"
)

// Actions the trust policy of a role is evaluated for.
const (
	ActionAssumeRoleWithWebIdentity = "sts:AssumeRoleWithWebIdentity"
	ActionTagSession                = "sts:TagSession"
)

// Options configures an [Authorizer].
type Options struct {
	// Dialect is the policy dialect documents are compiled with. It
	// defaults to the store's, when the store reports the dialect it reads
	// documents in with a method Dialect() policy.Dialect (as
	// principal/iamstore's Store does: its IAM client's), so that the
	// dialect is chosen once; otherwise to policy.Astran (case-sensitive
	// actions). Setting it overrides the store's.
	Dialect policy.Dialect
	// Now returns the current time, for aws:CurrentTime, aws:EpochTime and
	// session expiry. Nil means time.Now.
	Now func() time.Time
	// MaxCachedCallers bounds the number of callers whose compiled policy
	// sets are cached. Zero or negative means 4096.
	MaxCachedCallers int
	// Resources supplies the resource-based policy of the resource of each
	// request (a bucket policy, by bucket). Nil means no resource-based
	// policies: decisions use the identity-based policies, the permissions
	// boundary and the session policy only.
	Resources ResourcePolicySource
}

// ResourcePolicy is the resource-based policy that applies to a resource,
// compiled once by its [ResourcePolicySource].
type ResourcePolicy struct {
	// Set is the compiled policy (see [policy.Compile]); nil means the
	// resource has none.
	Set *policy.Set
	// Account is the account that owns the resource. "" means the account
	// in the resource's ARN or, when it names none (as S3 ARNs do), the
	// caller's: the same account.
	Account string
}

// ResourcePolicySource supplies resource-based policies to an
// [Authorizer], such as the bucket policies of an S3-compatible service.
// Implementations must be safe for concurrent use and should return sets
// compiled in advance: the source is asked on every decision.
type ResourcePolicySource interface {
	// ResourcePolicy returns the policy of resource (the request's
	// resource ARN, such as "arn:demo:s3:::bucket/key"). An error denies
	// the request.
	ResourcePolicy(ctx context.Context, resource string) (ResourcePolicy, error)
}

// ResourcePolicyFunc adapts a function to a [ResourcePolicySource].
type ResourcePolicyFunc func(ctx context.Context, resource string) (ResourcePolicy, error)

// ResourcePolicy implements [ResourcePolicySource].
func (f ResourcePolicyFunc) ResourcePolicy(ctx context.Context, resource string) (ResourcePolicy, error) {
	return f(ctx, resource)
}

// Authorizer answers "may this caller do this action on this resource?"
// the way Astran does:
//
//   - the root identity of one of the store's own accounts (or a session
//     standing for it) is always allowed, whatever the policies say; the
//     store decides which roots exist ([Store.Identity]), so the root of
//     another account is an unknown caller;
//   - an explicit Deny in any applicable policy wins (the user's own, any of
//     the user's groups', the role's, the permissions boundary, the
//     session policy, or the resource's policy from Options.Resources);
//   - otherwise an Allow is needed in the identity's policies (the user's
//     own and every group's, or the role's for a role session) and, when the
//     identity has a permissions boundary or the session a session policy
//     ([Session].Policy, PolicyARNs), also in each of them: they only
//     limit;
//   - a resource-based policy (a bucket policy) that allows the caller
//     grants on its own in the resource's account, and is needed as well
//     when the resource belongs to another account ([ResourcePolicy].Account),
//     with the nuances of AWS's evaluation logic ([policy.Policies]);
//   - anything else is an implicit deny.
//
// Compiled policy sets and the context derived from the identity are cached
// per caller. When [Store.Generation] changes, a store that implements
// [ChangeTracker] (as [MemoryStore] and the live store of package principal/iamstore do) rebuilds only the
// callers whose identity, session, groups or managed policies changed;
// with another store every caller is rebuilt. A cached decision costs the
// policy engine's evaluation plus a cache lookup (about 1.2× the engine
// alone for 51 policies: BenchmarkAuthorizer_Authorize, allow/Into against
// engineOnly/Into); the clock is read only for sessions that expire and
// for policies that use aws:CurrentTime or aws:EpochTime.
//
// An Authorizer is safe for concurrent use.
type Authorizer struct {
	store     Store
	tracker   ChangeTracker // store, when it tracks changes; nil otherwise
	resources ResourcePolicySource
	dialect   policy.Dialect
	now       func() time.Time
	max       int

	mu      sync.RWMutex            // guards callers and trust
	callers map[string]*entry       // compiled sets per caller, by cacheKey
	trust   map[arn.ARN]*trustEntry // compiled trust policies per role

	sf    singleflight.Group       // deduplicates builds
	clock atomic.Pointer[timeKeys] // the time keys of the current second
	ctxs  sync.Pool                // *policy.Context for requests with keys
}

// entry is what the authorizer derives from a caller, immutable once built.
type entry struct {
	caller     Caller
	gen        atomic.Uint64   // the store generation at which the entry was last known valid
	deps       map[string]bool // keys of what the entry was derived from (see ChangeTracker)
	root       bool
	principal  string         // Request.Principal
	identity   *policy.Set    // user + groups, or role
	boundary   *policy.Set    // nil: no boundary
	session    *policy.Set    // the session policy; nil: none
	expiration time.Time      // session expiry; zero: none
	base       []kv           // keys derived from the identity
	usesTime   bool           // a policy reads aws:CurrentTime or aws:EpochTime
	static     policy.Context // base keys only, when !usesTime
	snap       atomic.Pointer[ctxSnap]
}

type kv struct {
	key    string
	values []string
}

// ctxSnap is an entry's context for one second: base keys and time keys.
// It is immutable once published.
type ctxSnap struct {
	unix int64
	ctx  policy.Context
}

// snapshot returns e's context for the second of tk.
func (e *entry) snapshot(tk *timeKeys) *ctxSnap {
	if s := e.snap.Load(); s != nil && s.unix == tk.unix {
		return s
	}
	s := &ctxSnap{unix: tk.unix}
	e.fill(&s.ctx, tk)
	e.snap.Store(s)
	return s
}

// fill sets e's base keys and, unless tk is nil, the time keys in c.
func (e *entry) fill(c *policy.Context, tk *timeKeys) {
	for _, p := range e.base {
		c.Set(p.key, p.values...)
	}
	if tk != nil {
		c.Set(KeyCurrentTime, tk.current...)
		c.Set(KeyEpochTime, tk.epoch...)
	}
}

type trustEntry struct {
	gen  atomic.Uint64   // the store generation at which the entry was last known valid
	deps map[string]bool // the role's ARN (see ChangeTracker)
	set  *policy.Set
}

type timeKeys struct {
	unix    int64
	current []string
	epoch   []string
}

// NewAuthorizer returns an Authorizer that reads identities and policies
// from store.
func NewAuthorizer(store Store, optFns ...func(*Options)) *Authorizer {
	var o Options
	if d, ok := store.(interface{ Dialect() policy.Dialect }); ok {
		o.Dialect = d.Dialect()
	}
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxCachedCallers <= 0 {
		o.MaxCachedCallers = 4096
	}
	a := &Authorizer{
		store:     store,
		resources: o.Resources,
		dialect:   o.Dialect,
		now:       o.Now,
		max:       o.MaxCachedCallers,
		callers:   make(map[string]*entry),
		trust:     make(map[arn.ARN]*trustEntry),
	}
	a.tracker, _ = store.(ChangeTracker)
	a.ctxs.New = func() any { return new(policy.Context) }
	return a
}

// Authorize decides whether caller may perform action on resource. reqCtx
// holds the keys the request supplies (aws:SourceIp, aws:SecureTransport,
// s3:prefix, ...); they override the keys derived from the identity (see
// the Key constants). reqCtx is not modified or retained.
//
// The result's statements are those that decided, as in the policy
// package: for ExplicitDeny every matching Deny (in the identity policies
// or the permissions boundary), for Allow the matching Allow statements of
// the identity policies then of the boundary, none for ImplicitDeny (which
// includes an identity Allow that the boundary does not allow). Root
// callers get Allow with no statements.
//
// A non-nil error always comes with a deny result. A caller that cannot be
// resolved (unknown or expired session, a session or ARN whose user or role
// no longer exists) gives a *[CallerError] wrapping [ErrNotFound] or
// [ErrExpired]; a failing store gives its error.
func (a *Authorizer) Authorize(ctx context.Context, caller Caller, action, resource string, reqCtx policy.Context) (policy.Result, error) {
	var res policy.Result
	err := a.AuthorizeInto(ctx, caller, action, resource, reqCtx, &res)
	return res, err
}

// AuthorizeInto is [Authorizer.Authorize] writing into res, reusing its
// slices: for a cached caller and an empty reqCtx it does not allocate.
func (a *Authorizer) AuthorizeInto(ctx context.Context, caller Caller, action, resource string, reqCtx policy.Context, res *policy.Result) error {
	res.Decision = policy.ImplicitDeny
	res.Statements = res.Statements[:0]
	res.MissingContextKeys = res.MissingContextKeys[:0]

	if caller.Anonymous {
		return a.authorizeAnonymous(ctx, caller, action, resource, reqCtx, res)
	}
	e, err := a.entry(ctx, caller)
	if err != nil {
		return err
	}
	// The clock is read only when the session expires or a policy reads
	// the time keys.
	var now time.Time
	if !e.expiration.IsZero() || e.usesTime {
		now = a.now()
	}
	if !e.expiration.IsZero() && !now.Before(e.expiration) {
		return &CallerError{Caller: caller, Expiration: e.expiration, Err: ErrExpired}
	}
	if e.root {
		res.Decision = policy.Allow
		return nil
	}
	var tk *timeKeys
	if e.usesTime {
		tk = a.timeKeys(now)
	}
	req := policy.Request{Principal: e.principal, Action: action, Resource: resource}
	if reqCtx.Len() == 0 {
		if tk == nil {
			req.Context = e.static
		} else {
			req.Context = e.snapshot(tk).ctx
		}
		return a.evaluate(ctx, e, &req, res)
	}
	c := a.ctxs.Get().(*policy.Context)
	c.Reset()
	e.fill(c, tk)
	for _, k := range reqCtx.Keys() {
		v, _ := reqCtx.Get(k)
		c.Set(k, v...)
	}
	req.Context = *c
	err = a.evaluate(ctx, e, &req, res)
	*c = req.Context
	a.ctxs.Put(c)
	return err
}

// authorizeAnonymous decides an unsigned request: only the resource's
// policy can allow it, by allowing "*".
func (a *Authorizer) authorizeAnonymous(ctx context.Context, caller Caller, action, resource string, reqCtx policy.Context, res *policy.Result) error {
	if caller != Anonymous {
		return &CallerError{Caller: caller, Err: fmt.Errorf("an anonymous caller has no ARN or access key ID: %w", ErrInvalid)}
	}
	if a.resources == nil {
		return nil
	}
	rp, err := a.resources.ResourcePolicy(ctx, resource)
	if err != nil {
		return fmt.Errorf("principal: resource-based policy of %s: %w", resource, err)
	}
	if rp.Set == nil {
		return nil
	}
	tk := a.timeKeys(a.now())
	req := policy.Request{Action: action, Resource: resource, ResourceAccount: rp.Account, Context: reqCtx.Clone()}
	if _, ok := req.Context.Get(KeyCurrentTime); !ok {
		req.Context.Set(KeyCurrentTime, tk.current...)
	}
	if _, ok := req.Context.Get(KeyEpochTime); !ok {
		req.Context.Set(KeyEpochTime, tk.epoch...)
	}
	p := policy.Policies{Resource: rp.Set}
	p.EvaluateInto(&req, res)
	return nil
}

// evaluate decides req for e: with the identity set alone when nothing else
// applies, otherwise with AWS's evaluation logic over the identity set, the
// boundary, the session policy and the resource's policy.
func (a *Authorizer) evaluate(ctx context.Context, e *entry, req *policy.Request, res *policy.Result) error {
	var rp ResourcePolicy
	if a.resources != nil {
		var err error
		if rp, err = a.resources.ResourcePolicy(ctx, req.Resource); err != nil {
			return fmt.Errorf("principal: resource-based policy of %s: %w", req.Resource, err)
		}
	}
	if e.boundary == nil && e.session == nil && rp.Set == nil && rp.Account == "" {
		e.identity.EvaluateInto(req, res)
		return nil
	}
	req.ResourceAccount = rp.Account
	p := policy.Policies{Identity: e.identity, Boundary: e.boundary, Session: e.session, Resource: rp.Set}
	p.EvaluateInto(req, res)
	return nil
}

// combine folds the result b of a second set (the permissions boundary, or
// the sts:TagSession evaluation) into res, keeping the policy package's
// meaning of Result.Statements: the deny statements for ExplicitDeny, the
// allow statements of both sets for Allow, none for ImplicitDeny.
func combine(res, b *policy.Result) {
	for _, k := range b.MissingContextKeys {
		if !containsFold(res.MissingContextKeys, k) {
			res.MissingContextKeys = append(res.MissingContextKeys, k)
		}
	}
	slices.SortFunc(res.MissingContextKeys, func(x, y string) int {
		return strings.Compare(strings.ToLower(x), strings.ToLower(y))
	})
	switch {
	case res.Decision == policy.ExplicitDeny:
	case b.Decision == policy.ExplicitDeny:
		res.Decision = policy.ExplicitDeny
		res.Statements = append(res.Statements[:0], b.Statements...)
	case res.Decision == policy.Allow && b.Decision == policy.Allow:
		res.Statements = append(res.Statements, b.Statements...)
	default:
		res.Decision = policy.ImplicitDeny
		res.Statements = res.Statements[:0]
	}
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// timeKeys returns the aws:CurrentTime and aws:EpochTime values of now,
// formatted once per second.
func (a *Authorizer) timeKeys(now time.Time) *timeKeys {
	sec := now.Unix()
	if tk := a.clock.Load(); tk != nil && tk.unix == sec {
		return tk
	}
	tk := &timeKeys{
		unix:    sec,
		current: []string{now.UTC().Truncate(time.Second).Format(time.RFC3339)},
		epoch:   []string{strconv.FormatInt(sec, 10)},
	}
	a.clock.Store(tk)
	return tk
}

// entry returns the cached entry of caller, building it when missing or
// out of date.
func (a *Authorizer) entry(ctx context.Context, caller Caller) (*entry, error) {
	gen := a.store.Generation()
	a.mu.RLock()
	e := a.callers[cacheKey(caller)]
	a.mu.RUnlock()
	if e != nil && e.caller == caller {
		eg := e.gen.Load()
		if eg == gen {
			return e, nil
		}
		// The store changed: keep the entry if the change did not touch
		// what it was derived from. gen was read before asking, so a
		// change racing with the question is seen next time.
		if a.tracker != nil && eg < gen && !a.tracker.Changed(eg, e.deps) {
			e.gen.CompareAndSwap(eg, gen)
			return e, nil
		}
	}
	// One build per caller and generation at a time; the build is not
	// cancelled by one waiter giving up.
	sfKey := "arn " + caller.ARN.String()
	if caller.AccessKeyID != "" {
		sfKey = "key " + caller.AccessKeyID
	}
	ch := a.sf.DoChan(sfKey+" "+strconv.FormatUint(gen, 10), func() (any, error) {
		return a.build(context.WithoutCancel(ctx), caller, gen)
	})
	var r singleflight.Result
	select {
	case r = <-ch:
	case <-ctx.Done():
		return nil, fmt.Errorf("principal: resolving caller %s: %w", caller, ctx.Err())
	}
	if r.Err != nil {
		return nil, r.Err
	}
	e = r.Val.(*entry)
	a.mu.Lock()
	if len(a.callers) >= a.max {
		for c, old := range a.callers {
			if old.gen.Load() != gen {
				delete(a.callers, c)
			}
		}
		if len(a.callers) >= a.max {
			clear(a.callers)
		}
	}
	a.callers[cacheKey(caller)] = e
	a.mu.Unlock()
	return e, nil
}

// cacheKey is the key of caller's entry: one string, cheaper to hash than
// the whole Caller. Callers that share it (the same resource in two
// accounts) evict each other; the entry records its caller.
func cacheKey(c Caller) string {
	if c.AccessKeyID != "" {
		return c.AccessKeyID
	}
	return c.ARN.Resource
}

// build resolves caller through the store and compiles its policies.
func (a *Authorizer) build(ctx context.Context, caller Caller, gen uint64) (*entry, error) {
	if caller.IsZero() {
		return nil, &CallerError{Caller: caller, Err: ErrNoCaller}
	}
	var ses *Session
	idARN := caller.ARN
	if caller.AccessKeyID != "" {
		s, err := a.store.Session(ctx, caller.AccessKeyID)
		if err != nil {
			return nil, callerError(caller, err)
		}
		ses = &s
		idARN = s.Identity
	}
	if idARN.Type() == arn.TypeAssumedRole {
		_, name, err := assumedRoleName(idARN)
		if err != nil {
			return nil, &CallerError{Caller: caller, Err: err}
		}
		if ses == nil {
			ses = &Session{Identity: idARN, Name: name}
		}
	}
	e := &entry{caller: caller, deps: make(map[string]bool)}
	e.gen.Store(gen)
	if caller.AccessKeyID != "" {
		e.deps[caller.AccessKeyID] = true
	}
	if ses != nil {
		e.expiration = ses.Expiration
	}
	// The store decides who exists, root included: the root of an account
	// that is not the store's own is an unknown caller.
	id, err := a.store.Identity(ctx, idARN)
	if err != nil {
		return nil, callerError(caller, err)
	}
	e.principal = id.ARN.String()
	e.deps[e.principal] = true
	var pols []policy.Policy
	switch id.Kind {
	case KindRoot:
		if id.ARN.Type() != arn.TypeRoot {
			return nil, &CallerError{Caller: caller, Err: fmt.Errorf("identity %s of kind root is not a root ARN: %w", id.ARN, ErrInvalid)}
		}
		e.root = true
		return e, nil
	case KindUser:
		if pols, err = a.store.Policies(ctx, id.ARN); err != nil {
			return nil, err
		}
		groups, err := a.store.Groups(ctx, id.ARN)
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			e.deps[g.ARN.String()] = true
			gp, err := a.store.Policies(ctx, g.ARN)
			if err != nil {
				return nil, err
			}
			pols = append(pols, gp...)
		}
	case KindRole:
		if pols, err = a.store.Policies(ctx, id.ARN); err != nil {
			return nil, err
		}
	default:
		return nil, &CallerError{Caller: caller, Err: fmt.Errorf("identity %s has invalid kind %s: %w", id.ARN, id.Kind, ErrInvalid)}
	}
	for _, p := range pols {
		if strings.HasPrefix(p.ID, "arn:") { // managed policies; inline ones change with their entity
			e.deps[p.ID] = true
		}
	}
	e.usesTime = usesTimeKeys(pols)
	if e.identity, err = a.compile(pols); err != nil {
		return nil, fmt.Errorf("principal: compiling policies of %s: %w", id.ARN, err)
	}
	if id.PermissionsBoundary != (arn.ARN{}) {
		bp, err := a.store.ManagedPolicy(ctx, id.PermissionsBoundary)
		if err != nil {
			return nil, fmt.Errorf("principal: permissions boundary of %s: %w", id.ARN, err)
		}
		e.deps[bp.ID] = true
		e.usesTime = e.usesTime || usesTimeKeys([]policy.Policy{bp})
		if e.boundary, err = a.compile([]policy.Policy{bp}); err != nil {
			return nil, fmt.Errorf("principal: compiling permissions boundary of %s: %w", id.ARN, err)
		}
	}
	if ses != nil && (ses.Policy != nil || len(ses.PolicyARNs) > 0) {
		var sp []policy.Policy
		if ses.Policy != nil {
			sp = append(sp, policy.Policy{ID: "session/" + ses.Name + "/policy", Document: ses.Policy})
		}
		for _, pa := range ses.PolicyARNs {
			mp, err := a.store.ManagedPolicy(ctx, pa)
			if err != nil {
				return nil, fmt.Errorf("principal: session policy of %s: %w", caller, err)
			}
			e.deps[mp.ID] = true
			sp = append(sp, mp)
		}
		e.usesTime = e.usesTime || usesTimeKeys(sp)
		if e.session, err = a.compile(sp); err != nil {
			return nil, fmt.Errorf("principal: compiling session policy of %s: %w", caller, err)
		}
	}
	if id.Kind == KindRole && ses != nil && ses.Name != "" {
		// Resource-based policies name a role's session by its
		// assumed-role ARN.
		e.principal = "arn:" + id.ARN.Partition + ":sts::" + id.ARN.Account + ":assumed-role/" + id.ARN.Name() + "/" + ses.Name
	}
	base := DerivedContext(id, ses)
	for _, k := range base.Keys() {
		v, _ := base.Get(k)
		e.base = append(e.base, kv{key: k, values: v})
	}
	if !e.usesTime {
		e.fill(&e.static, nil)
	}
	return e, nil
}

// usesTimeKeys reports whether a policy may read aws:CurrentTime or
// aws:EpochTime (as a condition key or a ${...} variable). It errs on the
// side of yes: any mention in the document counts.
func usesTimeKeys(pols []policy.Policy) bool {
	for _, p := range pols {
		b, err := p.Document.MarshalJSON()
		if err != nil {
			return true
		}
		b = bytes.ToLower(b)
		if bytes.Contains(b, []byte("aws:currenttime")) || bytes.Contains(b, []byte("aws:epochtime")) {
			return true
		}
	}
	return false
}

// callerError wraps a lookup failure: a *CallerError for ErrNotFound, the
// store's error otherwise.
func callerError(c Caller, err error) error {
	if errors.Is(err, ErrNotFound) {
		return &CallerError{Caller: c, Err: err}
	}
	return fmt.Errorf("principal: resolving caller %s: %w", c, err)
}

func (a *Authorizer) compile(pols []policy.Policy) (*policy.Set, error) {
	return policy.Compile(pols, func(o *policy.CompileOptions) { o.Dialect = a.dialect })
}

// DerivedContext returns the context keys an [Authorizer] derives from an
// identity and, when not nil, the session standing for it: aws:PrincipalArn,
// aws:PrincipalAccount, aws:PrincipalType, aws:userid, aws:username (users
// only, the email), aws:PrincipalTag/{key} (identity tags, then session
// tags) and aws:SourceIdentity. The time keys are added per request.
func DerivedContext(id Identity, ses *Session) policy.Context {
	var c policy.Context
	c.Set(KeyPrincipalARN, id.ARN.String())
	if id.ARN.Account != "" {
		c.Set(KeyPrincipalAccount, id.ARN.Account)
	}
	switch id.Kind {
	case KindUser:
		c.Set(KeyPrincipalType, "User")
		c.Set(KeyUsername, id.Name)
		c.Set(KeyUserID, id.ID)
	case KindRole:
		c.Set(KeyPrincipalType, "AssumedRole")
		if ses != nil && ses.Name != "" {
			c.Set(KeyUserID, id.ID+":"+ses.Name)
		} else {
			c.Set(KeyUserID, id.ID)
		}
	case KindRoot:
		c.Set(KeyPrincipalType, "Account")
		c.Set(KeyUserID, id.ARN.Account)
	}
	for k, v := range id.Tags {
		c.Set(KeyPrincipalTag+k, v)
	}
	if ses != nil {
		for k, v := range ses.Tags {
			c.Set(KeyPrincipalTag+k, v)
		}
		if ses.SourceIdentity != "" {
			c.Set(KeySourceIdentity, ses.SourceIdentity)
		}
	}
	return c
}

// AuthorizeAssumeRole evaluates the trust policy of role for
// sts:AssumeRoleWithWebIdentity by the federated principal provider (an OIDC
// provider ARN). reqCtx carries the token's keys, such as
// "{provider host/path}:aud", and the requested session tags
// (aws:RequestTag/{key}, aws:TagKeys); [WebIdentityContext] builds it.
//
// When the request carries session tags (any aws:RequestTag/ key or
// aws:TagKeys), the trust policy must also allow sts:TagSession, as in AWS;
// the statements of both evaluations are returned. A missing role gives a
// deny and an error wrapping [ErrNotFound].
func (a *Authorizer) AuthorizeAssumeRole(ctx context.Context, role, provider arn.ARN, reqCtx policy.Context) (policy.Result, error) {
	var res policy.Result
	if !provider.IsValid() {
		return res, fmt.Errorf("principal: assuming %s: federated provider %q: %w", role, provider, ErrInvalid)
	}
	set, err := a.trustSet(ctx, role)
	if err != nil {
		return res, err
	}
	now := a.now()
	tk := a.timeKeys(now)
	req := policy.Request{Principal: provider.String(), Action: ActionAssumeRoleWithWebIdentity, Resource: role.String(), Context: reqCtx.Clone()}
	if _, ok := req.Context.Get(KeyCurrentTime); !ok {
		req.Context.Set(KeyCurrentTime, tk.current...)
	}
	if _, ok := req.Context.Get(KeyEpochTime); !ok {
		req.Context.Set(KeyEpochTime, tk.epoch...)
	}
	if _, ok := req.Context.Get(KeyFederatedProvider); !ok {
		req.Context.Set(KeyFederatedProvider, provider.String())
	}
	set.EvaluateInto(&req, &res)
	if res.Decision == policy.ExplicitDeny || !hasSessionTags(req.Context) {
		return res, nil
	}
	req.Action = ActionTagSession
	var tag policy.Result
	set.EvaluateInto(&req, &tag)
	combine(&res, &tag)
	return res, nil
}

func hasSessionTags(c policy.Context) bool {
	for _, k := range c.Keys() {
		if strings.EqualFold(k, KeyTagKeys) || (len(k) > len(KeyRequestTag) && strings.EqualFold(k[:len(KeyRequestTag)], KeyRequestTag)) {
			return true
		}
	}
	return false
}

func (a *Authorizer) trustSet(ctx context.Context, role arn.ARN) (*policy.Set, error) {
	gen := a.store.Generation()
	a.mu.RLock()
	te := a.trust[role]
	a.mu.RUnlock()
	if te != nil {
		eg := te.gen.Load()
		if eg == gen {
			return te.set, nil
		}
		if a.tracker != nil && eg < gen && !a.tracker.Changed(eg, te.deps) {
			te.gen.CompareAndSwap(eg, gen)
			return te.set, nil
		}
	}
	if role.Type() != arn.TypeRole {
		return nil, fmt.Errorf("principal: assuming %s: not a role ARN: %w", role, ErrInvalid)
	}
	id, err := a.store.Identity(ctx, role)
	if err != nil {
		return nil, fmt.Errorf("principal: assuming %s: %w", role, err)
	}
	var pols []policy.Policy
	if id.TrustPolicy != nil {
		pols = []policy.Policy{{ID: role.String() + "/trust", Document: id.TrustPolicy}}
	}
	set, err := a.compile(pols)
	if err != nil {
		return nil, fmt.Errorf("principal: compiling trust policy of %s: %w", role, err)
	}
	a.mu.Lock()
	if len(a.trust) >= a.max {
		clear(a.trust)
	}
	te = &trustEntry{deps: map[string]bool{id.ARN.String(): true}, set: set}
	te.gen.Store(gen)
	a.trust[role] = te
	a.mu.Unlock()
	return set, nil
}

// WebIdentityContext returns the request context of an
// AssumeRoleWithWebIdentity call for [Authorizer.AuthorizeAssumeRole]:
// "{provider host/path}:aud" and ":sub" from the token (empty values are
// left out), aws:RequestTag/{key} for each requested session tag and
// aws:TagKeys listing their keys.
func WebIdentityContext(provider arn.ARN, aud, sub string, requestTags map[string]string) policy.Context {
	var c policy.Context
	name := provider.Name()
	if aud != "" {
		c.Set(name+":aud", aud)
	}
	if sub != "" {
		c.Set(name+":sub", sub)
	}
	if len(requestTags) > 0 {
		keys := make([]string, 0, len(requestTags))
		for k, v := range requestTags {
			c.Set(KeyRequestTag+k, v)
			keys = append(keys, k)
		}
		c.Set(KeyTagKeys, keys...)
	}
	return c
}

// IsCallerError reports whether err means the caller could not be
// resolved (as opposed to a failing store).
func IsCallerError(err error) bool {
	var ce *CallerError
	return errors.As(err, &ce)
}
