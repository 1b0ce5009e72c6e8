package policy_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/astran-oss/astran-go/policy"
)

// Vocabularies of the generated policies and the sampled requests: they
// overlap so that samples hit patterns, their edges and their gaps.
var (
	genActions = []string{"s3:GetObject", "s3:PutObject", "s3:Get*", "s3:*", "*", "iam:*", "s3:?etObject",
		"S3:GETOBJECT", "s3:*Object", "iam:CreateUser", "s3:List*"}
	genResources = []string{"arn:demo:s3:::b/*", "arn:demo:s3:::b/k", "*", "arn:demo:s3:::*", "arn:demo:s3:::b/?",
		"arn:demo:*", "arn:demo:s3:::b/k*", "arn:*:s3:::b/*", "arn:demo:iam::*:user/*"}
	sampleActions = []string{"s3:GetObject", "s3:getobject", "S3:GetObject", "s3:PutObject", "s3:Get", "s3:GetX",
		"s3:SetObject", "iam:CreateUser", "iam:createuser", "x", "", "s3:ListBucket", "s3:DeleteObject", "s3:Object"}
	sampleResources = []string{"arn:demo:s3:::b/k", "arn:demo:s3:::b/", "arn:demo:s3:::b/kk", "arn:demo:s3:::b/x/y",
		"arn:demo:s3:::c", "arn:other:s3:::b/k", "arn:demo:iam::123:user/bob", "arn:demo:iam::123:role/r", "x", "*",
		"arn:demo:s3:::b/k:z", "arn:demo:s3:x:b/k"}
)

var genPrincipals = []*policy.Principal{
	{Wildcard: true},
	{AWS: []string{"arn:demo:iam::123:user/bob"}},
	{AWS: []string{"123"}},
	{AWS: []string{"arn:demo:iam::123:root"}},
	{AWS: []string{"arn:demo:iam::123:role/r", "arn:demo:iam::456:user/eve"}},
	{Federated: []string{"arn:demo:iam::123:oidc-provider/idp.example"}},
}

var samplePrincipals = []string{"", "arn:demo:iam::123:user/bob", "arn:demo:iam::123:user/carol", "arn:other:iam::123:user/bob",
	"arn:demo:iam::456:user/eve", "arn:demo:sts::123:assumed-role/r/s", "arn:demo:iam::123:role/r", "arn:demo:iam::123:oidc-provider/idp.example",
	"arn:demo:iam::789:user/x", "123"}

type genCond struct {
	op, key string
	vals    []string
}

var genConds = []genCond{
	{"StringEquals", "s3:prefix", []string{"a"}},
	{"StringNotEquals", "s3:prefix", []string{"a", "b"}},
	{"StringLike", "s3:prefix", []string{"a*"}},
	{"StringNotLike", "s3:prefix", []string{"*b"}},
	{"StringEqualsIgnoreCase", "s3:prefix", []string{"A"}},
	{"StringLikeIfExists", "s3:prefix", []string{"?"}},
	{"NumericLessThan", "s3:max-keys", []string{"10"}},
	{"NumericGreaterThanEquals", "s3:max-keys", []string{"5"}},
	{"NumericNotEquals", "s3:max-keys", []string{"7"}},
	{"DateGreaterThan", "aws:CurrentTime", []string{"2026-01-01T00:00:00Z"}},
	{"DateLessThanEquals", "aws:CurrentTime", []string{"2027-01-01T00:00:00Z"}},
	{"IpAddress", "aws:SourceIp", []string{"10.0.0.0/8"}},
	{"NotIpAddress", "aws:SourceIp", []string{"10.1.0.0/16", "192.168.0.1"}},
	{"IpAddressIfExists", "aws:SourceIp", []string{"10.1.2.0/24"}},
	{"Bool", "aws:SecureTransport", []string{"true"}},
	{"Bool", "aws:SecureTransport", []string{"false"}},
	{"Null", "aws:SecureTransport", []string{"true"}},
	{"Null", "s3:prefix", []string{"false"}},
	{"ArnLike", "aws:PrincipalArn", []string{"arn:demo:iam::*:user/*"}},
	{"ArnNotEquals", "aws:PrincipalArn", []string{"arn:demo:iam::123:user/bob"}},
}

