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
