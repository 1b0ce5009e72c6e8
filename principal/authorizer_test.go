package principal_test

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
)

func TestAuthorizer_rules(t *testing.T) {
	_, authz := newAuthz(t)
	obj := "arn:demo:s3:::bucket/key"
	tests := map[string]struct {
		caller   principal.Caller
		action   string
		resource string
		want     policy.Decision
		wantErr  error
		wantSids []string
	}{
		"group deny beats allow on user": {
			caller: user("alice@astran.io"), action: "s3:DeleteObject", resource: obj,
			want: policy.ExplicitDeny, wantSids: []string{"NoDelete"},
		},
		"user allow": {
			caller: user("alice@astran.io"), action: "iam:CreateUser", resource: acctARN + "user/x@astran.io",
			want: policy.Allow, wantSids: []string{"Everything"},
		},
		"group allow": {
			caller: user("alice@astran.io"), action: "s3:GetObject", resource: obj,
			want: policy.Allow, wantSids: []string{"Everything", "Read"},
		},
		"boundary without the action denies admin-like allow": {
			caller: user("bob@astran.io"), action: "iam:CreateUser", resource: acctARN + "user/x@astran.io",
			want: policy.ImplicitDeny, wantSids: []string{},
		},
		"boundary and identity both allow": {
			caller: user("bob@astran.io"), action: "s3:GetObject", resource: obj,
			want: policy.Allow, wantSids: []string{"Everything", "OnlyGet"},
		},
		"boundary allows but identity does not": {
			caller: user("dave@astran.io"), action: "s3:GetObject", resource: obj,
			want: policy.ImplicitDeny,
		},
		"no policies": {
			caller: user("dave@astran.io"), action: "s3:ListBucket", resource: "arn:demo:s3:::bucket",
			want: policy.ImplicitDeny,
		},
		"actions are case-sensitive": {
			caller: user("alice@astran.io"), action: "S3:getobject", resource: obj,
			want: policy.Allow, // AdminLike allows "*"
		},
		"aws:username variable": {
			caller: user("carol@astran.io"), action: "s3:PutObject", resource: "arn:demo:s3:::user-buckets/carol@astran.io/notes.txt",
			want: policy.Allow, wantSids: []string{"Home"},
		},
		"aws:username variable other user": {
			caller: user("carol@astran.io"), action: "s3:PutObject", resource: "arn:demo:s3:::user-buckets/dave@astran.io/notes.txt",
			want: policy.ImplicitDeny,
		},
		"principal tag condition": {
			caller: user("carol@astran.io"), action: "s3:ListBucket", resource: "arn:demo:s3:::team-bucket",
			want: policy.Allow,
		},
		"root bypasses policies": {
			caller: principal.Caller{ARN: iamARN("root")}, action: "iam:DeleteUser", resource: "*",
			want: policy.Allow,
		},
		"root session bypasses policies": {
			caller: key("ASIAROOT"), action: "s3:DeleteBucket", resource: "arn:demo:s3:::bucket",
			want: policy.Allow,
		},
		"user session": {
			caller: key("ASIAALICE"), action: "s3:DeleteObject", resource: obj,
			want: policy.ExplicitDeny, wantSids: []string{"NoDelete"},
		},
		"role session uses role policies": {
			caller: key("ASIAMARKETING"), action: "s3:GetObject", resource: obj,
			want: policy.Allow, wantSids: []string{"Read"},
		},
		"role session denied outside role policies": {
			caller: key("ASIAMARKETING"), action: "s3:PutObject", resource: obj,
			want: policy.ImplicitDeny,
		},
		"expired session": {
			caller: key("ASIAOLD"), action: "s3:GetObject", resource: obj,
			want: policy.ImplicitDeny, wantErr: principal.ErrExpired,
		},
		"session of a user that does not exist": {
			caller: key("ASIAGHOST"), action: "s3:GetObject", resource: obj,
			want: policy.ImplicitDeny, wantErr: principal.ErrNotFound,
		},
		"unknown session": {
			caller: key("ASIANOPE"), action: "s3:GetObject", resource: obj,
			want: policy.ImplicitDeny, wantErr: principal.ErrNotFound,
		},
		"unknown user": {
			caller: user("nobody@astran.io"), action: "s3:GetObject", resource: obj,
			want: policy.ImplicitDeny, wantErr: principal.ErrNotFound,
		},
		"no caller": {
			caller: principal.Caller{}, action: "s3:GetObject", resource: obj,
			want: policy.ImplicitDeny, wantErr: principal.ErrNoCaller,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			res, err := authz.Authorize(t.Context(), tc.caller, tc.action, tc.resource, policy.Context{})
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				var ce *principal.CallerError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, tc.caller, ce.Caller)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tc.want, res.Decision, "statements: %+v", res.Statements)
			assert.Equal(t, tc.want == policy.Allow, res.Allowed())
			if tc.wantSids != nil {
				var sids []string
				for _, m := range res.Statements {
					sids = append(sids, m.Sid)
				}
				assert.ElementsMatch(t, tc.wantSids, sids)
			}
		})
	}
}

