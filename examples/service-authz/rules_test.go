package main

// This file is the template to copy: it tests the authorization rules of
// testdata/fixture.json directly, with principaltest, without any HTTP.
// One table row per rule; a failure prints the decision and the statements
// that matched.

import (
	"testing"

	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
	"github.com/astran-oss/astran-go/principal/principaltest"
)

const account = "0d0c5e1a-7b2f-4e8a-9c3d-5f6a7b8c9d0e" // the fixture's account

var (
	bob   = principaltest.Caller("arn:demo:iam::" + account + ":user/bob@astran.io")   // staff
	alice = principaltest.Caller("arn:demo:iam::" + account + ":user/alice@astran.io") // staff and editors
	carol = principaltest.Caller("arn:demo:iam::" + account + ":user/carol@astran.io") // in no group
	erin  = principaltest.Caller("arn:demo:iam::" + account + ":user/erin@astran.io")  // not in the fixture
	root  = principaltest.Caller("arn:demo:iam::" + account + ":root")
)

func doc(key string) string { return "arn:demo:s3:::docs/" + key }

func TestRules(t *testing.T) {
	authz := principaltest.Authorizer(t, "testdata/fixture.json")

	tests := []struct {
		name     string
		caller   principal.Caller
		action   string
		resource string
		allowed  bool
	}{
		// Staff read the public documents...
		{"staff read public", bob, "s3:GetObject", doc("public/welcome.txt"), true},
		{"staff read public, nested", bob, "s3:GetObject", doc("public/2026/q4/report.txt"), true},
		{"staff do not write public", bob, "s3:PutObject", doc("public/welcome.txt"), false},
		// ...and manage their own home, found with ${aws:username}...
		{"own home: read", bob, "s3:GetObject", doc("home/bob@astran.io/todo.txt"), true},
		{"own home: write", bob, "s3:PutObject", doc("home/bob@astran.io/new.txt"), true},
		{"own home: delete", bob, "s3:DeleteObject", doc("home/bob@astran.io/todo.txt"), true},
		{"other home: read", bob, "s3:GetObject", doc("home/alice@astran.io/ideas"), false},
		{"other home: delete", bob, "s3:DeleteObject", doc("home/alice@astran.io/ideas"), false},
		{"home prefix is not a home", bob, "s3:GetObject", doc("home/bob@astran.io.evil/x"), false},
		// ...but Astran's actions are case-sensitive.
		{"action case matters", bob, "s3:getobject", doc("public/welcome.txt"), false},
		// Editors read and write everything...
		{"editor reads other home", alice, "s3:GetObject", doc("home/bob@astran.io/todo.txt"), true},
		{"editor writes public", alice, "s3:PutObject", doc("public/news.txt"), true},
		{"editor cannot delete public", alice, "s3:DeleteObject", doc("public/welcome.txt"), false},
		// ...except secrets: an explicit Deny beats any Allow.
		{"editor denied secret read", alice, "s3:GetObject", doc("secret/launch-plan.txt"), false},
		{"editor denied secret write", alice, "s3:PutObject", doc("secret/new.txt"), false},
		{"staff denied secret", bob, "s3:GetObject", doc("secret/launch-plan.txt"), false},
		// A user without policies and an unknown user get nothing.
		{"no group, no access", carol, "s3:GetObject", doc("public/welcome.txt"), false},
		{"unknown user", erin, "s3:GetObject", doc("public/welcome.txt"), false},
		// Root "cannot be denied access or limited by any policies".
		{"root reads secrets", root, "s3:GetObject", doc("secret/launch-plan.txt"), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.allowed {
				principaltest.Allowed(t, authz, tc.caller, tc.action, tc.resource)
			} else {
				principaltest.Denied(t, authz, tc.caller, tc.action, tc.resource)
			}
		})
	}
}

// TestRules_why checks not only that alice is denied the secrets but why:
// the Deny statement NoSecrets decides, not a missing Allow.
func TestRules_why(t *testing.T) {
	authz := principaltest.Authorizer(t, "testdata/fixture.json")
	res, err := authz.Authorize(t.Context(), alice, "s3:GetObject", doc("secret/launch-plan.txt"), policy.Context{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Decision != policy.ExplicitDeny || len(res.Statements) != 1 || res.Statements[0].Sid != "NoSecrets" {
		t.Fatal(principaltest.Explain("ExplicitDeny by NoSecrets", alice, "s3:GetObject", doc("secret/launch-plan.txt"), res, err))
	}

	// carol's denial is implicit: no statement matched at all.
	res, err = authz.Authorize(t.Context(), carol, "s3:GetObject", doc("public/welcome.txt"), policy.Context{})
	if err != nil || res.Decision != policy.ImplicitDeny {
		t.Fatal(principaltest.Explain("ImplicitDeny", carol, "s3:GetObject", doc("public/welcome.txt"), res, err))
	}
}
