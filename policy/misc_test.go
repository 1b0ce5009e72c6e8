package policy_test

import (
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/astran-oss/astran-go/policy"
)

func TestContext(t *testing.T) {
	var c policy.Context
	if c.Len() != 0 {
		t.Fatal("zero Context not empty")
	}
	if _, ok := c.Get("x"); ok {
		t.Fatal("zero Context has x")
	}
	c.Set("aws:UserName", "bob")
	c.Set("aws:TagKeys", "a", "b")
	c.Set("empty")
	if v, ok := c.Get("AWS:USERNAME"); !ok || !slices.Equal(v, []string{"bob"}) {
		t.Fatalf("Get = %v %v", v, ok)
	}
	if v, ok := c.Get("empty"); !ok || len(v) != 0 {
		t.Fatalf("empty = %v %v", v, ok)
	}
	c.Set("AWS:username", "eve")
	if v, _ := c.Get("aws:username"); !slices.Equal(v, []string{"eve"}) || c.Len() != 3 {
		t.Fatalf("replace: %v, len %d", v, c.Len())
	}
	c.Add("aws:tagkeys", "c")
	if v, _ := c.Get("aws:TagKeys"); !slices.Equal(v, []string{"a", "b", "c"}) {
		t.Fatalf("Add: %v", v)
	}
	c.Add("new", "x")
	if v, _ := c.Get("new"); !slices.Equal(v, []string{"x"}) {
		t.Fatalf("Add new: %v", v)
	}
	if !slices.Equal(c.Keys(), []string{"AWS:username", "aws:TagKeys", "empty", "new"}) {
		t.Fatalf("Keys = %v", c.Keys())
	}
	cl := c.Clone()
	c.Delete("AWS:USERNAME")
	if _, ok := c.Get("aws:username"); ok || c.Len() != 3 {
		t.Fatal("Delete failed")
	}
	if _, ok := cl.Get("aws:username"); !ok || cl.Len() != 4 {
		t.Fatal("Clone shares state")
	}
	m := cl.Map()
	if len(m) != 4 || !slices.Equal(m["aws:TagKeys"], []string{"a", "b", "c"}) {
		t.Fatalf("Map = %v", m)
	}
	c2 := policy.ContextFromMap(map[string][]string{"b": {"1"}, "a": {"2", "3"}})
	if !slices.Equal(c2.Keys(), []string{"a", "b"}) {
		t.Fatalf("ContextFromMap keys = %v", c2.Keys())
	}
	c2.Reset()
	if c2.Len() != 0 {
		t.Fatal("Reset")
	}
	var zero policy.Context
	if zero.Clone().Len() != 0 || len(zero.Keys()) != 0 {
		t.Fatal("zero Clone/Keys")
	}
	// The caller's slice is copied.
	vals := []string{"x", "y"}
	c.Set("k", vals...)
	vals[0] = "changed"
	if v, _ := c.Get("k"); v[0] != "x" {
		t.Fatal("Set kept the caller's slice")
	}
}

func TestDecision(t *testing.T) {
	for _, d := range []policy.Decision{policy.ImplicitDeny, policy.ExplicitDeny, policy.Allow} {
		b, err := d.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var got policy.Decision
		if err := got.UnmarshalText(b); err != nil || got != d {
			t.Fatalf("%v: round trip gave %v, %v", d, got, err)
		}
	}
	var zero policy.Decision
	if zero != policy.ImplicitDeny || (policy.Result{}).Allowed() {
		t.Fatal("the zero decision must deny")
	}
	if policy.Decision(9).String() != "Decision(9)" {
		t.Fatal(policy.Decision(9).String())
	}
	if _, err := policy.Decision(9).MarshalText(); !errors.Is(err, policy.ErrInvalidDecision) {
		t.Fatal(err)
	}
	var d policy.Decision
	if err := d.UnmarshalText([]byte("allow")); !errors.Is(err, policy.ErrInvalidDecision) {
		t.Fatal(err)
	}
	if policy.Astran.String() != "Astran" || policy.AWS.String() != "AWS" || policy.Dialect(7).String() != "Dialect(7)" {
		t.Fatal("Dialect.String")
	}
}

