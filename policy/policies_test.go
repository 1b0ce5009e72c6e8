package policy_test

import (
	"slices"
	"testing"

	"github.com/astran-oss/astran-go/policy"
)

// AWS documentation pages the multi-type rules follow.
const (
	docCrossAccount = "AWS IAM User Guide: Cross-account policy evaluation logic"
	docBoundaries   = "AWS IAM User Guide: Permissions boundaries for IAM entities"
	docSession      = "AWS IAM User Guide: Policies and permissions (Session policies)"
	docS3Anonymous  = "Amazon S3 User Guide: Granting read-only permission to a public anonymous user"
)

// Principals and accounts of the multi-type tests.
const (
	acctA    = "111122223333"
	acctB    = "444455556666"
	alice    = "arn:aws:iam::" + acctA + ":user/alice"
	roleR    = "arn:aws:iam::" + acctA + ":role/team/R"
	sessR    = "arn:aws:sts::" + acctA + ":assumed-role/R/s1"
	bobB     = "arn:aws:iam::" + acctB + ":user/bob"
	roleB    = "arn:aws:iam::" + acctB + ":role/R"
	sessB    = "arn:aws:sts::" + acctB + ":assumed-role/R/s1"
	oidc     = "arn:aws:iam::" + acctA + ":oidc-provider/id.example.com"
	object   = "arn:aws:s3:::shared/k"
	getObj   = "s3:GetObject"
	anywhere = `"Action":"s3:*","Resource":"*"`
)

func awsSet(t testing.TB, docs ...string) *policy.Set {
	t.Helper()
	ps := make([]policy.Policy, len(docs))
	for i, d := range docs {
		doc, err := policy.Parse([]byte(d), func(o *policy.ParseOptions) { o.Dialect = policy.AWS })
		if err != nil {
			t.Fatalf("Parse(%s): %v", d, err)
		}
		ps[i] = policy.Policy{ID: "p" + string(rune('0'+i)), Document: doc}
	}
	return policy.MustCompile(ps, func(o *policy.CompileOptions) { o.Dialect = policy.AWS })
}

