package policy_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/astran-oss/astran-go/policy"
)

// s3Set20 is a realistic 20-statement S3 policy set: per-team buckets,
// read-only shares, a home folder with a variable, and guard-rail denies.
const s3Set20 = `{"Version":"2012-10-17","Statement":[
{"Sid":"ListAll","Effect":"Allow","Action":["s3:ListAllMyBuckets","s3:GetBucketLocation"],"Resource":"*"},
{"Sid":"TeamRead","Effect":"Allow","Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":"arn:demo:s3:::team-data/*"},
{"Sid":"TeamList","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:demo:s3:::team-data"},
{"Sid":"TeamWrite","Effect":"Allow","Action":["s3:PutObject","s3:AbortMultipartUpload"],"Resource":"arn:demo:s3:::team-data/incoming/*"},
{"Sid":"Reports","Effect":"Allow","Action":"s3:Get*","Resource":["arn:demo:s3:::reports/*","arn:demo:s3:::reports"]},
{"Sid":"Archive","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:demo:s3:::archive-2023","arn:demo:s3:::archive-2023/*"]},
{"Sid":"Logs","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:demo:s3:::logs/app-?/*"},
{"Sid":"Versions","Effect":"Allow","Action":["s3:ListBucketVersions","s3:GetBucketVersioning"],"Resource":"arn:demo:s3:::team-data"},
{"Sid":"Uploads","Effect":"Allow","Action":["s3:ListMultipartUploadParts","s3:ListBucketMultipartUploads"],"Resource":["arn:demo:s3:::team-data","arn:demo:s3:::team-data/*"]},
{"Sid":"Shared","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::shared/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"red"}}},
{"Sid":"Public","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::public-*/*"},
{"Sid":"Kits","Effect":"Allow","Action":["ck:Get*","ck:List*"],"Resource":"*"},
{"Sid":"Create","Effect":"Allow","Action":"s3:CreateBucket","Resource":"arn:demo:s3:::sandbox-*"},
{"Sid":"SandboxAll","Effect":"Allow","Action":"s3:*","Resource":["arn:demo:s3:::sandbox-*","arn:demo:s3:::sandbox-*/*"]},
{"Sid":"Tmp","Effect":"Allow","Action":["s3:PutObject","s3:DeleteObject"],"Resource":"arn:demo:s3:::tmp/*"},
{"Sid":"IAMSelf","Effect":"Allow","Action":["iam:GetUser","iam:ListAccessKeys"],"Resource":"arn:demo:iam::*:user/*"},
{"Sid":"DenyDeleteBuckets","Effect":"Deny","Action":["s3:DeleteBucket","s3:PutBucketVersioning"],"Resource":"*"},
{"Sid":"DenySecrets","Effect":"Deny","Action":"s3:*","Resource":["arn:demo:s3:::team-data/secrets/*","arn:demo:s3:::vault","arn:demo:s3:::vault/*"]},
{"Sid":"DenyInsecure","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
{"Sid":"DenyVersionDelete","Effect":"Deny","Action":"s3:DeleteObjectVersion","Resource":"*"}
]}`

func mustSet(b testing.TB, src string) *policy.Set {
	d, err := policy.Parse([]byte(src), func(o *policy.ParseOptions) { o.MaxSize = -1 })
	if err != nil {
		b.Fatal(err)
	}
	return policy.MustCompile([]policy.Policy{{ID: "p", Document: d}})
}

// evaluator is a *policy.Set or a *policy.Policies.
type evaluator interface {
	EvaluateInto(*policy.Request, *policy.Result)
}

// benchEvaluate checks that e decides req as want, then times
// e.EvaluateInto(req) with one reused Result.
func benchEvaluate(b *testing.B, e evaluator, req *policy.Request, want policy.Decision) {
	var res policy.Result
	if e.EvaluateInto(req, &res); res.Decision != want {
		b.Fatalf("got %v, want %v: %+v", res.Decision, want, res)
	}
	b.ReportAllocs()
	for b.Loop() {
		e.EvaluateInto(req, &res)
	}
}

func BenchmarkEvaluate_S3Set20(b *testing.B) {
	req := &policy.Request{Principal: "arn:demo:iam::123:user/bob@astran.io", Action: "s3:GetObject", Resource: "arn:demo:s3:::team-data/2024/report.csv"}
	req.Context.Set("aws:SecureTransport", "true")
	req.Context.Set("aws:PrincipalTag/team", "red")
	benchEvaluate(b, mustSet(b, s3Set20), req, policy.Allow)
}

