package iamstore_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/iamclient"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
	"github.com/astran-oss/astran-go/principal/iamstore"
)

// Attacks on the authorization boundary through the live store (issue 12).
// Each test names the attack it defends against.

const otherAccount = "99999999-0000-4000-8000-000000000000"

// TestSecurity_builtinAdminInForeignPartitionGrantsNothing: IAM listing a
// built-in in a foreign partition (arn:x:iam::astran:policy/AstranAdmin) as
// attached does not grant the built-in.
func TestSecurity_builtinAdminInForeignPartitionGrantsNothing(t *testing.T) {
	ctx := t.Context()
	f := newFakeIAM()
	f.seed()
	f.attached["user/alice@astran.io"] = []types.AttachedPolicy{{PolicyArn: aws.String("arn:x:iam::astran:policy/AstranAdmin")}}
	s := newIAMStore(f, &clock{now: fixedNow}, nil)
	live := principal.NewAuthorizer(s)
	res, err := live.Authorize(ctx, user("alice@astran.io"), "iam:CreateUser", "*", policy.Context{})
	assert.Error(t, err)
	assert.False(t, res.Allowed())
	_, err = s.ManagedPolicy(ctx, arn.MustParse("arn:x:iam::astran:policy/AstranAdmin"))
	require.ErrorIs(t, err, principal.ErrNotFound)
}

// TestSecurity_rootOfAnotherAccountIsNotRoot: the live store knows only
// the root of its configured account.
func TestSecurity_rootOfAnotherAccountIsNotRoot(t *testing.T) {
	ctx := t.Context()
	own := arn.MustParse(acctARN + "root")
	f := newFakeIAM()
	f.seed()
	live := iamstore.New(clientFor(f), func(o *iamstore.Options) { o.Partition, o.Account = "demo", account })
	_, err := live.Identity(ctx, own)
	require.NoError(t, err)
	for _, r := range []string{
		"arn:demo:iam::" + otherAccount + ":root",
		"arn:x:iam::" + account + ":root",
		"arn:astran:iam::astran:root",
	} {
		_, err := live.Identity(ctx, arn.MustParse(r))
		require.ErrorIs(t, err, principal.ErrNotFound, r)
	}
	unconfigured := iamstore.New(clientFor(f))
	_, err = unconfigured.Identity(ctx, own)
	require.ErrorIs(t, err, principal.ErrNotFound, "no account configured: no root")

	// IAM answers for its own account: a user ARN naming another account
	// is not that account's user.
	_, err = live.Identity(ctx, arn.MustParse("arn:demo:iam::"+otherAccount+":user/alice@astran.io"))
	require.ErrorIs(t, err, principal.ErrNotFound)
}

// TestSecurity_revokedPermissionOutlivesAnOutage: during an IAM outage the
// live store serves its last answer at most MaxStale (15 minutes by
// default), then fails closed, so a revoked permission does not stay
// granted for the length of the outage.
func TestSecurity_revokedPermissionOutlivesAnOutage(t *testing.T) {
	ctx := t.Context()
	f, c, s, authz := liveAlice(t)
	alice := user("alice@astran.io")

	f.fail.Store(true)
	c.Advance(5 * time.Minute)
	res, err := authz.Authorize(ctx, alice, "s3:GetObject", "*", policy.Context{})
	require.NoError(t, err, "a short outage is bridged")
	require.True(t, res.Allowed())

	c.Advance(11 * time.Minute)
	res, err = authz.Authorize(ctx, alice, "s3:GetObject", "*", policy.Context{})
	require.ErrorIs(t, err, iamstore.ErrStale, "16 minutes without IAM: fail closed")
	assert.False(t, res.Allowed())
	_, err = s.Identity(ctx, alice.ARN)
	require.ErrorIs(t, err, errOutage, "the value is gone: IAM's error, no data")
}

// TestSecurity_revokedReaderCredentialsAreNotAnOutage: when IAM refuses the
// store's own credentials (revoked, expired, denied), that is an answer,
// not an outage: the store stops serving what it cached.
func TestSecurity_revokedReaderCredentialsAreNotAnOutage(t *testing.T) {
	for _, code := range []string{"AccessDenied", "ExpiredToken", "InvalidClientTokenId", "SignatureDoesNotMatch"} {
		t.Run(code, func(t *testing.T) {
			ctx := t.Context()
			f, c, s, authz := liveAlice(t)
			alice := user("alice@astran.io")

			f.failErr.Store(error(&smithy.GenericAPIError{Code: code, Message: "denied"}))
			f.fail.Store(true)
			c.Advance(2 * time.Minute)
			res, err := authz.Authorize(ctx, alice, "s3:GetObject", "*", policy.Context{})
			require.Error(t, err)
			assert.False(t, res.Allowed())
			assert.Zero(t, s.Stats().Stale, "nothing served stale")
		})
	}
}

type discard struct{}

func (*discard) Write(p []byte) (int, error) { return len(p), nil }

// liveAlice returns a live store over a seeded fake IAM on a fake clock, and
// an authorizer that has already allowed alice once (her data is cached).
func liveAlice(t *testing.T) (*fakeIAM, *clock, *iamstore.Store, *principal.Authorizer) {
	t.Helper()
	f := newFakeIAM()
	f.seed()
	c := &clock{now: fixedNow}
	s := iamstore.New(clientFor(f), func(o *iamstore.Options) { o.Now = c.Now; o.Logger = newTextLogger(new(discard)) })
	authz := authorizerAt(s, c)
	res, err := authz.Authorize(t.Context(), user("alice@astran.io"), "s3:GetObject", "*", policy.Context{})
	require.NoError(t, err)
	require.True(t, res.Allowed())
	return f, c, s, authz
}

// TestSecurity_awsSpelledDenyIgnoredByAuthorizerDialect: documents the
// store reads in the AWS dialect (actions compare case-insensitively) are
// evaluated in that dialect. A Deny spelled "s3:deleteobject" must not be
// skipped because the authorizer was left at its default, Astran's
// case-sensitive dialect: the dialect is chosen once, on the client.
func TestSecurity_awsSpelledDenyIgnoredByAuthorizerDialect(t *testing.T) {
	ctx := t.Context()
	f := newFakeIAM()
	f.seed()
	f.policies[acctARN+"policy/DenyDelete"] = `{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:deleteobject", "Resource": "*"}]}`
	client := iamclient.New(aws.Config{}, func(o *iamclient.Options) { o.API, o.Dialect = f, policy.AWS })
	s := iamstore.New(client)
	live := principal.NewAuthorizer(s)
	res, err := live.Authorize(ctx, user("alice@astran.io"), "s3:DeleteObject", "arn:demo:s3:::b/k", policy.Context{})
	require.NoError(t, err)
	assert.Equal(t, policy.ExplicitDeny, res.Decision, "the AWS-spelled Deny applies")

	// A caller may still choose the authorizer's dialect explicitly.
	strict := principal.NewAuthorizer(s, func(o *principal.Options) { o.Dialect = policy.Astran })
	res, err = strict.Authorize(ctx, user("alice@astran.io"), "s3:DeleteObject", "arn:demo:s3:::b/k", policy.Context{})
	require.NoError(t, err)
	assert.Equal(t, policy.Allow, res.Decision)
}
