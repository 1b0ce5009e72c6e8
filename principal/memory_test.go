package principal_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
)

func TestMemoryStore_crud(t *testing.T) {
	ctx := t.Context()
	s := principal.NewMemoryStore()
	ua := iamARN("user/dev/bob@astran.io")
	ga := iamARN("group/devs")
	ra := iamARN("role/ci")
	pa := iamARN("policy/P")
	doc := mustDoc(t, allowAll)

	gen := s.Generation()
	bumped := func() {
		t.Helper()
		g := s.Generation()
		assert.Greater(t, g, gen, "generation must change")
		gen = g
	}

	require.NoError(t, s.PutUser(principal.Identity{ARN: ua, Tags: map[string]string{"a": "b"}}))
	bumped()
	id, err := s.Identity(ctx, ua)
	require.NoError(t, err)
	assert.Equal(t, principal.KindUser, id.Kind)
	assert.Equal(t, "bob@astran.io", id.Name)
	assert.Equal(t, "/dev/", id.Path)
	assert.Equal(t, principal.StableID(ua), id.ID)
	assert.Regexp(t, `^AIDA[0-9A-F]{17}$`, id.ID)

	require.NoError(t, s.PutGroup(principal.Group{ARN: ga}))
	bumped()
	require.NoError(t, s.AddUserToGroup(ua, ga))
	bumped()
	groups, err := s.Groups(ctx, ua)
	require.NoError(t, err)
	require.Len(t, groups, 1)
	assert.Equal(t, "devs", groups[0].Name)

	require.ErrorIs(t, s.AttachPolicy(ua, pa), principal.ErrNotFound, "policy must exist")
	require.NoError(t, s.PutPolicy(pa, doc))
	bumped()
	require.NoError(t, s.AttachPolicy(ua, pa))
	bumped()
	require.NoError(t, s.AttachPolicy(ua, arn.MustParse("arn:astran:iam::astran:policy/AstranAdmin")))
	require.NoError(t, s.AttachPolicy(ua, arn.MustParse("arn:demo:iam::astran:policy/AstranS3ReadOnlyAccess")), "built-ins in the customer partition")
	require.NoError(t, s.PutInlinePolicy(ua, "Inline", doc))
	pols, err := s.Policies(ctx, ua)
	require.NoError(t, err)
	var ids []string
	for _, p := range pols {
		ids = append(ids, p.ID)
		assert.NotNil(t, p.Document, p.ID)
	}
	assert.Equal(t, []string{pa.String(), "arn:astran:iam::astran:policy/AstranAdmin",
		"arn:astran:iam::astran:policy/AstranS3ReadOnlyAccess", "user/dev/bob@astran.io/inline/Inline"}, ids)

	require.ErrorIs(t, s.DeletePolicy(pa), principal.ErrConflict, "attached")
	require.ErrorIs(t, s.PutPolicy(arn.MustParse("arn:astran:iam::astran:policy/AstranAdmin"), doc), principal.ErrBuiltin)
	require.ErrorIs(t, s.DeletePolicy(arn.MustParse("arn:astran:iam::astran:policy/AstranAdmin")), principal.ErrBuiltin)
	require.NoError(t, s.DetachPolicy(ua, pa))
	require.ErrorIs(t, s.DetachPolicy(ua, pa), principal.ErrNotFound)
	require.NoError(t, s.SetPermissionsBoundary(ua, pa))
	require.ErrorIs(t, s.DeletePolicy(pa), principal.ErrConflict, "boundary")
	require.NoError(t, s.SetPermissionsBoundary(ua, arn.ARN{}))
	require.NoError(t, s.DeletePolicy(pa))
	_, err = s.ManagedPolicy(ctx, pa)
	require.ErrorIs(t, err, principal.ErrNotFound)

	require.NoError(t, s.DeleteInlinePolicy(ua, "Inline"))
	require.ErrorIs(t, s.DeleteInlinePolicy(ua, "Inline"), principal.ErrNotFound)
	require.NoError(t, s.RemoveUserFromGroup(ua, ga))
	require.ErrorIs(t, s.RemoveUserFromGroup(ua, ga), principal.ErrNotFound)

	require.NoError(t, s.PutRole(principal.Identity{ARN: ra, TrustPolicy: doc}))
	id, err = s.Identity(ctx, ra)
	require.NoError(t, err)
	assert.Equal(t, principal.KindRole, id.Kind)
	assert.Regexp(t, `^AROA`, id.ID)
	require.NoError(t, s.DeleteRole(ra))
	_, err = s.Identity(ctx, ra)
	require.ErrorIs(t, err, principal.ErrNotFound)

	require.NoError(t, s.PutSession(principal.Session{AccessKeyID: "ASIA1", Identity: ua}))
	ses, err := s.Session(ctx, "ASIA1")
	require.NoError(t, err)
	assert.Equal(t, ua, ses.Identity)
	require.NoError(t, s.DeleteSession("ASIA1"))
	_, err = s.Session(ctx, "ASIA1")
	require.ErrorIs(t, err, principal.ErrNotFound)

	require.NoError(t, s.AddUserToGroup(ua, ga))
	require.NoError(t, s.DeleteGroup(ga))
	groups, err = s.Groups(ctx, ua)
	require.NoError(t, err)
	assert.Empty(t, groups)
	require.NoError(t, s.DeleteUser(ua))
	require.ErrorIs(t, s.DeleteUser(ua), principal.ErrNotFound)

	root, err := s.Identity(ctx, iamARN("root"))
	require.NoError(t, err)
	assert.Equal(t, principal.KindRoot, root.Kind)
}