func TestAuthorizer_matchedStatementsNamePolicies(t *testing.T) {
	_, authz := newAuthz(t)
	res := decide(t, authz, user("alice@astran.io"), "s3:DeleteObject", "arn:demo:s3:::b/k")
	var ids []string
	for _, m := range res.Statements {
		ids = append(ids, m.Policy)
	}
	assert.Equal(t, []string{acctARN + "policy/DenyDelete"}, ids)
}

func TestAuthorizer_sessionOfDeletedUser(t *testing.T) {
	s, authz := newAuthz(t)
	ctx := t.Context()
	res := decide(t, authz, key("ASIAALICE"), "s3:GetObject", "arn:demo:s3:::b/k")
	require.True(t, res.Allowed())

	require.NoError(t, s.DeleteUser(user("alice@astran.io").ARN))
	res, err := authz.Authorize(ctx, key("ASIAALICE"), "s3:GetObject", "arn:demo:s3:::b/k", policy.Context{})
	require.ErrorIs(t, err, principal.ErrNotFound)
	assert.True(t, principal.IsCallerError(err))
	assert.False(t, res.Allowed())
	assert.Equal(t, policy.ImplicitDeny, res.Decision)
}

func TestAuthorizer_sessionExpiresWithClock(t *testing.T) {
	s, _ := newAuthz(t)
	now := fixedNow
	authz := principal.NewAuthorizer(s, func(o *principal.Options) { o.Now = func() time.Time { return now } })
	require.NoError(t, s.PutSession(principal.Session{AccessKeyID: "ASIATMP", Identity: user("alice@astran.io").ARN, Expiration: fixedNow.Add(time.Hour)}))
	res := decide(t, authz, key("ASIATMP"), "s3:GetObject", "arn:demo:s3:::b/k")
	require.True(t, res.Allowed())
	now = fixedNow.Add(time.Hour)
	res, err := authz.Authorize(t.Context(), key("ASIATMP"), "s3:GetObject", "arn:demo:s3:::b/k", policy.Context{})
	var ce *principal.CallerError
	require.ErrorAs(t, err, &ce)
	assert.ErrorIs(t, err, principal.ErrExpired)
	assert.Equal(t, fixedNow.Add(time.Hour), ce.Expiration)
	assert.False(t, res.Allowed())
}

func TestAuthorizer_invalidatesOnStoreChange(t *testing.T) {
	s, authz := newAuthz(t)
	alice := user("alice@astran.io")
	allowed := func() bool {
		t.Helper()
		return decide(t, authz, alice, "s3:PutObject", "arn:demo:s3:::b/k").Allowed()
	}
	require.True(t, allowed())
	adminLike := iamARN("policy/AdminLike")
	require.NoError(t, s.DetachPolicy(alice.ARN, adminLike))
	assert.False(t, allowed(), "after detaching AdminLike")
	require.NoError(t, s.PutInlinePolicy(alice.ARN, "Put", mustDoc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}`)))
	assert.True(t, allowed(), "after adding an inline policy")
	noDelete := iamARN("group/no-delete")
	require.NoError(t, s.AttachPolicy(noDelete, iamARN("policy/AdminLike")))
	require.NoError(t, s.PutPolicy(iamARN("policy/DenyDelete"), mustDoc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:Put*","Resource":"*"}]}`)))
	assert.False(t, allowed(), "after a new version of a group policy denies")
	require.NoError(t, s.RemoveUserFromGroup(alice.ARN, noDelete))
	assert.True(t, allowed(), "after leaving the group")
	require.NoError(t, s.SetPermissionsBoundary(alice.ARN, iamARN("policy/boundaries/BoundaryS3Read")))
	assert.False(t, allowed(), "after setting a boundary")
	require.NoError(t, s.SetPermissionsBoundary(alice.ARN, arn.ARN{}))
	assert.True(t, allowed(), "after removing the boundary")
}

