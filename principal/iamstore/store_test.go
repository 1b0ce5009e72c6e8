package iamstore_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
	"github.com/astran-oss/astran-go/principal/iamstore"
)

func TestStore_resolves(t *testing.T) {
	f, c, s := seeded(nil)
	ctx := t.Context()

	id, err := s.Identity(ctx, user("alice@astran.io").ARN)
	require.NoError(t, err)
	assert.Equal(t, principal.KindUser, id.Kind)
	assert.Equal(t, "AIDAALICE", id.ID)
	assert.Equal(t, "alice@astran.io", id.Name)
	assert.Equal(t, map[string]string{"team": "blue"}, id.Tags)

	groups, err := s.Groups(ctx, id.ARN)
	require.NoError(t, err)
	require.Len(t, groups, 2, "both pages")
	assert.Equal(t, "no-delete", groups[1].Name)

	pols, err := s.Policies(ctx, arn.MustParse(acctARN+"group/readers"))
	require.NoError(t, err)
	require.Len(t, pols, 2)
	assert.Equal(t, "arn:astran:iam::astran:policy/AstranS3ReadOnlyAccess", pols[0].ID)
	assert.Equal(t, "group/readers/inline/NoBuckets", pols[1].ID)
	assert.Equal(t, "NoBuckets", pols[1].Document.Statements[0].Sid)

	role, err := s.Identity(ctx, arn.MustParse(acctARN+"role/ci"))
	require.NoError(t, err)
	assert.Equal(t, principal.KindRole, role.Kind)
	require.NotNil(t, role.TrustPolicy)
	assert.Equal(t, acctARN+"policy/DenyDelete", role.PermissionsBoundary.String())

	f.mu.Lock()
	f.users["pat@astran.io"] = types.User{Arn: aws.String(acctARN + "user/ops/pat@astran.io"), UserName: aws.String("pat@astran.io"), Path: aws.String("/ops/")}
	f.mu.Unlock()
	pat, err := s.Identity(ctx, user("pat@astran.io").ARN)
	require.NoError(t, err)
	assert.Equal(t, acctARN+"user/ops/pat@astran.io", pat.ARN.String(), "IAM's ARN, with the path")
	assert.Equal(t, "/ops/", pat.Path)

	_, err = s.Identity(ctx, user("nobody@astran.io").ARN)
	require.ErrorIs(t, err, principal.ErrNotFound)
	_, err = s.ManagedPolicy(ctx, arn.MustParse(acctARN+"policy/Nope"))
	require.ErrorIs(t, err, principal.ErrNotFound)
	_, err = s.Session(ctx, "ASIAX")
	require.ErrorIs(t, err, principal.ErrNotFound)

	authz := authorizerAt(s, c)
	alice := user("alice@astran.io")
	res, err := authz.Authorize(ctx, alice, "s3:DeleteObject", "arn:demo:s3:::b/k", policy.Context{})
	require.NoError(t, err)
	assert.Equal(t, policy.ExplicitDeny, res.Decision, "group deny beats the user's allow")
	res, err = authz.Authorize(ctx, alice, "iam:ListUsers", "*", policy.Context{})
	require.NoError(t, err)
	assert.True(t, res.Allowed())
	res, err = authz.AuthorizeAssumeRole(ctx, role.ARN, arn.MustParse(provider), policy.Context{})
	require.NoError(t, err)
	assert.True(t, res.Allowed())
}

func TestStore_sessionsFromSource(t *testing.T) {
	f := newFakeIAM()
	f.seed()
	sessions := principal.NewMemoryStore()
	require.NoError(t, sessions.PutSession(principal.Session{AccessKeyID: "ASIAA", Identity: user("alice@astran.io").ARN}))
	s := iamstore.New(clientFor(f), func(o *iamstore.Options) { o.Sessions = sessions })
	authz := principal.NewAuthorizer(s)
	res, err := authz.Authorize(t.Context(), key("ASIAA"), "iam:ListUsers", "*", policy.Context{})
	require.NoError(t, err)
	assert.True(t, res.Allowed())
}

