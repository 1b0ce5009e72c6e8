package policy_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/astran-oss/astran-go/policy"
)

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
