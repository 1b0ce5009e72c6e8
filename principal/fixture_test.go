package principal_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astran-oss/astran-go/principal"
)

func TestLoadFixture(t *testing.T) {
	s := basicStore(t)
	ctx := t.Context()
	carol, err := s.Identity(ctx, user("carol@astran.io").ARN)
	require.NoError(t, err)
	assert.Equal(t, "AIDACAROL", carol.ID)
	assert.Equal(t, map[string]string{"team": "blue"}, carol.Tags)
	bob, err := s.Identity(ctx, user("bob@astran.io").ARN)
	require.NoError(t, err)
	assert.Equal(t, acctARN+"policy/boundaries/BoundaryS3Read", bob.PermissionsBoundary.String())
	role, err := s.Identity(ctx, iamARN("role/marketing"))
	require.NoError(t, err)
	assert.NotNil(t, role.TrustPolicy)
	ses, err := s.Session(ctx, "ASIAMARKETING")
	require.NoError(t, err)
	assert.Equal(t, role.ARN, ses.Identity)
	assert.Equal(t, "erin", ses.SourceIdentity)
	kc, err := s.Policies(ctx, iamARN("group/kit-creators"))
	require.NoError(t, err)
	require.Len(t, kc, 1)
	assert.Equal(t, "arn:astran:iam::astran:policy/AstranKitCreator", kc[0].ID)
}

func TestMemoryStore_ApplyFixture_errors(t *testing.T) {
	const head = `{"partition":"demo","account":"` + account + `",`
	const doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	tests := map[string]struct {
		data     string
		wantPath string
		wantErr  error
		contains string
	}{
		"syntax error":        {data: "{\n  \"users\": [}", contains: "line 2"},
		"unknown top field":   {data: `{"userz": []}`, contains: `unknown field "userz"`},
		"trailing data":       {data: `{} {}`, contains: "after the JSON value"},
		"unknown user field":  {data: head + `"users":[{"email":"a@b.io"},{"emial":"x"}]}`, wantPath: "users[1]", contains: `unknown field "emial"`},
		"wrong type":          {data: head + `"users":[{"email":5}]}`, wantPath: "users[0]"},
		"unknown group":       {data: head + `"users":[{"email":"a@b.io","groups":["devs"]}]}`, wantPath: "users[0].groups[0]", wantErr: principal.ErrNotFound},
		"unknown policy":      {data: head + `"groups":[{"name":"g","policies":["Nope"]}]}`, wantPath: "groups[0].policies[0]", wantErr: principal.ErrNotFound},
		"unknown policy ARN":  {data: head + `"groups":[{"name":"g","policies":["arn:demo:iam::1:policy/x"]}]}`, wantPath: "groups[0].policies[0]", wantErr: principal.ErrNotFound},
		"bad document":        {data: head + `"policies":[{"name":"P","document":{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}}]}`, wantPath: "policies[0].document"},
		"missing document":    {data: head + `"policies":[{"name":"P"}]}`, wantPath: "policies[0].document"},
		"bad inline document": {data: head + `"users":[{"email":"a@b.io","inlinePolicies":{"X":{"Statement":[]}}}]}`, wantPath: `users[0].inlinePolicies["X"]`},
		"bad trust policy":    {data: head + `"roles":[{"name":"r","trustPolicy":{"nope":1}}]}`, wantPath: "roles[0].trustPolicy"},
		"bad email":           {data: head + `"users":[{"email":"not-an-email"}]}`, wantPath: "users[0].email"},
		"duplicate user":      {data: head + `"users":[{"email":"a@b.io"},{"email":"a@b.io"}]}`, wantPath: "users[1].email"},
		"duplicate group":     {data: head + `"groups":[{"name":"g"},{"name":"g"}]}`, wantPath: "groups[1].name"},
		"duplicate policy":    {data: head + `"policies":[{"name":"P","document":` + doc + `},{"name":"P","document":` + doc + `}]}`, wantPath: "policies[1]"},
		"arn and name":        {data: head + `"policies":[{"name":"P","arn":"arn:demo:iam::1:policy/P","document":` + doc + `}]}`, wantPath: "policies[0]"},
		"no account":          {data: `{"users":[{"email":"a@b.io"}]}`, wantPath: "users[0]", contains: "account"},
		"bad expiration":      {data: head + `"sessions":[{"accessKeyId":"A","identity":"root","expiration":"tomorrow"}]}`, wantPath: "sessions[0].expiration"},
		"session no identity": {data: head + `"sessions":[{"accessKeyId":"A"}]}`, wantPath: "sessions[0].identity"},
		"session no key":      {data: head + `"sessions":[{"identity":"root"}]}`, wantPath: "sessions[0]", wantErr: principal.ErrInvalid},
		"duplicate session":   {data: head + `"sessions":[{"accessKeyId":"A","identity":"root"},{"accessKeyId":"A","identity":"root"}]}`, wantPath: "sessions[1].accessKeyId"},
		"bad boundary":        {data: head + `"users":[{"email":"a@b.io","permissionsBoundary":"Nope"}]}`, wantPath: "users[0].permissionsBoundary", wantErr: principal.ErrNotFound},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := principal.NewMemoryStore()
			err := s.ApplyFixture("f.json", []byte(tc.data))
			requireFixtureError(t, err, "f.json", tc.wantPath)
			if tc.wantErr != nil {
				assert.ErrorIs(t, err, tc.wantErr)
			}
			if tc.contains != "" {
				assert.Contains(t, err.Error(), tc.contains)
			}
			assert.True(t, strings.HasPrefix(err.Error(), "principal: fixture f.json: "+tc.wantPath), err.Error())
			assert.Equal(t, uint64(0), s.Generation(), "a failed fixture leaves the store unchanged")
		})
	}
}

