// Package iamstore is a [principal.Store] that reads users, groups, roles
// and policies from live IAM, through an [iamclient.Client] and a cache.
//
// It is a package of its own so that programs which only unit-test their
// rules with principal's MemoryStore do not link the AWS SDK's IAM client.
//
// # Cache
//
//   - each value (an identity, a user's groups, an entity's policies, a
//     managed policy) is fetched on first use and kept for TTL;
//   - concurrent lookups of the same key share one refresh (singleflight);
//   - when a refresh fails (IAM unreachable, throttled...) and an earlier
//     value exists, that value keeps being served: each failed refresh logs
//     a slog warning with the key, the value's age and the error, and every
//     stale lookup is counted in [Store.Stats]; a refresh is retried after
//     RetryInterval;
//   - a value is never served more than MaxStale past its TTL (15 minutes
//     by default): then the store fails closed with an error wrapping
//     [ErrStale], so a permission revoked during a long outage does not
//     stay granted;
//   - answers are not outages: NoSuchEntity drops the value and returns an
//     error wrapping principal.ErrNotFound, and IAM refusing the store's
//     own credentials (iamclient.ErrAccessDenied: AccessDenied,
//     ExpiredToken, InvalidClientTokenId, ...) drops it and returns the
//     error, never stale data.
//
// # Documents
//
// Policy documents are read with the client's one decoding path
// ([iamclient.Client.ParseDocument]): the dialect and size rule are the
// client's Options.Dialect and MaxDocumentSize, chosen once by the caller;
// an Authorizer over the store evaluates them in that dialect.
package iamstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/iamclient"
	"github.com/astran-oss/astran-go/internal/changelog"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
)

// ErrStale reports that the store could not refresh a value from IAM for
// longer than it may serve it stale (Options.MaxStale): it fails closed.
var ErrStale = errors.New("data too stale to serve")

// DefaultMaxStale is the default of Options.MaxStale.
const DefaultMaxStale = 15 * time.Minute

// SessionSource resolves STS access key IDs to sessions. IAM does not know
// STS sessions, so a [Store] asks its Options.Sessions (a
// principal.MemoryStore fed by the login flow, for example).
type SessionSource interface {
	Session(ctx context.Context, accessKeyID string) (principal.Session, error)
}

// Options configures a [Store].
type Options struct {
	// TTL is how long a fetched value is served before it is fetched again.
	// Zero or negative means one minute.
	TTL time.Duration
	// RetryInterval is how long the store keeps serving stale data after a
	// failed refresh before it tries IAM again. Zero or negative means TTL/10.
	RetryInterval time.Duration
	// MaxStale bounds how long a value is served past its TTL while IAM
	// fails; past it the store fails closed with [ErrStale]. Zero or
	// negative means [DefaultMaxStale].
	MaxStale time.Duration
	// FetchTimeout bounds one refresh (all the IAM calls for one key). It is
	// independent of the callers' contexts: a caller that gives up does not
	// cancel a refresh others wait for. Zero or negative means 30 seconds.
	FetchTimeout time.Duration
	// Partition and Account name the account whose IAM the client reads.
	// Only that account's root resolves (arn:{Partition}:iam::{Account}:root);
	// built-in policies are accepted in partition "astran" and in
	// Partition. Empty means no root resolves.
	Partition, Account string
	// Now returns the current time. Nil means time.Now.
	Now func() time.Time
	// Logger receives a warning each time stale data is served because IAM
	// failed. Nil means slog.Default().
	Logger *slog.Logger
	// Sessions resolves STS access key IDs. Nil means no STS sessions (see
	// [Store.Session] for long-term keys).
	Sessions SessionSource
}

// Stats are counters of a [Store]'s cache, for metrics.
type Stats struct {
	Hits    uint64 // lookups served from fresh cache
	Fetches uint64 // refreshes that succeeded
	Errors  uint64 // refreshes that failed
	// Stale counts lookups served from expired cache because IAM failed.
	Stale uint64
	// MaxStaleness is the age of the oldest value served stale since the
	// store was created.
	MaxStaleness time.Duration
}

// Store is a principal.Store over live IAM (see the package doc). Built-in
// policies are answered locally. [Store.Generation] changes when a refresh
// brings different content and at least once per TTL, so an
// principal.Authorizer picks up changes made in IAM within about two TTLs.
//
// A Store is safe for concurrent use.
type Store struct {
	client   *iamclient.Client
	opts     Options
	sf       singleflight.Group
	gen      atomic.Uint64
	epoch    atomic.Int64
	hits     atomic.Uint64
	fetches  atomic.Uint64
	errs     atomic.Uint64
	stale    atomic.Uint64
	maxStale atomic.Int64

	mu    sync.Mutex            // guards cache, log and the increments of gen
	cache map[string]*cacheItem // key -> last good value
	log   changelog.Log         // recent changes, for Changed
}