func BenchmarkEvaluate_S3Set20Deny(b *testing.B) {
	req := &policy.Request{Action: "s3:GetObject", Resource: "arn:demo:s3:::team-data/secrets/k"}
	req.Context.Set("aws:SecureTransport", "true")
	benchEvaluate(b, mustSet(b, s3Set20), req, policy.ExplicitDeny)
}

func BenchmarkEvaluate_variable(b *testing.B) {
	set := mustSet(b, stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:demo:s3:::home/${aws:username}/*"}`))
	req := &policy.Request{Action: "s3:GetObject", Resource: "arn:demo:s3:::home/bob@astran.io/notes.txt"}
	req.Context.Set("aws:username", "bob@astran.io")
	benchEvaluate(b, set, req, policy.Allow)
}

// scaledVerbs are the verbs of scaledDocument's actions.
var scaledVerbs = []string{"Get", "Put", "List", "Delete", "Create", "Update", "Describe", "Tag"}

// scaledAction is the action of scaledDocument's statement i.
func scaledAction(i int) string {
	return fmt.Sprintf("svc%d:%sThing%d", i%50, scaledVerbs[i%len(scaledVerbs)], i)
}

// scaledDocument has n statements over distinct actions and buckets.
func scaledDocument(n int) *policy.Document {
	d := &policy.Document{Version: policy.Version2012}
	for i := 0; i < n; i++ {
		st := policy.Statement{Effect: policy.EffectAllow,
			Action:   []string{scaledAction(i)},
			Resource: []string{fmt.Sprintf("arn:demo:s3:::bucket-%d/*", i)}}
		if i%10 == 0 {
			st.Action = []string{fmt.Sprintf("svc%d:%s*", i%50, scaledVerbs[i%len(scaledVerbs)])}
		}
		if i%97 == 0 {
			st.Effect = policy.EffectDeny
		}
		d.Statements = append(d.Statements, st)
	}
	return d
}

func BenchmarkEvaluate_scaling(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			set := policy.MustCompile([]policy.Policy{{ID: "p", Document: scaledDocument(n)}})
			i := n - 2
			req := &policy.Request{Action: scaledAction(i), Resource: fmt.Sprintf("arn:demo:s3:::bucket-%d/k", i)}
			benchEvaluate(b, set, req, policy.Allow)
		})
	}
}

// s3Actions are the few actions of resourceScaledPolicies.
var s3Actions = []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "s3:GetObjectTagging",
	"s3:PutObjectTagging", "s3:AbortMultipartUpload", "s3:RestoreObject", "s3:GetObjectAcl", "s3:PutObjectAcl",
	"s3:GetObjectRetention", "s3:PutObjectRetention", "s3:GetObjectLegalHold", "s3:PutObjectLegalHold",
	"s3:ReplicateObject", "s3:ReplicateDelete"}

// resourceScaledPolicies has n statements in policies of 10, shaped like
// the bench harness's scaling workload: few distinct actions (two per
// statement), a distinct bucket prefix per statement, every 50th statement
// a Deny on a sub-prefix of the previous one, every 10th an IpAddress
// condition.
func resourceScaledPolicies(n int) []policy.Policy {
	actionsOf := func(i int) []string {
		a, b := s3Actions[i%len(s3Actions)], s3Actions[(i*7+3)%len(s3Actions)]
		if a == b {
			return []string{a}
		}
		return []string{a, b}
	}
	var ps []policy.Policy
	for i := 0; i < n; i++ {
		if i%10 == 0 {
			ps = append(ps, policy.Policy{ID: fmt.Sprintf("team-%04d", i/10), Document: &policy.Document{Version: policy.Version2012}})
		}
		st := policy.Statement{Sid: fmt.Sprintf("S%d", i), Effect: policy.EffectAllow, Action: actionsOf(i),
			Resource: []string{fmt.Sprintf("arn:aws:s3:::bucket-%05d/data/*", i)}}
		switch {
		case i%50 == 49:
			st.Effect = policy.EffectDeny
			st.Action = actionsOf(i - 1)
			st.Resource = []string{fmt.Sprintf("arn:aws:s3:::bucket-%05d/data/secret/*", i-1)}
		case i%10 == 3:
			st.Condition = policy.Condition{"IpAddress": {"aws:SourceIp": {"10.0.0.0/8"}}}
		}
		d := ps[len(ps)-1].Document
		d.Statements = append(d.Statements, st)
	}
	return ps
}

// BenchmarkEvaluate_resourceScaling evaluates sets of 10 to 10,000
// statements over few actions and distinct resource prefixes: the resource
// index keeps the cost nearly flat. Each iteration evaluates a hit on the
// last statement, a miss and (from 100 statements) an explicit deny.
func BenchmarkEvaluate_resourceScaling(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			set := policy.MustCompile(resourceScaledPolicies(n))
			last := n - 1
			if last%50 == 49 {
				last--
			}
			mk := func(i int, action, key string) *policy.Request {
				r := &policy.Request{Action: action, Resource: fmt.Sprintf("arn:aws:s3:::bucket-%05d/data/%s", i, key)}
				r.Context.Set("aws:SourceIp", "10.9.8.7")
				return r
			}
			reqs := []*policy.Request{mk(last, s3Actions[last%len(s3Actions)], "z.bin"), mk(n+1, "s3:GetObject", "x")}
			want := []policy.Decision{policy.Allow, policy.ImplicitDeny}
			if n >= 100 {
				reqs = append(reqs, mk(48, s3Actions[48%len(s3Actions)], "secret/k.pem"))
				want = append(want, policy.ExplicitDeny)
			}
			var res policy.Result
			for i, r := range reqs {
				if set.EvaluateInto(r, &res); res.Decision != want[i] {
					b.Fatalf("request %d: %v, want %v", i, res.Decision, want[i])
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				set.EvaluateInto(reqs[i%len(reqs)], &res)
			}
		})
	}
}

// largeDocument is a ~6 KB document, the size limit of a managed policy.
func largeDocument() []byte {
	var sb strings.Builder
	sb.WriteString(`{"Version":"2012-10-17","Statement":[`)
	for i := 0; sb.Len() < 5900; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `{"Sid":"S%d","Effect":"Allow","Action":["s3:GetObject","s3:List*"],"Resource":"arn:demo:s3:::bucket-%d/${aws:username}/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"t%d"}}}`, i, i, i)
	}
	sb.WriteString("]}")
	return []byte(sb.String())
}

func BenchmarkParse(b *testing.B) {
	data := largeDocument()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := policy.Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompile(b *testing.B) { benchCompile(b, largeDocument()) }

func BenchmarkCompile_S3Set20(b *testing.B) { benchCompile(b, []byte(s3Set20)) }

// benchCompile parses and compiles one document; MB/s counts it compact
// (without whitespace outside strings), as IAM's size limit does.
func benchCompile(b *testing.B, data []byte) {
	var compact bytes.Buffer
	if err := json.Compact(&compact, data); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(compact.Len()))
	b.ReportAllocs()
	for b.Loop() {
		d, err := policy.Parse(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := policy.Compile([]policy.Policy{{ID: "p", Document: d}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompile_resourceScaling parses and compiles the 1,000 statements
// of resourceScaledPolicies (100 documents), like the bench harness's
// compile workload.
func BenchmarkCompile_resourceScaling(b *testing.B) {
	ps := resourceScaledPolicies(1000)
	var srcs [][]byte
	size := 0
	for _, p := range ps {
		src, err := p.Document.MarshalJSON()
		if err != nil {
			b.Fatal(err)
		}
		srcs = append(srcs, src)
		size += len(src)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for i, src := range srcs {
			d, err := policy.Parse(src)
			if err != nil {
				b.Fatal(err)
			}
			ps[i].Document = d
		}
		if _, err := policy.Compile(ps); err != nil {
			b.Fatal(err)
		}
	}
}

// evaluateAllocs is how many times e.EvaluateInto(req) allocates with a
// reused Result.
func evaluateAllocs(e evaluator, req *policy.Request) float64 {
	var res policy.Result
	return testing.AllocsPerRun(100, func() { e.EvaluateInto(req, &res) })
}

func TestEvaluateInto_allocs(t *testing.T) {
	set := mustSet(t, s3Set20)
	req := &policy.Request{Action: "s3:GetObject", Resource: "arn:demo:s3:::team-data/k"}
	req.Context.Set("aws:SecureTransport", "true")
	if n := evaluateAllocs(set, req); n != 0 {
		t.Errorf("EvaluateInto allocates %v times, want 0", n)
	}
	vset := mustSet(t, stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:demo:s3:::home/${aws:username}/*"},{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"s3:prefix":"${aws:username}/*"}}}`))
	req.Context.Set("aws:username", "bob")
	req.Context.Set("s3:prefix", "bob/x")
	if n := evaluateAllocs(vset, req); n != 0 {
		t.Errorf("EvaluateInto with variables allocates %v times, want 0", n)
	}
	big := policy.MustCompile([]policy.Policy{{ID: "p", Document: scaledDocument(10000)}})
	req2 := &policy.Request{Action: "svc1:PutThing9951", Resource: "arn:demo:s3:::bucket-9951/k"}
	if n := evaluateAllocs(big, req2); n != 0 {
		t.Errorf("indexed EvaluateInto allocates %v times, want 0", n)
	}
	// The resource index: one list, several nested heads merged, rest and
	// heads merged, and lists that are not merged per action.
	rset := policy.MustCompile(resourceScaledPolicies(10000))
	uset, err := policy.CompileIndex(append(resourceScaledPolicies(1000), policy.Policy{ID: "x", Document: &policy.Document{
		Version: policy.Version2012, Statements: []policy.Statement{{Effect: policy.EffectAllow, Action: []string{"s3:Get*"}, Resource: []string{"*"}}}}}),
		policy.Astran, 1, 4, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"arn:aws:s3:::bucket-09951/data/k", "arn:aws:s3:::bucket-00048/data/secret/k", "arn:aws:s3:::none"} {
		req3 := &policy.Request{Action: "s3:GetObject", Resource: r}
		req3.Context.Set("aws:SourceIp", "10.1.1.1")
		for _, set := range []*policy.Set{rset, uset} {
			if n := evaluateAllocs(set, req3); n != 0 {
				t.Errorf("EvaluateInto %s with the resource index allocates %v times, want 0", r, n)
			}
		}
	}
	var c policy.Context
	c.Set("a", "1")
	c.Reset()
	if n := testing.AllocsPerRun(100, func() { c.Reset(); c.Set("aws:username", "bob") }); n != 0 {
		t.Errorf("Context.Set allocates %v times, want 0", n)
	}
}

// bucketPolicy5 is a 5-statement bucket policy for team-data, owned by
// account 123: the owner account, a reader account and one of its roles,
// and two guard-rail denies.
const bucketPolicy5 = `{"Version":"2012-10-17","Statement":[
{"Sid":"Owner","Effect":"Allow","Principal":{"AWS":"arn:demo:iam::123:root"},"Action":"s3:*","Resource":["arn:demo:s3:::team-data","arn:demo:s3:::team-data/*"]},
{"Sid":"ReaderAccount","Effect":"Allow","Principal":{"AWS":"456"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:demo:s3:::team-data","arn:demo:s3:::team-data/*"]},
{"Sid":"ReaderRole","Effect":"Allow","Principal":{"AWS":"arn:demo:iam::456:role/Reader"},"Action":"s3:GetObject","Resource":"arn:demo:s3:::team-data/reports/*"},
{"Sid":"DenyInsecure","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:demo:s3:::team-data/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
{"Sid":"DenyDelete","Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:demo:s3:::team-data/*"}
]}`

// boundary2 is a permissions boundary: S3 and kits, never IAM.
const boundary2 = `{"Version":"2012-10-17","Statement":[
{"Sid":"Within","Effect":"Allow","Action":["s3:*","ck:*"],"Resource":"*"},
{"Sid":"NoIAM","Effect":"Deny","Action":"iam:*","Resource":"*"}
]}`

// BenchmarkPolicies_S3Set20 evaluates the 20-statement set as identity
// policy with a permissions boundary and a 5-statement bucket policy, in
// the bucket owner's account and from another account, next to the set
// alone (identity-only).
func BenchmarkPolicies_S3Set20(b *testing.B) {
	identity, bucket, boundary := mustSet(b, s3Set20), mustSet(b, bucketPolicy5), mustSet(b, boundary2)
	for _, bc := range []struct {
		name      string
		p         policy.Policies
		principal string
	}{
		{"identity-only", policy.Policies{Identity: identity}, "arn:demo:iam::123:user/bob@astran.io"},
		{"same-account", policy.Policies{Identity: identity, Boundary: boundary, Resource: bucket}, "arn:demo:iam::123:user/bob@astran.io"},
		{"cross-account", policy.Policies{Identity: identity, Boundary: boundary, Resource: bucket}, "arn:demo:iam::456:user/carol@astran.io"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := &policy.Request{Principal: bc.principal, Action: "s3:GetObject", Resource: "arn:demo:s3:::team-data/2024/report.csv", ResourceAccount: "123"}
			req.Context.Set("aws:SecureTransport", "true")
			req.Context.Set("aws:PrincipalTag/team", "red")
			benchEvaluate(b, &bc.p, req, policy.Allow)
		})
	}
}
