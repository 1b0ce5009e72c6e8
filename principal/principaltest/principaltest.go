// Package principaltest helps users test their authorization setup with
// testify: load a fixture into a [principal.MemoryStore], then assert that
// callers are allowed or denied, with failure messages that show the
// decision and the statements that matched.
//
// A service tests its authorization setup like this:
//
//	func TestAccess(t *testing.T) {
//		authz := principaltest.Authorizer(t, "testdata/iam.json")
//		alice := principaltest.Caller("arn:demo:iam::1b7c…:user/alice@astran.io")
//		principaltest.Allowed(t, authz, alice, "s3:GetObject", "arn:demo:s3:::reports/q1.csv")
//		principaltest.Denied(t, authz, alice, "s3:DeleteObject", "arn:demo:s3:::reports/q1.csv")
//	}
//
// A failing assertion reads:
//
//	expected Allow, got ExplicitDeny
//	caller:   arn:demo:iam::1b7c…:user/alice@astran.io
//	action:   s3:DeleteObject
//	resource: arn:demo:s3:::reports/q1.csv
//	matched statements:
//	  - Deny arn:demo:iam::1b7c…:policy/DenyDelete statement 0 (Sid "NoDelete")
package principaltest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
)

// LoadFixture loads the JSON fixture at path (see
// [principal.MemoryStore.ApplyFixture]) into a new store, failing the test
// now if it is invalid.
func LoadFixture(t testing.TB, path string) *principal.MemoryStore {
	t.Helper()
	s, err := principal.LoadFixture(path)
	require.NoError(t, err, "loading fixture %s", path)
	return s
}

// Authorizer loads the fixture at path and returns an authorizer over it.
func Authorizer(t testing.TB, path string, optFns ...func(*principal.Options)) *principal.Authorizer {
	t.Helper()
	return principal.NewAuthorizer(LoadFixture(t, path), optFns...)
}

// Caller returns the caller named by s: an identity ARN when s starts with
// "arn:", else an STS access key ID.
func Caller(s string) principal.Caller {
	if strings.HasPrefix(s, "arn:") {
		return principal.Caller{ARN: arn.MustParse(s)}
	}
	return principal.Caller{AccessKeyID: s}
}

// Allowed asserts that caller may perform action on resource. On failure
// it reports the decision, the matched statements and any error, and
// returns false.
func Allowed(t testing.TB, authz *principal.Authorizer, caller principal.Caller, action, resource string, msgAndArgs ...any) bool {
	t.Helper()
	return AllowedWithContext(t, authz, caller, action, resource, policy.Context{}, msgAndArgs...)
}

// Denied asserts that caller may not perform action on resource, for any
// reason (implicit or explicit deny, unknown caller). On failure it
// reports the matched statements and returns false.
func Denied(t testing.TB, authz *principal.Authorizer, caller principal.Caller, action, resource string, msgAndArgs ...any) bool {
	t.Helper()
	return DeniedWithContext(t, authz, caller, action, resource, policy.Context{}, msgAndArgs...)
}

// AllowedWithContext is [Allowed] with request context keys.
func AllowedWithContext(t testing.TB, authz *principal.Authorizer, caller principal.Caller, action, resource string, reqCtx policy.Context, msgAndArgs ...any) bool {
	t.Helper()
	res, err := authz.Authorize(context.Background(), caller, action, resource, reqCtx)
	if err == nil && res.Allowed() {
		return true
	}
	return assert.Fail(t, Explain("Allow", caller, action, resource, res, err), msgAndArgs...)
}

// DeniedWithContext is [Denied] with request context keys.
func DeniedWithContext(t testing.TB, authz *principal.Authorizer, caller principal.Caller, action, resource string, reqCtx policy.Context, msgAndArgs ...any) bool {
	t.Helper()
	res, err := authz.Authorize(context.Background(), caller, action, resource, reqCtx)
	if err != nil || !res.Allowed() {
		return true
	}
	return assert.Fail(t, Explain("a deny", caller, action, resource, res, err), msgAndArgs...)
}

// Explain formats a decision for a failure message: what was expected, what
// came, the matched statements (policy, index, Sid, effect), the missing
// context keys and the error, if any.
func Explain(want string, caller principal.Caller, action, resource string, res policy.Result, err error) string {
	var b strings.Builder
	fmt.Fprintf(&b, "expected %s, got %s\n", want, res.Decision)
	fmt.Fprintf(&b, "caller:   %s\naction:   %s\nresource: %s\n", caller, action, resource)
	if len(res.Statements) == 0 {
		b.WriteString("matched statements: none\n")
	} else {
		b.WriteString("matched statements:\n")
		for _, m := range res.Statements {
			fmt.Fprintf(&b, "  - %s %s statement %d", m.Effect, m.Policy, m.Index)
			if m.Sid != "" {
				fmt.Fprintf(&b, " (Sid %q)", m.Sid)
			}
			b.WriteByte('\n')
		}
	}
	if len(res.MissingContextKeys) > 0 {
		fmt.Fprintf(&b, "missing context keys: %s\n", strings.Join(res.MissingContextKeys, ", "))
	}
	if err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
