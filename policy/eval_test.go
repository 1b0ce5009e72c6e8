package policy_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/astran-oss/astran-go/policy"
)

// AWS documentation pages the rules below follow (AWS IAM User Guide).
const (
	docEvalLogic   = "AWS IAM User Guide: Policy evaluation logic"
	docNotAction   = "IAM JSON policy elements: NotAction"
	docNotResource = "IAM JSON policy elements: NotResource"
	docAction      = "IAM JSON policy elements: Action"
	docResource    = "IAM JSON policy elements: Resource"
	docVariables   = "IAM policy elements: Variables and tags"
	docOperators   = "IAM JSON policy elements: Condition operators"
	docCondition   = "IAM JSON policy elements: Condition"
	docMultiValued = "Single-valued vs multivalued context keys"
	docMultiEx     = "Multivalued context key examples"
	docPrincipal   = "AWS JSON policy elements: Principal"
	docNotPrinc    = "AWS JSON policy elements: NotPrincipal"
	docVersion     = "IAM JSON policy elements: Version"
	docAstran      = "Astran docs: policies (case-sensitive actions)"
	docSimulator   = "Testing IAM policies with the IAM policy simulator"
)

type evalCase struct {
	name      string
	doc       string // the documentation page the rule comes from
	dialect   policy.Dialect
	policies  []string
	principal string
	action    string
	resource  string
	ctx       map[string][]string
	want      policy.Decision
	missing   []string // if non-nil, the expected MissingContextKeys
	sids      []string // if non-nil, the expected deciding Sids
}

const (
	allow = policy.Allow
	deny  = policy.ExplicitDeny
	none  = policy.ImplicitDeny
)

func stmt(s string) string { return `{"Version":"2012-10-17","Statement":[` + s + `]}` }

// cond is an Allow statement on everything with the given condition block.
func cond(c string) string {
	return stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":` + c + `}`)
}

func runEval(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var ps []policy.Policy
			for i, src := range tc.policies {
				d, err := policy.Parse([]byte(src), func(o *policy.ParseOptions) { o.Dialect = tc.dialect })
				if err != nil {
					t.Fatalf("[%s] parse policy %d: %v", tc.doc, i, err)
				}
				ps = append(ps, policy.Policy{ID: "p" + string(rune('0'+i)), Document: d})
			}
			set, err := policy.Compile(ps, func(o *policy.CompileOptions) { o.Dialect = tc.dialect })
			if err != nil {
				t.Fatalf("[%s] compile: %v", tc.doc, err)
			}
			action := tc.action
			if action == "" {
				action = "s3:GetObject"
			}
			resource := tc.resource
			if resource == "" {
				resource = "arn:demo:s3:::bucket/key"
			}
			req := &policy.Request{Principal: tc.principal, Action: action, Resource: resource, Context: policy.ContextFromMap(tc.ctx)}
			got := set.Evaluate(req)
			if got.Decision != tc.want {
				t.Fatalf("[%s] decision = %v, want %v (result %+v)", tc.doc, got.Decision, tc.want, got)
			}
			if tc.missing != nil && !slices.Equal(got.MissingContextKeys, tc.missing) && !(len(tc.missing) == 0 && len(got.MissingContextKeys) == 0) {
				t.Errorf("[%s] missing = %q, want %q", tc.doc, got.MissingContextKeys, tc.missing)
			}
			if tc.sids != nil {
				var sids []string
				for _, m := range got.Statements {
					sids = append(sids, m.Sid)
				}
				if !slices.Equal(sids, tc.sids) {
					t.Errorf("[%s] sids = %q, want %q", tc.doc, sids, tc.sids)
				}
			}
			// The indexed evaluator must agree with the scan: pad the set
			// with unrelated statements so that it uses the index.
			padded := append(slices.Clone(ps), policy.Policy{ID: "pad", Document: padding(tc.dialect)})
			pset, err := policy.Compile(padded, func(o *policy.CompileOptions) { o.Dialect = tc.dialect })
			if err != nil {
				t.Fatal(err)
			}
			if pg := pset.Evaluate(req); pg.Decision != got.Decision || !slices.Equal(pg.Statements, got.Statements) {
				t.Errorf("indexed evaluation differs: %+v vs %+v", pg, got)
			}
		})
	}
}

// padding is a document of 64 statements that match nothing in the tests.
func padding(d policy.Dialect) *policy.Document {
	doc := &policy.Document{Version: policy.Version2012}
	for i := 0; i < 64; i++ {
		doc.Statements = append(doc.Statements, policy.Statement{
			Effect: policy.EffectDeny, Action: []string{"padding:Action" + strings.Repeat("x", i), "pad" + strings.Repeat("y", i) + ":*"},
			Resource: []string{"*"},
		})
	}
	return doc
}