type cacheItem struct {
	val       any
	fetched   time.Time // when val was fetched
	nextRetry time.Time // after a failed refresh: when to try again
}

var (
	_ principal.Store         = (*Store)(nil)
	_ principal.ChangeTracker = (*Store)(nil)
)

// New returns a Store reading IAM through client.
func New(client *iamclient.Client, optFns ...func(*Options)) *Store {
	var o Options
	for _, fn := range optFns {
		fn(&o)
	}
	if o.TTL <= 0 {
		o.TTL = time.Minute
	}
	if o.RetryInterval <= 0 {
		o.RetryInterval = o.TTL / 10
	}
	if o.MaxStale <= 0 {
		o.MaxStale = DefaultMaxStale
	}
	if o.FetchTimeout <= 0 {
		o.FetchTimeout = 30 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Store{client: client, opts: o, cache: make(map[string]*cacheItem)}
}

// Dialect returns the dialect documents are read in: the client's. A
// principal.Authorizer over the store compiles them in it (see
// principal.Options.Dialect).
func (s *Store) Dialect() policy.Dialect { return s.client.Dialect() }

// Generation implements principal.Store.
func (s *Store) Generation() uint64 {
	e := s.opts.Now().UnixNano() / int64(s.opts.TTL)
	if old := s.epoch.Load(); old != e && s.epoch.CompareAndSwap(old, e) {
		s.bump("", nil)
	}
	return s.gen.Load()
}

// Changed implements principal.ChangeTracker: a key changed when a refresh
// brought different content for it; everything changes once per TTL, so
// that what an Authorizer derived is read again (and refreshed from IAM) at
// least that often.
func (s *Store) Changed(since uint64, deps map[string]bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.Changed(since, deps)
}

// bump records a change of the value of cache key ("": everything) and
// changes the generation. s.mu must not be held.
func (s *Store) bump(key string, val any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.gen.Add(1)
	if key == "" {
		s.log.Add(g, "")
		return
	}
	s.log.Add(g, trackerKey(key, val))
}

// trackerKey returns the ChangeTracker key of the cache key of val:
// "identity ARN", "groups ARN", "policies ARN" and "policy ARN" give the
// ARN, "key AKID" the access key ID, "role ..." the ARN of the role.
func trackerKey(key string, val any) string {
	if id, ok := val.(principal.Identity); ok {
		return id.ARN.String()
	}
	_, k, _ := strings.Cut(key, " ")
	return k
}

// Invalidate drops every cached value, so that the next lookups go to IAM,
// and changes the generation.
func (s *Store) Invalidate() {
	s.mu.Lock()
	clear(s.cache)
	s.mu.Unlock()
	s.bump("", nil)
}

// Stats returns the cache counters.
func (s *Store) Stats() Stats {
	return Stats{
		Hits:         s.hits.Load(),
		Fetches:      s.fetches.Load(),
		Errors:       s.errs.Load(),
		Stale:        s.stale.Load(),
		MaxStaleness: time.Duration(s.maxStale.Load()),
	}
}

// get returns the value of key from the cache or from fetch.
func (s *Store) get(ctx context.Context, key string, fetch func(context.Context) (any, error)) (any, error) {
	now := s.opts.Now()
	s.mu.Lock()
	item := s.cache[key]
	s.mu.Unlock()
	if item != nil && (now.Sub(item.fetched) < s.opts.TTL || (now.Before(item.nextRetry) && s.servable(now, item))) {
		if now.Sub(item.fetched) >= s.opts.TTL {
			s.noteStale(now.Sub(item.fetched))
		} else {
			s.hits.Add(1)
		}
		return item.val, nil
	}
	ch := s.sf.DoChan(key, func() (any, error) {
		// A refresh that finished between the cache read above and this
		// call has already stored a fresh value: use it.
		s.mu.Lock()
		item := s.cache[key]
		s.mu.Unlock()
		if item != nil && s.opts.Now().Sub(item.fetched) < s.opts.TTL {
			s.hits.Add(1)
			return item.val, nil
		}
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.FetchTimeout)
		defer cancel()
		return s.refresh(fctx, key, fetch)
	})
	select {
	case r := <-ch:
		return r.Val, r.Err
	case <-ctx.Done():
		return nil, fmt.Errorf("iamstore: waiting for IAM: %w", ctx.Err())
	}
}