var sampleValues = map[string][]string{
	"s3:prefix":           {"a", "A", "ab", "b", "ba", "", "c", "aB"},
	"s3:max-keys":         {"1", "5", "7", "7.0", "9.5", "10", "11", "x", "-3"},
	"aws:CurrentTime":     {"2025-06-01T00:00:00Z", "2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z", "2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z", "1767225600", "junk"},
	"aws:SourceIp":        {"10.0.0.1", "10.1.0.1", "10.1.2.3", "192.168.0.1", "192.168.0.2", "8.8.8.8", "::1", "bad"},
	"aws:SecureTransport": {"true", "false", "TRUE", "x"},
	"aws:PrincipalArn":    {"arn:demo:iam::123:user/bob", "arn:demo:iam::123:user/eve", "arn:demo:iam::123:role/r", "arn:x:iam::1:user/bob", "z"},
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func genStatement(r *rand.Rand) policy.Statement {
	st := policy.Statement{Effect: policy.EffectAllow}
	if r.IntN(4) == 0 {
		st.Effect = policy.EffectDeny
	}
	acts := []string{pick(r, genActions)}
	if r.IntN(3) == 0 {
		acts = append(acts, pick(r, genActions))
	}
	if r.IntN(6) == 0 {
		st.NotAction = acts
	} else {
		st.Action = acts
	}
	res := []string{pick(r, genResources)}
	if r.IntN(3) == 0 {
		res = append(res, pick(r, genResources))
	}
	switch r.IntN(8) {
	case 0:
		st.NotResource = res
	case 1: // a trust-policy-like statement: a principal, no resource
		st.Principal = pick(r, genPrincipals)
		if r.IntN(3) == 0 {
			st.Principal, st.NotPrincipal = nil, st.Principal
		}
	default:
		st.Resource = res
	}
	for n := r.IntN(3); n > 0; n-- {
		c := pick(r, genConds)
		if st.Condition == nil {
			st.Condition = policy.Condition{}
		}
		if st.Condition[c.op] == nil {
			st.Condition[c.op] = map[string][]string{}
		}
		st.Condition[c.op][c.key] = c.vals
	}
	return st
}

func genSet(t *testing.T, r *rand.Rand, stmts []policy.Statement) *policy.Set {
	t.Helper()
	d := policy.Astran
	if r.IntN(4) == 0 {
		d = policy.AWS
	}
	if len(stmts) == 0 {
		return policy.MustCompile(nil, func(o *policy.CompileOptions) { o.Dialect = d })
	}
	doc := &policy.Document{Version: policy.Version2012, Statements: stmts}
	s, err := policy.Compile([]policy.Policy{{ID: "gen", Document: doc}}, func(o *policy.CompileOptions) { o.Dialect = d })
	if err != nil {
		t.Fatalf("generated policy: %v", err)
	}
	return s
}

// genPair returns two statement lists: independent, or the second a
// mutation of the first.
func genPair(r *rand.Rand) (a, b []policy.Statement) {
	for n := 1 + r.IntN(4); n > 0; n-- {
		a = append(a, genStatement(r))
	}
	if r.IntN(4) == 0 {
		for n := r.IntN(4); n > 0; n-- {
			b = append(b, genStatement(r))
		}
		return a, b
	}
	for _, st := range a {
		switch r.IntN(5) {
		case 0: // dropped
		case 1:
			b = append(b, genStatement(r))
		default:
			b = append(b, st.Clone())
		}
	}
	if r.IntN(2) == 0 {
		b = append(b, genStatement(r))
	}
	return a, b
}

func sampleRequest(r *rand.Rand) *policy.Request {
	req := &policy.Request{Action: pick(r, sampleActions), Resource: pick(r, sampleResources), Principal: pick(r, samplePrincipals)}
	for k, vals := range sampleValues {
		if r.IntN(3) > 0 {
			req.Context.Set(k, pick(r, vals))
		}
	}
	return req
}

func checkWitnesses(t *testing.T, regions []policy.Region, before, after *policy.Set) {
	t.Helper()
	for i, rg := range regions {
		if rg.Witness == nil {
			if rg.Exact {
				t.Errorf("region %d: exact region without witness", i)
			}
			continue
		}
		b, a := before.Evaluate(rg.Witness).Allowed(), after.Evaluate(rg.Witness).Allowed()
		want := rg.Change == policy.NewlyAllowed
		if b == a || a != want {
			t.Errorf("region %d (%s): witness %+v decided before=%v after=%v", i, rg.Change, rg.Witness, b, a)
		}
		if !rg.Contains(rg.Witness) {
			t.Errorf("region %d: does not contain its own witness %+v", i, rg.Witness)
		}
	}
}

// TestDiff_properties checks, on generated policy pairs, that every witness
// is decided differently, that every sampled request decided differently
// falls in a region of the right direction, that no sampled request in a
// region is decided alike, and that a set compared with itself has no
// region.
func TestDiff_properties(t *testing.T) {
	pairs, samples := 120, 3000
	if testing.Short() || raceDetector {
		pairs, samples = 40, 1000
	}
	r := rand.New(rand.NewPCG(16, 2026))
	changed, regionsSeen := 0, 0
	defer func() {
		t.Logf("%d pairs, %d regions, %d of %d sampled requests decided differently", pairs, regionsSeen, changed, pairs*samples)
		if changed == 0 || regionsSeen == 0 {
			t.Error("the generator produced no differences: the test proves nothing")
		}
	}()
	for p := 0; p < pairs; p++ {
		sa, sb := genPair(r)
		before, after := genSet(t, r, sa), genSet(t, r, sb)
		t.Run(fmt.Sprint(p), func(t *testing.T) {
			regions, err := policy.Diff(before, after)
			if err != nil {
				t.Fatalf("Diff: %v", err)
			}
			checkWitnesses(t, regions, before, after)
			regionsSeen += len(regions)
			for s := 0; s < samples; s++ {
				req := sampleRequest(r)
				b, a := before.Evaluate(req).Allowed(), after.Evaluate(req).Allowed()
				var in []int
				for i := range regions {
					if regions[i].Contains(req) {
						in = append(in, i)
					}
				}
				if b == a {
					if len(in) > 0 {
						t.Fatalf("request %+v decided alike (%v) but in region %d: %+v", req, b, in[0], regions[in[0]])
					}
					continue
				}
				changed++
				if len(in) != 1 {
					t.Fatalf("request %+v: before=%v after=%v, in %d regions; before %+v after %+v", req, b, a, len(in), sa, sb)
				}
				if want := map[bool]policy.Change{true: policy.NewlyAllowed, false: policy.NewlyDenied}[a]; regions[in[0]].Change != want {
					t.Fatalf("request %+v in a region of the wrong direction", req)
				}
			}
			for _, s := range []*policy.Set{before, after} {
				same, err := policy.Diff(s, s)
				if err != nil || len(same) != 0 {
					t.Fatalf("Diff(s, s) = %d regions, %v", len(same), err)
				}
			}
		})
	}
}

func newRand(s1, s2 uint64) *rand.Rand { return rand.New(rand.NewPCG(s1, s2)) }
