package main

import (
	"strings"
	"testing"
)

// TestPolicyTest_policyTypes runs cases over every policy type (identity,
// boundary, session, resource-based; same account, cross-account,
// anonymous, role sessions, trust policies): testdata/cases-types.jsonl
// gives each case the decision AWS's evaluation logic makes. The format's
// rules (at most one boundary; NotPrincipal with Allow, wildcards in
// principals and resource policy statements without Principal rejected as
// AWS rejects them; anonymous requests without identity policies; a
// principal for multi-type evaluation) are errors at the culprit's column
// (testdata/cases-types-bad.jsonl).
func TestPolicyTest_policyTypes(t *testing.T) {
	runCLICases(t, "policy test", map[string]cliCase{
		"decisions": {
			args: []string{"testdata/cases-types.jsonl"},
			out:  "16 passed, 0 failed\n",
		},
		"errors": {
			args: []string{"testdata/cases-types-bad.jsonl"},
			code: 1,
			out:  readTestFile(t, "testdata/cases-types-bad.golden"),
		},
		// A failing multi-type case says which policy type lacked an allow.
		"failure": {
			args: []string{"testdata/cases-types-failing.jsonl"},
			code: 1,
			out: `FAIL testdata/cases-types-failing.jsonl:1: "cross account needs the bucket policy": expected Allow, got ImplicitDeny
    matched statements: none
    missing an allow in the resource policy
0 passed, 1 failed
`,
		},
	})
}

