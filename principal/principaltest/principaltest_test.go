package principaltest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal/principaltest"
)

const acct = "arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:"

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper()      {}
func (r *recorder) Name() string { return "recorder" }
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestAllowedDenied(t *testing.T) {
	authz := principaltest.Authorizer(t, "testdata/fixture.json")
	alice := principaltest.Caller(acct + "user/alice@astran.io")
	bob := principaltest.Caller(acct + "user/bob@astran.io")

	principaltest.Allowed(t, authz, alice, "s3:GetObject", "arn:demo:s3:::b/k")
	principaltest.Denied(t, authz, alice, "s3:DeleteObject", "arn:demo:s3:::b/k")
	principaltest.Denied(t, authz, bob, "iam:CreateUser", "*")
	principaltest.Allowed(t, authz, principaltest.Caller("ASIAROOT"), "iam:CreateUser", "*")
	principaltest.Denied(t, authz, principaltest.Caller("ASIAGHOST"), "s3:GetObject", "*")
	var ip policy.Context
	ip.Set("aws:SourceIp", "10.0.0.1")
	principaltest.AllowedWithContext(t, authz, alice, "s3:GetObject", "*", ip)
	principaltest.DeniedWithContext(t, authz, bob, "s3:PutObject", "*", ip)
}

func TestAllowed_failureMessage(t *testing.T) {
	authz := principaltest.Authorizer(t, "testdata/fixture.json")
	alice := principaltest.Caller(acct + "user/alice@astran.io")
	rec := &recorder{}
	ok := principaltest.Allowed(rec, authz, alice, "s3:DeleteObject", "arn:demo:s3:::b/k", "alice deletes %s", "k")
	assert.False(t, ok)
	if assert.Len(t, rec.errors, 1) {
		msg := rec.errors[0]
		for _, want := range []string{
			"expected Allow, got ExplicitDeny",
			"caller:   " + acct + "user/alice@astran.io",
			"action:   s3:DeleteObject",
			"resource: arn:demo:s3:::b/k",
			"Deny " + acct + `policy/DenyDelete statement 0 (Sid "NoDelete")`,
			"alice deletes k",
		} {
			assert.Contains(t, msg, want)
		}
	}
}

func TestDenied_failureMessage(t *testing.T) {
	authz := principaltest.Authorizer(t, "testdata/fixture.json")
	rec := &recorder{}
	ok := principaltest.Denied(rec, authz, principaltest.Caller(acct+"user/alice@astran.io"), "s3:GetObject", "arn:demo:s3:::b/k")
	assert.False(t, ok)
	if assert.Len(t, rec.errors, 1) {
		assert.Contains(t, rec.errors[0], "expected a deny, got Allow")
		assert.Contains(t, rec.errors[0], `policy/S3ReadAll statement 0 (Sid "Read")`)
	}
}

func TestAllowed_errorMessage(t *testing.T) {
	authz := principaltest.Authorizer(t, "testdata/fixture.json")
	rec := &recorder{}
	assert.False(t, principaltest.Allowed(rec, authz, principaltest.Caller("ASIAOLD"), "s3:GetObject", "*"))
	if assert.Len(t, rec.errors, 1) {
		assert.Contains(t, rec.errors[0], "matched statements: none")
		assert.True(t, strings.Contains(rec.errors[0], "session expired"), rec.errors[0])
	}
}

func TestLoadFixture(t *testing.T) {
	s := principaltest.LoadFixture(t, "testdata/fixture.json")
	assert.NotZero(t, s.Generation())
}
