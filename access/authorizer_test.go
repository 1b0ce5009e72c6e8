package access_test

import (
	"testing"

	"github.com/astran-oss/astran-go/access"
	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
	"github.com/astran-oss/astran-go/principal/principaltest"
)

// TestWhoCan_agreesWithAuthorizer checks WhoCan against the principal
// package's Authorizer, which decides one request with no request keys:
// an identity WhoCan lists without open conditions must be allowed, one it
// does not list must be denied, and one it lists under conditions may be
// either.
func TestWhoCan_agreesWithAuthorizer(t *testing.T) {
	actions := []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "iam:AttachUserPolicy",
		"iam:CreateAccessKey", "iam:PutGroupPolicy", "iam:CreatePolicyVersion", "iam:DeleteUserPermissionsBoundary", "ck:CreateKit"}
	resources := []string{"arn:demo:s3:::b/k", "arn:demo:s3:::team-bucket", "arn:demo:s3:::user-buckets/carol@astran.io/x",
		"arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:user/eve@astran.io",
		"arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:group/ops",
		"arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:policy/HankPolicy", "*"}
	for _, fixture := range []string{"testdata/basic.json", "testdata/escalation.json", "testdata/none.json"} {
		store := principaltest.LoadFixture(t, fixture)
		authz := principal.NewAuthorizer(store)
		ents, err := store.Entities(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, action := range actions {
			for _, resource := range resources {
				grants, err := access.New(store).WhoCan(t.Context(), action, resource)
				if err != nil {
					t.Fatal(err)
				}
				listed := map[string]*access.Grant{}
				for i := range grants {
					listed[grants[i].Identity.String()] = &grants[i]
				}
				for _, e := range ents {
					if k := e.Type(); k != arn.TypeUser && k != arn.TypeRole {
						continue
					}
					res, err := authz.Authorize(t.Context(), principal.Caller{ARN: e}, action, resource, policy.Context{})
					if err != nil {
						t.Fatal(err)
					}
					g := listed[e.String()]
					switch {
					case g == nil && res.Allowed():
						t.Errorf("%s: %s may %s on %s, WhoCan does not list it", fixture, e, action, resource)
					case g != nil && !g.Conditional && !res.Allowed():
						t.Errorf("%s: WhoCan lists %s for %s on %s unconditionally, the authorizer says %s", fixture, e, action, resource, res.Decision)
					}
					checked++
				}
			}
		}
		if checked == 0 {
			t.Fatalf("%s: nothing checked", fixture)
		}
	}
}
