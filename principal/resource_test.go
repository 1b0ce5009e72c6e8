package principal_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
)

// bucketPolicies is a ResourcePolicySource of compiled bucket policies by
// bucket, each owned by an account.
func bucketPolicies(t *testing.T, policies map[string]string, owner map[string]string) principal.ResourcePolicySource {
	t.Helper()
	sets := map[string]*policy.Set{}
	for bucket, doc := range policies {
		sets[bucket] = policy.MustCompile([]policy.Policy{{ID: "bucket/" + bucket, Document: mustDoc(t, doc)}})
	}
	return principal.ResourcePolicyFunc(func(_ context.Context, resource string) (principal.ResourcePolicy, error) {
		a, err := arn.Parse(resource)
		if err != nil {
			return principal.ResourcePolicy{}, err
		}
		if a.Bucket() == "broken" {
			return principal.ResourcePolicy{}, errors.New("bucket policy store unavailable")
		}
		return principal.ResourcePolicy{Set: sets[a.Bucket()], Account: owner[a.Bucket()]}, nil
	})
}

// stmt is a bucket policy statement: effect, principal ARN, action, resource.
func stmt(effect, who, action, resource string) string {
	return `{"Effect":"` + effect + `","Principal":{"AWS":"` + who + `"},"Action":"` + action + `","Resource":"` + resource + `"}`
}

func bucketPolicy(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

// TestAuthorizer_resourcePolicies checks the Authorizer against bucket
// policies supplied by the caller (issue 17): same account, another
// account's user, explicit deny, and a failing source.
func TestAuthorizer_resourcePolicies(t *testing.T) {
	s := basicStore(t)
	// frank belongs to another account and may read any bucket himself.
	frank := arn.MustParse(otherAcctARN + "user/frank@astran.io")
	require.NoError(t, s.PutUser(principal.Identity{ARN: frank}))
	require.NoError(t, s.PutInlinePolicy(frank, "read", mustDoc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)))
	dave := user("dave@astran.io").ARN // no policies at all
	alice := user("alice@astran.io").ARN
	src := bucketPolicies(t, map[string]string{
		"shared":  bucketPolicy(stmt("Allow", dave.String(), "s3:GetObject", "arn:demo:s3:::shared/*"), stmt("Allow", frank.String(), "s3:GetObject", "arn:demo:s3:::shared/*")),
		"foreign": bucketPolicy(stmt("Allow", dave.String(), "s3:GetObject", "arn:demo:s3:::foreign/*")),
		"locked":  bucketPolicy(stmt("Deny", alice.String(), "s3:*", "arn:demo:s3:::locked/*")),
	}, map[string]string{"foreign": otherAccount, "shared": account, "other": account, "locked": account})
	authz := fixedAuthz(s, func(o *principal.Options) { o.Resources = src })

	tests := map[string]struct {
		caller   arn.ARN
		action   string
		resource string
		want     policy.Decision
		by       policy.PolicyType
		err      bool
	}{
		"bucket policy grants a user of the account": {dave, "s3:GetObject", "arn:demo:s3:::shared/k", policy.Allow, policy.ResourceBased, false},
		"only what it grants":                        {dave, "s3:PutObject", "arn:demo:s3:::shared/k", policy.ImplicitDeny, 0, false},
		"no bucket policy, no identity policy":       {dave, "s3:GetObject", "arn:demo:s3:::other/k", policy.ImplicitDeny, 0, false},
		"cross-account: both sides allow":            {frank, "s3:GetObject", "arn:demo:s3:::shared/k", policy.Allow, policy.ResourceBased, false},
		"cross-account: bucket policy alone":         {dave, "s3:GetObject", "arn:demo:s3:::foreign/k", policy.ImplicitDeny, 0, false},
		"cross-account: identity alone":              {frank, "s3:GetObject", "arn:demo:s3:::other/k", policy.ImplicitDeny, 0, false},
		"bucket deny beats identity allow":           {alice, "s3:GetObject", "arn:demo:s3:::locked/k", policy.ExplicitDeny, policy.ResourceBased, false},
		"identity allow, bucket without policy":      {alice, "s3:GetObject", "arn:demo:s3:::other/k", policy.Allow, policy.IdentityBased, false},
		"a failing source denies with its error":     {alice, "s3:GetObject", "arn:demo:s3:::broken/k", policy.ImplicitDeny, 0, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res, err := authz.Authorize(t.Context(), principal.Caller{ARN: tc.caller}, tc.action, tc.resource, policy.Context{})
			require.Equal(t, tc.err, err != nil, "error %v", err)
			assert.Equal(t, tc.want, res.Decision)
			if tc.by != 0 {
				assert.Equal(t, tc.by, res.DecidedBy)
			}
		})
	}
}

