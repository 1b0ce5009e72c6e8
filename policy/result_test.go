package policy_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/astran-oss/astran-go/policy"
)

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
