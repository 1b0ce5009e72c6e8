package policy_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/astran-oss/astran-go/policy"
)

// indexDoc has statements whose resource heads are shared, nested and
// overlapping, with variables, NotResource and Deny, for the resource index.
const indexDoc = `{"Version":"2012-10-17","Statement":[
{"Sid":"Shared","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::shared/*"},
{"Sid":"Team","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::shared/team/*"},
{"Sid":"DenySecret","Effect":"Deny","Action":"s3:*","Resource":"arn:demo:s3:::shared/team/secret/*"},
{"Sid":"Bucket","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::shared"},
{"Sid":"Public","Effect":"Allow","Action":"s3:Get*","Resource":"arn:demo:s3:::share?/public/*"},
{"Sid":"Home","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::home/${aws:username}/*"},
{"Sid":"OwnBucket","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::${aws:username}-bucket/*"},
{"Sid":"PutElsewhere","Effect":"Allow","Action":"s3:PutObject","NotResource":"arn:demo:s3:::shared/*"},
{"Sid":"Logs","Effect":"Allow","Action":"s3:GetObject","Resource":["arn:demo:s3:::logs","arn:demo:s3:::logs/app-*"]},
{"Sid":"XY","Effect":"Allow","Action":"s3:GetObject","Resource":["arn:demo:s3:::x/*","arn:demo:s3:::y/*"]},
{"Sid":"Alice","Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":"alice"}}},
{"Sid":"DenyPlain","Effect":"Deny","Action":"s3:GetObject","Resource":"arn:demo:s3:::shared/team/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
{"Sid":"Deep","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::shared/team/a/b/c/d/*"},
{"Sid":"DeleteTmpOnly","Effect":"Deny","Action":"s3:DeleteObject","NotResource":"arn:demo:s3:::tmp/*"},
{"Sid":"Delete","Effect":"Allow","Action":"s3:DeleteObject","Resource":"arn:demo:s3:::*"},
{"Sid":"Exact","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::shared/team/a"}
]}`

// TestEvaluate_resourceIndex checks decisions, deciding statements and
// missing keys of the index by resource head against expectations and a
// scan, for every index parameter. Rules: "Policy evaluation logic" (AWS
// IAM User Guide); "IAM JSON policy elements: Resource" and "NotResource".
func TestEvaluate_resourceIndex(t *testing.T) {
	doc, err := policy.Parse([]byte(indexDoc))
	if err != nil {
		t.Fatal(err)
	}
	ps := []policy.Policy{{ID: "p", Document: doc}}
	sets := map[string]*policy.Set{"default": policy.MustCompile(ps)}
	for _, o := range [][3]int{{1, 1, 1 << 20}, {1, 2, 1 << 20}, {1, 4, 1 << 20}, {1, 4, 0}, {2, 3, 0}} {
		s, err := policy.CompileIndex(ps, policy.Astran, o[0], o[1], o[2])
		if err != nil {
			t.Fatal(err)
		}
		if policy.ResourceIndexed(s) == 0 {
			t.Fatalf("index %v: no list indexed by resource", o)
		}
		sets[fmt.Sprint(o)] = s
	}
	bob := map[string][]string{"aws:username": {"bob"}, "aws:SecureTransport": {"true"}}
	cases := []struct {
		action, resource string
		ctx              map[string][]string
		want             policy.Decision
		sids             []string
		missing          []string
	}{
		{"s3:GetObject", "arn:demo:s3:::shared/doc.txt", bob, allow, []string{"Shared"}, nil},
		{"s3:GetObject", "arn:demo:s3:::shared/team/x", bob, allow, []string{"Shared", "Team"}, nil},
		{"s3:GetObject", "arn:demo:s3:::shared/team/secret/k", bob, deny, []string{"DenySecret"}, nil},
		{"s3:PutObject", "arn:demo:s3:::shared/team/secret/k", bob, deny, []string{"DenySecret"}, nil},
		{"s3:GetObject", "arn:demo:s3:::shared", bob, allow, []string{"Bucket"}, nil},
		{"s3:GetObject", "arn:demo:s3:::shared/team/a", bob, allow, []string{"Shared", "Team", "Exact"}, nil},
		{"s3:GetObject", "arn:demo:s3:::sharex/public/a", bob, allow, []string{"Public"}, nil},
		{"s3:GetObjectTagging", "arn:demo:s3:::shared/public/a", bob, allow, []string{"Public"}, nil},
		{"s3:GetObject", "arn:demo:s3:::home/bob/f", bob, allow, []string{"Home"}, nil},
		{"s3:GetObject", "arn:demo:s3:::home/alice/f", bob, none, nil, nil},
		{"s3:GetObject", "arn:demo:s3:::bob-bucket/k", bob, allow, []string{"OwnBucket"}, nil},
		{"s3:GetObject", "arn:demo:s3:::logs", bob, allow, []string{"Logs"}, nil},
		{"s3:GetObject", "arn:demo:s3:::logs/app-1", bob, allow, []string{"Logs"}, nil},
		{"s3:GetObject", "arn:demo:s3:::logs/other", bob, none, nil, nil},
		{"s3:GetObject", "arn:demo:s3:::x/k", bob, allow, []string{"XY"}, nil},
		{"s3:GetObject", "arn:demo:s3:::y/k", bob, allow, []string{"XY"}, nil},
		{"s3:GetObject", "arn:demo:s3:::shared/team/a/b/c/d/e", bob, allow, []string{"Shared", "Team", "Deep"}, nil},
		{"s3:PutObject", "arn:demo:s3:::shared/k", bob, none, nil, nil},
		{"s3:PutObject", "arn:demo:s3:::other/k", bob, allow, []string{"PutElsewhere"}, nil},
		{"s3:GetObject", "arn:demo:s3:::shared/team/k", map[string][]string{"aws:username": {"bob"}, "aws:SecureTransport": {"false"}}, deny, []string{"DenyPlain"}, nil},
		{"s3:GetObject", "arn:demo:s3:::shared/team/k", nil, allow, []string{"Shared", "Team"}, []string{"aws:SecureTransport", "aws:username"}},
		{"s3:GetObject", "arn:demo:s3:::nothing", map[string][]string{"aws:username": {"alice"}}, allow, []string{"Alice"}, nil},
		{"s3:GetObject", "arn:demo:s3:::nothing", nil, none, nil, []string{"aws:username"}},
		{"s3:GetObject", "", nil, none, nil, []string{"aws:username"}},
		{"s3:DeleteObject", "arn:demo:s3:::tmp/k", bob, allow, []string{"Delete"}, nil},
		{"s3:DeleteObject", "arn:demo:s3:::shared/k", bob, deny, []string{"DeleteTmpOnly"}, nil},
		{"s3:DeleteObject", "arn:demo:s3:::shared/team/secret/k", bob, deny, []string{"DenySecret", "DeleteTmpOnly"}, nil},
	}
	for _, tc := range cases {
		req := &policy.Request{Action: tc.action, Resource: tc.resource, Context: policy.ContextFromMap(tc.ctx)}
		scan := policy.EvaluateScan(sets["default"], req)
		for name, s := range sets {
			got := s.Evaluate(req)
			var sids []string
			for _, m := range got.Statements {
				sids = append(sids, m.Sid)
			}
			if got.Decision != tc.want || !slices.Equal(sids, tc.sids) || !slices.Equal(got.MissingContextKeys, tc.missing) {
				t.Errorf("%s %s %s: got %v %q missing %q, want %v %q missing %q", name, tc.action, tc.resource,
					got.Decision, sids, got.MissingContextKeys, tc.want, tc.sids, tc.missing)
			}
			if got.Decision != scan.Decision || !slices.Equal(got.Statements, scan.Statements) || !slices.Equal(got.MissingContextKeys, scan.MissingContextKeys) {
				t.Errorf("%s %s %s: index %+v, scan %+v", name, tc.action, tc.resource, got, scan)
			}
		}
	}
}

