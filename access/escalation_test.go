package access_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/astran-oss/astran-go/access"
	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
	"github.com/astran-oss/astran-go/principal/principaltest"
)

func pathLines(ps []access.Path) string {
	var out []string
	for _, p := range ps {
		var steps []string
		for _, s := range p.Steps {
			line := fmt.Sprintf("%s %s", s.Action, strings.TrimPrefix(s.Resource, "arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:"))
			if s.Conditional {
				line += " (conditional)"
			}
			steps = append(steps, line)
		}
		out = append(out, fmt.Sprintf("%s: %s => %s", p.Identity.Resource, strings.Join(steps, ", "), p.Gains))
	}
	return strings.Join(out, "\n")
}

// escalationLines returns the escalation paths in store, one line each
// (see pathLines), failing the test on an error.
func escalationLines(t *testing.T, store *principal.MemoryStore) ([]access.Path, string) {
	t.Helper()
	ps, err := access.New(store).Escalations(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return ps, pathLines(ps)
}

// checkLines compares the report got with the lines of want.
func checkLines(t *testing.T, got string, want ...string) {
	t.Helper()
	if w := strings.Join(want, "\n"); got != w {
		t.Fatalf("got:\n%s\nwant:\n%s", got, w)
	}
}

func TestEscalations(t *testing.T) {
	tests := map[string]struct {
		fixture string
		want    []string
	}{
		"every kind of path": {"testdata/escalation.json", []string{
			"role/deployer: iam:PutRolePolicy role/deployer => an inline policy allowing everything on role/deployer",
			"user/eve@astran.io: iam:AttachUserPolicy user/eve@astran.io => AstranAdmin attached to user/eve@astran.io",
			"user/frank@astran.io: iam:PutGroupPolicy group/ops => an inline policy allowing everything through group ops",
			"user/gina@astran.io: iam:AddUserToGroup group/admins => the permissions of group admins",
			"user/hank@astran.io: iam:CreatePolicyVersion policy/HankPolicy => a new default version of policy/HankPolicy allowing everything",
			"user/ivan@astran.io: iam:DeleteUserPermissionsBoundary user/ivan@astran.io => no permissions boundary on user/ivan@astran.io",
			"user/judy@astran.io: iam:CreateAccessKey user/eve@astran.io, iam:AttachUserPolicy user/eve@astran.io => AstranAdmin attached to user/eve@astran.io",
			"user/nina@astran.io: iam:AttachUserPolicy user/nina@astran.io (conditional) => AstranAdmin attached to user/nina@astran.io",
			"user/olga@astran.io: iam:CreateOpenIDConnectProvider oidc-provider/idp.escalation.example, iam:UpdateAssumeRolePolicy role/admin-role, sts:AssumeRoleWithWebIdentity role/admin-role => administrator access as role/admin-role",
		}},
		"none in a store without escalation": {"testdata/none.json", nil},
		// A user allowed everything but denied by a group's
		// customer-managed policy escalates by rewriting that policy.
		"group deny": {"testdata/basic.json", []string{
			"user/alice@astran.io: iam:CreatePolicyVersion policy/DenyDelete => a new default version of policy/DenyDelete allowing everything",
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, got := escalationLines(t, principaltest.LoadFixture(t, tc.fixture))
			checkLines(t, got, tc.want...)
		})
	}
}

// TestEscalations_setDefaultVersion: a user allowed to choose the default
// version of a policy attached to him makes an older, wider one default.
func TestEscalations_setDefaultVersion(t *testing.T) {
	store := principaltest.LoadFixture(t, "testdata/none.json")
	p := arn.MustParse("arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:policy/SamPolicy")
	sam := arn.MustParse("arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:user/sam@astran.io")
	everything := &policy.Document{Version: policy.Version2012, Statements: []policy.Statement{{Effect: policy.EffectAllow, Action: []string{"*"}, Resource: []string{"*"}}}}
	own := &policy.Document{Version: policy.Version2012, Statements: []policy.Statement{{Effect: policy.EffectAllow, Action: []string{"iam:SetDefaultPolicyVersion"}, Resource: []string{p.String()}}}}
	for _, err := range []error{
		store.PutPolicy(p, everything),
		store.PutPolicy(p, own), // v2, the default; v1 allows everything
		store.PutUser(principal.Identity{ARN: sam}),
		store.AttachPolicy(sam, p),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	ps, got := escalationLines(t, store)
	checkLines(t, got, "user/sam@astran.io: iam:SetDefaultPolicyVersion policy/SamPolicy => version v1 of policy/SamPolicy as its default")
	if ps[0].Steps[0].Params["VersionId"] != "v1" {
		t.Fatalf("params = %v", ps[0].Steps[0].Params)
	}
}