func TestResult_JSON(t *testing.T) {
	r := policy.Result{Decision: policy.Allow, Statements: []policy.MatchedStatement{{Policy: "p", PolicyIndex: 3, Sid: "S", Index: 1, Effect: policy.EffectAllow}}}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"decision":"Allow","statements":[{"policy":"p","sid":"S","index":1,"effect":"Allow"}]}`
	if string(b) != want {
		t.Fatalf("got %s", b)
	}
}

func TestBuiltin(t *testing.T) {
	names := policy.BuiltinNames()
	if !slices.Equal(names, []string{"AstranAdmin", "AstranKitCreator", "AstranStandardUser", "AstranIntegration", "AstranS3ReadOnlyAccess"}) {
		t.Fatalf("names = %v", names)
	}
	if _, ok := policy.Builtin("Nope"); ok {
		t.Fatal("unknown builtin")
	}
	if _, ok := policy.BuiltinPolicy("Nope"); ok {
		t.Fatal("unknown builtin policy")
	}
	// The copy is the caller's.
	d, _ := policy.Builtin(policy.AstranAdmin)
	d.Statements[0].Action[0] = "changed"
	d2, _ := policy.Builtin(policy.AstranAdmin)
	if d2.Statements[0].Action[0] == "changed" {
		t.Fatal("Builtin shares its document")
	}
	type check struct {
		action string
		want   policy.Decision
	}
	const res = "arn:demo:s3:::bucket/key"
	cases := map[string][]check{
		policy.AstranAdmin: {{"s3:DeleteBucket", policy.Allow}, {"iam:CreateUser", policy.Allow},
			{"sts:AssumeRole", policy.Allow}, {"ck:DeleteKit", policy.Allow}, {"ec2:RunInstances", policy.ImplicitDeny}},
		policy.AstranKitCreator: {{"ck:CreateKit", policy.Allow}, {"ck:UpdateKit", policy.Allow}, {"s3:PutObject", policy.Allow},
			{"ck:DeleteKit", policy.ImplicitDeny}, {"s3:DeleteObject", policy.ImplicitDeny}, {"iam:CreateUser", policy.ImplicitDeny}},
		policy.AstranStandardUser: {{"ck:GetKit", policy.Allow}, {"s3:GetObject", policy.Allow}, {"ck:UploadChecklistData", policy.Allow},
			{"s3:PutObject", policy.ImplicitDeny}, {"ck:UpdateKit", policy.ImplicitDeny}, {"s3:DeleteObject", policy.ImplicitDeny}},
		policy.AstranIntegration: {{"iam:CreateAccessKey", policy.Allow}, {"iam:ListAccessKeys", policy.Allow}, {"s3:PutObject", policy.Allow},
			{"iam:DeleteAccessKey", policy.ImplicitDeny}, {"s3:DeleteObject", policy.ImplicitDeny}},
		policy.AstranS3ReadOnlyAccess: {{"s3:GetObject", policy.Allow}, {"s3:ListBucket", policy.Allow}, {"s3:ListAllMyBuckets", policy.Allow},
			{"s3:PutObject", policy.ImplicitDeny}, {"ck:GetKit", policy.ImplicitDeny}},
	}
	for _, name := range names {
		p, ok := policy.BuiltinPolicy(name)
		if !ok || p.ID != "arn:astran:iam::astran:policy/"+name {
			t.Fatalf("%s: %+v", name, p)
		}
		if err := p.Document.Validate(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		set := policy.MustCompile([]policy.Policy{p})
		for _, c := range cases[name] {
			if got := set.Evaluate(&policy.Request{Action: c.action, Resource: res}).Decision; got != c.want {
				t.Errorf("%s %s: %v, want %v", name, c.action, got, c.want)
			}
		}
	}
}

func TestCompile_errors(t *testing.T) {
	_, err := policy.Compile([]policy.Policy{{ID: "a", Document: &policy.Document{Version: policy.Version2012,
		Statements: []policy.Statement{{Effect: policy.EffectAllow, Action: []string{"*"}, Resource: []string{"*"}}}}}, {ID: "b"}})
	var ce *policy.CompileError
	if !errors.As(err, &ce) || ce.Index != 1 || ce.PolicyID != "b" || !errors.Is(err, policy.ErrMissingField) {
		t.Fatalf("nil document: %v", err)
	}
	old := &policy.Document{Version: policy.Version2008, Statements: []policy.Statement{{Effect: policy.EffectAllow, Action: []string{"*"}, Resource: []string{"*"}}}}
	if _, err := policy.Compile([]policy.Policy{{ID: "old", Document: old}}); !errors.Is(err, policy.ErrInvalidValue) {
		t.Fatalf("2008 in the Astran dialect: %v", err)
	}
	if _, err := policy.Compile([]policy.Policy{{ID: "old", Document: old}}, func(o *policy.CompileOptions) { o.Dialect = policy.AWS }); err != nil {
		t.Fatalf("2008 in the AWS dialect: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("MustCompile did not panic")
		}
	}()
	policy.MustCompile([]policy.Policy{{ID: "x"}})
}

func TestSet_nil(t *testing.T) {
	var s *policy.Set
	if s.Evaluate(&policy.Request{Action: "s3:GetObject"}).Decision != policy.ImplicitDeny || s.Len() != 0 {
		t.Fatal("nil set")
	}
	set := policy.MustCompile(nil)
	if set.Evaluate(nil).Decision != policy.ImplicitDeny || set.Len() != 0 {
		t.Fatal("empty set")
	}
}

func TestSet_concurrent(t *testing.T) {
	set := mustSet(t, s3Set20)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var res policy.Result
			req := &policy.Request{Action: "s3:GetObject", Resource: "arn:demo:s3:::team-data/k"}
			req.Context.Set("aws:SecureTransport", "true")
			for i := 0; i < 200; i++ {
				set.EvaluateInto(req, &res)
				if !res.Allowed() {
					t.Error("not allowed")
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestErrors_format(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&policy.SizeError{Size: 7000, Limit: 6144}, "policy: parsing document: 7000 characters exceeds the limit of 6144"},
		{&policy.SyntaxError{Line: 2, Column: 3, Msg: "bad", Err: policy.ErrSyntax}, "policy: parsing document: line 2, column 3: bad"},
		{&policy.ValidationError{Path: "Statement[0].Effect", Msg: "x", Err: policy.ErrInvalidValue}, "policy: Statement[0].Effect: invalid value: x"},
		{policy.ErrorList{}, "policy: no errors"},
		{policy.ErrorList{{Err: policy.ErrMissingField}, {Path: "Version", Err: policy.ErrInvalidValue, Line: 1, Column: 2}},
			"policy: 2 problems in document\n\tmissing required field\n\tVersion: invalid value (line 1, column 2)"},
		{&policy.CompileError{Index: 1, PolicyID: "p", Err: policy.ErrorList{{Err: policy.ErrMissingField}}}, `policy: compiling policy 1 ("p"): missing required field`},
	}
	for _, tc := range tests {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}
