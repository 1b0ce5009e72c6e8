package engines_test

import (
	"testing"

	"github.com/astran-oss/astran-go/bench/internal/engines"
	"github.com/astran-oss/astran-go/bench/internal/workload"
)

// TestPeerDifferences pins the semantic differences that README.md documents:
// each case is an input on which a peer, fed the same (or the honestly
// translated) policy, decides differently from our engine. If a peer release
// changes its semantics, this test fails and the README must be updated.
func TestPeerDifferences(t *testing.T) {
	one := func(s workload.Statement, r workload.Request) *workload.Workload {
		return &workload.Workload{
			Name:     "diff",
			Policies: []workload.Policy{{ID: "arn:astran:iam::acct:policy/Diff", Statements: []workload.Statement{s}}},
			Requests: []workload.Request{r},
		}
	}
	tests := []struct {
		name   string
		w      *workload.Workload
		engine engines.Engine
		ours   workload.Decision
		peer   workload.Decision
	}{
		{
			name: "minio: s3:GetObjectVersion also grants s3:GetObject",
			w: one(workload.Statement{Actions: []string{"s3:GetObjectVersion"}, Resources: []string{"arn:aws:s3:::b/*"}},
				workload.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}),
			engine: engines.MinIO{}, ours: workload.ImplicitDeny, peer: workload.Allow,
		},
		{
			name: "minio: a substituted ${aws:username} is a pattern, not literal text",
			w: one(workload.Statement{Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::home/${aws:username}/*"}},
				workload.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::home/alice/k",
					Context: map[string]string{workload.KeyUsername: "*"}}),
			engine: engines.MinIO{}, ours: workload.ImplicitDeny, peer: workload.Allow,
		},
		{
			name: "minio: no explicit/implicit distinction (IsAllowed returns a bool)",
			w: one(workload.Statement{Deny: true, Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::b/*"}},
				workload.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}),
			engine: engines.MinIO{}, ours: workload.ExplicitDeny, peer: workload.Deny,
		},
		{
			name: "minio: action names compare byte-exactly, like the Astran dialect",
			w: one(workload.Statement{Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::b/*"}},
				workload.Request{Action: "S3:GETOBJECT", Resource: "arn:aws:s3:::b/k"}),
			engine: engines.MinIO{}, ours: workload.ImplicitDeny, peer: workload.Deny,
		},
		{
			name: "cedar: action wildcards only cover the closed action universe known at translation",
			w: one(workload.Statement{Actions: []string{"s3:Get*"}, Resources: []string{"arn:aws:s3:::b/*"}},
				workload.Request{Action: "s3:GetBrandNewThing", Resource: "arn:aws:s3:::b/k"}),
			engine: engines.Cedar{}, ours: workload.Allow, peer: workload.ImplicitDeny,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := func(e engines.Engine) workload.Decision {
				p, err := e.Compile(tt.w)
				if err != nil {
					t.Fatalf("%s: %v", e.Name(), err)
				}
				return p.Evaluator()(0)
			}
			if d := got(engines.Astran{}); d != tt.ours {
				t.Errorf("astran decided %s, want %s", d, tt.ours)
			}
			if d := got(tt.engine); d != tt.peer {
				t.Errorf("%s decided %s, want %s (the documented difference)", tt.engine.Name(), d, tt.peer)
			}
		})
	}
}

// TestMinIORejects pins the IAM features that MinIO's parser refuses and our
// engine accepts; the workloads avoid them so that MinIO can take part.
func TestMinIORejects(t *testing.T) {
	tests := map[string]workload.Statement{
		"non-S3 action":                {Actions: []string{"iam:CreateUser"}, Resources: []string{"*"}},
		"lower-case action":            {Actions: []string{"s3:getobject"}, Resources: []string{"*"}},
		"Astran partition in resource": {Actions: []string{"s3:GetObject"}, Resources: []string{"arn:astran:s3:::b/*"}},
		"non-S3 resource":              {Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:iam::123456789012:user/x"}},
		"aws:RequestedRegion key": {Actions: []string{"s3:GetObject"}, Resources: []string{"*"},
			Conditions: []workload.Condition{{Op: "StringEquals", Key: "aws:RequestedRegion", Values: []string{"us-east-1"}}}},
		"aws:PrincipalTag/team key": {Actions: []string{"s3:GetObject"}, Resources: []string{"*"},
			Conditions: []workload.Condition{{Op: "StringEquals", Key: "aws:PrincipalTag/team", Values: []string{"x"}}}},
		"key in other case (aws:sourceip)": {Actions: []string{"s3:GetObject"}, Resources: []string{"*"},
			Conditions: []workload.Condition{{Op: "IpAddress", Key: "aws:sourceip", Values: []string{"10.0.0.0/8"}}}},
		"ArnLike operator": {Actions: []string{"s3:GetObject"}, Resources: []string{"*"},
			Conditions: []workload.Condition{{Op: "ArnLike", Key: "aws:SourceArn", Values: []string{"arn:aws:s3:::b"}}}},
		"...IfExists operator": {Actions: []string{"s3:GetObject"}, Resources: []string{"*"},
			Conditions: []workload.Condition{{Op: "StringLikeIfExists", Key: "aws:UserAgent", Values: []string{"x*"}}}},
	}
	for name, s := range tests {
		t.Run(name, func(t *testing.T) {
			w := &workload.Workload{Name: "reject", Policies: []workload.Policy{{ID: "p", Statements: []workload.Statement{s}}}}
			if _, err := (engines.Astran{}).Compile(w); err != nil {
				t.Errorf("astran rejected it: %v", err)
			}
			// Unfiltered: MinIO.Sources would drop the non-S3 action.
			if _, err := (engines.MinIO{}).CompilePolicies([][]byte{workload.IAMJSON(w.Policies[0])}, w); err == nil {
				t.Errorf("minio accepted it; update README.md")
			}
		})
	}
}