func TestAuthorizer_contextKeys(t *testing.T) {
	s := principal.NewMemoryStore()
	ua := iamARN("user/team/erin@astran.io")
	require.NoError(t, s.PutUser(principal.Identity{ARN: ua, ID: "AIDAERIN", Tags: map[string]string{"team": "blue", "level": "3"}}))
	ra := iamARN("role/ops")
	require.NoError(t, s.PutRole(principal.Identity{ARN: ra, ID: "AROAOPS", Tags: map[string]string{"team": "ops"}}))
	require.NoError(t, s.PutSession(principal.Session{AccessKeyID: "ASIAOPS", Identity: ra, Name: "night", SourceIdentity: "erin", Tags: map[string]string{"team": "night-ops"}}))
	allow := func(sid, cond string) string {
		return `{"Sid":"` + sid + `","Effect":"Allow","Action":"test:` + sid + `","Resource":"*","Condition":` + cond + `}`
	}
	doc := mustDoc(t, `{"Version":"2012-10-17","Statement":[`+
		allow("Username", `{"StringEquals":{"aws:username":"erin@astran.io"}}`)+","+
		allow("UserID", `{"StringEquals":{"aws:userid":"AIDAERIN"}}`)+","+
		allow("PrincipalArn", `{"StringEquals":{"aws:PrincipalArn":"`+ua.String()+`"}}`)+","+
		allow("Tag", `{"StringEquals":{"aws:PrincipalTag/team":"blue"}}`)+","+
		allow("Time", `{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2026-01-03T00:00:00Z"}}`)+","+
		allow("Epoch", `{"NumericEquals":{"aws:EpochTime":"`+strconv.FormatInt(fixedNow.Unix(), 10)+`"}}`)+","+
		allow("NoUsername", `{"Null":{"aws:username":"true"}}`)+","+
		allow("SourceIp", `{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`)+","+
		allow("RoleUserID", `{"StringEquals":{"aws:userid":"AROAOPS:night"}}`)+","+
		allow("SessionTag", `{"StringEquals":{"aws:PrincipalTag/team":"night-ops"}}`)+","+
		allow("SourceIdentity", `{"StringEquals":{"aws:SourceIdentity":"erin"}}`)+
		`]}`)
	pa := iamARN("policy/Keys")
	require.NoError(t, s.PutPolicy(pa, doc))
	require.NoError(t, s.AttachPolicy(ua, pa))
	require.NoError(t, s.AttachPolicy(ra, pa))
	authz := fixedAuthz(s)

	var srcIP policy.Context
	srcIP.Set("aws:SourceIp", "10.1.2.3")
	var override policy.Context
	override.Set("aws:username", "someone@else.io")
	tests := map[string]struct {
		caller principal.Caller
		action string
		reqCtx policy.Context
		want   bool
	}{
		"username":                   {principal.Caller{ARN: ua}, "test:Username", policy.Context{}, true},
		"request overrides username": {principal.Caller{ARN: ua}, "test:Username", override, false},
		"userid":                     {principal.Caller{ARN: ua}, "test:UserID", policy.Context{}, true},
		"principal arn":              {principal.Caller{ARN: ua}, "test:PrincipalArn", policy.Context{}, true},
		"principal tag":              {principal.Caller{ARN: ua}, "test:Tag", policy.Context{}, true},
		"current time":               {principal.Caller{ARN: ua}, "test:Time", policy.Context{}, true},
		"epoch time":                 {principal.Caller{ARN: ua}, "test:Epoch", policy.Context{}, true},
		"username present for users": {principal.Caller{ARN: ua}, "test:NoUsername", policy.Context{}, false},
		"request key":                {principal.Caller{ARN: ua}, "test:SourceIp", srcIP, true},
		"missing request key":        {principal.Caller{ARN: ua}, "test:SourceIp", policy.Context{}, false},
		"username absent for roles":  {key("ASIAOPS"), "test:NoUsername", policy.Context{}, true},
		"role session userid":        {key("ASIAOPS"), "test:RoleUserID", policy.Context{}, true},
		"session tag overrides role": {key("ASIAOPS"), "test:SessionTag", policy.Context{}, true},
		"source identity":            {key("ASIAOPS"), "test:SourceIdentity", policy.Context{}, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res, err := authz.Authorize(t.Context(), tc.caller, tc.action, "arn:demo:s3:::b", tc.reqCtx)
			require.NoError(t, err)
			assert.Equal(t, tc.want, res.Allowed(), "%s: %+v", res.Decision, res)
		})
	}
	// The request context is not modified.
	v, _ := override.Get("aws:username")
	assert.Equal(t, []string{"someone@else.io"}, v)
	assert.Equal(t, 1, override.Len())
}