// refresh runs fetch and updates the cache, falling back to the last good
// value when fetch fails with an outage.
func (s *Store) refresh(ctx context.Context, key string, fetch func(context.Context) (any, error)) (any, error) {
	v, err := fetch(ctx)
	now := s.opts.Now()
	s.mu.Lock()
	old := s.cache[key]
	// An answer that is not an outage (not found; the store's own
	// credentials refused) drops the value, as does an outage longer than
	// MaxStale: the store fails closed.
	final := errors.Is(err, principal.ErrNotFound) || errors.Is(err, iamclient.ErrAccessDenied)
	if err != nil && !final && old != nil && !s.servable(now, old) {
		err = fmt.Errorf("iamstore: %s: no answer from IAM for %s: %w: %w", key, now.Sub(old.fetched).Round(time.Second), ErrStale, err)
		final = true
	}
	switch {
	case err == nil:
		s.cache[key] = &cacheItem{val: v, fetched: now}
	case final:
		delete(s.cache, key)
	case old != nil:
		// Items are immutable once published: readers use them unlocked.
		s.cache[key] = &cacheItem{val: old.val, fetched: old.fetched, nextRetry: now.Add(s.opts.RetryInterval)}
	}
	s.mu.Unlock()
	switch {
	case err == nil:
		s.fetches.Add(1)
		if old == nil || !reflect.DeepEqual(old.val, v) {
			s.bump(key, v)
		}
		return v, nil
	case errors.Is(err, principal.ErrNotFound):
		if old != nil {
			s.bump(key, old.val)
		}
		return nil, err
	}
	s.errs.Add(1)
	if final || old == nil {
		if old != nil {
			s.bump(key, old.val)
		}
		return nil, err
	}
	age := now.Sub(old.fetched)
	s.noteStale(age)
	s.opts.Logger.WarnContext(ctx, "iamstore: IAM unavailable, serving stale data",
		slog.String("key", key), slog.Duration("age", age), slog.Duration("retry_in", s.opts.RetryInterval), slog.Any("error", err))
	return old.val, nil
}

// servable reports whether item may still be served after a failed
// refresh: it is less than TTL+MaxStale old.
func (s *Store) servable(now time.Time, item *cacheItem) bool {
	return now.Sub(item.fetched) < s.opts.TTL+s.opts.MaxStale
}

// noteStale counts a value served stale at the given age.
func (s *Store) noteStale(age time.Duration) {
	s.stale.Add(1)
	for {
		m := s.maxStale.Load()
		if int64(age) <= m || s.maxStale.CompareAndSwap(m, int64(age)) {
			break
		}
	}
}

// notFound returns a principal.NotFoundError for kind and key.
func notFound(kind, key string) error { return &principal.NotFoundError{Kind: kind, Key: key} }

// iamError wraps an error of the client: one of kind iamclient.ErrNotFound
// (IAM's NoSuchEntity) also wraps principal.ErrNotFound.
func iamError(kind, key string, err error) error {
	if errors.Is(err, iamclient.ErrNotFound) {
		return fmt.Errorf("iamstore: %w: %w", notFound(kind, key), err)
	}
	return fmt.Errorf("iamstore: %s %q: %w", kind, key, err)
}

// Identity implements principal.Store for users and roles. The root of the
// configured account (Options.Partition and Account) resolves locally; any
// other root ARN is not found. A user or role ARN resolves to the entity of
// that name (IAM names are unique per account; the identity has IAM's ARN,
// with the entity's path), an assumed-role ARN to the role of that name. An
// ARN naming another account than the one IAM answers for is not found.
func (s *Store) Identity(ctx context.Context, a arn.ARN) (principal.Identity, error) {
	var key, name string
	switch a.Type() {
	case arn.TypeRoot:
		if s.opts.Account != "" && a.Partition == s.opts.Partition && a.Account == s.opts.Account {
			return principal.Identity{Kind: principal.KindRoot, ARN: a, ID: a.Account, Name: "root", Path: "/"}, nil
		}
		return principal.Identity{}, notFound("identity", a.String())
	case arn.TypeAssumedRole:
		role, _, ok := strings.Cut(strings.TrimPrefix(a.Resource, "assumed-role/"), "/")
		if !ok || role == "" {
			return principal.Identity{}, fmt.Errorf("iamstore: assumed-role ARN %s: %w", a, principal.ErrInvalid)
		}
		key, name = "role "+a.Partition+":"+a.Account+":"+role, role
	case arn.TypeUser, arn.TypeRole:
		key, name = "identity "+a.String(), a.Name()
	default:
		return principal.Identity{}, notFound("identity", a.String())
	}
	v, err := s.get(ctx, key, func(ctx context.Context) (any, error) {
		if a.Type() == arn.TypeUser {
			return s.fetchUser(ctx, a)
		}
		return s.fetchRole(ctx, a, name)
	})
	if err != nil {
		return principal.Identity{}, err
	}
	return v.(principal.Identity), nil
}

