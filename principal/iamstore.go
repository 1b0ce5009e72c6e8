package principal

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
	"golang.org/x/sync/singleflight"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/policy"
)

// IAMAPI is the part of the IAM API an [IAMStore] reads. Both
// *iam.Client (aws-sdk-go-v2) and the value returned by
// (*iamclient.Client).API() implement it.
type IAMAPI interface {
	GetUser(ctx context.Context, params *iam.GetUserInput, optFns ...func(*iam.Options)) (*iam.GetUserOutput, error)
	GetRole(ctx context.Context, params *iam.GetRoleInput, optFns ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	ListGroupsForUser(ctx context.Context, params *iam.ListGroupsForUserInput, optFns ...func(*iam.Options)) (*iam.ListGroupsForUserOutput, error)
	ListAttachedUserPolicies(ctx context.Context, params *iam.ListAttachedUserPoliciesInput, optFns ...func(*iam.Options)) (*iam.ListAttachedUserPoliciesOutput, error)
	ListAttachedGroupPolicies(ctx context.Context, params *iam.ListAttachedGroupPoliciesInput, optFns ...func(*iam.Options)) (*iam.ListAttachedGroupPoliciesOutput, error)
	ListAttachedRolePolicies(ctx context.Context, params *iam.ListAttachedRolePoliciesInput, optFns ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
	ListUserPolicies(ctx context.Context, params *iam.ListUserPoliciesInput, optFns ...func(*iam.Options)) (*iam.ListUserPoliciesOutput, error)
	ListGroupPolicies(ctx context.Context, params *iam.ListGroupPoliciesInput, optFns ...func(*iam.Options)) (*iam.ListGroupPoliciesOutput, error)
	ListRolePolicies(ctx context.Context, params *iam.ListRolePoliciesInput, optFns ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error)
	GetPolicy(ctx context.Context, params *iam.GetPolicyInput, optFns ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	GetPolicyVersion(ctx context.Context, params *iam.GetPolicyVersionInput, optFns ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
}

// IAMInlinePolicyAPI reads inline policy documents. An [IAMAPI] that also
// implements it (as *iam.Client does) lets an [IAMStore] serve inline
// policies; otherwise an entity that has inline policies fails to resolve,
// rather than being authorized without them.
type IAMInlinePolicyAPI interface {
	GetUserPolicy(ctx context.Context, params *iam.GetUserPolicyInput, optFns ...func(*iam.Options)) (*iam.GetUserPolicyOutput, error)
	GetGroupPolicy(ctx context.Context, params *iam.GetGroupPolicyInput, optFns ...func(*iam.Options)) (*iam.GetGroupPolicyOutput, error)
	GetRolePolicy(ctx context.Context, params *iam.GetRolePolicyInput, optFns ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
}

// SessionSource resolves STS access key IDs to sessions. IAM does not know
// STS sessions, so an [IAMStore] asks its Options.Sessions (a [MemoryStore]
// fed by the login flow, for example).
type SessionSource interface {
	Session(ctx context.Context, accessKeyID string) (Session, error)
}

// IAMStoreOptions configures an [IAMStore].
type IAMStoreOptions struct {
	// TTL is how long a fetched value is served before it is fetched again.
	// Zero or negative means one minute.
	TTL time.Duration
	// RetryInterval is how long the store keeps serving stale data after a
	// failed refresh before it tries IAM again. Zero or negative means TTL/10.
	RetryInterval time.Duration
	// FetchTimeout bounds one refresh (all the IAM calls for one key). It is
	// independent of the callers' contexts: a caller that gives up does not
	// cancel a refresh others wait for. Zero or negative means 30 seconds.
	FetchTimeout time.Duration
	// Now returns the current time. Nil means time.Now.
	Now func() time.Time
	// Logger receives a warning each time stale data is served because IAM
	// failed. Nil means slog.Default().
	Logger *slog.Logger
	// Sessions resolves STS access key IDs. Nil means no STS sessions (see
	// [IAMStore.Session] for long-term keys).
	Sessions SessionSource
	// Partition and Account name the account whose IAM the store reads.
	// Only that account's root resolves (arn:{Partition}:iam::{Account}:root);
	// built-in policies are accepted in partition "astran" and in
	// Partition. Empty means no root resolves.
	Partition, Account string
	// MaxStale bounds how long a value is served past its TTL while IAM
	// fails; past it the store fails closed with [ErrStale]. Zero or
	// negative means 15 minutes.
	MaxStale time.Duration
}

// DefaultMaxStale is the default of IAMStoreOptions.MaxStale.
const DefaultMaxStale = 15 * time.Minute

// IAMStoreStats are counters of an [IAMStore]'s cache, for metrics.
type IAMStoreStats struct {
	Hits    uint64 // lookups served from fresh cache
	Fetches uint64 // refreshes that succeeded
	Errors  uint64 // refreshes that failed
	// Stale counts lookups served from expired cache because IAM failed.
	Stale uint64
	// MaxStaleness is the age of the oldest value served stale since the
	// store was created.
	MaxStaleness time.Duration
}

// IAMStore is a [Store] that reads users, groups, roles and policies from
// live IAM through a cache:
//
//   - each value (an identity, a user's groups, an entity's policies, a
//     managed policy) is fetched on first use and kept for TTL;
//   - concurrent lookups of the same key share one refresh (singleflight);
//   - when a refresh fails (IAM unreachable, throttled...) and an earlier
//     value exists, that value keeps being served: each failed refresh logs
//     a slog warning with the key, the value's age and the error, and every
//     stale lookup is counted in [IAMStore.Stats] (Stale, MaxStaleness); a
//     refresh is retried after RetryInterval;
//   - a value is never served more than MaxStale past its TTL (15 minutes
//     by default): then the store fails closed, with an error wrapping
//     [ErrStale], so a permission revoked during a long outage does not
//     stay granted;
//   - answers are not outages: NoSuchEntity drops the value and returns
//     ErrNotFound, and IAM refusing the store's own credentials
//     (AccessDenied, ExpiredToken, InvalidClientTokenId, ...) drops it and
//     returns the error, never stale data.
//
// Built-in policies are answered locally. [IAMStore.Generation] changes when
// a refresh brings different content and at least once per TTL, so an
// [Authorizer] picks up changes made in IAM within about two TTLs.
//
// An IAMStore is safe for concurrent use.
type IAMStore struct {
	api      IAMAPI
	inline   IAMInlinePolicyAPI // nil when api cannot read inline policies
	keys     IAMAccessKeyAPI    // nil when api cannot look up access keys
	opts     IAMStoreOptions
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
	log   changeLog             // recent changes, for Changed
}

var _ ChangeTracker = (*IAMStore)(nil)

// Changed implements [ChangeTracker]: a key changed when a refresh brought
// different content for it; everything changes once per TTL, so that what
// an [Authorizer] derived is read again (and refreshed from IAM) at least
// that often.
func (s *IAMStore) Changed(since uint64, deps map[string]bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.changed(since, deps)
}

// bump records a change of the value of cache key (nil: everything) and
// changes the generation. s.mu must not be held.
func (s *IAMStore) bump(key string, val any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.gen.Add(1)
	if key == "" {
		s.log.add(g, "")
		return
	}
	s.log.add(g, trackerKey(key, val))
}

// trackerKey returns the ChangeTracker key of the cache key of val:
// "identity ARN", "groups ARN", "policies ARN" and "policy ARN" give the
// ARN, "key AKID" the access key ID, "role ..." the ARN of the role.
func trackerKey(key string, val any) string {
	if id, ok := val.(Identity); ok {
		return id.ARN.String()
	}
	_, k, _ := strings.Cut(key, " ")
	return k
}

type cacheItem struct {
	val       any
	fetched   time.Time // when val was fetched
	nextRetry time.Time // after a failed refresh: when to try again
}

var _ Store = (*IAMStore)(nil)

// NewIAMStore returns an IAMStore reading IAM through api, for example
// iamclient.New(cfg).API() or iam.NewFromConfig(cfg).
func NewIAMStore(api IAMAPI, optFns ...func(*IAMStoreOptions)) *IAMStore {
	var o IAMStoreOptions
	for _, fn := range optFns {
		fn(&o)
	}
	if o.TTL <= 0 {
		o.TTL = time.Minute
	}
	if o.RetryInterval <= 0 {
		o.RetryInterval = o.TTL / 10
	}
	if o.FetchTimeout <= 0 {
		o.FetchTimeout = 30 * time.Second
	}
	if o.MaxStale <= 0 {
		o.MaxStale = DefaultMaxStale
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	s := &IAMStore{api: api, opts: o, cache: make(map[string]*cacheItem)}
	s.inline, _ = api.(IAMInlinePolicyAPI)
	s.keys, _ = api.(IAMAccessKeyAPI)
	return s
}

// Generation implements [Store].
func (s *IAMStore) Generation() uint64 {
	e := s.opts.Now().UnixNano() / int64(s.opts.TTL)
	if old := s.epoch.Load(); old != e && s.epoch.CompareAndSwap(old, e) {
		s.bump("", nil)
	}
	return s.gen.Load()
}

// Invalidate drops every cached value, so that the next lookups go to IAM,
// and changes the generation.
func (s *IAMStore) Invalidate() {
	s.mu.Lock()
	clear(s.cache)
	s.mu.Unlock()
	s.bump("", nil)
}

// Stats returns the cache counters.
func (s *IAMStore) Stats() IAMStoreStats {
	return IAMStoreStats{
		Hits:         s.hits.Load(),
		Fetches:      s.fetches.Load(),
		Errors:       s.errs.Load(),
		Stale:        s.stale.Load(),
		MaxStaleness: time.Duration(s.maxStale.Load()),
	}
}

// get returns the value of key from the cache or from fetch.
func (s *IAMStore) get(ctx context.Context, key string, fetch func(context.Context) (any, error)) (any, error) {
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
		return nil, fmt.Errorf("principal: waiting for IAM: %w", ctx.Err())
	}
}

// refresh runs fetch and updates the cache, falling back to the last good
// value when fetch fails.
func (s *IAMStore) refresh(ctx context.Context, key string, fetch func(context.Context) (any, error)) (any, error) {
	v, err := fetch(ctx)
	now := s.opts.Now()
	s.mu.Lock()
	old := s.cache[key]
	// An answer that is not an outage (not found; the store's own
	// credentials refused) drops the value, as does an outage longer than
	// MaxStale: the store fails closed.
	final := errors.Is(err, ErrNotFound) || isAuthFailure(err)
	if err != nil && !final && old != nil && !s.servable(now, old) {
		err = fmt.Errorf("principal: %s: no answer from IAM for %s: %w: %w", key, now.Sub(old.fetched).Round(time.Second), ErrStale, err)
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
	case errors.Is(err, ErrNotFound):
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
	s.opts.Logger.WarnContext(ctx, "principal: IAM unavailable, serving stale data",
		slog.String("key", key), slog.Duration("age", age), slog.Duration("retry_in", s.opts.RetryInterval), slog.Any("error", err))
	return old.val, nil
}

// servable reports whether item may still be served after a failed
// refresh: it is less than TTL+MaxStale old.
func (s *IAMStore) servable(now time.Time, item *cacheItem) bool {
	return now.Sub(item.fetched) < s.opts.TTL+s.opts.MaxStale
}

// authFailureCodes are the IAM error codes that refuse the store's own
// credentials: an answer, not an outage.
var authFailureCodes = map[string]bool{
	"AccessDenied": true, "AccessDeniedException": true, "NotAuthorized": true,
	"ExpiredToken": true, "ExpiredTokenException": true, "InvalidClientTokenId": true,
	"InvalidAccessKeyId": true, "SignatureDoesNotMatch": true, "UnrecognizedClientException": true,
}

// isAuthFailure reports whether err is IAM refusing the store's credentials.
func isAuthFailure(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && authFailureCodes[apiErr.ErrorCode()]
}

// noteStale counts a value served stale at the given age.
func (s *IAMStore) noteStale(age time.Duration) {
	s.stale.Add(1)
	for {
		m := s.maxStale.Load()
		if int64(age) <= m || s.maxStale.CompareAndSwap(m, int64(age)) {
			break
		}
	}
}

// iamError classifies an IAM error: NoSuchEntity becomes ErrNotFound.
func iamError(op, name string, err error) error {
	var apiErr smithy.APIError
	var nse *types.NoSuchEntityException
	if errors.As(err, &nse) || (errors.As(err, &apiErr) && apiErr.ErrorCode() == "NoSuchEntity") {
		return fmt.Errorf("principal: IAM %s %q: %w: %w", op, name, ErrNotFound, err)
	}
	return fmt.Errorf("principal: IAM %s %q: %w", op, name, err)
}

// Identity implements [Store] for users and roles. The root of the
// configured account (IAMStoreOptions.Partition and Account) resolves
// locally; any other root ARN is not found. A user or role ARN resolves to
// the entity of that name (IAM names are unique per account; the identity
// has IAM's ARN, with the entity's path), an assumed-role ARN to the role
// of that name. An ARN naming another account than the one IAM answers for
// is not found.
func (s *IAMStore) Identity(ctx context.Context, a arn.ARN) (Identity, error) {
	switch a.Type() {
	case arn.TypeRoot:
		if s.opts.Account != "" && a.Partition == s.opts.Partition && a.Account == s.opts.Account {
			return rootIdentity(a), nil
		}
		return Identity{}, notFound("identity", a.String())
	case arn.TypeAssumedRole:
		name, _, err := assumedRoleName(a)
		if err != nil {
			return Identity{}, err
		}
		v, err := s.get(ctx, "role "+a.Partition+":"+a.Account+":"+name, func(ctx context.Context) (any, error) {
			return s.fetchRole(ctx, a, name)
		})
		if err != nil {
			return Identity{}, err
		}
		return v.(Identity), nil
	case arn.TypeUser, arn.TypeRole:
	default:
		return Identity{}, notFound("identity", a.String())
	}
	v, err := s.get(ctx, "identity "+a.String(), func(ctx context.Context) (any, error) {
		if a.Type() == arn.TypeUser {
			return s.fetchUser(ctx, a)
		}
		return s.fetchRole(ctx, a, a.Name())
	})
	if err != nil {
		return Identity{}, err
	}
	return v.(Identity), nil
}

func tagMap(tags []types.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

func boundaryARN(b *types.AttachedPermissionsBoundary) (arn.ARN, error) {
	if b == nil || aws.ToString(b.PermissionsBoundaryArn) == "" {
		return arn.ARN{}, nil
	}
	return arn.Parse(aws.ToString(b.PermissionsBoundaryArn))
}

// entityARN returns the ARN IAM gave the entity, which has its path. It
// must be an ARN of type typ in the account of asked: IAM answers for its
// own account only, whatever account the ARN asked about names.
func entityARN(asked arn.ARN, typ arn.ResourceType, got *string) (arn.ARN, error) {
	a, err := arn.Parse(aws.ToString(got))
	switch {
	case err != nil:
		return arn.ARN{}, fmt.Errorf("principal: IAM ARN of %s: %w", asked, err)
	case a.Type() != typ || a.Partition != asked.Partition || a.Account != asked.Account:
		return arn.ARN{}, fmt.Errorf("%w: IAM answered for %s", notFound("identity", asked.String()), a)
	}
	return a, nil
}

func (s *IAMStore) fetchUser(ctx context.Context, a arn.ARN) (Identity, error) {
	out, err := s.api.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(a.Name())})
	if err != nil {
		return Identity{}, iamError("GetUser", a.Name(), err)
	}
	if out.User == nil {
		return Identity{}, fmt.Errorf("principal: IAM GetUser %q: empty answer", a.Name())
	}
	u := out.User
	ua, err := entityARN(a, arn.TypeUser, u.Arn)
	if err != nil {
		return Identity{}, err
	}
	pb, err := boundaryARN(u.PermissionsBoundary)
	if err != nil {
		return Identity{}, fmt.Errorf("principal: IAM GetUser %q: permissions boundary: %w", a.Name(), err)
	}
	id := Identity{Kind: KindUser, ARN: ua, ID: aws.ToString(u.UserId), Name: a.Name(),
		Path: aws.ToString(u.Path), Tags: tagMap(u.Tags), PermissionsBoundary: pb}
	return normalizeIdentity(id, KindUser, arn.TypeUser)
}

// fetchRole reads the role name in the account of a (a role or an
// assumed-role ARN).
func (s *IAMStore) fetchRole(ctx context.Context, a arn.ARN, name string) (Identity, error) {
	out, err := s.api.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
	if err != nil {
		return Identity{}, iamError("GetRole", name, err)
	}
	if out.Role == nil {
		return Identity{}, fmt.Errorf("principal: IAM GetRole %q: empty answer", name)
	}
	r := out.Role
	ra, err := entityARN(a, arn.TypeRole, r.Arn)
	if err != nil {
		return Identity{}, err
	}
	pb, err := boundaryARN(r.PermissionsBoundary)
	if err != nil {
		return Identity{}, fmt.Errorf("principal: IAM GetRole %q: permissions boundary: %w", name, err)
	}
	id := Identity{Kind: KindRole, ARN: ra, ID: aws.ToString(r.RoleId), Name: name,
		Path: aws.ToString(r.Path), Tags: tagMap(r.Tags), PermissionsBoundary: pb}
	if doc := aws.ToString(r.AssumeRolePolicyDocument); doc != "" {
		if id.TrustPolicy, err = decodeDocument(doc); err != nil {
			return Identity{}, fmt.Errorf("principal: IAM GetRole %q: trust policy: %w", name, err)
		}
	}
	return normalizeIdentity(id, KindRole, arn.TypeRole)
}

// decodeDocument parses a policy document as IAM returns it: URL-encoded
// JSON (RFC 3986; a form-encoded "+" for a space is accepted too), or
// plain JSON.
func decodeDocument(s string) (*policy.Document, error) {
	if strings.HasPrefix(strings.TrimSpace(s), "{") {
		return policy.Parse([]byte(s))
	}
	u, err := url.PathUnescape(s)
	if err != nil {
		return nil, fmt.Errorf("URL-decoding document: %w", err)
	}
	doc, err := policy.Parse([]byte(u))
	if err != nil && strings.Contains(s, "+") {
		if q, qerr := url.QueryUnescape(s); qerr == nil {
			if d, perr := policy.Parse([]byte(q)); perr == nil {
				return d, nil
			}
		}
	}
	return doc, err
}

// IAMAccessKeyAPI finds the user of a long-term access key. An [IAMAPI]
// that also implements it (as *iam.Client does) lets an [IAMStore] resolve
// "AKIA…" access key IDs to their users.
type IAMAccessKeyAPI interface {
	GetAccessKeyLastUsed(ctx context.Context, params *iam.GetAccessKeyLastUsedInput, optFns ...func(*iam.Options)) (*iam.GetAccessKeyLastUsedOutput, error)
}

// Session implements [Store]: STS sessions come from Options.Sessions; a
// long-term user access key ("AKIA…") that Options.Sessions does not know
// is resolved through IAM (GetAccessKeyLastUsed, then GetUser) when the API
// implements [IAMAccessKeyAPI], giving a session without expiration that
// stands for the key's user.
func (s *IAMStore) Session(ctx context.Context, accessKeyID string) (Session, error) {
	if s.opts.Sessions != nil {
		ses, err := s.opts.Sessions.Session(ctx, accessKeyID)
		if err == nil || !errors.Is(err, ErrNotFound) {
			return ses, err
		}
	}
	if s.keys == nil || !strings.HasPrefix(accessKeyID, "AKIA") {
		return Session{}, notFound("session", accessKeyID)
	}
	v, err := s.get(ctx, "key "+accessKeyID, func(ctx context.Context) (any, error) {
		out, err := s.keys.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(accessKeyID)})
		if err != nil {
			return nil, iamError("GetAccessKeyLastUsed", accessKeyID, err)
		}
		name := aws.ToString(out.UserName)
		if name == "" {
			return nil, notFound("session", accessKeyID)
		}
		u, err := s.api.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(name)})
		if err != nil {
			return nil, iamError("GetUser", name, err)
		}
		if u.User == nil {
			return nil, fmt.Errorf("principal: IAM GetUser %q: empty answer", name)
		}
		ua, err := arn.Parse(aws.ToString(u.User.Arn))
		if err != nil {
			return nil, fmt.Errorf("principal: IAM GetUser %q: %w", name, err)
		}
		return Session{AccessKeyID: accessKeyID, Identity: ua, Name: name}, nil
	})
	if err != nil {
		return Session{}, err
	}
	return v.(Session), nil
}

// Groups implements [Store].
func (s *IAMStore) Groups(ctx context.Context, user arn.ARN) ([]Group, error) {
	if user.Type() != arn.TypeUser {
		return nil, nil
	}
	v, err := s.get(ctx, "groups "+user.String(), func(ctx context.Context) (any, error) {
		var out []Group
		var marker *string
		for {
			page, err := s.api.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String(user.Name()), Marker: marker})
			if err != nil {
				return nil, iamError("ListGroupsForUser", user.Name(), err)
			}
			for _, g := range page.Groups {
				ga, err := arn.Parse(aws.ToString(g.Arn))
				if err != nil {
					return nil, fmt.Errorf("principal: IAM ListGroupsForUser %q: %w", user.Name(), err)
				}
				out = append(out, Group{ARN: ga, ID: aws.ToString(g.GroupId), Name: aws.ToString(g.GroupName), Path: aws.ToString(g.Path)})
			}
			if !page.IsTruncated || page.Marker == nil {
				return out, nil
			}
			marker = page.Marker
		}
	})
	if err != nil {
		return nil, err
	}
	return v.([]Group), nil
}