func TestStore_ttl(t *testing.T) {
	f, c, s := seeded(nil)
	ctx := t.Context()
	ua := user("alice@astran.io").ARN
	for range 3 {
		_, err := s.Identity(ctx, ua)
		require.NoError(t, err)
	}
	assert.Equal(t, 1, f.count("GetUser"))
	assert.Equal(t, uint64(2), s.Stats().Hits)
	c.Advance(59 * time.Second)
	_, _ = s.Identity(ctx, ua)
	assert.Equal(t, 1, f.count("GetUser"), "still fresh")
	c.Advance(time.Second)
	_, _ = s.Identity(ctx, ua)
	assert.Equal(t, 2, f.count("GetUser"), "refetched after TTL")
	s.Invalidate()
	_, _ = s.Identity(ctx, ua)
	assert.Equal(t, 3, f.count("GetUser"), "refetched after Invalidate")
}

func TestStore_generation(t *testing.T) {
	f, c, s := seeded(nil)
	ctx := t.Context()
	ua := user("alice@astran.io").ARN
	g0 := s.Generation()
	_, _ = s.Identity(ctx, ua)
	g1 := s.Generation()
	assert.NotEqual(t, g0, g1, "new content")
	assert.Equal(t, g1, s.Generation(), "stable without changes")
	c.Advance(time.Minute)
	g2 := s.Generation()
	assert.NotEqual(t, g1, g2, "changes at least once per TTL")
	_, _ = s.Identity(ctx, ua)
	assert.Equal(t, g2, s.Generation(), "a refresh with the same content keeps the generation")
	c.Advance(time.Minute)
	f.mu.Lock()
	u := f.users["alice@astran.io"]
	u.Tags = nil
	f.users["alice@astran.io"] = u
	f.mu.Unlock()
	g3 := s.Generation()
	_, _ = s.Identity(ctx, ua)
	assert.NotEqual(t, g3, s.Generation(), "a refresh with new content changes the generation")
}

func TestStore_singleflight(t *testing.T) {
	f, _, s := seeded(nil)
	f.block = make(chan struct{})
	f.started = make(chan struct{}, 1)
	ua := user("alice@astran.io").ARN
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			_, err := s.Identity(t.Context(), ua)
			errs <- err
		})
	}
	<-f.started // one fetch is in flight, blocked
	// A caller that gives up does not cancel the shared fetch.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := s.Identity(ctx, ua)
	require.ErrorIs(t, err, context.Canceled)
	close(f.block)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 1, f.count("GetUser"), "one fetch for concurrent lookups of one key")
}

func TestStore_staleOnOutage(t *testing.T) {
	var logs bytes.Buffer
	f, c, s := seeded(&logs)
	authz := authorizerAt(s, c)
	ctx := t.Context()
	alice := user("alice@astran.io")
	check := func(msg string) {
		t.Helper()
		res, err := authz.Authorize(ctx, alice, "s3:GetObject", "arn:demo:s3:::b/k", policy.Context{})
		require.NoError(t, err, msg)
		assert.True(t, res.Allowed(), msg)
		res, err = authz.Authorize(ctx, alice, "s3:DeleteObject", "arn:demo:s3:::b/k", policy.Context{})
		require.NoError(t, err, msg)
		assert.Equal(t, policy.ExplicitDeny, res.Decision, msg)
	}
	check("IAM up")
	calls := f.count("GetUser")

	f.fail.Store(true)
	c.Advance(5 * time.Minute)
	check("IAM down: stale data served")
	st := s.Stats()
	assert.Positive(t, st.Stale)
	assert.Positive(t, st.Errors)
	assert.Equal(t, 5*time.Minute, st.MaxStaleness)
	assert.Contains(t, logs.String(), "serving stale data")
	assert.Contains(t, logs.String(), "age=5m0s")
	assert.Contains(t, logs.String(), "connection refused")
	assert.Equal(t, calls+1, f.count("GetUser"), "one failed refresh")

	c.Advance(5 * time.Second)
	_, err := s.Identity(ctx, alice.ARN)
	require.NoError(t, err, "within the retry interval: stale, no new attempt")
	assert.Equal(t, calls+1, f.count("GetUser"))

	c.Advance(10 * time.Second)
	id, err := s.Identity(ctx, alice.ARN)
	require.NoError(t, err, "after the retry interval: a new attempt, still stale")
	assert.Equal(t, "AIDAALICE", id.ID)
	assert.Equal(t, calls+2, f.count("GetUser"))
	assert.Equal(t, 5*time.Minute+15*time.Second, s.Stats().MaxStaleness)
	check("still served")

	// Without an earlier value, an outage is an error (and a deny).
	_, err = s.Identity(ctx, arn.MustParse(acctARN+"role/ci"))
	require.ErrorIs(t, err, errOutage)
	res, err := authz.Authorize(ctx, user("bob@astran.io"), "s3:GetObject", "*", policy.Context{})
	require.ErrorIs(t, err, errOutage)
	assert.False(t, res.Allowed())

	f.fail.Store(false)
	c.Advance(time.Minute)
	check("IAM back")
	errsBefore := s.Stats().Errors
	check("IAM back, cached")
	assert.Equal(t, errsBefore, s.Stats().Errors)
}

