package access_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/astran-oss/astran-go/access"
	"github.com/astran-oss/astran-go/principal/principaltest"
)

func grantLines(gs []access.Grant) string {
	var out []string
	for _, g := range gs {
		var st []string
		for _, s := range g.Allow {
			st = append(st, s.String())
		}
		line := fmt.Sprintf("%s %s conditional=%v allow=[%s]", g.Kind, g.Identity.Resource, g.Conditional, strings.Join(st, "; "))
		for _, s := range g.Boundary {
			line += " boundary=" + s.String()
		}
		for _, s := range g.MayDeny {
			line += " mayDeny=" + s.String()
		}
		for _, tr := range g.AssumableBy {
			line += " assumableBy=" + strings.Join(tr.Principal, ",")
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

func TestWhoCan(t *testing.T) {
	store := principaltest.LoadFixture(t, "testdata/basic.json")
	tests := map[string]struct {
		action, resource string
		want             []string
	}{
		"read": {"s3:GetObject", "arn:demo:s3:::b/k", []string{
			"role role/marketing conditional=false allow=[arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:policy/S3ReadAll Read] assumableBy=Federated:arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:oidc-provider/idp.example.com/realms/acme",
			"user user/alice@astran.io conditional=false allow=[arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:policy/AdminLike Everything; arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:policy/S3ReadAll Read (group readers)]",
			"user user/bob@astran.io conditional=false allow=[arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:policy/AdminLike Everything] boundary=arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:policy/boundaries/BoundaryS3Read OnlyGet (boundary)",
		}},
		"delete: a group's deny and a boundary exclude": {"s3:DeleteObject", "arn:demo:s3:::b/k", nil},
		"a policy variable is decided by the identity": {"s3:PutObject", "arn:demo:s3:::user-buckets/carol@astran.io/x", []string{
			"user user/alice@astran.io conditional=false allow=[arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:policy/AdminLike Everything]",
			"user user/carol@astran.io conditional=false allow=[arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:policy/HomeBucket Home]",
		}},
		"a tag condition is decided by the identity": {"s3:ListBucket", "arn:demo:s3:::team-bucket", []string{
			"role role/marketing conditional=false allow=[arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:policy/S3ReadAll Read] assumableBy=Federated:arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:oidc-provider/idp.example.com/realms/acme",
			"user user/alice@astran.io conditional=false allow=[arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:policy/AdminLike Everything; arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:policy/S3ReadAll Read (group readers)]",
			"user user/carol@astran.io conditional=false allow=[user/carol@astran.io/inline/TeamList statement 0]",
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			gs, err := access.New(store).WhoCan(t.Context(), tc.action, tc.resource)
			if err != nil {
				t.Fatal(err)
			}
			checkLines(t, grantLines(gs), tc.want...)
		})
	}
}