// TestEvaluate_resourceIndexScaling checks a large set indexed by resource
// (few actions, a bucket per statement) against a scan.
func TestEvaluate_resourceIndexScaling(t *testing.T) {
	ps := resourceScaledPolicies(1000)
	set := policy.MustCompile(ps)
	if policy.ResourceIndexed(set) == 0 {
		t.Fatal("no list indexed by resource")
	}
	for i := 0; i < 1000; i += 7 {
		for _, key := range []string{"data/k", "data/secret/k", "other", ""} {
			req := &policy.Request{Action: s3Actions[i%len(s3Actions)], Resource: fmt.Sprintf("arn:aws:s3:::bucket-%05d/%s", i, key)}
			if i%3 == 0 {
				req.Context.Set("aws:SourceIp", "10.1.1.1")
			}
			got, scan := set.Evaluate(req), policy.EvaluateScan(set, req)
			if got.Decision != scan.Decision || !slices.Equal(got.Statements, scan.Statements) || !slices.Equal(got.MissingContextKeys, scan.MissingContextKeys) {
				t.Fatalf("%+v: index %+v, scan %+v", req, got, scan)
			}
		}
	}
}

// TestSet_concurrentResourceIndex evaluates a set indexed by resource from
// several goroutines (run with -race): the index is read-only.
func TestSet_concurrentResourceIndex(t *testing.T) {
	set, err := policy.CompileIndex(append(resourceScaledPolicies(200), policy.Policy{ID: "home", Document: &policy.Document{
		Version: policy.Version2012, Statements: []policy.Statement{{Effect: policy.EffectAllow, Action: []string{"s3:GetObject"},
			Resource: []string{"arn:aws:s3:::bucket-00007/home/${aws:username}/*"}}}}}), policy.Astran, 1, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	for g := 0; g < 8; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			var res policy.Result
			for i := 0; i < 200; i++ {
				req := &policy.Request{Action: "s3:GetObject", Resource: fmt.Sprintf("arn:aws:s3:::bucket-%05d/home/u%d/k", 7, g)}
				req.Context.Set("aws:username", fmt.Sprintf("u%d", g))
				if set.EvaluateInto(req, &res); !res.Allowed() {
					t.Errorf("goroutine %d: %+v", g, res)
					return
				}
			}
		}()
	}
	for g := 0; g < 8; g++ {
		<-done
	}
}