func TestEvaluate_evaluationLogic(t *testing.T) {
	allowGet := stmt(`{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)
	denyGet := stmt(`{"Sid":"D","Effect":"Deny","Action":"s3:GetObject","Resource":"arn:demo:s3:::bucket/*"}`)
	runEval(t, []evalCase{
		{name: "no policy is implicit deny", doc: docEvalLogic, want: none},
		{name: "matching allow", doc: docEvalLogic, policies: []string{allowGet}, want: allow, sids: []string{"A"}},
		{name: "allow for another action", doc: docEvalLogic, policies: []string{allowGet}, action: "s3:PutObject", want: none, sids: []string{}},
		{name: "explicit deny wins in same policy", doc: docEvalLogic,
			policies: []string{stmt(`{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"D","Effect":"Deny","Action":"s3:GetObject","Resource":"*"}`)},
			want:     deny, sids: []string{"D"}},
		{name: "explicit deny in another policy wins", doc: docEvalLogic, policies: []string{allowGet, denyGet}, want: deny, sids: []string{"D"}},
		{name: "deny not matching resource", doc: docEvalLogic, policies: []string{allowGet, denyGet}, resource: "arn:demo:s3:::other/key", want: allow},
		{name: "deny alone is explicit", doc: docEvalLogic, policies: []string{denyGet}, want: deny},
		{name: "all matching allows listed", doc: docEvalLogic,
			policies: []string{stmt(`{"Sid":"A1","Effect":"Allow","Action":"s3:Get*","Resource":"*"},{"Sid":"A2","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::bucket/*"}`)},
			want:     allow, sids: []string{"A1", "A2"}},
		{name: "allow with false condition", doc: docEvalLogic,
			policies: []string{stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`)},
			ctx:      map[string][]string{"aws:SecureTransport": {"false"}}, want: none},
	})
}