func TestSessionOf(t *testing.T) {
	tests := []struct{ in, want string }{
		{"arn:demo:iam::111:role/reader", "arn:demo:sts::111:assumed-role/reader/session"},
		{"arn:demo:iam::111:role/team/ci/reader", "arn:demo:sts::111:assumed-role/reader/session"},
		{"arn:demo:iam::111:user/bob@astran.io", "arn:demo:iam::111:user/bob@astran.io"},
		{"arn:demo:sts::111:assumed-role/reader/s1", "arn:demo:sts::111:assumed-role/reader/s1"},
		{"arn:demo:iam::111:role/", "arn:demo:iam::111:role/"},
		{"arn:demo:iam::111:role/team/", "arn:demo:iam::111:role/team/"},
		{"arn:demo:iam::111:root", "arn:demo:iam::111:root"},
		{"not an arn", "not an arn"},
	}
	for _, tc := range tests {
		if got := sessionOf(tc.in); got != tc.want {
			t.Errorf("sessionOf(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestIsAssumeRole(t *testing.T) {
	for action, want := range map[string]bool{
		"sts:AssumeRole": true, "sts:AssumeRoleWithWebIdentity": true, "sts:AssumeRoleWithSAML": true,
		"STS:assumerole": true, "sts:GetCallerIdentity": false, "sts:Assume": false, "s3:AssumeRole": false,
	} {
		if got := isAssumeRole(action); got != want {
			t.Errorf("isAssumeRole(%q) = %v", action, got)
		}
	}
}

// TestPolicySimulate_policyTypes: --boundary, --session-policy,
// --resource-policy, --resource-account and --anonymous.
func TestPolicySimulate_policyTypes(t *testing.T) {
	const (
		dir    = "testdata/types/"
		alice  = "--request=" + dir + "request-alice.json"
		bob    = "--request=" + dir + "request-bob.json"
		nobody = "--request=" + dir + "request-noprincipal.json"
	)
	tests := []struct {
		name string
		args []string
		code int
		out  string // stdout, or the last line of stderr when out is ""
	}{
		{"same account: the bucket policy suffices", []string{alice, "--resource-policy", dir + "bucket-alice.json"}, 0,
			`{"decision":"Allow","decidedBy":"resource","matchedStatements":[{"policy":"testdata/types/bucket-alice.json","sid":"ShareWithAlice","index":0,"effect":"Allow","type":"resource"}],"missingContextKeys":[]}`},
		{"cross account: the bucket policy must name the caller", []string{bob, "--resource-policy", dir + "bucket-alice.json", dir + "allow-get.json"}, 0,
			`{"decision":"ImplicitDeny","missingAllow":"resource","matchedStatements":[],"missingContextKeys":[]}`},
		{"cross account: identity and a public bucket", []string{bob, "--resource-policy", dir + "bucket-public.json", dir + "allow-get.json"}, 0,
			`{"decision":"Allow","decidedBy":"resource","matchedStatements":[{"policy":"testdata/types/allow-get.json","sid":"Get","index":0,"effect":"Allow","type":"identity"},{"policy":"testdata/types/bucket-public.json","sid":"Public","index":0,"effect":"Allow","type":"resource"}],"missingContextKeys":[]}`},
		{"the boundary limits", []string{alice, "--boundary", dir + "allow-put.json", dir + "allow-get.json"}, 0,
			`{"decision":"ImplicitDeny","missingAllow":"boundary","matchedStatements":[],"missingContextKeys":[]}`},
		{"the session policy limits", []string{alice, "--session-policy", dir + "allow-put.json", dir + "allow-get.json"}, 0,
			`{"decision":"ImplicitDeny","missingAllow":"session","matchedStatements":[],"missingContextKeys":[]}`},
		{"--exit-code with a boundary", []string{"--exit-code", alice, "--boundary", dir + "allow-put.json", dir + "allow-get.json"}, 1,
			`{"decision":"ImplicitDeny","missingAllow":"boundary","matchedStatements":[],"missingContextKeys":[]}`},
		{"anonymous and a public bucket", []string{nobody, "--anonymous", "--resource-account", "111122223333", "--resource-policy", dir + "bucket-public.json"}, 0,
			`{"decision":"Allow","decidedBy":"resource","matchedStatements":[{"policy":"testdata/types/bucket-public.json","sid":"Public","index":0,"effect":"Allow","type":"resource"}],"missingContextKeys":[]}`},
		{"anonymous and a shared bucket", []string{nobody, "--anonymous", "--resource-account", "111122223333", "--resource-policy", dir + "bucket-alice.json"}, 0,
			`{"decision":"ImplicitDeny","missingAllow":"resource","matchedStatements":[],"missingContextKeys":[]}`},
		{"anonymous needs the resource account", []string{nobody, "--anonymous", "--resource-policy", dir + "bucket-public.json"}, 1,
			`astran: policy simulate: request: an "anonymous" request needs "resourceAccount", the account that owns the resource`},
		{"anonymous has no identity policies", []string{nobody, "--anonymous", "--resource-account", "111122223333", "--resource-policy", dir + "bucket-public.json", dir + "allow-get.json"}, 1,
			`astran: policy simulate: testdata/types/request-noprincipal.json: request: an "anonymous" request has no identity-based policy, permissions boundary or session policy`},
		{"--anonymous contradicts the principal", []string{alice, "--anonymous", "--resource-policy", dir + "bucket-public.json"}, 2,
			`astran: policy simulate: --anonymous, but the request's principal is "arn:demo:iam::111122223333:user/alice@astran.io"`},
		{"--resource-account contradicts the request", []string{alice, "--resource-account", "999", dir + "allow-get.json"}, 2,
			`astran: policy simulate: --resource-account "999", but the request's resourceAccount is "111122223333"`},
		{"--resource-account contradicts the resource ARN", []string{"--request=-", "--resource-account", "999", dir + "allow-get.json"}, 1,
			`astran: policy simulate: request: "resourceAccount" "999" contradicts the account "111" of the resource "arn:demo:s3:eu:111:x"`},
		{"a principal is needed", []string{nobody, "--boundary", dir + "allow-get.json", dir + "allow-get.json"}, 1,
			`astran: policy simulate: testdata/types/request-noprincipal.json: request: "principal" is required with a permissions boundary, session policy, resource policy or resource account (an ARN, or "anonymous")`},
		{"resource policy rejected as AWS rejects it", []string{alice, "--resource-policy", dir + "bucket-bad.json"}, 1,
			"testdata/types/bucket-bad.json:4:41: Statement[0].NotPrincipal: NotPrincipal with Allow is not supported (AWS rejects it): name the principals with Principal\n" +
				`testdata/types/bucket-bad.json:5:46: Statement[1].Principal.AWS: "arn:demo:iam::111122223333:user/a*": a principal cannot contain wildcards (only "*" alone, for everyone)` + "\n" +
				"astran: policy simulate: 1 of 1 policies invalid"},
		{"no policy at all", []string{alice}, 2,
			`astran: policy simulate: no policy: give POLICY.json files or --resource-policy (see "astran policy simulate --help")`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			te := newTestEnv(t, `{"action":"s3:GetObject","resource":"arn:demo:s3:eu:111:x"}`)
			code := te.run(append([]string{"policy", "simulate"}, tc.args...)...)
			got := strings.TrimSuffix(te.out.String(), "\n")
			if te.out.Len() == 0 {
				got = strings.TrimSuffix(te.errOut.String(), "\n")
			}
			if code != tc.code || got != tc.out {
				t.Errorf("exit %d (want %d), output:\n%s\nwant:\n%s\nstderr: %s", code, tc.code, got, tc.out, te.errOut)
			}
		})
	}
}