func TestAuthorizer_AuthorizeAssumeRole(t *testing.T) {
	_, authz := newAuthz(t)
	role := iamARN("role/marketing")
	prov := arn.MustParse(provider)
	// assume is an AssumeRoleWithWebIdentity request; each row changes
	// what differs from the one the trust policy allows.
	type assume struct {
		role, provider arn.ARN
		aud, sub       string
		tags           map[string]string
		noContext      bool // send an empty request context
	}
	tests := map[string]struct {
		change  func(*assume)
		want    bool
		wantErr error
	}{
		"audience and tag match": {change: func(*assume) {}, want: true},
		"wrong audience":         {change: func(r *assume) { r.aud = "other" }},
		"missing audience":       {change: func(r *assume) { r.aud = "" }},
		"wrong role tag":         {change: func(r *assume) { r.tags = map[string]string{"role": "x"} }},
		"other provider":         {change: func(r *assume) { r.provider = iamARN("oidc-provider/evil.example.com") }},
		"unknown role":           {change: func(r *assume) { r.role = iamARN("role/nope") }, wantErr: principal.ErrNotFound},
		"user ARN is not a role": {change: func(r *assume) { r.role = user("alice@astran.io").ARN }, wantErr: principal.ErrInvalid},
		"invalid provider":       {change: func(r *assume) { r.provider = arn.ARN{} }, wantErr: principal.ErrInvalid},
		"empty context":          {change: func(r *assume) { r.noContext = true }},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := assume{role: role, provider: prov, aud: "astran", sub: "sub-1", tags: map[string]string{"role": role.String()}}
			tc.change(&r)
			var reqCtx policy.Context
			if !r.noContext {
				reqCtx = principal.WebIdentityContext(r.provider, r.aud, r.sub, r.tags)
			}
			res, err := authz.AuthorizeAssumeRole(t.Context(), r.role, r.provider, reqCtx)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tc.want, res.Allowed(), "%s %+v", res.Decision, res)
		})
	}
}

