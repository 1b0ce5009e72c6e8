package policy_test

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/astran-oss/astran-go/policy"
)

// seedFiles returns the documents in testdata/*.json.
func seedFiles(f *testing.F) [][]byte {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// FuzzParse checks that Parse never panics, is deterministic, and that
// every document it accepts marshals to JSON that parses to an equal
// document (in both dialects).
func FuzzParse(f *testing.F) {
	for _, s := range seedDocuments() {
		f.Add([]byte(s))
	}
	for _, b := range seedFiles(f) {
		f.Add(b)
	}
	f.Add([]byte(s3Set20))
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":["s3:Get*"],"NotAction":"x","Foo":1}]}`))
	f.Add([]byte(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, dialect := range []policy.Dialect{policy.Astran, policy.AWS} {
			opt := func(o *policy.ParseOptions) { o.Dialect = dialect; o.MaxSize = -1 }
			d, err := policy.Parse(data, opt)
			d2, err2 := policy.Parse(data, opt)
			if (err == nil) != (err2 == nil) || !reflect.DeepEqual(d, d2) {
				t.Fatal("Parse is not deterministic")
			}
			if err != nil {
				_ = err.Error()
				continue
			}
			if err := d.Validate(opt); err != nil {
				t.Fatalf("parsed document does not validate: %v", err)
			}
			b, err := d.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			r, err := policy.Parse(b, opt)
			if err != nil {
				t.Fatalf("reparse of %s: %v", b, err)
			}
			if !reflect.DeepEqual(d, r) {
				t.Fatalf("round trip differs:\n%#v\n%#v", d, r)
			}
			if _, err := policy.Compile([]policy.Policy{{ID: "p", Document: d}}, func(o *policy.CompileOptions) { o.Dialect = dialect }); err != nil {
				t.Fatalf("compile of a parsed document: %v", err)
			}
		}
	})
}

// fuzzActions, fuzzResources and fuzzKeys are the vocabulary FuzzEvaluate
// builds statements and requests from.
var (
	fuzzActions   = []string{"*", "s3:*", "s3:Get*", "s3:GetObject", "s3:PutObject", "s3:?etObject", "iam:*", "iam:CreateUser", "S3:getobject", "ck:List*", "s3:*Object"}
	fuzzResources = []string{"*", "arn:demo:s3:::b/*", "arn:demo:s3:::b/k", "arn:demo:s3:::b/${aws:username}/*", "arn:demo:s3:::*", "arn:demo:iam::*:user/*",
		"arn:demo:s3:::b/k?", "arn:demo:*", "arn:demo:s3:::b/${aws:username, 'x'}", "arn:demo:s3:::${*}",
		// Nested and overlapping literal heads for the resource index.
		"arn:demo:s3:::b", "arn:demo:s3:::b/k*", "arn:demo:s3:::bb/*", "arn:demo:s3:::b/bob/*", "arn:demo:s3:::b/b*/x",
		"arn:demo:s3:::${aws:username}/*", "arn:demo:s3:::b/kx", "arn:demo:s3:::b?/*"}
	fuzzConds = []policy.Condition{
		nil,
		{"StringEquals": {"aws:username": {"bob"}}},
		{"StringNotEquals": {"aws:username": {"bob", "eve"}}},
		{"ForAllValues:StringLike": {"aws:TagKeys": {"a*"}}},
		{"ForAnyValue:StringEquals": {"aws:TagKeys": {"b"}}},
		{"Null": {"aws:username": {"true"}}},
		{"NumericLessThan": {"n": {"5"}}, "Bool": {"secure": {"true"}}},
		{"StringLikeIfExists": {"aws:username": {"${aws:username}"}}},
		{"IpAddress": {"ip": {"10.0.0.0/8"}}},
		{"DateGreaterThan": {"t": {"2020-01-01T00:00:00Z"}}},
	}
	fuzzReqActions   = []string{"s3:GetObject", "s3:PutObject", "iam:CreateUser", "ck:ListKits", "sts:AssumeRole", "s3:getobject"}
	fuzzReqResources = []string{"arn:demo:s3:::b/k", "arn:demo:s3:::b/bob/x", "arn:demo:s3:::b/kx", "arn:demo:iam::1:user/bob", "arn:demo:s3:::*", "",
		"arn:demo:s3:::b", "arn:demo:s3:::bb/k", "arn:demo:s3:::b/k/x", "bob"}
)

// fuzzStatement decodes one statement from 4 bytes.
func fuzzStatement(b []byte) policy.Statement {
	st := policy.Statement{Effect: policy.EffectAllow}
	if b[0]&1 == 1 {
		st.Effect = policy.EffectDeny
	}
	acts := []string{fuzzActions[int(b[0]>>1)%len(fuzzActions)]}
	if b[0]&0x80 != 0 {
		acts = append(acts, fuzzActions[int(b[3])%len(fuzzActions)])
	}
	if b[1]&1 == 1 {
		st.NotAction = acts
	} else {
		st.Action = acts
	}
	res := []string{fuzzResources[int(b[1]>>1)%len(fuzzResources)]}
	if b[3]&0x40 != 0 {
		res = append(res, fuzzResources[int(b[3]>>1)%len(fuzzResources)])
	}
	if b[2]&1 == 1 {
		st.NotResource = res
	} else {
		st.Resource = res
	}
	st.Condition = fuzzConds[int(b[2]>>1)%len(fuzzConds)]
	return st
}

func fuzzDecision(t *testing.T, dialect policy.Dialect, docs []*policy.Document, req *policy.Request) policy.Decision {
	var ps []policy.Policy
	for i, d := range docs {
		ps = append(ps, policy.Policy{ID: string(rune('a' + i)), Document: d})
	}
	set, err := policy.Compile(ps, func(o *policy.CompileOptions) { o.Dialect = dialect })
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	got := set.Evaluate(req)
	scan := policy.EvaluateScan(set, req)
	same := func(a, b policy.Result) bool {
		return a.Decision == b.Decision && slices.Equal(a.Statements, b.Statements) && slices.Equal(a.MissingContextKeys, b.MissingContextKeys)
	}
	if !same(got, scan) {
		t.Fatalf("index and scan differ:\n%+v\n%+v", got, scan)
	}
	// Every candidate list indexed by resource, with shallow and deep
	// nesting of resource heads, with and without merged lists per action.
	for _, o := range [][3]int{{1, 1, 1 << 20}, {1, 4, 1 << 20}, {1, 2, 0}, {3, 4, 0}} {
		iset, err := policy.CompileIndex(ps, dialect, o[0], o[1], o[2])
		if err != nil {
			t.Fatalf("compile: %v", err)
		}
		if r := iset.Evaluate(req); !same(r, scan) {
			t.Fatalf("index %v and scan differ:\n%+v\n%+v", o, r, scan)
		}
	}
	return got.Decision
}

// FuzzEvaluate checks properties of evaluation on random statement sets:
// no panic; adding a Deny statement never turns a decision into Allow;
// adding an Allow statement never turns an Allow into a deny; statement
// and policy order never change the decision; the index (by action and by
// resource, with every index parameter) agrees with a scan of every
// statement.
func FuzzEvaluate(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}, byte(0), []byte{0, 0, 0, 0, 0}, []byte{1, 0, 0, 0})
	f.Add([]byte{2, 4, 6, 8, 3, 5, 7, 9}, byte(1), []byte{1, 1, 1, 1, 1}, []byte{0, 2, 4, 0})
	f.Add([]byte{0x85, 6, 14, 3}, byte(2), []byte{2, 3, 1, 0, 2}, []byte{0x81, 3, 5, 7})
	f.Fuzz(func(t *testing.T, stmts []byte, split byte, reqb []byte, extra []byte) {
		if len(stmts) > 64 || len(reqb) < 5 || len(extra) < 4 {
			return
		}
		var sts []policy.Statement
		for i := 0; i+4 <= len(stmts); i += 4 {
			sts = append(sts, fuzzStatement(stmts[i:i+4]))
		}
		if len(sts) == 0 {
			return
		}
		dialect := policy.Dialect(split & 1)
		// Split the statements into two policies.
		k := int(split>>1) % (len(sts) + 1)
		mk := func(s []policy.Statement) *policy.Document {
			if len(s) == 0 {
				return nil
			}
			return &policy.Document{Version: policy.Version2012, Statements: slices.Clone(s)}
		}
		docs := func(parts ...[]policy.Statement) []*policy.Document {
			var out []*policy.Document
			for _, p := range parts {
				if d := mk(p); d != nil {
					out = append(out, d)
				}
			}
			return out
		}
		req := &policy.Request{
			Principal: "arn:demo:iam::1:user/bob",
			Action:    fuzzReqActions[int(reqb[0])%len(fuzzReqActions)],
			Resource:  fuzzReqResources[int(reqb[1])%len(fuzzReqResources)],
		}
		if reqb[2]&1 == 1 {
			req.Context.Set("aws:username", []string{"bob", "eve", "*", ""}[int(reqb[2]>>1)%4])
		}
		if reqb[2]&8 == 8 {
			req.Context.Set("aws:TagKeys", []string{"a1", "b"}[:int(reqb[3])%3]...)
		}
		if reqb[3]&4 == 4 {
			req.Context.Set("n", "3")
			req.Context.Set("secure", "true")
			req.Context.Set("ip", "10.1.2.3")
			req.Context.Set("t", "2021-01-01T00:00:00Z")
		}
		base := fuzzDecision(t, dialect, docs(sts[:k], sts[k:]), req)

		// Order: reversed statements, swapped policies, all in one policy.
		rev := slices.Clone(sts)
		slices.Reverse(rev)
		for _, d := range [][]*policy.Document{docs(sts[k:], sts[:k]), docs(rev), docs(sts)} {
			if got := fuzzDecision(t, dialect, d, req); got != base {
				t.Fatalf("order changed the decision: %v vs %v", got, base)
			}
		}
		// Adding a statement never lifts an explicit deny; adding a Deny
		// never yields Allow where there was none, adding an Allow never
		// turns an Allow into a deny.
		add := fuzzStatement(extra)
		for _, effect := range []policy.Effect{policy.EffectDeny, policy.EffectAllow} {
			add.Effect = effect
			got := fuzzDecision(t, dialect, docs(sts[:k], sts[k:], []policy.Statement{add}), req)
			if base == policy.ExplicitDeny && got != policy.ExplicitDeny {
				t.Fatalf("adding a statement (%v) lifted an explicit deny: %v", effect, got)
			}
			granted, revoked := got == policy.Allow && base != policy.Allow, base == policy.Allow && got != policy.Allow
			if effect == policy.EffectDeny && granted || effect == policy.EffectAllow && revoked {
				t.Fatalf("adding a statement (%v) turned %v into %v", effect, base, got)
			}
		}
	})
}