// entityARN checks got, the ARN IAM gave the entity asked as asked: it must
// be of type typ in the account of asked, since IAM answers for its own
// account only, whatever account the ARN asked about names.
func entityARN(asked, got arn.ARN, typ arn.ResourceType) error {
	switch {
	case !got.IsValid():
		return fmt.Errorf("iamstore: IAM gave %s no valid ARN", asked)
	case got.Type() != typ || got.Partition != asked.Partition || got.Account != asked.Account:
		return fmt.Errorf("iamstore: %w: IAM answered for %s", notFound("identity", asked.String()), got)
	}
	return nil
}

// identity fills the defaults of an identity read from IAM.
func identity(id principal.Identity) principal.Identity {
	if id.Path == "" {
		id.Path = "/"
	}
	if id.ID == "" {
		id.ID = principal.StableID(id.ARN)
	}
	return id
}

func (s *Store) fetchUser(ctx context.Context, a arn.ARN) (principal.Identity, error) {
	u, err := s.client.GetUser(ctx, a.Name())
	if err != nil {
		return principal.Identity{}, iamError("identity", a.String(), err)
	}
	if err := entityARN(a, u.ARN, arn.TypeUser); err != nil {
		return principal.Identity{}, err
	}
	return identity(principal.Identity{Kind: principal.KindUser, ARN: u.ARN, ID: u.ID, Name: a.Name(),
		Path: u.Path, Tags: u.Tags, PermissionsBoundary: u.PermissionsBoundary}), nil
}

// fetchRole reads the role name in the account of a (a role or an
// assumed-role ARN).
func (s *Store) fetchRole(ctx context.Context, a arn.ARN, name string) (principal.Identity, error) {
	r, err := s.client.GetRole(ctx, name)
	if err != nil {
		return principal.Identity{}, iamError("identity", a.String(), err)
	}
	if err := entityARN(a, r.ARN, arn.TypeRole); err != nil {
		return principal.Identity{}, err
	}
	return identity(principal.Identity{Kind: principal.KindRole, ARN: r.ARN, ID: r.ID, Name: name,
		Path: r.Path, Tags: r.Tags, PermissionsBoundary: r.PermissionsBoundary, TrustPolicy: r.TrustPolicy}), nil
}

// Session implements principal.Store: STS sessions come from
// Options.Sessions; a long-term user access key ("AKIA…") that
// Options.Sessions does not know is resolved through IAM
// (GetAccessKeyLastUsed, then GetUser), giving a session without
// expiration that stands for the key's user.
func (s *Store) Session(ctx context.Context, accessKeyID string) (principal.Session, error) {
	if s.opts.Sessions != nil {
		ses, err := s.opts.Sessions.Session(ctx, accessKeyID)
		if err == nil || !errors.Is(err, principal.ErrNotFound) {
			return ses, err
		}
	}
	if !strings.HasPrefix(accessKeyID, "AKIA") {
		return principal.Session{}, notFound("session", accessKeyID)
	}
	v, err := s.get(ctx, "key "+accessKeyID, func(ctx context.Context) (any, error) {
		name, err := s.client.AccessKeyUser(ctx, accessKeyID)
		if err != nil {
			return nil, iamError("session", accessKeyID, err)
		}
		u, err := s.client.GetUser(ctx, name)
		if err != nil {
			return nil, iamError("session", accessKeyID, err)
		}
		if !u.ARN.IsValid() {
			return nil, fmt.Errorf("iamstore: IAM gave user %q no valid ARN", name)
		}
		return principal.Session{AccessKeyID: accessKeyID, Identity: u.ARN, Name: name}, nil
	})
	if err != nil {
		return principal.Session{}, err
	}
	return v.(principal.Session), nil
}

