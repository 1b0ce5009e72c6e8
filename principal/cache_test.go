package principal_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
)

// countingStore counts the identity lookups (one per build of a caller's
// entry) of the MemoryStore it wraps; it keeps its ChangeTracker.
type countingStore struct {
	*principal.MemoryStore
	lookups atomic.Int64
}

func (s *countingStore) Identity(ctx context.Context, a arn.ARN) (principal.Identity, error) {
	s.lookups.Add(1)
	return s.MemoryStore.Identity(ctx, a)
}

// TestAuthorizer_cachePerIdentity checks that a store change rebuilds the
// callers it touches (their identity, session, groups, managed policies)
// and only those.
func TestAuthorizer_cachePerIdentity(t *testing.T) {
	mem := basicStore(t)
	s := &countingStore{MemoryStore: mem}
	authz := fixedAuthz(s)
	alice, bob := user("alice@astran.io"), user("bob@astran.io")
	authorize := func(c principal.Caller) {
		t.Helper()
		decide(t, authz, c, "s3:GetObject", "arn:demo:s3:::b/k")
	}
	authorize(alice)
	authorize(bob)
	doc := mustDoc(t, allowAll)
	readers := iamARN("group/readers")
	s3ReadAll := iamARN("policy/S3ReadAll")
	tests := []struct {
		name       string
		change     func() error
		alice, bob bool // whether alice's and bob's entries are rebuilt
	}{
		{"another user's session", func() error {
			return mem.PutSession(principal.Session{AccessKeyID: "ASIADAVE", Identity: user("dave@astran.io").ARN})
		}, false, false},
		{"another user's inline policy", func() error { return mem.PutInlinePolicy(user("dave@astran.io").ARN, "p", doc) }, false, false},
		{"an unused policy", func() error { return mem.PutPolicy(iamARN("policy/Unused"), doc) }, false, false},
		{"alice's inline policy", func() error { return mem.PutInlinePolicy(alice.ARN, "p", doc) }, true, false},
		{"a group of alice", func() error { return mem.PutInlinePolicy(readers, "p", doc) }, true, false},
		{"a policy of alice's group", func() error { return mem.PutPolicy(s3ReadAll, doc) }, true, false},
		{"bob's boundary", func() error {
			return mem.SetPermissionsBoundary(bob.ARN, iamARN("policy/boundaries/BoundaryS3Read"))
		}, false, true},
	}
	for _, tc := range tests {
		require.NoError(t, tc.change(), tc.name)
		for _, c := range []struct {
			caller principal.Caller
			want   bool
		}{{alice, tc.alice}, {bob, tc.bob}} {
			before := s.lookups.Load()
			authorize(c.caller)
			assert.Equal(t, c.want, s.lookups.Load() > before, "%s: rebuilt %s", tc.name, c.caller)
		}
	}
}

// TestAuthorizer_cacheForgottenChanges checks that a caller is rebuilt when
// the store no longer remembers every change made since its entry was
// built.
func TestAuthorizer_cacheForgottenChanges(t *testing.T) {
	mem := basicStore(t)
	s := &countingStore{MemoryStore: mem}
	authz := principal.NewAuthorizer(s)
	alice := user("alice@astran.io")
	decide(t, authz, alice, "s3:GetObject", "*")
	for i := range 5000 {
		require.NoError(t, mem.PutSession(principal.Session{AccessKeyID: fmt.Sprintf("ASIA%d", i), Identity: alice.ARN}))
	}
	before := s.lookups.Load()
	decide(t, authz, alice, "s3:GetObject", "*")
	assert.Greater(t, s.lookups.Load(), before)
}

func TestAuthorizer_cacheBound(t *testing.T) {
	s := principal.NewMemoryStore()
	doc := mustDoc(t, allowAll)
	for i := range 10 {
		ua := iamARN(fmt.Sprintf("user/u%d@astran.io", i))
		require.NoError(t, s.PutUser(principal.Identity{ARN: ua}))
		require.NoError(t, s.PutInlinePolicy(ua, "All", doc))
	}
	authz := principal.NewAuthorizer(s, func(o *principal.Options) { o.MaxCachedCallers = 3 })
	for range 3 {
		for i := range 10 {
			res := decide(t, authz, user(fmt.Sprintf("u%d@astran.io", i)), "s3:GetObject", "*")
			assert.True(t, res.Allowed())
		}
	}
}

// blockingStore blocks Identity until released, to test cancellation.
type blockingStore struct {
	*principal.MemoryStore
	started chan struct{}
	release chan struct{}
}

func (b blockingStore) Identity(ctx context.Context, a arn.ARN) (principal.Identity, error) {
	b.started <- struct{}{}
	<-b.release
	return b.MemoryStore.Identity(ctx, a)
}

func TestAuthorizer_contextCanceled(t *testing.T) {
	ms, _ := newAuthz(t)
	bs := blockingStore{MemoryStore: ms, started: make(chan struct{}, 1), release: make(chan struct{})}
	authz := principal.NewAuthorizer(bs)
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() {
		_, err := authz.Authorize(ctx, user("alice@astran.io"), "s3:GetObject", "*", policy.Context{})
		errc <- err
	}()
	<-bs.started
	cancel()
	require.ErrorIs(t, <-errc, context.Canceled)
	// The shared build goes on and serves the next caller.
	var wg sync.WaitGroup
	wg.Go(func() {
		res, err := authz.Authorize(t.Context(), user("alice@astran.io"), "s3:GetObject", "*", policy.Context{})
		assert.NoError(t, err)
		assert.True(t, res.Allowed())
	})
	close(bs.release)
	wg.Wait()
}

// TestAuthorizer_trustCachePerRole checks that a role's compiled trust
// policy survives unrelated changes and follows changes of the role.
func TestAuthorizer_trustCachePerRole(t *testing.T) {
	mem := basicStore(t)
	s := &countingStore{MemoryStore: mem}
	authz := fixedAuthz(s)
	ctx := t.Context()
	role := iamARN("role/marketing")
	prov := arn.MustParse(provider)
	assume := func() bool {
		t.Helper()
		res, err := authz.AuthorizeAssumeRole(ctx, role, prov, principal.WebIdentityContext(prov, "astran", "", map[string]string{"role": role.String()}))
		require.NoError(t, err)
		return res.Allowed()
	}
	require.True(t, assume())
	before := s.lookups.Load()
	require.NoError(t, mem.PutSession(principal.Session{AccessKeyID: "ASIAX", Identity: user("dave@astran.io").ARN}))
	require.True(t, assume())
	assert.Equal(t, before, s.lookups.Load(), "an unrelated change keeps the trust policy")

	id, err := mem.Identity(ctx, role)
	require.NoError(t, err)
	id.TrustPolicy = mustDoc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*"}]}`)
	require.NoError(t, mem.PutRole(id))
	assert.False(t, assume(), "a new trust policy is used at once")
}