var (
	// fuzzPrincipals are Principal elements of resource-based statements;
	// nil stands for none and the last entry is used as NotPrincipal.
	fuzzPrincipals = []*policy.Principal{
		nil,
		{Wildcard: true},
		{AWS: []string{"*"}},
		{AWS: []string{"1"}},
		{AWS: []string{"arn:demo:iam::2:root"}},
		{AWS: []string{"arn:demo:iam::1:user/bob"}},
		{AWS: []string{"arn:demo:iam::1:role/R"}},
		{AWS: []string{"arn:demo:sts::1:assumed-role/R/s"}},
		{AWS: []string{"arn:demo:iam::2:user/carol", "arn:demo:iam::1:role/R"}},
		{AWS: []string{"arn:demo:iam::1:user/bob"}}, // as NotPrincipal
	}
	fuzzCallers = []string{"", "arn:demo:iam::1:user/bob", "arn:demo:sts::1:assumed-role/R/s", "arn:demo:iam::1:role/R", "arn:demo:iam::2:user/carol"}
	fuzzTypes   = []policy.PolicyType{policy.IdentityBased, policy.PermissionsBoundary, policy.SessionPolicy, policy.ResourceBased}
)

// fuzzTyped decodes a statement and its policy type from 5 bytes.
func fuzzTyped(b []byte) (policy.Statement, policy.PolicyType) {
	st := fuzzStatement(b[:4])
	t := fuzzTypes[int(b[4])%len(fuzzTypes)]
	if t == policy.ResourceBased {
		i := int(b[4]>>2) % len(fuzzPrincipals)
		if i == len(fuzzPrincipals)-1 {
			st.NotPrincipal = fuzzPrincipals[i]
		} else {
			st.Principal = fuzzPrincipals[i]
		}
	}
	return st, t
}

