package principal_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
)

func TestAuthorizer_boundaryDeny(t *testing.T) {
	s := principal.NewMemoryStore()
	ua := arn.MustParse(acctARN + "user/u@astran.io")
	ra := arn.MustParse(acctARN + "role/r")
	bp := arn.MustParse(acctARN + "policy/Boundary")
	require.NoError(t, s.PutPolicy(bp, mustDoc(t, `{"Version":"2012-10-17","Statement":[
		{"Sid":"All","Effect":"Allow","Action":"*","Resource":"*"},
		{"Sid":"NoIAM","Effect":"Deny","Action":"iam:*","Resource":"*"}]}`)))
	require.NoError(t, s.PutUser(principal.Identity{ARN: ua, PermissionsBoundary: bp}))
	require.NoError(t, s.PutRole(principal.Identity{ARN: ra, PermissionsBoundary: bp}))
	require.NoError(t, s.PutPolicy(arn.MustParse(acctARN+"policy/Own"), mustDoc(t, `{"Version":"2012-10-17","Statement":[
		{"Sid":"Own","Effect":"Allow","Action":["iam:*","s3:*"],"Resource":"*"}]}`)))
	for _, e := range []arn.ARN{ua, ra} {
		require.NoError(t, s.AttachPolicy(e, arn.MustParse(acctARN+"policy/Own")))
	}
	require.NoError(t, s.PutSession(principal.Session{AccessKeyID: "ASIAR", Identity: ra, Name: "s"}))
	authz := principal.NewAuthorizer(s)
	for _, c := range []principal.Caller{{ARN: ua}, {AccessKeyID: "ASIAR"}} {
		res, err := authz.Authorize(context.Background(), c, "iam:CreateUser", "*", policy.Context{})
		require.NoError(t, err)
		assert.Equal(t, policy.ExplicitDeny, res.Decision, "%s", c)
		require.Len(t, res.Statements, 1)
		assert.Equal(t, "NoIAM", res.Statements[0].Sid)
		assert.Equal(t, bp.String(), res.Statements[0].Policy)

		res, err = authz.Authorize(context.Background(), c, "s3:GetObject", "*", policy.Context{})
		require.NoError(t, err)
		assert.Equal(t, policy.Allow, res.Decision)
		var sids []string
		for _, m := range res.Statements {
			sids = append(sids, m.Sid)
		}
		assert.Equal(t, []string{"Own", "All"}, sids, "identity statements, then boundary statements")
	}
}

func TestAuthorizer_missingContextKeys(t *testing.T) {
	s := principal.NewMemoryStore()
	ua := arn.MustParse(acctARN + "user/u@astran.io")
	bp := arn.MustParse(acctARN + "policy/B")
	require.NoError(t, s.PutPolicy(bp, mustDoc(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`)))
	require.NoError(t, s.PutUser(principal.Identity{ARN: ua, PermissionsBoundary: bp}))
	require.NoError(t, s.PutInlinePolicy(ua, "P", mustDoc(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`)))
	authz := principal.NewAuthorizer(s)
	res, err := authz.Authorize(context.Background(), principal.Caller{ARN: ua}, "s3:GetObject", "*", policy.Context{})
	require.NoError(t, err)
	assert.False(t, res.Allowed())
	assert.Equal(t, []string{"aws:SecureTransport", "aws:SourceIp"}, res.MissingContextKeys)
	var rc policy.Context
	rc.Set("aws:SourceIp", "10.9.9.9")
	rc.Set("aws:SecureTransport", "true")
	res, err = authz.Authorize(context.Background(), principal.Caller{ARN: ua}, "s3:GetObject", "*", rc)
	require.NoError(t, err)
	assert.True(t, res.Allowed())
	assert.Empty(t, res.MissingContextKeys)
}

func TestAuthorizer_cacheBound(t *testing.T) {
	s := principal.NewMemoryStore()
	doc := mustDoc(t, allowAll)
	for i := range 10 {
		ua := arn.MustParse(fmt.Sprintf("%suser/u%d@astran.io", acctARN, i))
		require.NoError(t, s.PutUser(principal.Identity{ARN: ua}))
		require.NoError(t, s.PutInlinePolicy(ua, "All", doc))
	}
	authz := principal.NewAuthorizer(s, func(o *principal.Options) { o.MaxCachedCallers = 3 })
	for range 3 {
		for i := range 10 {
			res, err := authz.Authorize(context.Background(), user(fmt.Sprintf("u%d@astran.io", i)), "s3:GetObject", "*", policy.Context{})
			require.NoError(t, err)
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
	ctx, cancel := context.WithCancel(context.Background())
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
		res, err := authz.Authorize(context.Background(), user("alice@astran.io"), "s3:GetObject", "*", policy.Context{})
		assert.NoError(t, err)
		assert.True(t, res.Allowed())
	})
	close(bs.release)
	wg.Wait()
}

func TestModel_strings(t *testing.T) {
	assert.Equal(t, "user", principal.KindUser.String())
	assert.Equal(t, "role", principal.KindRole.String())
	assert.Equal(t, "root", principal.KindRoot.String())
	assert.Equal(t, "Kind(9)", principal.Kind(9).String())

	ses := principal.Session{Expiration: fixedNow}
	assert.False(t, ses.Expired(fixedNow.Add(-time.Second)))
	assert.True(t, ses.Expired(fixedNow))
	assert.False(t, principal.Session{}.Expired(fixedNow), "zero expiration never expires")

	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	log.Info("x", "caller", key("ASIAK"), "other", user("a@b.io"))
	assert.Contains(t, buf.String(), "caller.access_key_id=ASIAK")
	assert.Contains(t, buf.String(), "other.arn="+acctARN+"user/a@b.io")
	assert.True(t, principal.Caller{}.IsZero())
	assert.Equal(t, "ASIAK", key("ASIAK").String())
}

func TestAuthorizer_assumedRoleARN(t *testing.T) {
	_, authz := newAuthz(t)
	c := principal.Caller{ARN: arn.MustParse("arn:demo:sts::" + account + ":assumed-role/marketing/web")}
	res, err := authz.Authorize(context.Background(), c, "s3:GetObject", "arn:demo:s3:::b/k", policy.Context{})
	require.NoError(t, err)
	assert.True(t, res.Allowed())
	res, err = authz.Authorize(context.Background(), c, "s3:PutObject", "arn:demo:s3:::b/k", policy.Context{})
	require.NoError(t, err)
	assert.False(t, res.Allowed())
	_, err = authz.Authorize(context.Background(), principal.Caller{ARN: arn.MustParse("arn:demo:sts::" + account + ":assumed-role/nope/web")}, "s3:GetObject", "*", policy.Context{})
	require.ErrorIs(t, err, principal.ErrNotFound)
}