func TestMemoryStore_invalid(t *testing.T) {
	s := principal.NewMemoryStore()
	ua := iamARN("user/bob@astran.io")
	doc := mustDoc(t, allowAll)
	tests := map[string]error{
		"user with role ARN":         s.PutUser(principal.Identity{ARN: iamARN("role/r")}),
		"user with role kind":        s.PutUser(principal.Identity{ARN: ua, Kind: principal.KindRole}),
		"user with trust policy":     s.PutUser(principal.Identity{ARN: ua, TrustPolicy: doc}),
		"boundary not a policy":      s.PutUser(principal.Identity{ARN: ua, PermissionsBoundary: ua}),
		"role with user ARN":         s.PutRole(principal.Identity{ARN: ua}),
		"group with user ARN":        s.PutGroup(principal.Group{ARN: ua}),
		"policy with user ARN":       s.PutPolicy(ua, doc),
		"nil policy document":        s.PutPolicy(iamARN("policy/P"), nil),
		"session without key":        s.PutSession(principal.Session{Identity: ua}),
		"session for a group":        s.PutSession(principal.Session{AccessKeyID: "A", Identity: iamARN("group/g")}),
		"inline policy without name": s.PutInlinePolicy(ua, "", doc),
	}
	for name, err := range tests {
		assert.ErrorIs(t, err, principal.ErrInvalid, name)
	}
	assert.ErrorIs(t, s.AddUserToGroup(ua, iamARN("group/g")), principal.ErrNotFound)
	assert.ErrorIs(t, s.PutInlinePolicy(ua, "x", doc), principal.ErrNotFound)
	assert.ErrorIs(t, s.SetPermissionsBoundary(ua, iamARN("policy/P")), principal.ErrNotFound)
	assert.Equal(t, uint64(0), s.Generation(), "failed changes do not bump the generation")
}

func TestMemoryStore_policyVersions(t *testing.T) {
	ctx := t.Context()
	s := principal.NewMemoryStore()
	pa := iamARN("policy/V")
	docs := make([]*policy.Document, 7)
	for i := range docs {
		docs[i] = mustDoc(t, fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"S%d","Effect":"Allow","Action":"*","Resource":"*"}]}`, i))
	}
	_, err := s.PutPolicyVersion(pa, docs[0], true)
	require.ErrorIs(t, err, principal.ErrNotFound)
	require.NoError(t, s.PutPolicy(pa, docs[0]))
	for i := 1; i < 5; i++ {
		v, err := s.PutPolicyVersion(pa, docs[i], false)
		require.NoError(t, err)
		assert.Equal(t, fmt.Sprintf("v%d", i+1), v)
	}
	_, err = s.PutPolicyVersion(pa, docs[5], false)
	require.ErrorIs(t, err, principal.ErrConflict, "sixth version")
	p, err := s.ManagedPolicy(ctx, pa)
	require.NoError(t, err)
	assert.Same(t, docs[0], p.Document, "v1 stays the default")
	require.NoError(t, s.SetDefaultPolicyVersion(pa, "v3"))
	p, _ = s.ManagedPolicy(ctx, pa)
	assert.Same(t, docs[2], p.Document)
	require.ErrorIs(t, s.SetDefaultPolicyVersion(pa, "v9"), principal.ErrNotFound)
	// PutPolicy drops the oldest non-default version to make room.
	require.NoError(t, s.PutPolicy(pa, docs[6]))
	p, _ = s.ManagedPolicy(ctx, pa)
	assert.Same(t, docs[6], p.Document)
	require.ErrorIs(t, s.SetDefaultPolicyVersion(pa, "v1"), principal.ErrNotFound, "v1 was dropped")
	require.NoError(t, s.SetDefaultPolicyVersion(pa, "v3"), "v3 was the default and is kept")
}

// TestMemoryStore_race runs writers and authorizations concurrently; run with -race.
func TestMemoryStore_race(t *testing.T) {
	s, authz := newAuthz(t)
	ctx := t.Context()
	alice := user("alice@astran.io")
	pa := iamARN("policy/AdminLike")
	ga := iamARN("group/readers")
	doc := mustDoc(t, allowAll)
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := range 100 {
				tmp := iamARN(fmt.Sprintf("user/tmp%d-%d@astran.io", w, i))
				assert.NoError(t, s.PutUser(principal.Identity{ARN: tmp}))
				assert.NoError(t, s.AddUserToGroup(tmp, ga))
				assert.NoError(t, s.PutInlinePolicy(tmp, "p", doc))
				assert.NoError(t, s.PutSession(principal.Session{AccessKeyID: tmp.Name(), Identity: tmp}))
				if w == 0 {
					_ = s.DetachPolicy(alice.ARN, pa)
				} else {
					_ = s.AttachPolicy(alice.ARN, pa)
				}
				assert.NoError(t, s.DeleteUser(tmp))
			}
		})
	}
	for range 4 {
		wg.Go(func() {
			var res policy.Result
			for range 300 {
				assert.NoError(t, authz.AuthorizeInto(ctx, alice, "s3:GetObject", "arn:demo:s3:::b/k", policy.Context{}, &res))
				assert.True(t, res.Allowed(), "readers group allows GetObject whatever happens to AdminLike")
				_, _ = s.Policies(ctx, alice.ARN)
				_, _ = s.Groups(ctx, alice.ARN)
			}
		})
	}
	wg.Wait()
}