// Policies implements [Store].
func (s *IAMStore) Policies(ctx context.Context, entity arn.ARN) ([]policy.Policy, error) {
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

func (s *IAMStore) fetchPolicies(ctx context.Context, entity arn.ARN) (any, error) {
	name := aws.String(entity.Name())
	attached, err := allPages(func(marker *string) (page []types.AttachedPolicy, truncated bool, next *string, err error) {
		switch entity.Type() {
		case arn.TypeUser:
			var out *iam.ListAttachedUserPoliciesOutput
			if out, err = s.api.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: name, Marker: marker}); err == nil {
				page, truncated, next = out.AttachedPolicies, out.IsTruncated, out.Marker
			}
		case arn.TypeGroup:
			var out *iam.ListAttachedGroupPoliciesOutput
			if out, err = s.api.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: name, Marker: marker}); err == nil {
				page, truncated, next = out.AttachedPolicies, out.IsTruncated, out.Marker
			}
		default:
			var out *iam.ListAttachedRolePoliciesOutput
			if out, err = s.api.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: name, Marker: marker}); err == nil {
				page, truncated, next = out.AttachedPolicies, out.IsTruncated, out.Marker
			}
		}
		return page, truncated, next, err
	})
	if err != nil {
		return nil, iamError("ListAttachedPolicies", entity.Name(), err)
	}
	inlineNames, err := allPages(func(marker *string) (page []string, truncated bool, next *string, err error) {
		switch entity.Type() {
		case arn.TypeUser:
			var out *iam.ListUserPoliciesOutput
			if out, err = s.api.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: name, Marker: marker}); err == nil {
				page, truncated, next = out.PolicyNames, out.IsTruncated, out.Marker
			}
		case arn.TypeGroup:
			var out *iam.ListGroupPoliciesOutput
			if out, err = s.api.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: name, Marker: marker}); err == nil {
				page, truncated, next = out.PolicyNames, out.IsTruncated, out.Marker
			}
		default:
			var out *iam.ListRolePoliciesOutput
			if out, err = s.api.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: name, Marker: marker}); err == nil {
				page, truncated, next = out.PolicyNames, out.IsTruncated, out.Marker
			}
		}
		return page, truncated, next, err
	})
	if err != nil {
		return nil, iamError("ListInlinePolicies", entity.Name(), err)
	}
	out := make([]policy.Policy, 0, len(attached)+len(inlineNames))
	for _, ap := range attached {
		pa, err := arn.Parse(aws.ToString(ap.PolicyArn))
		if err != nil {
			return nil, fmt.Errorf("principal: IAM policies of %s: %w", entity, err)
		}
		p, err := s.ManagedPolicy(ctx, pa)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	for _, pn := range inlineNames {
		doc, err := s.fetchInline(ctx, entity, pn)
		if err != nil {
			return nil, err
		}
		out = append(out, policy.Policy{ID: InlinePolicyID(entity, pn), Document: doc})
	}
	return out, nil
}

