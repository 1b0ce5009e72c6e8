package principal_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
)

// Attacks on the authorization boundary (issue 12). Each test names the
// attack it defends against.

// TestSecurity_builtinAdminInForeignPartitionGrantsNothing: a built-in
// written in a partition that is neither "astran" nor the store's own
// (arn:x:iam::astran:policy/AstranAdmin) must not resolve to the built-in,
// so that it can neither be attached nor grant anything.
func TestSecurity_builtinAdminInForeignPartitionGrantsNothing(t *testing.T) {
	ctx := t.Context()
	s := principal.NewMemoryStore()
	mallory := iamARN("user/mallory@astran.io")
	require.NoError(t, s.PutUser(principal.Identity{ARN: mallory}))

	for _, spelling := range []string{
		"arn:x:iam::astran:policy/AstranAdmin",
		"arn:aws:iam::astran:policy/AstranAdmin",
		"arn:astran:iam:eu-west-1:astran:policy/AstranAdmin",
		"arn:astran:iam::astran:policy/team/AstranAdmin",
	} {
		foreign := arn.MustParse(spelling)
		_, err := s.ManagedPolicy(ctx, foreign)
		require.ErrorIs(t, err, principal.ErrNotFound, spelling)
		require.Error(t, s.AttachPolicy(mallory, foreign), spelling)
		require.Error(t, s.SetPermissionsBoundary(mallory, foreign), spelling)
	}
	authz := principal.NewAuthorizer(s)
	res := decide(t, authz, principal.Caller{ARN: mallory}, "iam:CreateUser", "*")
	assert.False(t, res.Allowed())

	// The accepted spellings resolve to the canonical ARN.
	for _, spelling := range []string{"arn:astran:iam::astran:policy/AstranAdmin", "arn:demo:iam::astran:policy/AstranAdmin"} {
		p, err := s.ManagedPolicy(ctx, arn.MustParse(spelling))
		require.NoError(t, err, spelling)
		assert.Equal(t, "arn:astran:iam::astran:policy/AstranAdmin", p.ID, spelling)
	}

}

// TestSecurity_rootOfAnotherAccountIsNotRoot: a Caller built from a claim
// or header naming the root of another account, or of this account in
// another partition, must not get the root bypass: it is an unknown caller.
func TestSecurity_rootOfAnotherAccountIsNotRoot(t *testing.T) {
	ctx := t.Context()
	s, authz := newAuthz(t)
	own := iamARN("root")
	res := decide(t, authz, principal.Caller{ARN: own}, "iam:CreateUser", "*")
	require.True(t, res.Allowed(), "the store's own root keeps the bypass")

	foreign := []string{
		"arn:demo:iam::" + otherAccount + ":root",
		"arn:x:iam::" + account + ":root",
		"arn:astran:iam::astran:root",
	}
	for _, r := range foreign {
		a := arn.MustParse(r)
		_, err := s.Identity(ctx, a)
		require.ErrorIs(t, err, principal.ErrNotFound, "store must refuse %s", r)
		res, err := authz.Authorize(ctx, principal.Caller{ARN: a}, "iam:CreateUser", "*", policy.Context{})
		assert.True(t, principal.IsCallerError(err), "%s: %v", r, err)
		assert.False(t, res.Allowed(), r)

		// A session standing for that root is refused too.
		require.NoError(t, s.PutSession(principal.Session{AccessKeyID: "ASIAROOT", Identity: a}))
		res, err = authz.Authorize(ctx, key("ASIAROOT"), "iam:CreateUser", "*", policy.Context{})
		assert.True(t, principal.IsCallerError(err), "session of %s: %v", r, err)
		assert.False(t, res.Allowed(), r)
	}

}

// TestSecurity_assumedRoleOfRoleWithPathResolves: an assumed-role ARN
// carries no path; its session must resolve to the role of that name in
// the account, whatever the role's path, and be authorized by the role's
// policies.
func TestSecurity_assumedRoleOfRoleWithPathResolves(t *testing.T) {
	ctx := t.Context()
	s := principal.NewMemoryStore()
	role := iamARN("role/team/ci")
	require.NoError(t, s.PutRole(principal.Identity{ARN: role}))
	require.NoError(t, s.PutInlinePolicy(role, "read", mustDoc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)))
	assumed := arn.MustParse("arn:demo:sts::" + account + ":assumed-role/ci/s1")
	require.NoError(t, s.PutSession(principal.Session{AccessKeyID: "ASIACI", Identity: assumed, Name: "s1"}))
	authz := principal.NewAuthorizer(s)

	for _, c := range []principal.Caller{{ARN: assumed}, key("ASIACI")} {
		res := decide(t, authz, c, "s3:GetObject", "*", c.String())
		assert.True(t, res.Allowed(), c.String())
		res = decide(t, authz, c, "s3:PutObject", "*", c.String())
		assert.False(t, res.Allowed(), c.String())
	}
	id, err := s.Identity(ctx, assumed)
	require.NoError(t, err)
	assert.Equal(t, role, id.ARN, "the role's own ARN, with its path")

	require.ErrorIs(t, s.PutRole(principal.Identity{ARN: iamARN("role/ci")}), principal.ErrConflict,
		"role names are unique per account")
	_, err = s.Identity(ctx, arn.MustParse("arn:demo:sts::"+otherAccount+":assumed-role/ci/s1"))
	require.ErrorIs(t, err, principal.ErrNotFound, "names are unique per account only")
}
