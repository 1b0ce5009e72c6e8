package principal_test

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
)

func TestLoadFixture_yaml(t *testing.T) {
	s, err := principal.LoadFixture("testdata/basic.yaml")
	require.NoError(t, err)
	alice := key("ASIAALICE")
	checkDecisions(t, fixedAuthz(s), map[string]decisionCase{
		"home object":       {alice, "s3:PutObject", "arn:demo:s3:::home/alice@astran.io/x", policy.Allow},
		"any object":        {alice, "s3:GetObject", "arn:demo:s3:::any/x", policy.Allow},
		"no delete at home": {alice, "s3:DeleteObject", "arn:demo:s3:::home/alice@astran.io/x", policy.ExplicitDeny},
	})
	id, err := s.Identity(t.Context(), user("alice@astran.io").ARN)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"team": "blue", "level": "3"}, id.Tags, "numbers in string maps stay strings")
}

func TestMemoryStore_ApplyFixtureYAML_errors(t *testing.T) {
	tests := map[string]struct {
		data, wantPath, contains string
	}{
		"syntax":          {data: "users: [", contains: "yaml"},
		"two documents":   {data: "{}\n---\n{}\n", contains: "more than one"},
		"unknown field":   {data: "partition: demo\naccount: a\nusers:\n  - emial: x\n", wantPath: "users[0]", contains: `unknown field "emial"`},
		"non-scalar keys": {data: "? [a]\n: b\n", contains: "keys must be scalars"},
		"wrong type":      {data: "users: 5\n"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := principal.NewMemoryStore()
			err := s.ApplyFixtureYAML("f.yaml", []byte(tc.data))
			requireFixtureError(t, err, "f.yaml", tc.wantPath)
			assert.Contains(t, err.Error(), tc.contains)
		})
	}
}

func TestMemoryStore_ApplyFixtureYAML_aliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"]\n")
	for i := 1; i < 40; i++ {
		b.WriteString("a" + strconv.Itoa(i) + ": &a" + strconv.Itoa(i) + " [*a" + strconv.Itoa(i-1) + ", *a" + strconv.Itoa(i-1) + "]\n")
	}
	err := principal.NewMemoryStore().ApplyFixtureYAML("bomb.yaml", []byte(b.String()))
	require.ErrorIs(t, err, principal.ErrInvalid)
}

func FuzzApplyFixtureYAML(f *testing.F) {
	seed, err := os.ReadFile("testdata/basic.yaml")
	require.NoError(f, err)
	f.Add(seed)
	f.Add([]byte("{}"))
	f.Add([]byte("a: &x [1, 2]\nb: *x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := principal.NewMemoryStore()
		if err := s.ApplyFixtureYAML("fuzz", data); err != nil {
			var fe *principal.FixtureError
			require.ErrorAs(t, err, &fe)
			require.ErrorIs(t, err, principal.ErrInvalid)
			require.Zero(t, s.Generation())
		}
	})
}