func TestLoadFixture_missingFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "nope.json")
	_, err := principal.LoadFixture(file)
	require.ErrorIs(t, err, os.ErrNotExist)
	requireFixtureError(t, err, file, "")
}

func TestMemoryStore_ApplyFixture_merges(t *testing.T) {
	s := basicStore(t)
	gen := s.Generation()
	require.NoError(t, s.ApplyFixture("more", []byte(`{"partition":"demo","account":"`+account+`","users":[{"email":"zed@astran.io","policies":["AstranAdmin"]}]}`)))
	assert.Greater(t, s.Generation(), gen)
	_, err := s.Identity(t.Context(), user("zed@astran.io").ARN)
	require.NoError(t, err)
	_, err = s.Identity(t.Context(), user("alice@astran.io").ARN)
	require.NoError(t, err, "earlier content is kept")
}

func FuzzApplyFixture(f *testing.F) {
	seed, err := os.ReadFile("testdata/basic.json")
	require.NoError(f, err)
	f.Add(seed)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"partition":"demo","account":"a","users":[{"email":"a@b.io","groups":["g"]}],"groups":[{"name":"g"}]}`))
	f.Add([]byte(`{"partition":"demo","account":"a","sessions":[{"accessKeyId":"A","identity":"root","expiration":"2030-01-01T00:00:00Z"}]}`))
	f.Add([]byte(`{"policies":[{"arn":"arn:demo:iam::a:policy/p","document":{"Version":"2012-10-17","Statement":[]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := principal.NewMemoryStore()
		err := s.ApplyFixture("fuzz", data)
		if err != nil {
			var fe *principal.FixtureError
			if !errors.As(err, &fe) || !errors.Is(err, principal.ErrInvalid) {
				t.Fatalf("error %v is not a *FixtureError matching ErrInvalid", err)
			}
			if s.Generation() != 0 {
				t.Fatal("failed fixture changed the store")
			}
			return
		}
		// Loading the same fixture twice gives the same content.
		s2 := principal.NewMemoryStore()
		if err := s2.ApplyFixture("fuzz", data); err != nil {
			t.Fatalf("second load failed: %v", err)
		}
		// Everything loaded must be usable by an authorizer without panicking.
		authz := principal.NewAuthorizer(s)
		_, _ = authz.Authorize(t.Context(), principal.Caller{AccessKeyID: "A"}, "s3:GetObject", "*", policyContext())
	})
}