// fuzzPolicies compiles the statements of each type into a set (nil for a
// type without statements) and evaluates req, checking that EvaluateInto
// with a reused result agrees with Evaluate.
func fuzzPolicies(t *testing.T, dialect policy.Dialect, by map[policy.PolicyType][]policy.Statement, required bool, req *policy.Request, reuse *policy.Result) (policy.Policies, policy.Result) {
	set := func(t policy.PolicyType) *policy.Set {
		if len(by[t]) == 0 {
			return nil
		}
		doc := &policy.Document{Version: policy.Version2012, Statements: by[t]}
		return policy.MustCompile([]policy.Policy{{ID: t.String(), Document: doc}}, func(o *policy.CompileOptions) { o.Dialect = dialect })
	}
	p := policy.Policies{Identity: set(policy.IdentityBased), Boundary: set(policy.PermissionsBoundary),
		Session: set(policy.SessionPolicy), Resource: set(policy.ResourceBased), ResourceRequired: required}
	res := p.Evaluate(req)
	p.EvaluateInto(req, reuse)
	if reuse.Decision != res.Decision || reuse.DecidedBy != res.DecidedBy || reuse.MissingAllow != res.MissingAllow ||
		!slices.Equal(reuse.Statements, res.Statements) {
		t.Fatalf("EvaluateInto with a reused result differs:\n%+v\n%+v", *reuse, res)
	}
	return p, res
}