// allPages calls list with a nil marker, then with each next marker while
// the answer is truncated, and returns the pages joined.
func allPages[T any](list func(marker *string) (page []T, truncated bool, next *string, err error)) ([]T, error) {
	var all []T
	var marker *string
	for {
		page, truncated, next, err := list(marker)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if !truncated || next == nil {
			return all, nil
		}
		marker = next
	}
}

// errNoInlineAPI reports an IAMAPI that cannot read inline policies.
var errNoInlineAPI = errors.New("the IAM client cannot read inline policies (no GetUserPolicy/GetGroupPolicy/GetRolePolicy)")

func (s *IAMStore) fetchInline(ctx context.Context, entity arn.ARN, pn string) (*policy.Document, error) {
	if s.inline == nil {
		return nil, fmt.Errorf("principal: inline policy %q of %s: %w", pn, entity, errNoInlineAPI)
	}
	name, pname := aws.String(entity.Name()), aws.String(pn)
	var doc string
	var err error
	switch entity.Type() {
	case arn.TypeUser:
		var out *iam.GetUserPolicyOutput
		if out, err = s.inline.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: name, PolicyName: pname}); err == nil {
			doc = aws.ToString(out.PolicyDocument)
		}
	case arn.TypeGroup:
		var out *iam.GetGroupPolicyOutput
		if out, err = s.inline.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: name, PolicyName: pname}); err == nil {
			doc = aws.ToString(out.PolicyDocument)
		}
	default:
		var out *iam.GetRolePolicyOutput
		if out, err = s.inline.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: name, PolicyName: pname}); err == nil {
			doc = aws.ToString(out.PolicyDocument)
		}
	}
	if err != nil {
		return nil, iamError("GetInlinePolicy", entity.Name()+"/"+pn, err)
	}
	d, err := decodeDocument(doc)
	if err != nil {
		return nil, fmt.Errorf("principal: inline policy %q of %s: %w", pn, entity, err)
	}
	return d, nil
}

