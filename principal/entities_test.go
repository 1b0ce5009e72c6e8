package principal_test

import (
	"context"
	"strings"
	"testing"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/principal"
)

func TestMemoryStore_Entities(t *testing.T) {
	s, err := principal.LoadFixture("testdata/basic.json")
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Entities(context.Background())
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
	if got2, _ := s.Entities(context.Background()); len(got2) != len(got)-1 {
		t.Fatalf("after DeleteUser: %d entities, want %d", len(got2), len(got)-1)
	}
}