// FuzzPolicies checks properties of the evaluation over several policy
// types: no panic; an explicit deny in any type wins and adding a Deny
// statement to any type never yields Allow; a permissions boundary and a
// session policy never grant (removing one never turns an Allow into a
// deny); anonymous requests are granted only by the resource-based policy;
// the result names a type exactly when it should.
func FuzzPolicies(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 2, 4, 6, 8, 1, 0, 2, 0, 0, 7}, []byte{1, 0, 0, 0}, []byte{1, 0, 0, 0, 3})
	f.Add([]byte{0x85, 6, 14, 3, 2, 0, 0, 0, 0, 19}, []byte{0, 1, 1, 2}, []byte{0, 0, 0, 0, 0})
	f.Add([]byte{2, 4, 6, 8, 11, 3, 5, 7, 9, 3}, []byte{4, 0, 0, 1}, []byte{2, 4, 6, 8, 1})
	f.Fuzz(func(t *testing.T, stmts []byte, reqb []byte, extra []byte) {
		if len(stmts) > 80 || len(reqb) < 4 || len(extra) < 5 {
			return
		}
		by := map[policy.PolicyType][]policy.Statement{}
		for i := 0; i+5 <= len(stmts); i += 5 {
			st, typ := fuzzTyped(stmts[i : i+5])
			by[typ] = append(by[typ], st)
		}
		dialect := policy.Dialect(reqb[3] & 1)
		required := reqb[3]&2 != 0
		req := &policy.Request{
			Principal:       fuzzCallers[int(reqb[0])%len(fuzzCallers)],
			Action:          fuzzReqActions[int(reqb[1])%len(fuzzReqActions)],
			Resource:        fuzzReqResources[int(reqb[2])%len(fuzzReqResources)],
			ResourceAccount: []string{"", "1", "2"}[int(reqb[3]>>2)%3],
		}
		var reuse policy.Result
		p, base := fuzzPolicies(t, dialect, by, required, req, &reuse)
		switch base.Decision {
		case policy.ImplicitDeny:
			if base.DecidedBy != 0 || base.MissingAllow == 0 || len(base.Statements) != 0 {
				t.Fatalf("implicit deny reported as %+v", base)
			}
		default:
			if base.DecidedBy == 0 || base.MissingAllow != 0 || len(base.Statements) == 0 {
				t.Fatalf("%v reported as %+v", base.Decision, base)
			}
		}
		if req.Principal == "" && base.Allowed() {
			open := policy.Policies{Resource: p.Resource, ResourceRequired: required}
			if res := open.Evaluate(req); !res.Allowed() {
				t.Fatalf("anonymous request allowed by more than the resource-based policy: %+v", base)
			}
		}

		// Deny monotonicity: a Deny added to any type.
		add, typ := fuzzTyped(extra)
		add.Effect = policy.EffectDeny
		more := map[policy.PolicyType][]policy.Statement{}
		for k, v := range by {
			more[k] = slices.Clone(v)
		}
		more[typ] = append(more[typ], add)
		_, withDeny := fuzzPolicies(t, dialect, more, required, req, &reuse)
		if withDeny.Allowed() && !base.Allowed() {
			t.Fatalf("adding a Deny to the %v policy turned %v into Allow", typ, base.Decision)
		}
		if base.Decision == policy.ExplicitDeny && withDeny.Decision != policy.ExplicitDeny {
			t.Fatalf("adding a Deny to the %v policy lifted an explicit deny: %v", typ, withDeny.Decision)
		}

		// A boundary or session policy never grants: without it, an
		// allowed request stays allowed.
		if base.Allowed() {
			for _, without := range []policy.Policies{
				{Identity: p.Identity, Session: p.Session, Resource: p.Resource, ResourceRequired: required},
				{Identity: p.Identity, Boundary: p.Boundary, Resource: p.Resource, ResourceRequired: required},
			} {
				if res := without.Evaluate(req); !res.Allowed() {
					t.Fatalf("a boundary or session policy granted: %+v without it: %+v", base, res)
				}
			}
		}
	})
}