func TestEvaluate_notActionNotResource(t *testing.T) {
	runEval(t, []evalCase{
		{name: "Allow+NotAction grants everything else", doc: docNotAction,
			policies: []string{stmt(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`)}, action: "s3:PutObject", want: allow},
		{name: "Allow+NotAction does not grant the listed action", doc: docNotAction,
			policies: []string{stmt(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`)}, action: "iam:CreateUser", want: none},
		{name: "Deny+NotAction denies everything else", doc: docNotAction,
			policies: []string{stmt(`{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":["s3:Get*","s3:List*"],"Resource":"*"}`)},
			action:   "s3:PutObject", want: deny},
		{name: "Deny+NotAction leaves the listed actions", doc: docNotAction,
			policies: []string{stmt(`{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":["s3:Get*","s3:List*"],"Resource":"*"}`)},
			action:   "s3:GetObject", want: allow},
		{name: "Allow+NotResource", doc: docNotResource,
			policies: []string{stmt(`{"Effect":"Allow","Action":"s3:*","NotResource":"arn:demo:s3:::secret/*"}`)}, want: allow},
		{name: "Allow+NotResource excluded", doc: docNotResource,
			policies: []string{stmt(`{"Effect":"Allow","Action":"s3:*","NotResource":"arn:demo:s3:::secret/*"}`)}, resource: "arn:demo:s3:::secret/k", want: none},
		{name: "Deny+NotResource denies everything else", doc: docNotResource,
			policies: []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","NotResource":["arn:demo:s3:::bucket","arn:demo:s3:::bucket/*"]}`)},
			resource: "arn:demo:s3:::other/k", want: deny},
		{name: "Deny+NotResource spares the listed", doc: docNotResource,
			policies: []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","NotResource":["arn:demo:s3:::bucket","arn:demo:s3:::bucket/*"]}`)},
			want:     allow},
	})
}

func TestEvaluate_wildcards(t *testing.T) {
	p := func(action, resource string) []string {
		return []string{stmt(`{"Effect":"Allow","Action":"` + action + `","Resource":"` + resource + `"}`)}
	}
	runEval(t, []evalCase{
		{name: "action star", doc: docAction, policies: p("*", "*"), want: allow},
		{name: "service star", doc: docAction, policies: p("s3:*", "*"), want: allow},
		{name: "action prefix", doc: docAction, policies: p("s3:Get*", "*"), want: allow},
		{name: "action prefix other service", doc: docAction, policies: p("s3:Get*", "*"), action: "iam:GetUser", want: none},
		{name: "action star matches empty", doc: docAction, policies: p("s3:GetObject*", "*"), want: allow},
		{name: "action question mark", doc: docAction, policies: p("s3:GetObjec?", "*"), want: allow},
		{name: "action question mark needs a character", doc: docAction, policies: p("s3:GetObject?", "*"), want: none},
		{name: "action infix star", doc: docAction, policies: p("s3:*Object", "*"), want: allow},
		{name: "Astran actions are case-sensitive", doc: docAstran, policies: p("s3:getobject", "*"), want: none},
		{name: "Astran action prefix case-sensitive", doc: docAstran, policies: p("S3:Get*", "*"), want: none},
		{name: "AWS actions are case-insensitive", doc: docAction, dialect: policy.AWS, policies: p("S3:getobject", "*"), want: allow},
		{name: "AWS action prefix case-insensitive", doc: docAction, dialect: policy.AWS, policies: p("s3:GET*", "*"), action: "S3:getObject", want: allow},
		{name: "resource exact", doc: docResource, policies: p("s3:*", "arn:demo:s3:::bucket/key"), want: allow},
		{name: "resource case-sensitive", doc: docResource, policies: p("s3:*", "arn:demo:s3:::Bucket/key"), want: none},
		{name: "resource trailing star", doc: docResource, policies: p("s3:*", "arn:demo:s3:::bucket/*"), want: allow},
		{name: "resource star matches empty", doc: docResource, policies: p("s3:*", "arn:demo:s3:::bucket/key*"), want: allow},
		{name: "resource star crosses slashes", doc: docResource, policies: p("s3:*", "arn:demo:s3:::*"), resource: "arn:demo:s3:::a/b/c", want: allow},
		{name: "resource question mark", doc: docResource, policies: p("s3:*", "arn:demo:s3:::bucket/ke?"), want: allow},
		{name: "wildcard stays in its segment", doc: docResource, policies: p("iam:*", "arn:demo:iam::*:user/bob"), action: "iam:GetUser",
			resource: "arn:demo:iam::123:user/bob", want: allow},
		{name: "wildcard does not cross a colon", doc: docResource, policies: p("iam:*", "arn:demo:iam:*:user/bob"), action: "iam:GetUser",
			resource: "arn:demo:iam::123:user/bob", want: none},
		{name: "trailing star in short pattern crosses colons", doc: docResource, policies: p("s3:*", "arn:demo:s3:*"), want: allow},
		{name: "resource segment may contain colons", doc: docResource, policies: p("s3:*", "arn:demo:s3:::bucket/*"),
			resource: "arn:demo:s3:::bucket/a:b:c", want: allow},
		{name: "partition wildcard", doc: docResource, policies: p("s3:*", "arn:*:s3:::bucket/key"), want: allow},
	})
}

func TestEvaluate_variables(t *testing.T) {
	userRes := func(r string) []string {
		return []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"` + r + `"}`)}
	}
	bob := map[string][]string{"aws:username": {"bob@astran.io"}}
	// Expansions longer than the evaluator's stack buffer (256 bytes).
	long := strings.Repeat("a", 300)
	longAccount := map[string][]string{"aws:PrincipalAccount": {long}}
	runEval(t, []evalCase{
		{name: "long expansion in resource", doc: docVariables, policies: userRes("arn:demo:iam::${aws:PrincipalAccount}:user/*"),
			ctx: longAccount, resource: "arn:demo:iam::" + long + ":user/x", want: allow},
		{name: "long expansion in resource, other account", doc: docVariables, policies: userRes("arn:demo:iam::${aws:PrincipalAccount}:user/*"),
			ctx: longAccount, resource: "arn:demo:iam::" + long + "b:user/x", want: none},
		{name: "long expansion in StringLike", doc: docVariables,
			policies: []string{cond(`{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}`)},
			ctx:      map[string][]string{"aws:username": {long}, "s3:prefix": {"home/" + long + "/x"}}, want: allow},
		{name: "long expansion in StringEquals", doc: docVariables,
			policies: []string{cond(`{"StringEquals":{"s3:prefix":"home/${aws:username}"}}`)},
			ctx:      map[string][]string{"aws:username": {long}, "s3:prefix": {"home/" + long}}, want: allow},
		{name: "username in resource", doc: docVariables, policies: userRes("arn:demo:s3:::home/${aws:username}/*"), ctx: bob,
			resource: "arn:demo:s3:::home/bob@astran.io/f", want: allow},
		{name: "other user's folder", doc: docVariables, policies: userRes("arn:demo:s3:::home/${aws:username}/*"), ctx: bob,
			resource: "arn:demo:s3:::home/alice@astran.io/f", want: none},
		{name: "variable key case-insensitive", doc: docVariables, policies: userRes("arn:demo:s3:::home/${AWS:UserName}/*"), ctx: bob,
			resource: "arn:demo:s3:::home/bob@astran.io/f", want: allow},
		{name: "missing variable matches nothing", doc: docVariables, policies: userRes("arn:demo:s3:::home/${aws:username}/*"),
			resource: "arn:demo:s3:::home//f", want: none},
		{name: "missing variable only disables its entry", doc: docVariables,
			policies: []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":["arn:demo:s3:::home/${aws:username}/*","arn:demo:s3:::public/*"]}`)},
			resource: "arn:demo:s3:::public/f", want: allow},
		{name: "default value", doc: docVariables, policies: userRes("arn:demo:s3:::home/${aws:username, 'guest'}/*"),
			resource: "arn:demo:s3:::home/guest/f", want: allow},
		{name: "default not used when set", doc: docVariables, policies: userRes("arn:demo:s3:::home/${aws:username, 'guest'}/*"), ctx: bob,
			resource: "arn:demo:s3:::home/guest/f", want: none},
		{name: "substituted star is literal", doc: docVariables, policies: userRes("arn:demo:s3:::home/${aws:username}/f"),
			ctx: map[string][]string{"aws:username": {"*"}}, resource: "arn:demo:s3:::home/bob/f", want: none},
		{name: "substituted star matches itself", doc: docVariables, policies: userRes("arn:demo:s3:::home/${aws:username}/f"),
			ctx: map[string][]string{"aws:username": {"*"}}, resource: "arn:demo:s3:::home/*/f", want: allow},
		{name: "escape ${*} is a literal star", doc: docVariables, policies: userRes("arn:demo:s3:::a${*}b"), resource: "arn:demo:s3:::a*b", want: allow},
		{name: "escape ${*} is not a wildcard", doc: docVariables, policies: userRes("arn:demo:s3:::a${*}b"), resource: "arn:demo:s3:::axb", want: none},
		{name: "escape ${?}", doc: docVariables, policies: userRes("arn:demo:s3:::a${?}"), resource: "arn:demo:s3:::a?", want: allow},
		{name: "escape ${$}", doc: docVariables, policies: userRes("arn:demo:s3:::a${$}"), resource: "arn:demo:s3:::a$", want: allow},
		{name: "multivalued key is not a variable", doc: docMultiValued, policies: userRes("arn:demo:s3:::home/${aws:TagKeys}/*"),
			ctx: map[string][]string{"aws:TagKeys": {"a", "b"}}, resource: "arn:demo:s3:::home/a/f", want: none},
		{name: "variable in condition value", doc: docVariables,
			policies: []string{cond(`{"StringEquals":{"s3:prefix":"home/${aws:username}"}}`)},
			ctx:      map[string][]string{"aws:username": {"bob"}, "s3:prefix": {"home/bob"}}, want: allow},
		{name: "variable in condition value mismatch", doc: docVariables,
			policies: []string{cond(`{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}`)},
			ctx:      map[string][]string{"aws:username": {"bob"}, "s3:prefix": {"home/alice/x"}}, want: none},
		{name: "variable in numeric condition", doc: docVariables,
			policies: []string{cond(`{"NumericLessThanEquals":{"s3:max-keys":"${aws:PrincipalTag/limit}"}}`)},
			ctx:      map[string][]string{"aws:PrincipalTag/limit": {"10"}, "s3:max-keys": {"5"}}, want: allow},
		{name: "variable in numeric condition, not a number", doc: docVariables,
			policies: []string{cond(`{"NumericLessThanEquals":{"s3:max-keys":"${aws:PrincipalTag/limit}"}}`)},
			ctx:      map[string][]string{"aws:PrincipalTag/limit": {"ten"}, "s3:max-keys": {"5"}}, want: none},
		{name: "variable in date condition", doc: docVariables,
			policies: []string{cond(`{"DateLessThan":{"aws:CurrentTime":"${aws:PrincipalTag/expires}"}}`)},
			ctx:      map[string][]string{"aws:PrincipalTag/expires": {"2030-01-01T00:00:00Z"}, "aws:CurrentTime": {"2026-11-28T00:00:00Z"}}, want: allow},
		{name: "variable in ArnLike condition", doc: docVariables,
			policies: []string{cond(`{"ArnLike":{"aws:SourceArn":"arn:demo:iam::${aws:PrincipalAccount}:*"}}`)},
			ctx:      map[string][]string{"aws:PrincipalAccount": {"123"}, "aws:SourceArn": {"arn:demo:iam::123:user/x"}}, want: allow},
		{name: "variable in ArnLike condition, other account", doc: docVariables,
			policies: []string{cond(`{"ArnLike":{"aws:SourceArn":"arn:demo:iam::${aws:PrincipalAccount}:*"}}`)},
			ctx:      map[string][]string{"aws:PrincipalAccount": {"123"}, "aws:SourceArn": {"arn:demo:iam::456:user/x"}}, want: none},
		{name: "variable in StringEqualsIgnoreCase", doc: docVariables,
			policies: []string{cond(`{"StringEqualsIgnoreCase":{"aws:PrincipalTag/owner":"${aws:username}"}}`)},
			ctx:      map[string][]string{"aws:username": {"Bob"}, "aws:PrincipalTag/owner": {"bob"}}, want: allow},
		{name: "unresolvable variable in condition matches nothing", doc: docVariables,
			policies: []string{cond(`{"StringEquals":{"k":"${aws:username}"}}`)},
			ctx:      map[string][]string{"k": {""}}, want: none},
		{name: "unresolvable variable in negated condition", doc: docVariables,
			policies: []string{cond(`{"StringNotEquals":{"k":"${aws:username}"}}`)},
			ctx:      map[string][]string{"k": {"x"}}, want: allow},
		{name: "malformed variable is literal", doc: docVariables, policies: userRes("arn:demo:s3:::a${aws:username"),
			resource: "arn:demo:s3:::a${aws:username", want: allow},
		{name: "AWS dialect 2008 version: variables are literal", doc: docVersion, dialect: policy.AWS,
			policies: []string{`{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:demo:s3:::home/${aws:username}/f"}}`},
			ctx:      bob, resource: "arn:demo:s3:::home/${aws:username}/f", want: allow},
		{name: "AWS dialect no version: variables are literal", doc: docVersion, dialect: policy.AWS,
			policies: []string{`{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:demo:s3:::home/${aws:username}/f"}}`},
			ctx:      bob, resource: "arn:demo:s3:::home/bob@astran.io/f", want: none},
	})
}

// condRow is a condition-operator case: an Allow on everything with the
// condition block cond, a request whose context has key = value, and the
// decision.
type condRow struct {
	name, doc, cond, key, value string
	want                        policy.Decision
}

func TestEvaluate_conditionOperators(t *testing.T) {
	rows := []condRow{
		// String operators.
		{"StringEquals", docOperators, `{"StringEquals":{"aws:PrincipalTag/team":"red"}}`, "aws:PrincipalTag/team", "red", allow},
		{"StringEquals is case-sensitive", docOperators, `{"StringEquals":{"aws:PrincipalTag/team":"red"}}`, "aws:PrincipalTag/team", "Red", none},
		{"StringEqualsIgnoreCase", docOperators, `{"StringEqualsIgnoreCase":{"k":"RED"}}`, "k", "red", allow},
		{"StringNotEquals", docOperators, `{"StringNotEquals":{"k":["a","b"]}}`, "k", "c", allow},
		{"StringNotEquals is NOR over values", docOperators, `{"StringNotEquals":{"k":["a","b"]}}`, "k", "b", none},
		{"StringNotEqualsIgnoreCase", docOperators, `{"StringNotEqualsIgnoreCase":{"k":"A"}}`, "k", "a", none},
		{"StringLike", docOperators, `{"StringLike":{"k":"home/*/x?"}}`, "k", "home/a/b/x1", allow},
		{"StringLike no match", docOperators, `{"StringLike":{"k":"home/*"}}`, "k", "Home/a", none},
		{"StringNotLike", docOperators, `{"StringNotLike":{"k":"tmp/*"}}`, "k", "home/a", allow},
		{"values OR together", docCondition, `{"StringEquals":{"k":["a","b","c"]}}`, "k", "c", allow},
		{"condition keys are case-insensitive", docCondition, `{"StringEquals":{"AWS:PrincipalTag/Team":"red"}}`, "aws:principaltag/team", "red", allow},
		// Numeric.
		{"NumericEquals", docOperators, `{"NumericEquals":{"n":10}}`, "n", "10.0", allow},
		{"NumericNotEquals", docOperators, `{"NumericNotEquals":{"n":"10"}}`, "n", "10", none},
		{"NumericLessThan", docOperators, `{"NumericLessThan":{"n":"10"}}`, "n", "9", allow},
		{"NumericLessThan equal", docOperators, `{"NumericLessThan":{"n":"10"}}`, "n", "10", none},
		{"NumericLessThanEquals", docOperators, `{"NumericLessThanEquals":{"n":"10"}}`, "n", "10", allow},
		{"NumericGreaterThan", docOperators, `{"NumericGreaterThan":{"n":"10"}}`, "n", "11", allow},
		{"NumericGreaterThanEquals", docOperators, `{"NumericGreaterThanEquals":{"n":"10"}}`, "n", "9.5", none},
		{"Numeric non-number request value", docOperators, `{"NumericLessThan":{"n":"10"}}`, "n", "abc", none},
		// Date.
		{"DateGreaterThan ISO", docOperators, `{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}`, "aws:CurrentTime", "2021-06-01T12:00:00Z", allow},
		{"DateLessThan ISO", docOperators, `{"DateLessThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}`, "aws:CurrentTime", "2021-06-01T12:00:00Z", none},
		{"DateLessThanEquals epoch", docOperators, `{"DateLessThanEquals":{"aws:EpochTime":"1577836800"}}`, "aws:EpochTime", "2020-01-01T00:00:00Z", allow},
		{"DateEquals across zones", docOperators, `{"DateEquals":{"t":"2020-01-01T01:00:00+01:00"}}`, "t", "2020-01-01T00:00:00Z", allow},
		{"DateNotEquals", docOperators, `{"DateNotEquals":{"t":"2020-01-01"}}`, "t", "2020-01-02", allow},
		{"DateGreaterThanEquals", docOperators, `{"DateGreaterThanEquals":{"t":"2020-01-01"}}`, "t", "2020-01-01T00:00:00Z", allow},
		// Bool, Binary, IP, ARN.
		{"Bool true", docOperators, `{"Bool":{"aws:SecureTransport":true}}`, "aws:SecureTransport", "true", allow},
		{"Bool false", docOperators, `{"Bool":{"aws:SecureTransport":"true"}}`, "aws:SecureTransport", "false", none},
		{"BinaryEquals", docOperators, `{"BinaryEquals":{"b":"QmluYXJ5VmFsdWU="}}`, "b", "QmluYXJ5VmFsdWU=", allow},
		{"BinaryEquals differs", docOperators, `{"BinaryEquals":{"b":"QmluYXJ5VmFsdWU="}}`, "b", "QmluYXJ5", none},
		{"IpAddress CIDR", docOperators, `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, "aws:SourceIp", "203.0.113.7", allow},
		{"IpAddress outside", docOperators, `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, "aws:SourceIp", "203.0.114.7", none},
		{"IpAddress bare address is /32", docOperators, `{"IpAddress":{"aws:SourceIp":"203.0.113.7"}}`, "aws:SourceIp", "203.0.113.8", none},
		{"IpAddress IPv6", docOperators, `{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}`, "aws:SourceIp", "2001:db8:1::1", allow},
		{"IpAddress bare IPv6 is /128", docOperators, `{"IpAddress":{"aws:SourceIp":"2001:db8::1"}}`, "aws:SourceIp", "2001:db8::2", none},
		{"NotIpAddress", docOperators, `{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}`, "aws:SourceIp", "203.0.113.7", allow},
		{"NotIpAddress inside", docOperators, `{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8"]}}`, "aws:SourceIp", "10.1.2.3", none},
		{"ArnEquals", docOperators, `{"ArnEquals":{"aws:PrincipalArn":"arn:demo:iam::123:user/bob"}}`, "aws:PrincipalArn", "arn:demo:iam::123:user/bob", allow},
		{"ArnLike per segment", docOperators, `{"ArnLike":{"aws:PrincipalArn":"arn:demo:iam::*:user/*"}}`, "aws:PrincipalArn", "arn:demo:iam::123:user/bob", allow},
		{"ArnLike wildcard stays in segment", docOperators, `{"ArnLike":{"aws:PrincipalArn":"arn:demo:*:user/*"}}`, "aws:PrincipalArn", "arn:demo:iam::123:user/bob", none},
		{"ArnNotLike", docOperators, `{"ArnNotLike":{"aws:PrincipalArn":"arn:demo:iam::*:role/*"}}`, "aws:PrincipalArn", "arn:demo:iam::123:user/bob", allow},
		{"ArnNotEquals", docOperators, `{"ArnNotEquals":{"aws:PrincipalArn":"arn:demo:iam::123:user/bob"}}`, "aws:PrincipalArn", "arn:demo:iam::123:user/bob", none},
		// Null and IfExists.
		{"Null true, key present", docOperators, `{"Null":{"aws:TokenIssueTime":"true"}}`, "aws:TokenIssueTime", "x", none},
		{"Null false, key present", docOperators, `{"Null":{"aws:TokenIssueTime":false}}`, "aws:TokenIssueTime", "x", allow},
		{"IfExists with key present", docOperators, `{"StringEqualsIfExists":{"k":"a"}}`, "k", "b", none},
		{"NumericLessThanIfExists", docOperators, `{"NumericLessThanIfExists":{"n":"3"}}`, "n", "2", allow},
		// Missing keys.
	}
	var cases []evalCase
	for _, r := range rows {
		cases = append(cases, evalCase{name: r.name, doc: r.doc, policies: []string{cond(r.cond)},
			ctx: map[string][]string{r.key: {r.value}}, want: r.want})
	}
	type c = map[string][]string
	cases = append(cases, []evalCase{
		{name: "keys AND together", doc: docCondition, policies: []string{cond(`{"StringEquals":{"k":"a","j":"b"}}`)}, ctx: c{"k": {"a"}, "j": {"x"}}, want: none},
		{name: "operators AND together", doc: docCondition, policies: []string{cond(`{"StringEquals":{"k":"a"},"StringLike":{"j":"b*"}}`)}, ctx: c{"k": {"a"}, "j": {"bee"}}, want: allow},
		{name: "operators AND together fail", doc: docCondition, policies: []string{cond(`{"StringEquals":{"k":"a"},"StringLike":{"j":"b*"}}`)}, ctx: c{"k": {"a"}, "j": {"see"}}, want: none},
		{name: "Null true, key absent", doc: docOperators, policies: []string{cond(`{"Null":{"aws:TokenIssueTime":"true"}}`)}, want: allow},
		{name: "Null false, key present with no value", doc: docOperators, policies: []string{cond(`{"Null":{"k":false}}`)}, ctx: c{"k": {}}, want: allow},
		{name: "IfExists with key absent", doc: docOperators, policies: []string{cond(`{"StringEqualsIfExists":{"k":"a"}}`)}, want: allow},
		{name: "missing key: positive operator false", doc: docOperators, policies: []string{cond(`{"StringEquals":{"k":"a"}}`)}, want: none, missing: []string{"k"}},
		{name: "missing key: negated operator true", doc: docOperators, policies: []string{cond(`{"StringNotEquals":{"k":"a"}}`)}, want: allow, missing: []string{"k"}},
		{name: "missing key: NotIpAddress true", doc: docOperators, policies: []string{cond(`{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`)}, want: allow},
		{name: "missing key: ForAnyValue false", doc: docMultiValued, policies: []string{cond(`{"ForAnyValue:StringEquals":{"k":"a"}}`)}, want: none},
		{name: "missing key: ForAllValues true", doc: docMultiValued, policies: []string{cond(`{"ForAllValues:StringEquals":{"k":"a"}}`)}, want: allow},
		{name: "missing key: ForAnyValue IfExists true", doc: docOperators, policies: []string{cond(`{"ForAnyValue:StringEqualsIfExists":{"k":"a"}}`)}, want: allow},
	}...)
	runEval(t, cases)
}

func TestEvaluate_multivalued(t *testing.T) {
	type c = map[string][]string
	tags := func(v ...string) c { return c{"aws:TagKeys": v} }
	denyNotLike := stmt(`{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam:Tag*","Resource":"*","Condition":{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}}`)
	runEval(t, []evalCase{
		{name: "ForAllValues subset", doc: docMultiValued, policies: []string{cond(`{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b","c"]}}`)}, ctx: tags("a", "c"), want: allow},
		{name: "ForAllValues not subset", doc: docMultiValued, policies: []string{cond(`{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}`)}, ctx: tags("a", "x"), want: none},
		{name: "ForAllValues empty list is true", doc: docMultiValued, policies: []string{cond(`{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}`)}, ctx: tags(), want: allow},
		{name: "ForAnyValue intersects", doc: docMultiValued, policies: []string{cond(`{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}`)}, ctx: tags("x", "b"), want: allow},
		{name: "ForAnyValue disjoint", doc: docMultiValued, policies: []string{cond(`{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}`)}, ctx: tags("x", "y"), want: none},
		{name: "ForAnyValue empty list is false", doc: docMultiValued, policies: []string{cond(`{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}`)}, ctx: tags(), want: none},
		// The aws:TagKeys table of "Multivalued context key examples":
		// ForAllValues:StringNotLike applies the negated operator to each
		// request value.
		{name: "TagKeys table: key1:legal not denied", doc: docMultiEx, policies: []string{denyNotLike}, action: "iam:TagUser", ctx: tags("key1:legal"), want: allow},
		{name: "TagKeys table: key1:hr,key1:personnel not denied", doc: docMultiEx, policies: []string{denyNotLike}, action: "iam:TagUser", ctx: tags("key1:hr", "key1:personnel"), want: allow},
		{name: "TagKeys table: key2:audit denied", doc: docMultiEx, policies: []string{denyNotLike}, action: "iam:TagUser", ctx: tags("key2:audit"), want: deny},
		{name: "TagKeys table: no TagKeys denied", doc: docMultiEx, policies: []string{denyNotLike}, action: "iam:TagUser", want: deny},
		{name: "TagKeys mixed is not denied by ForAllValues:StringNotLike", doc: docMultiEx, policies: []string{denyNotLike}, action: "iam:TagUser", ctx: tags("key1:a", "key2:b"), want: allow},
		{name: "ForAnyValue:StringNotEquals one value outside", doc: docMultiValued, policies: []string{cond(`{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a","b"]}}`)}, ctx: tags("a", "z"), want: allow},
		{name: "ForAnyValue:StringNotEquals all inside", doc: docMultiValued, policies: []string{cond(`{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a","b"]}}`)}, ctx: tags("a", "b"), want: none},
		// Unqualified operators on a multivalued key (our documented rule):
		// positive operators match when any request value matches; negated
		// operators are the negation of that.
		{name: "unqualified StringEquals any value", doc: docMultiValued, policies: []string{cond(`{"StringEquals":{"aws:TagKeys":"a"}}`)}, ctx: tags("x", "a"), want: allow},
		{name: "unqualified StringNotEquals any value", doc: docMultiValued, policies: []string{cond(`{"StringNotEquals":{"aws:TagKeys":"a"}}`)}, ctx: tags("x", "a"), want: none},
		{name: "unqualified on empty list", doc: docMultiValued, policies: []string{cond(`{"StringEquals":{"aws:TagKeys":"a"}}`)}, ctx: tags(), want: none},
		{name: "unqualified negated on empty list", doc: docMultiValued, policies: []string{cond(`{"StringNotEquals":{"aws:TagKeys":"a"}}`)}, ctx: tags(), want: allow},
	})
}

func TestEvaluate_principal(t *testing.T) {
	trust := func(principal string) []string {
		return []string{stmt(`{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRoleWithWebIdentity"}`)}
	}
	const provider = "arn:demo:iam::123:oidc-provider/idp.example.com/realms/x"
	runEval(t, []evalCase{
		{name: "Federated OIDC provider", doc: docPrincipal, policies: trust(`{"Federated":"` + provider + `"}`), principal: provider, action: "sts:AssumeRoleWithWebIdentity", want: allow},
		{name: "Federated other provider", doc: docPrincipal, policies: trust(`{"Federated":"` + provider + `"}`), principal: "arn:demo:iam::123:oidc-provider/evil", action: "sts:AssumeRoleWithWebIdentity", want: none},
		{name: "wildcard principal", doc: docPrincipal, policies: trust(`"*"`), principal: "arn:demo:iam::9:user/x", action: "sts:AssumeRoleWithWebIdentity", want: allow},
		{name: "wildcard principal anonymous", doc: docPrincipal, policies: trust(`"*"`), action: "sts:AssumeRoleWithWebIdentity", want: allow},
		{name: `AWS "*"`, doc: docPrincipal, policies: trust(`{"AWS":"*"}`), principal: "arn:demo:iam::9:user/x", action: "sts:AssumeRoleWithWebIdentity", want: allow},
		{name: "account ID principal", doc: docPrincipal, policies: trust(`{"AWS":"123"}`), principal: "arn:demo:iam::123:user/bob", action: "sts:AssumeRoleWithWebIdentity", want: allow},
		{name: "account root principal means the account", doc: docPrincipal, policies: trust(`{"AWS":"arn:demo:iam::123:root"}`), principal: "arn:demo:iam::123:user/bob", action: "sts:AssumeRoleWithWebIdentity", want: allow},
		{name: "other account", doc: docPrincipal, policies: trust(`{"AWS":"arn:demo:iam::123:root"}`), principal: "arn:demo:iam::456:user/bob", action: "sts:AssumeRoleWithWebIdentity", want: none},
		{name: "user ARN principal", doc: docPrincipal, policies: trust(`{"AWS":["arn:demo:iam::123:user/bob"]}`), principal: "arn:demo:iam::123:user/bob", action: "sts:AssumeRoleWithWebIdentity", want: allow},
		{name: "user ARN principal other user", doc: docPrincipal, policies: trust(`{"AWS":["arn:demo:iam::123:user/bob"]}`), principal: "arn:demo:iam::123:user/eve", action: "sts:AssumeRoleWithWebIdentity", want: none},
		{name: "role ARN matches its sessions", doc: docPrincipal, policies: trust(`{"AWS":"arn:demo:iam::123:role/path/app"}`),
			principal: "arn:demo:sts::123:assumed-role/app/session-1", action: "sts:AssumeRoleWithWebIdentity", want: allow},
		{name: "role ARN does not match other roles' sessions", doc: docPrincipal, policies: trust(`{"AWS":"arn:demo:iam::123:role/app"}`),
			principal: "arn:demo:sts::123:assumed-role/app2/session-1", action: "sts:AssumeRoleWithWebIdentity", want: none},
		{name: "role ARN does not match sessions in other accounts", doc: docPrincipal, policies: trust(`{"AWS":"arn:demo:iam::123:role/app"}`),
			principal: "arn:demo:sts::456:assumed-role/app/s", action: "sts:AssumeRoleWithWebIdentity", want: none},
		{name: "account principal matches sessions", doc: docPrincipal, policies: trust(`{"AWS":"123"}`),
			principal: "arn:demo:sts::123:assumed-role/app/s", action: "sts:AssumeRoleWithWebIdentity", want: allow},
		{name: "no principal in request", doc: docPrincipal, policies: trust(`{"AWS":"123"}`), action: "sts:AssumeRoleWithWebIdentity", want: none},
		{name: "NotPrincipal excludes", doc: docNotPrinc,
			policies:  []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","NotPrincipal":{"AWS":"arn:demo:iam::123:user/admin"},"Action":"s3:*","Resource":"*"}`)},
			principal: "arn:demo:iam::123:user/bob", want: deny},
		{name: "NotPrincipal spares the listed principal", doc: docNotPrinc,
			policies:  []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","NotPrincipal":{"AWS":"arn:demo:iam::123:user/admin"},"Action":"s3:*","Resource":"*"}`)},
			principal: "arn:demo:iam::123:user/admin", want: allow},
		{name: "trust policy with aud condition", doc: docPrincipal,
			policies:  []string{stmt(`{"Effect":"Allow","Principal":{"Federated":"` + provider + `"},"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"],"Condition":{"StringEquals":{"idp.example.com/realms/x:aud":"astran"}}}`)},
			principal: provider, action: "sts:AssumeRoleWithWebIdentity", ctx: map[string][]string{"idp.example.com/realms/x:aud": {"astran"}}, want: allow},
	})
}

func TestEvaluate_requestShapes(t *testing.T) {
	long := "s3:" + strings.Repeat("Get", 60)
	runEval(t, []evalCase{
		{name: "action without colon", doc: docAction, policies: []string{stmt(`{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)},
			action: "GetObject", want: allow},
		{name: "action without colon, no wildcard", doc: docAction, policies: []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)},
			action: "GetObject", want: none},
		{name: "long action, AWS dialect", doc: docAction, dialect: policy.AWS, policies: []string{stmt(`{"Effect":"Allow","Action":"S3:GET*","Resource":"*"}`)},
			action: long, want: allow},
		{name: "unknown service", doc: docAction, policies: []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)},
			action: "ec2:RunInstances", want: none},
		{name: "unknown service, AWS dialect", doc: docAction, dialect: policy.AWS, policies: []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)},
			action: "EC2:RunInstances", want: none},
		{name: "action named twice in one statement", doc: docAction,
			policies: []string{stmt(`{"Sid":"A","Effect":"Allow","Action":["s3:Get*","s3:GetObject","s3:*Object"],"Resource":"*"}`)},
			action:   "s3:GetObject", want: allow, sids: []string{"A"}},
		{name: "wildcard action only, several matches", doc: docAction,
			policies: []string{stmt(`{"Sid":"A","Effect":"Allow","Action":["s3:Get*","s3:*Object"],"Resource":"*"},{"Sid":"B","Effect":"Allow","Action":"*","Resource":"*"}`)},
			action:   "s3:GetObject", want: allow, sids: []string{"A", "B"}},
		{name: "empty resource", doc: docResource, policies: []string{stmt(`{"Effect":"Allow","Action":"*","Resource":"arn:demo:s3:::*"}`)},
			resource: "-", want: none},
	})
}

func TestEvaluate_missingContextKeys(t *testing.T) {
	runEval(t, []evalCase{
		{name: "reports keys of matching statements", doc: docSimulator,
			policies: []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"a","aws:username":"b"}}},{"Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{"StringEquals":{"iam:other":"a"}}}`)},
			ctx:      map[string][]string{"AWS:USERNAME": {"b"}}, want: none, missing: []string{"s3:prefix"}},
		{name: "deduplicated case-insensitively and sorted", doc: docSimulator,
			policies: []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"Z:k":"a","a:K":"b"}}},{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"z:K":"a"}}}`)},
			want:     none, missing: []string{"a:K", "Z:k"}},
		{name: "none when complete", doc: docSimulator, policies: []string{cond(`{"StringEquals":{"k":"a"}}`)}, ctx: map[string][]string{"k": {"a"}}, want: allow, missing: []string{}},
	})
}

func TestEvaluate_valueForms(t *testing.T) {
	type c = map[string][]string
	runEval(t, []evalCase{
		{name: "date formats: compact ISO", doc: docOperators, policies: []string{cond(`{"DateLessThan":{"t":"20300101T000000Z"}}`)}, ctx: c{"t": {"2026-01-01T00:00:00.5Z"}}, want: allow},
		{name: "date formats: local time", doc: docOperators, policies: []string{cond(`{"DateGreaterThan":{"t":"2020-01-01T10:00"}}`)}, ctx: c{"t": {"2020-01-01T10:30"}}, want: allow},
		{name: "date: negative epoch", doc: docOperators, policies: []string{cond(`{"DateLessThan":{"t":"-1"}}`)}, ctx: c{"t": {"1960-01-01"}}, want: allow},
		{name: "date: bad request value", doc: docOperators, policies: []string{cond(`{"DateLessThan":{"t":"2020-01-01"}}`)}, ctx: c{"t": {"soon"}}, want: none},
		{name: "IPv4-mapped request address", doc: docOperators, policies: []string{cond(`{"IpAddress":{"ip":"10.0.0.0/8"}}`)}, ctx: c{"ip": {"::ffff:10.1.2.3"}}, want: allow},
		{name: "IPv4-mapped policy CIDR", doc: docOperators, policies: []string{cond(`{"IpAddress":{"ip":"::ffff:10.0.0.0/104"}}`)}, ctx: c{"ip": {"10.1.2.3"}}, want: allow},
		{name: "bad request address", doc: docOperators, policies: []string{cond(`{"IpAddress":{"ip":"10.0.0.0/8"}}`)}, ctx: c{"ip": {"ten"}}, want: none},
		{name: "Bool request value case-insensitive", doc: docOperators, policies: []string{cond(`{"Bool":{"b":"true"}}`)}, ctx: c{"b": {"TRUE"}}, want: allow},
		{name: "BinaryEquals decodes both", doc: docOperators, policies: []string{cond(`{"BinaryEquals":{"b":"QQ=="}}`)}, ctx: c{"b": {"QQ"}}, want: allow},
		{name: "NUL in action is literal", doc: docAction, policies: []string{stmt(`{"Effect":"Allow","Action":"s3:Get\u0000*","Resource":"*"}`)}, action: "s3:Get\x00Object", want: allow},
		{name: "NUL in resource is literal", doc: docResource, policies: []string{stmt(`{"Effect":"Allow","Action":"*","Resource":"arn:a\u0000*"}`)}, resource: "arn:a\x00b", want: allow},
		{name: "missing keys sorted case-insensitively", doc: docSimulator, policies: []string{cond(`{"StringEquals":{"b":"x","B2":"y","a":"z","A1":"w"}}`)},
			want: none, missing: []string{"a", "A1", "b", "B2"}},
	})
}