func TestStore_deletedUser(t *testing.T) {
	f, c, s := seeded(nil)
	authz := authorizerAt(s, c)
	ctx := t.Context()
	alice := user("alice@astran.io")
	res, err := authz.Authorize(ctx, alice, "s3:GetObject", "*", policy.Context{})
	require.NoError(t, err)
	require.True(t, res.Allowed())
	f.mu.Lock()
	delete(f.users, "alice@astran.io")
	f.mu.Unlock()
	c.Advance(2 * time.Minute)
	res, err = authz.Authorize(ctx, alice, "s3:GetObject", "*", policy.Context{})
	require.ErrorIs(t, err, principal.ErrNotFound, "a deleted user is not served stale")
	assert.False(t, res.Allowed())
}

func TestStore_race(t *testing.T) {
	f, c, s := seeded(&bytes.Buffer{})
	authz := authorizerAt(s, c)
	var warm policy.Result
	require.NoError(t, authz.AuthorizeInto(t.Context(), user("alice@astran.io"), "s3:GetObject", "*", policy.Context{}, &warm))
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			var res policy.Result
			for j := range 200 {
				if i == 0 && j%20 == 0 {
					c.Advance(time.Minute)
					f.fail.Store(j%40 == 0)
				}
				err := authz.AuthorizeInto(t.Context(), user("alice@astran.io"), "s3:GetObject", "*", policy.Context{}, &res)
				assert.NoError(t, err)
				assert.True(t, res.Allowed())
			}
		})
	}
	wg.Wait()
}

func newTextLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func TestStore_longTermKeys(t *testing.T) {
	f, c, s := seeded(nil)
	ctx := t.Context()
	ses, err := s.Session(ctx, "AKIAALICE")
	require.NoError(t, err)
	assert.Equal(t, user("alice@astran.io").ARN, ses.Identity)
	assert.True(t, ses.Expiration.IsZero())
	_, _ = s.Session(ctx, "AKIAALICE")
	assert.Equal(t, 1, f.count("GetAccessKeyLastUsed"), "cached")
	_, err = s.Session(ctx, "AKIANOPE")
	require.ErrorIs(t, err, principal.ErrNotFound)
	_, err = s.Session(ctx, "ASIANOPE")
	require.ErrorIs(t, err, principal.ErrNotFound)
	assert.Equal(t, 2, f.count("GetAccessKeyLastUsed"), "STS keys are not looked up in IAM")

	authz := authorizerAt(s, c)
	res, err := authz.Authorize(ctx, key("AKIAALICE"), "s3:DeleteObject", "*", policy.Context{})
	require.NoError(t, err)
	assert.Equal(t, policy.ExplicitDeny, res.Decision)

	// Options.Sessions is asked first.
	sessions := principal.NewMemoryStore()
	require.NoError(t, sessions.PutSession(principal.Session{AccessKeyID: "AKIAALICE", Identity: arn.MustParse(acctARN + "role/ci")}))
	s2 := iamstore.New(clientFor(f), func(o *iamstore.Options) { o.Sessions = sessions })
	ses, err = s2.Session(ctx, "AKIAALICE")
	require.NoError(t, err)
	assert.Equal(t, acctARN+"role/ci", ses.Identity.String())
}
