package principal_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
)

func TestMemoryStore_Entities(t *testing.T) {
	s, err := principal.LoadFixture("testdata/basic.json")
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Entities(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range got {
		names = append(names, a.Resource)
	}
	want := "group/kit-creators group/no-delete group/readers policy/AdminLike policy/DenyDelete policy/HomeBucket policy/S3ReadAll policy/boundaries/BoundaryS3Read role/marketing user/alice@astran.io user/bob@astran.io user/carol@astran.io user/dave@astran.io"
	if strings.Join(names, " ") != want {
		t.Fatalf("Entities = %s", strings.Join(names, " "))
	}
	if err := s.DeleteUser(arn.MustParse("arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:user/dave@astran.io")); err != nil {
		t.Fatal(err)
	}
	if got2, _ := s.Entities(t.Context()); len(got2) != len(got)-1 {
		t.Fatalf("after DeleteUser: %d entities, want %d", len(got2), len(got)-1)
	}
}

func TestMemoryStore_PolicyVersions(t *testing.T) {
	s := principal.NewMemoryStore()
	p := arn.MustParse("arn:demo:iam::123456789012:policy/P")
	doc := func(action string) *policy.Document {
		return &policy.Document{Version: policy.Version2012, Statements: []policy.Statement{{Effect: policy.EffectAllow, Action: []string{action}, Resource: []string{"*"}}}}
	}
	if _, err := s.PolicyVersions(t.Context(), p); !errors.Is(err, principal.ErrNotFound) {
		t.Fatalf("unknown policy: %v", err)
	}
	if err := s.PutPolicy(p, doc("s3:GetObject")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutPolicyVersion(p, doc("*"), false); err != nil {
		t.Fatal(err)
	}
	vs, err := s.PolicyVersions(t.Context(), p)
	if err != nil || len(vs) != 2 || vs[0].ID != "v1" || !vs[0].Default || vs[1].ID != "v2" || vs[1].Default || vs[1].Document.Statements[0].Action[0] != "*" {
		t.Fatalf("PolicyVersions = %+v, %v", vs, err)
	}
}