// TestAuthorizer_sessionPolicies checks that a session policy (Policy and
// PolicyArns of AssumeRoleWithWebIdentity) limits a role session and never
// grants (issue 17).
func TestAuthorizer_sessionPolicies(t *testing.T) {
	s := basicStore(t)
	role := iamARN("role/marketing") // S3ReadAll: s3:Get*, s3:List*
	getOnly := mustDoc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:DeleteBucket"],"Resource":"*"}]}`)
	require.NoError(t, s.PutSession(principal.Session{AccessKeyID: "ASIAINLINE", Identity: role, Name: "web", Policy: getOnly}))
	require.NoError(t, s.PutSession(principal.Session{AccessKeyID: "ASIAMANAGED", Identity: role, Name: "web",
		PolicyARNs: []arn.ARN{iamARN("policy/boundaries/BoundaryS3Read")}})) // s3:GetObject
	require.NoError(t, s.PutSession(principal.Session{AccessKeyID: "ASIAMISSING", Identity: role, Name: "web",
		PolicyARNs: []arn.ARN{iamARN("policy/Nope")}}))
	authz := fixedAuthz(s)
	obj := "arn:demo:s3:::b/k"
	checkDecisions(t, authz, map[string]decisionCase{
		"inline: allowed by both":            {key("ASIAINLINE"), "s3:GetObject", obj, policy.Allow},
		"inline: role allows, session not":   {key("ASIAINLINE"), "s3:ListBucket", obj, policy.ImplicitDeny},
		"inline: session allows, role not":   {key("ASIAINLINE"), "s3:DeleteBucket", obj, policy.ImplicitDeny},
		"managed: allowed by both":           {key("ASIAMANAGED"), "s3:GetObject", obj, policy.Allow},
		"managed: role allows, session not":  {key("ASIAMANAGED"), "s3:ListBucket", obj, policy.ImplicitDeny},
		"no session policy: the role's only": {key("ASIAMARKETING"), "s3:ListBucket", obj, policy.Allow},
	})
	res, err := authz.Authorize(t.Context(), key("ASIAMISSING"), "s3:GetObject", "arn:demo:s3:::b/k", policy.Context{})
	require.ErrorIs(t, err, principal.ErrNotFound, "a session policy that cannot be read fails closed")
	assert.False(t, res.Allowed())
}

// TestAuthorizer_resourcePolicyNamesSession checks that a bucket policy
// naming a role's session by its assumed-role ARN grants that session.
func TestAuthorizer_resourcePolicyNamesSession(t *testing.T) {
	s := basicStore(t)
	session := "arn:demo:sts::" + account + ":assumed-role/marketing/web"
	src := bucketPolicies(t, map[string]string{"drop": bucketPolicy(stmt("Allow", session, "s3:PutObject", "arn:demo:s3:::drop/*"))}, nil)
	authz := fixedAuthz(s, func(o *principal.Options) { o.Resources = src })
	res := decide(t, authz, key("ASIAMARKETING"), "s3:PutObject", "arn:demo:s3:::drop/k")
	assert.Equal(t, policy.Allow, res.Decision)
	res = decide(t, authz, user("alice@astran.io"), "s3:PutObject", "arn:demo:s3:::drop/k")
	assert.Equal(t, policy.Allow, res.Decision, "alice's own AdminLike policy")
}

// TestAuthorizer_anonymous checks unsigned requests: only a resource-based
// policy that allows "*" grants them.
func TestAuthorizer_anonymous(t *testing.T) {
	s := basicStore(t)
	src := bucketPolicies(t, map[string]string{
		"public": bucketPolicy(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:demo:s3:::public/*"}`),
		"team":   bucketPolicy(stmt("Allow", acctARN+"root", "s3:GetObject", "arn:demo:s3:::team/*")),
	}, map[string]string{"public": account, "team": account})
	authz := fixedAuthz(s, func(o *principal.Options) { o.Resources = src })
	anon := principal.Anonymous
	checkDecisions(t, authz, map[string]decisionCase{
		"public bucket, allowed action": {anon, "s3:GetObject", "arn:demo:s3:::public/a", policy.Allow},
		"public bucket, other action":   {anon, "s3:PutObject", "arn:demo:s3:::public/a", policy.ImplicitDeny},
		"bucket for the account only":   {anon, "s3:GetObject", "arn:demo:s3:::team/a", policy.ImplicitDeny},
		"bucket without policy":         {anon, "s3:GetObject", "arn:demo:s3:::other/a", policy.ImplicitDeny},
	})
	res := decide(t, principal.NewAuthorizer(s), anon, "s3:GetObject", "arn:demo:s3:::public/a")
	assert.False(t, res.Allowed(), "no resource policies: nothing for anonymous callers")
	bad := principal.Caller{ARN: user("alice@astran.io").ARN, Anonymous: true}
	res, err := authz.Authorize(t.Context(), bad, "s3:GetObject", "arn:demo:s3:::public/a", policy.Context{})
	assert.True(t, principal.IsCallerError(err), "%v", err)
	assert.False(t, res.Allowed())
	assert.Equal(t, "anonymous", principal.Anonymous.String())
}