// Groups implements principal.Store.
func (s *Store) Groups(ctx context.Context, user arn.ARN) ([]principal.Group, error) {
	if user.Type() != arn.TypeUser {
		return nil, nil
	}
	v, err := s.get(ctx, "groups "+user.String(), func(ctx context.Context) (any, error) {
		gs, err := s.client.ListGroupsForUser(ctx, user.Name())
		if err != nil {
			return nil, iamError("groups of", user.String(), err)
		}
		out := make([]principal.Group, 0, len(gs))
		for _, g := range gs {
			if !g.ARN.IsValid() {
				return nil, fmt.Errorf("iamstore: IAM gave group %q of %s no valid ARN", g.Name, user)
			}
			out = append(out, principal.Group{ARN: g.ARN, ID: g.ID, Name: g.Name, Path: g.Path})
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]principal.Group), nil
}

// Policies implements principal.Store.
func (s *Store) Policies(ctx context.Context, entity arn.ARN) ([]policy.Policy, error) {
	switch entity.Type() {
	case arn.TypeUser, arn.TypeGroup, arn.TypeRole:
	default:
		return nil, nil
	}
	v, err := s.get(ctx, "policies "+entity.String(), func(ctx context.Context) (any, error) {
		return s.fetchPolicies(ctx, entity)
	})
	if err != nil {
		return nil, err
	}
	return v.([]policy.Policy), nil
}

// entityOps are the client's per-entity-type reads of policies.
type entityOps struct {
	attached func(context.Context, string) ([]iamclient.AttachedPolicy, error)
	names    func(context.Context, string) ([]string, error)
	inline   func(context.Context, string, string) (*policy.Document, error)
}

func (s *Store) ops(t arn.ResourceType) entityOps {
	c := s.client
	switch t {
	case arn.TypeUser:
		return entityOps{c.ListAttachedUserPolicies, c.ListUserPolicies, c.GetUserPolicy}
	case arn.TypeGroup:
		return entityOps{c.ListAttachedGroupPolicies, c.ListGroupPolicies, c.GetGroupPolicy}
	}
	return entityOps{c.ListAttachedRolePolicies, c.ListRolePolicies, c.GetRolePolicy}
}

func (s *Store) fetchPolicies(ctx context.Context, entity arn.ARN) (any, error) {
	ops, name := s.ops(entity.Type()), entity.Name()
	attached, err := ops.attached(ctx, name)
	if err != nil {
		return nil, iamError("policies of", entity.String(), err)
	}
	names, err := ops.names(ctx, name)
	if err != nil {
		return nil, iamError("policies of", entity.String(), err)
	}
	out := make([]policy.Policy, 0, len(attached)+len(names))
	for _, ap := range attached {
		if !ap.ARN.IsValid() {
			return nil, fmt.Errorf("iamstore: IAM gave policy %q of %s no valid ARN", ap.Name, entity)
		}
		p, err := s.ManagedPolicy(ctx, ap.ARN)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	for _, pn := range names {
		doc, err := ops.inline(ctx, name, pn)
		if err != nil {
			return nil, iamError("inline policy", principal.InlinePolicyID(entity, pn), err)
		}
		if doc == nil {
			return nil, fmt.Errorf("iamstore: inline policy %s: empty document", principal.InlinePolicyID(entity, pn))
		}
		out = append(out, policy.Policy{ID: principal.InlinePolicyID(entity, pn), Document: doc})
	}
	return out, nil
}

// ManagedPolicy implements principal.Store: built-ins locally (in partition
// "astran" or Options.Partition only), others from IAM (the default
// version's document).
func (s *Store) ManagedPolicy(ctx context.Context, policyARN arn.ARN) (policy.Policy, error) {
	if builtin.IsBuiltin(policyARN) {
		own := ""
		if policyARN.Partition == s.opts.Partition {
			own = s.opts.Partition
		}
		bp, err := builtin.ResolvePolicy(policyARN, own)
		if err != nil {
			return policy.Policy{}, fmt.Errorf("iamstore: %w: %w", notFound("policy", policyARN.String()), err)
		}
		return bp, nil
	}
	v, err := s.get(ctx, "policy "+policyARN.String(), func(ctx context.Context) (any, error) {
		pv, err := s.client.GetPolicyDocument(ctx, policyARN)
		if err != nil {
			return nil, iamError("policy", policyARN.String(), err)
		}
		if pv.Document == nil {
			return nil, fmt.Errorf("iamstore: policy %s: empty document", policyARN)
		}
		return policy.Policy{ID: policyARN.String(), Document: pv.Document}, nil
	})
	if err != nil {
		return policy.Policy{}, err
	}
	return v.(policy.Policy), nil
}