// grantTo is a bucket policy whose only statement has the given effect and
// Principal element (JSON) on s3:GetObject.
func grantTo(effect, principal string) string {
	return stmt(`{"Sid":"Bucket","Effect":"` + effect + `","Principal":` + principal + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}`)
}

// multiSets are the compiled policies the rows combine, by name.
type multiSets struct {
	idAllow, idDeny, idOther         *policy.Set
	bdAllow, bdOther, ssAllow, ssOth *policy.Set
}

func newMultiSets(t *testing.T) multiSets {
	allowGet := stmt(`{"Sid":"Get","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}`)
	list := stmt(`{"Sid":"List","Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}`)
	return multiSets{
		idAllow: awsSet(t, allowGet),
		idDeny:  awsSet(t, allowGet, stmt(`{"Sid":"No","Effect":"Deny","Action":"s3:GetObject","Resource":"*"}`)),
		idOther: awsSet(t, list),
		bdAllow: awsSet(t, stmt(`{"Sid":"Boundary","Effect":"Allow",`+anywhere+`}`)),
		bdOther: awsSet(t, list),
		ssAllow: awsSet(t, stmt(`{"Sid":"Session","Effect":"Allow",`+anywhere+`}`)),
		ssOth:   awsSet(t, list),
	}
}

// TestPoliciesEvaluate_awsRules pins down AWS's evaluation logic across
// policy types, one documented rule per row.
func TestPoliciesEvaluate_awsRules(t *testing.T) {
	m := newMultiSets(t)
	rp := func(effect, principal string) *policy.Set { return awsSet(t, grantTo(effect, principal)) }
	notPrincipalDenyDoc := stmt(`{"Sid":"OnlyAlice","Effect":"Deny","NotPrincipal":{"AWS":"` + alice + `"},"Action":"s3:*","Resource":"*"}`)
	notPrincipalDeny := awsSet(t, notPrincipalDenyDoc)
	notPrincipalAllow := awsSet(t, stmt(`{"Effect":"Allow","NotPrincipal":{"AWS":"`+bobB+`"},"Action":"s3:*","Resource":"*"}`))
	tests := []struct {
		name      string
		doc       string
		p         policy.Policies
		principal string
		account   string // the resource's account; "" is the principal's
		want      policy.Decision
		by        policy.PolicyType // DecidedBy, or MissingAllow for ImplicitDeny
	}{
		// Explicit deny in any policy type wins.
		{name: "identity deny beats a resource allow", doc: docEvalLogic,
			p: policy.Policies{Identity: m.idDeny, Resource: rp("Allow", `{"AWS":"`+alice+`"}`)}, principal: alice,
			want: deny, by: policy.IdentityBased},
		{name: "resource deny beats an identity allow", doc: docEvalLogic,
			p: policy.Policies{Identity: m.idAllow, Resource: rp("Deny", `"*"`)}, principal: alice,
			want: deny, by: policy.ResourceBased},
		{name: "boundary deny wins", doc: docBoundaries,
			p: policy.Policies{Identity: m.idAllow, Boundary: awsSet(t, stmt(`{"Effect":"Deny",`+anywhere+`}`))}, principal: alice,
			want: deny, by: policy.PermissionsBoundary},
		{name: "session deny wins", doc: docSession,
			p: policy.Policies{Identity: m.idAllow, Session: awsSet(t, stmt(`{"Effect":"Deny",`+anywhere+`}`))}, principal: sessR,
			want: deny, by: policy.SessionPolicy},
		{name: "cross-account resource deny wins", doc: docCrossAccount,
			p: policy.Policies{Identity: m.idAllow, Resource: rp("Deny", `{"AWS":"`+acctB+`"}`)}, principal: bobB, account: acctA,
			want: deny, by: policy.ResourceBased},

		// Same account: an identity allow or a resource allow suffices.
		{name: "same account identity allow alone", doc: docEvalLogic,
			p: policy.Policies{Identity: m.idAllow}, principal: alice, want: allow, by: policy.IdentityBased},
		{name: "same account resource allow naming the user alone", doc: docEvalLogic,
			p: policy.Policies{Identity: m.idOther, Resource: rp("Allow", `{"AWS":"`+alice+`"}`)}, principal: alice,
			want: allow, by: policy.ResourceBased},
		{name: "same account resource allow naming the session alone", doc: docEvalLogic,
			p: policy.Policies{Resource: rp("Allow", `{"AWS":"`+sessR+`"}`)}, principal: sessR,
			want: allow, by: policy.ResourceBased},
		{name: "same account resource allow naming the role alone", doc: docEvalLogic,
			p: policy.Policies{Resource: rp("Allow", `{"AWS":"`+roleR+`"}`)}, principal: sessR,
			want: allow, by: policy.ResourceBased},
		{name: "same account resource naming the account delegates to identity", doc: docEvalLogic,
			p: policy.Policies{Identity: m.idOther, Resource: rp("Allow", `{"AWS":"arn:aws:iam::`+acctA+`:root"}`)}, principal: alice,
			want: none, by: policy.IdentityBased},
		{name: "same account bare account ID with identity allow", doc: docEvalLogic,
			p: policy.Policies{Identity: m.idAllow, Resource: rp("Allow", `{"AWS":"`+acctA+`"}`)}, principal: alice,
			want: allow, by: policy.IdentityBased},
		{name: "same account neither allows", doc: docEvalLogic,
			p: policy.Policies{Identity: m.idOther, Resource: rp("Allow", `{"AWS":"`+bobB+`"}`)}, principal: alice,
			want: none, by: policy.IdentityBased},
		{name: "resource allow for everyone in the same account", doc: docPrincipal,
			p: policy.Policies{Resource: rp("Allow", `{"AWS":"*"}`)}, principal: alice, want: allow, by: policy.ResourceBased},
		{name: "resource allow for a federated principal", doc: docPrincipal,
			p: policy.Policies{Resource: rp("Allow", `{"Federated":"`+oidc+`"}`)}, principal: oidc, want: allow, by: policy.ResourceBased},

		// Boundaries and session policies only limit, with the documented
		// nuances for resource-based policies.
		{name: "boundary limits an identity allow", doc: docBoundaries,
			p: policy.Policies{Identity: m.idAllow, Boundary: m.bdOther}, principal: alice,
			want: none, by: policy.PermissionsBoundary},
		{name: "boundary alone never grants", doc: docBoundaries,
			p: policy.Policies{Identity: m.idOther, Boundary: m.bdAllow}, principal: alice,
			want: none, by: policy.IdentityBased},
		{name: "boundary and identity both allow", doc: docBoundaries,
			p: policy.Policies{Identity: m.idAllow, Boundary: m.bdAllow}, principal: alice,
			want: allow, by: policy.IdentityBased},
		{name: "boundary does not limit a resource allow naming the user", doc: docBoundaries,
			p: policy.Policies{Boundary: m.bdOther, Resource: rp("Allow", `{"AWS":"`+alice+`"}`)}, principal: alice,
			want: allow, by: policy.ResourceBased},
		{name: "boundary does not limit a resource allow naming the session", doc: docBoundaries,
			p: policy.Policies{Boundary: m.bdOther, Resource: rp("Allow", `{"AWS":"`+sessR+`"}`)}, principal: sessR,
			want: allow, by: policy.ResourceBased},
		{name: "boundary limits a resource allow naming the role", doc: docBoundaries,
			p: policy.Policies{Boundary: m.bdOther, Resource: rp("Allow", `{"AWS":"`+roleR+`"}`)}, principal: sessR,
			want: none, by: policy.PermissionsBoundary},
		{name: "role allow within the boundary", doc: docBoundaries,
			p: policy.Policies{Boundary: m.bdAllow, Resource: rp("Allow", `{"AWS":"`+roleR+`"}`)}, principal: sessR,
			want: allow, by: policy.ResourceBased},
		{name: "role ARN as principal stands for its session", doc: docBoundaries,
			p: policy.Policies{Boundary: m.bdOther, Resource: rp("Allow", `{"AWS":"`+roleR+`"}`)}, principal: roleR,
			want: none, by: policy.PermissionsBoundary},
		{name: "session policy limits an identity allow", doc: docSession,
			p: policy.Policies{Identity: m.idAllow, Session: m.ssOth}, principal: sessR,
			want: none, by: policy.SessionPolicy},
		{name: "session policy alone never grants", doc: docSession,
			p: policy.Policies{Identity: m.idOther, Session: m.ssAllow}, principal: sessR,
			want: none, by: policy.IdentityBased},
		{name: "session policy does not limit a resource allow naming the session", doc: docSession,
			p: policy.Policies{Session: m.ssOth, Resource: rp("Allow", `{"AWS":"`+sessR+`"}`)}, principal: sessR,
			want: allow, by: policy.ResourceBased},
		{name: "session policy limits a resource allow naming the role", doc: docSession,
			p: policy.Policies{Session: m.ssOth, Resource: rp("Allow", `{"AWS":"`+roleR+`"}`)}, principal: sessR,
			want: none, by: policy.SessionPolicy},
		{name: "identity, boundary and session all allow", doc: docSession,
			p: policy.Policies{Identity: m.idAllow, Boundary: m.bdAllow, Session: m.ssAllow}, principal: sessR,
			want: allow, by: policy.IdentityBased},

		// Cross-account: both sides must allow.
		{name: "cross-account identity allow alone", doc: docCrossAccount,
			p: policy.Policies{Identity: m.idAllow}, principal: bobB, account: acctA,
			want: none, by: policy.ResourceBased},
		{name: "cross-account resource allow naming the user alone", doc: docCrossAccount,
			p: policy.Policies{Identity: m.idOther, Resource: rp("Allow", `{"AWS":"`+bobB+`"}`)}, principal: bobB, account: acctA,
			want: none, by: policy.IdentityBased},
		{name: "cross-account both allow, naming the account root", doc: docCrossAccount,
			p: policy.Policies{Identity: m.idAllow, Resource: rp("Allow", `{"AWS":"arn:aws:iam::`+acctB+`:root"}`)}, principal: bobB, account: acctA,
			want: allow, by: policy.ResourceBased},
		{name: "cross-account both allow, naming the role for a session", doc: docCrossAccount,
			p: policy.Policies{Identity: m.idAllow, Resource: rp("Allow", `{"AWS":"`+roleB+`"}`)}, principal: sessB, account: acctA,
			want: allow, by: policy.ResourceBased},
		{name: "cross-account boundary limits the identity side", doc: docCrossAccount,
			p: policy.Policies{Identity: m.idAllow, Boundary: m.bdOther, Resource: rp("Allow", `{"AWS":"`+bobB+`"}`)}, principal: bobB, account: acctA,
			want: none, by: policy.PermissionsBoundary},
		{name: "cross-account resource names another account", doc: docCrossAccount,
			p: policy.Policies{Identity: m.idAllow, Resource: rp("Allow", `{"AWS":"`+acctA+`"}`)}, principal: bobB, account: acctA,
			want: none, by: policy.ResourceBased},

		// Anonymous requests: only a resource-based policy allowing "*".
		{name: "anonymous allowed by Principal *", doc: docS3Anonymous,
			p: policy.Policies{Resource: rp("Allow", `"*"`)}, account: acctA, want: allow, by: policy.ResourceBased},
		{name: "anonymous allowed by AWS *", doc: docPrincipal,
			p: policy.Policies{Resource: rp("Allow", `{"AWS":"*"}`)}, account: acctA, want: allow, by: policy.ResourceBased},
		{name: "anonymous ignores identity policies", doc: docEvalLogic,
			p: policy.Policies{Identity: m.idAllow}, account: acctA, want: none, by: policy.ResourceBased},
		{name: "anonymous not matched by an account", doc: docPrincipal,
			p: policy.Policies{Resource: rp("Allow", `{"AWS":"`+acctA+`"}`)}, account: acctA, want: none, by: policy.ResourceBased},
		{name: "anonymous denied by Principal *", doc: docEvalLogic,
			p: policy.Policies{Resource: awsSet(t, grantTo("Allow", `"*"`), grantTo("Deny", `"*"`))}, account: acctA,
			want: deny, by: policy.ResourceBased},

		// NotPrincipal.
		{name: "NotPrincipal deny spares the named principal", doc: docNotPrinc,
			p: policy.Policies{Identity: m.idAllow, Resource: notPrincipalDeny}, principal: alice,
			want: allow, by: policy.IdentityBased},
		{name: "NotPrincipal deny applies to others", doc: docNotPrinc,
			p: policy.Policies{Identity: m.idAllow, Resource: notPrincipalDeny}, principal: "arn:aws:iam::" + acctA + ":user/eve",
			want: deny, by: policy.ResourceBased},
		{name: "NotPrincipal deny applies to anonymous requests", doc: docNotPrinc,
			p: policy.Policies{Resource: awsSet(t, grantTo("Allow", `"*"`), notPrincipalDenyDoc)}, account: acctA,
			want: deny, by: policy.ResourceBased},

		{name: "NotPrincipal allow grants only through the identity side", doc: docNotPrinc,
			p: policy.Policies{Identity: m.idOther, Resource: notPrincipalAllow}, principal: alice,
			want: none, by: policy.IdentityBased},
		{name: "NotPrincipal allow with an identity allow", doc: docNotPrinc,
			p: policy.Policies{Identity: m.idAllow, Resource: notPrincipalAllow}, principal: alice,
			want: allow, by: policy.IdentityBased},
		{name: "resource allow without Principal grants nothing", doc: docPrincipal,
			p: policy.Policies{Resource: awsSet(t, stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`))}, principal: alice,
			want: none, by: policy.IdentityBased},

		// A role's trust policy must allow, even in the same account.
		{name: "trust policy required: identity allow alone", doc: docEvalLogic,
			p: policy.Policies{Identity: m.idAllow, ResourceRequired: true}, principal: alice,
			want: none, by: policy.ResourceBased},
		{name: "trust policy required: naming the user suffices", doc: docEvalLogic,
			p: policy.Policies{Resource: rp("Allow", `{"AWS":"`+alice+`"}`), ResourceRequired: true}, principal: alice,
			want: allow, by: policy.ResourceBased},
		{name: "trust policy required: naming the account needs identity", doc: docEvalLogic,
			p: policy.Policies{Resource: rp("Allow", `{"AWS":"`+acctA+`"}`), ResourceRequired: true}, principal: alice,
			want: none, by: policy.IdentityBased},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := &policy.Request{Principal: tc.principal, Action: getObj, Resource: object, ResourceAccount: tc.account}
			res := tc.p.Evaluate(req)
			by := res.DecidedBy
			if tc.want == none {
				by = res.MissingAllow
			}
			if res.Decision != tc.want || by != tc.by {
				t.Errorf("%s: got %v (decided by %q, missing %q), want %v by %q",
					tc.doc, res.Decision, res.DecidedBy, res.MissingAllow, tc.want, tc.by)
			}
			if (tc.want == none) != (len(res.Statements) == 0) {
				t.Errorf("statements %+v for %v", res.Statements, res.Decision)
			}
			for _, st := range res.Statements {
				if st.Type == 0 || (tc.want == deny) != (st.Effect == policy.EffectDeny) {
					t.Errorf("statement %+v for %v", st, res.Decision)
				}
			}
		})
	}
}

// TestPoliciesEvaluate_statements shows which statements an Allow reports:
// those of the types that were needed.
func TestPoliciesEvaluate_statements(t *testing.T) {
	m := newMultiSets(t)
	bucket := awsSet(t, grantTo("Allow", `{"AWS":"`+acctB+`"}`))
	type st struct {
		t   policy.PolicyType
		sid string
	}
	tests := []struct {
		name      string
		p         policy.Policies
		principal string
		want      []st
	}{
		{"identity side", policy.Policies{Identity: m.idAllow, Boundary: m.bdAllow, Session: m.ssAllow}, sessR,
			[]st{{policy.IdentityBased, "Get"}, {policy.PermissionsBoundary, "Boundary"}, {policy.SessionPolicy, "Session"}}},
		{"resource naming the user", policy.Policies{Identity: m.idAllow, Resource: awsSet(t, grantTo("Allow", `{"AWS":"`+alice+`"}`))}, alice,
			[]st{{policy.ResourceBased, "Bucket"}}},
		{"cross-account: both sides", policy.Policies{Identity: m.idAllow, Boundary: m.bdAllow, Resource: bucket}, bobB,
			[]st{{policy.IdentityBased, "Get"}, {policy.PermissionsBoundary, "Boundary"}, {policy.ResourceBased, "Bucket"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.p.Evaluate(&policy.Request{Principal: tc.principal, Action: getObj, Resource: object, ResourceAccount: acctA})
			var got []st
			for _, m := range res.Statements {
				got = append(got, st{m.Type, m.Sid})
			}
			if !res.Allowed() || !slices.Equal(got, tc.want) {
				t.Errorf("got %v %v, want Allow %v", res.Decision, got, tc.want)
			}
		})
	}
}

// TestPoliciesEvaluate_principals pins down which principals each form of
// the Principal element names, through a bucket policy in the same account
// (a match grants) and across accounts with an identity allow.
func TestPoliciesEvaluate_principals(t *testing.T) {
	m := newMultiSets(t)
	tests := []struct {
		element   string
		principal string
		want      bool
	}{
		{`"*"`, bobB, true},
		{`{"AWS":"*"}`, alice, true},
		{`{"AWS":"` + alice + `"}`, alice, true},
		{`{"AWS":"` + alice + `"}`, "arn:aws:iam::" + acctA + ":user/alice2", false},
		{`{"AWS":"` + acctB + `"}`, bobB, true},
		{`{"AWS":"` + acctB + `"}`, sessB, true},
		{`{"AWS":"` + acctB + `"}`, alice, false},
		{`{"AWS":"arn:aws:iam::` + acctB + `:root"}`, bobB, true},
		{`{"AWS":"arn:aws:iam::` + acctB + `:root"}`, "arn:other:iam::" + acctB + ":user/bob", false},
		{`{"AWS":"` + roleB + `"}`, sessB, true},
		{`{"AWS":"` + roleB + `"}`, roleB, true},
		{`{"AWS":"` + roleB + `"}`, "arn:aws:sts::" + acctB + ":assumed-role/R2/s1", false},
		{`{"AWS":"` + sessB + `"}`, sessB, true},
		{`{"AWS":"` + sessB + `"}`, "arn:aws:sts::" + acctB + ":assumed-role/R/s2", false},
		{`{"Federated":"` + oidc + `"}`, oidc, true},
		{`{"Federated":"` + oidc + `"}`, alice, false},
		{`{"Service":"ec2.amazonaws.com"}`, "ec2.amazonaws.com", true},
	}
	for _, tc := range tests {
		bucket := awsSet(t, grantTo("Allow", tc.element))
		p := policy.Policies{Identity: m.idAllow, Resource: bucket}
		res := p.Evaluate(&policy.Request{Principal: tc.principal, Action: getObj, Resource: object, ResourceAccount: acctA + "0"})
		if res.Allowed() != tc.want {
			t.Errorf("Principal %s, caller %s: %v, want allowed=%v", tc.element, tc.principal, res.Decision, tc.want)
		}
	}
}

// TestPoliciesEvaluate_accounts shows how the resource's account is found:
// an identity allow alone suffices only in the same account.
func TestPoliciesEvaluate_accounts(t *testing.T) {
	p := policy.Policies{Identity: awsSet(t, stmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`))}
	tests := []struct {
		resource, account string
		same              bool
	}{
		{object, "", true},
		{object, acctA, true},
		{object, acctB, false},
		{"arn:aws:iam::" + acctB + ":role/R", "", false},
		{"arn:aws:iam::" + acctA + ":role/R", "", true},
		{"*", "", true},
	}
	for _, tc := range tests {
		res := p.Evaluate(&policy.Request{Principal: alice, Action: getObj, Resource: tc.resource, ResourceAccount: tc.account})
		if res.Allowed() != tc.same {
			t.Errorf("%s owned by %q: %v, want allowed=%v", tc.resource, tc.account, res.Decision, tc.same)
		}
	}
}

func TestPoliciesEvaluate_nil(t *testing.T) {
	var p *policy.Policies
	if res := p.Evaluate(&policy.Request{Principal: alice}); res.Decision != none {
		t.Errorf("nil Policies: %v", res.Decision)
	}
	if res := (&policy.Policies{}).Evaluate(nil); res.Decision != none {
		t.Errorf("nil request: %v", res.Decision)
	}
	res := (&policy.Policies{}).Evaluate(&policy.Request{Principal: alice, Action: getObj, Resource: object})
	if res.Decision != none || res.MissingAllow != policy.IdentityBased {
		t.Errorf("no policies: %v missing %q", res.Decision, res.MissingAllow)
	}
}

func TestPoliciesEvaluateInto_allocs(t *testing.T) {
	m := newMultiSets(t)
	p := policy.Policies{Identity: m.idAllow, Boundary: m.bdAllow, Session: m.ssAllow, Resource: awsSet(t, grantTo("Allow", `{"AWS":"`+acctB+`"}`))}
	reqs := []policy.Request{
		{Principal: sessR, Action: getObj, Resource: object},
		{Principal: sessB, Action: getObj, Resource: object, ResourceAccount: acctA},
		{Action: getObj, Resource: object, ResourceAccount: acctA},
	}
	for i := range reqs {
		if n := evaluateAllocs(&p, &reqs[i]); n != 0 {
			t.Errorf("request %d: %v allocations", i, n)
		}
	}
}
