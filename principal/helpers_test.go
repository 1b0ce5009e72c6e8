package principal_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
)

// The test account, its IAM ARN prefix and OIDC provider, and another account.
const (
	partition    = "demo"
	account      = "1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f"
	acctARN      = "arn:demo:iam::" + account + ":"
	provider     = acctARN + "oidc-provider/idp.example.com/realms/acme"
	otherAccount = "99999999-0000-4000-8000-000000000000"
	otherAcctARN = "arn:demo:iam::" + otherAccount + ":"
)

const allowAll = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

var fixedNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func fixedClock() time.Time { return fixedNow }

// iamARN returns the ARN of the IAM entity at path ("user/bob@astran.io",
// "policy/P", "root") in the test account.
func iamARN(path string) arn.ARN { return arn.MustParse(acctARN + path) }

func user(email string) principal.Caller { return principal.Caller{ARN: iamARN("user/" + email)} }

func key(akid string) principal.Caller { return principal.Caller{AccessKeyID: akid} }

func mustDoc(t testing.TB, s string) *policy.Document {
	t.Helper()
	d, err := policy.Parse([]byte(s))
	require.NoError(t, err)
	return d
}

// basicStore loads testdata/basic.json.
func basicStore(t testing.TB) *principal.MemoryStore {
	t.Helper()
	s, err := principal.LoadFixture("testdata/basic.json")
	require.NoError(t, err)
	return s
}

// newAuthz returns testdata/basic.json and an authorizer over it with the
// fixed clock and optFns.
func newAuthz(t testing.TB, optFns ...func(*principal.Options)) (*principal.MemoryStore, *principal.Authorizer) {
	t.Helper()
	s := basicStore(t)
	return s, fixedAuthz(s, optFns...)
}

// fixedAuthz returns an authorizer over s with the fixed clock and optFns.
func fixedAuthz(s principal.Store, optFns ...func(*principal.Options)) *principal.Authorizer {
	return principal.NewAuthorizer(s, append([]func(*principal.Options){func(o *principal.Options) { o.Now = fixedClock }}, optFns...)...)
}

// decide authorizes c's action on resource with an empty request context,
// failing the test on an error.
func decide(t testing.TB, authz *principal.Authorizer, c principal.Caller, action, resource string, msgAndArgs ...any) policy.Result {
	t.Helper()
	res, err := authz.Authorize(t.Context(), c, action, resource, policy.Context{})
	require.NoError(t, err, msgAndArgs...)
	return res
}

// decisionCase is a request with no request context and the decision it
// must get.
type decisionCase struct {
	caller           principal.Caller
	action, resource string
	want             policy.Decision
}

// checkDecisions authorizes each case with authz, in a subtest, and checks
// its decision.
func checkDecisions(t *testing.T, authz *principal.Authorizer, cases map[string]decisionCase) {
	t.Helper()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			res := decide(t, authz, tc.caller, tc.action, tc.resource)
			assert.Equal(t, tc.want, res.Decision, "statements: %+v", res.Statements)
		})
	}
}

// requireFixtureError checks that err is a *principal.FixtureError for
// file at path.
func requireFixtureError(t *testing.T, err error, file, path string) {
	t.Helper()
	var fe *principal.FixtureError
	require.ErrorAs(t, err, &fe)
	assert.ErrorIs(t, err, principal.ErrInvalid)
	assert.Equal(t, file, fe.File)
	assert.Equal(t, path, fe.Path, "error: %v", err)
}