func TestAuthorizer_AuthorizeAssumeRole_tagSessionNeeded(t *testing.T) {
	s := principal.NewMemoryStore()
	role := iamARN("role/r")
	prov := arn.MustParse(provider)
	trust := mustDoc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"`+provider+`"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`)
	require.NoError(t, s.PutRole(principal.Identity{ARN: role, TrustPolicy: trust}))
	authz := principal.NewAuthorizer(s)
	res, err := authz.AuthorizeAssumeRole(t.Context(), role, prov, principal.WebIdentityContext(prov, "astran", "", nil))
	require.NoError(t, err)
	assert.True(t, res.Allowed())
	res, err = authz.AuthorizeAssumeRole(t.Context(), role, prov, principal.WebIdentityContext(prov, "astran", "", map[string]string{"k": "v"}))
	require.NoError(t, err)
	assert.False(t, res.Allowed(), "session tags need sts:TagSession")
}

func TestCallerError(t *testing.T) {
	err := error(&principal.CallerError{Caller: key("ASIAX"), Err: principal.ErrExpired})
	assert.True(t, errors.Is(err, principal.ErrExpired))
	assert.Contains(t, err.Error(), "ASIAX")
}

func policyContext() policy.Context { return policy.Context{} }

func TestAuthorizer_boundaryDeny(t *testing.T) {
	s := principal.NewMemoryStore()
	ua := iamARN("user/u@astran.io")
	ra := iamARN("role/r")
	bp := iamARN("policy/Boundary")
	require.NoError(t, s.PutPolicy(bp, mustDoc(t, `{"Version":"2012-10-17","Statement":[
		{"Sid":"All","Effect":"Allow","Action":"*","Resource":"*"},
		{"Sid":"NoIAM","Effect":"Deny","Action":"iam:*","Resource":"*"}]}`)))
	require.NoError(t, s.PutUser(principal.Identity{ARN: ua, PermissionsBoundary: bp}))
	require.NoError(t, s.PutRole(principal.Identity{ARN: ra, PermissionsBoundary: bp}))
	require.NoError(t, s.PutPolicy(iamARN("policy/Own"), mustDoc(t, `{"Version":"2012-10-17","Statement":[
		{"Sid":"Own","Effect":"Allow","Action":["iam:*","s3:*"],"Resource":"*"}]}`)))
	for _, e := range []arn.ARN{ua, ra} {
		require.NoError(t, s.AttachPolicy(e, iamARN("policy/Own")))
	}
	require.NoError(t, s.PutSession(principal.Session{AccessKeyID: "ASIAR", Identity: ra, Name: "s"}))
	authz := principal.NewAuthorizer(s)
	for _, c := range []principal.Caller{{ARN: ua}, {AccessKeyID: "ASIAR"}} {
		res := decide(t, authz, c, "iam:CreateUser", "*")
		assert.Equal(t, policy.ExplicitDeny, res.Decision, "%s", c)
		require.Len(t, res.Statements, 1)
		assert.Equal(t, "NoIAM", res.Statements[0].Sid)
		assert.Equal(t, bp.String(), res.Statements[0].Policy)

		res = decide(t, authz, c, "s3:GetObject", "*")
		assert.Equal(t, policy.Allow, res.Decision)
		var sids []string
		for _, m := range res.Statements {
			sids = append(sids, m.Sid)
		}
		assert.Equal(t, []string{"Own", "All"}, sids, "identity statements, then boundary statements")
	}
}

func TestAuthorizer_missingContextKeys(t *testing.T) {
	s := principal.NewMemoryStore()
	ua := iamARN("user/u@astran.io")
	bp := iamARN("policy/B")
	require.NoError(t, s.PutPolicy(bp, mustDoc(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`)))
	require.NoError(t, s.PutUser(principal.Identity{ARN: ua, PermissionsBoundary: bp}))
	require.NoError(t, s.PutInlinePolicy(ua, "P", mustDoc(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`)))
	authz := principal.NewAuthorizer(s)
	res := decide(t, authz, principal.Caller{ARN: ua}, "s3:GetObject", "*")
	assert.False(t, res.Allowed())
	assert.Equal(t, []string{"aws:SecureTransport", "aws:SourceIp"}, res.MissingContextKeys)
	var rc policy.Context
	rc.Set("aws:SourceIp", "10.9.9.9")
	rc.Set("aws:SecureTransport", "true")
	res, err := authz.Authorize(t.Context(), principal.Caller{ARN: ua}, "s3:GetObject", "*", rc)
	require.NoError(t, err)
	assert.True(t, res.Allowed())
	assert.Empty(t, res.MissingContextKeys)
}

func TestAuthorizer_assumedRoleARN(t *testing.T) {
	_, authz := newAuthz(t)
	c := principal.Caller{ARN: arn.MustParse("arn:demo:sts::" + account + ":assumed-role/marketing/web")}
	res := decide(t, authz, c, "s3:GetObject", "arn:demo:s3:::b/k")
	assert.True(t, res.Allowed())
	res = decide(t, authz, c, "s3:PutObject", "arn:demo:s3:::b/k")
	assert.False(t, res.Allowed())
	_, err := authz.Authorize(t.Context(), principal.Caller{ARN: arn.MustParse("arn:demo:sts::" + account + ":assumed-role/nope/web")}, "s3:GetObject", "*", policy.Context{})
	require.ErrorIs(t, err, principal.ErrNotFound)
}
