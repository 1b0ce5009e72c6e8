package policy_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/astran-oss/astran-go/policy"
)

func Example() {
	doc, err := policy.Parse([]byte(`{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "Home", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
	     "Resource": "arn:demo:s3:::user-buckets/${aws:username}/*"},
	    {"Sid": "NoSecrets", "Effect": "Deny", "Action": "s3:*",
	     "Resource": "arn:demo:s3:::user-buckets/*/secrets/*"}
	  ]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	set := policy.MustCompile([]policy.Policy{{ID: "user/bob@astran.io/inline/Home", Document: doc}})

	req := &policy.Request{Action: "s3:GetObject"}
	req.Context.Set("aws:username", "bob@astran.io")
	for _, r := range []string{
		"arn:demo:s3:::user-buckets/bob@astran.io/notes.txt",
		"arn:demo:s3:::user-buckets/alice@astran.io/notes.txt",
		"arn:demo:s3:::user-buckets/bob@astran.io/secrets/key",
	} {
		req.Resource = r
		res := set.Evaluate(req)
		fmt.Print(res.Decision)
		for _, m := range res.Statements {
			fmt.Printf(" by %s", m.Sid)
		}
		fmt.Println()
	}
	// Output:
	// Allow by Home
	// ImplicitDeny
	// ExplicitDeny by NoSecrets
}

func ExampleParse_errors() {
	_, err := policy.Parse([]byte(`{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "allow",
    "Action": "s3:GetObject",
    "NotAction": "s3:PutObject",
    "Resource": "*",
    "Condition": {"DateGreaterThan": {"aws:CurrentTime": "yesterday"}}
  }]
}`))
	var list policy.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Printf("%d:%d %s: %v\n", e.Line, e.Column, e.Path, e.Err)
		}
	}
	fmt.Println(errors.Is(err, policy.ErrConflict))
	// Output:
	// 4:15 Statement[0].Effect: invalid value
	// 6:18 Statement[0].NotAction: conflicting fields
	// 8:58 Statement[0].Condition.DateGreaterThan["aws:CurrentTime"]: invalid value
	// true
}

func ExampleParse_dialects() {
	src := []byte(`{"Statement": {"Effect": "Allow", "Action": "IAM:listaccesskeys", "Resource": "*"}}`)
	if _, err := policy.Parse(src); err != nil {
		fmt.Println("Astran:", errors.Is(err, policy.ErrMissingField))
	}
	aws := func(o *policy.ParseOptions) { o.Dialect = policy.AWS }
	doc, _ := policy.Parse(src, aws)
	set := policy.MustCompile([]policy.Policy{{ID: "p", Document: doc}}, func(o *policy.CompileOptions) { o.Dialect = policy.AWS })
	fmt.Println("AWS:", set.Evaluate(&policy.Request{Action: "iam:ListAccessKeys", Resource: "arn:aws:iam::1:user/bob"}).Decision)
	// Output:
	// Astran: true
	// AWS: Allow
}

func ExampleSet_EvaluateInto() {
	set := policy.MustCompile([]policy.Policy{{ID: "p", Document: &policy.Document{
		Version: policy.Version2012,
		Statements: []policy.Statement{{
			Effect: policy.EffectAllow, Action: []string{"s3:Get*"}, Resource: []string{"arn:demo:s3:::reports/*"},
			Condition: policy.Condition{"IpAddress": {"aws:SourceIp": {"10.0.0.0/8"}}},
		}},
	}}})
	var (
		req policy.Request
		res policy.Result // reused: no allocation per evaluation
	)
	for _, ip := range []string{"10.1.2.3", "192.0.2.1", ""} {
		req.Context.Reset()
		if ip != "" {
			req.Context.Set("aws:SourceIp", ip)
		}
		req.Action, req.Resource = "s3:GetObject", "arn:demo:s3:::reports/q3.pdf"
		set.EvaluateInto(&req, &res)
		fmt.Println(res.Decision, res.MissingContextKeys)
	}
	// Output:
	// Allow []
	// ImplicitDeny []
	// ImplicitDeny [aws:SourceIp]
}

func ExampleSet_Evaluate_trustPolicy() {
	const provider = "arn:demo:iam::0f9a6c2e:oidc-provider/idp.example.com/realms/acme"
	doc, _ := policy.Parse([]byte(`{"Version": "2012-10-17", "Statement": {
	  "Effect": "Allow",
	  "Principal": {"Federated": "` + provider + `"},
	  "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
	  "Condition": {"StringEquals": {"idp.example.com/realms/acme:aud": "astran"}}}}`))
	set := policy.MustCompile([]policy.Policy{{ID: "arn:demo:iam::0f9a6c2e:role/marketing", Document: doc}})
	req := &policy.Request{Principal: provider, Action: "sts:AssumeRoleWithWebIdentity"}
	req.Context.Set("idp.example.com/realms/acme:aud", "astran")
	fmt.Println(set.Evaluate(req).Decision)
	req.Principal = "arn:demo:iam::0f9a6c2e:oidc-provider/evil.example.com"
	fmt.Println(set.Evaluate(req).Decision)
	// Output:
	// Allow
	// ImplicitDeny
}

func ExampleDocument_MarshalJSON() {
	doc := &policy.Document{Version: policy.Version2012, Statements: []policy.Statement{{
		Sid: "Read", Effect: policy.EffectAllow, Action: []string{"s3:GetObject"}, Resource: []string{"arn:demo:s3:::b/*"},
	}}}
	b, _ := json.Marshal(doc)
	fmt.Println(string(b))
	// Output:
	// {"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::b/*"}]}
}

func ExampleDiff() {
	before, _ := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::reports/*"}]}`))
	after, _ := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:demo:s3:::reports/*"},
		{"Effect":"Deny","Action":"s3:*","Resource":"arn:demo:s3:::reports/private/*"}]}`))
	regions, err := policy.Diff(
		policy.MustCompile([]policy.Policy{{ID: "v1", Document: before}}),
		policy.MustCompile([]policy.Policy{{ID: "v2", Document: after}}))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range regions {
		fmt.Printf("%s: %s on %s (e.g. %s %s)\n", r.Change, r.Actions, r.Resources, r.Witness.Action, r.Witness.Resource)
	}
	// Output:
	// newly allowed: s3:Get* except s3:GetObject on arn:demo:s3:::reports/* except arn:demo:s3:::reports/private/* (e.g. s3:Get arn:demo:s3:::reports/)
	// newly denied: s3:GetObject on arn:demo:s3:::reports/private/* (e.g. s3:GetObject arn:demo:s3:::reports/private/)
}

// A bucket in account 111122223333 shared with a user of account
// 444455556666: across accounts, the user's own policies and the bucket
// policy must both allow.
func ExamplePolicies_Evaluate() {
	compile := func(id, text string) *policy.Set {
		doc, err := policy.Parse([]byte(text))
		if err != nil {
			panic(err)
		}
		return policy.MustCompile([]policy.Policy{{ID: id, Document: doc}})
	}
	bucket := compile("bucket/reports", `{"Version": "2012-10-17", "Statement": [
	  {"Sid": "ShareWithPartner", "Effect": "Allow",
	   "Principal": {"AWS": "arn:demo:iam::444455556666:user/carol@partner.io"},
	   "Action": "s3:GetObject", "Resource": "arn:demo:s3:::reports/*"}]}`)
	carol := compile("user/carol@partner.io/inline/Read", `{"Version": "2012-10-17", "Statement": [
	  {"Sid": "ReadReports", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:demo:s3:::reports/*"}]}`)

	req := &policy.Request{
		Principal:       "arn:demo:iam::444455556666:user/carol@partner.io",
		Action:          "s3:GetObject",
		Resource:        "arn:demo:s3:::reports/q1.pdf",
		ResourceAccount: "111122223333",
	}
	for _, p := range []policy.Policies{
		{Identity: carol, Resource: bucket},
		{Resource: bucket},
		{Identity: carol},
	} {
		res := p.Evaluate(req)
		if res.Allowed() {
			fmt.Print("Allow decided by ", res.DecidedBy, ":")
			for _, m := range res.Statements {
				fmt.Printf(" %s/%s", m.Type, m.Sid)
			}
			fmt.Println()
			continue
		}
		fmt.Println(res.Decision, "missing an allow in the", res.MissingAllow, "policy")
	}

	// An anonymous request (no principal) gets nothing from this bucket.
	res := (&policy.Policies{Resource: bucket}).Evaluate(&policy.Request{Action: "s3:GetObject", Resource: "arn:demo:s3:::reports/q1.pdf"})
	fmt.Println("anonymous:", res.Decision)
	// Output:
	// Allow decided by resource: identity/ReadReports resource/ShareWithPartner
	// ImplicitDeny missing an allow in the identity policy
	// ImplicitDeny missing an allow in the resource policy
	// anonymous: ImplicitDeny
}