// ManagedPolicy implements [Store]: built-ins locally, others from IAM
// (GetPolicy for the default version, then GetPolicyVersion).
func (s *IAMStore) ManagedPolicy(ctx context.Context, policyARN arn.ARN) (policy.Policy, error) {
	if builtin.IsBuiltin(policyARN) {
		return builtinPolicy(policyARN, func(p string) bool { return p != "" && p == s.opts.Partition })
	}
	v, err := s.get(ctx, "policy "+policyARN.String(), func(ctx context.Context) (any, error) {
		pa := aws.String(policyARN.String())
		gp, err := s.api.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: pa})
		if err != nil {
			return nil, iamError("GetPolicy", policyARN.String(), err)
		}
		if gp.Policy == nil || aws.ToString(gp.Policy.DefaultVersionId) == "" {
			return nil, fmt.Errorf("principal: IAM GetPolicy %q: no default version", policyARN)
		}
		pv, err := s.api.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: pa, VersionId: gp.Policy.DefaultVersionId})
		if err != nil {
			return nil, iamError("GetPolicyVersion", policyARN.String(), err)
		}
		if pv.PolicyVersion == nil {
			return nil, fmt.Errorf("principal: IAM GetPolicyVersion %q: empty answer", policyARN)
		}
		doc, err := decodeDocument(aws.ToString(pv.PolicyVersion.Document))
		if err != nil {
			return nil, fmt.Errorf("principal: policy %s: %w", policyARN, err)
		}
		return policy.Policy{ID: policyARN.String(), Document: doc}, nil
	})
	if err != nil {
		return policy.Policy{}, err
	}
	return v.(policy.Policy), nil
}
