package types_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/astran-oss/astran-go/policy/types"
)

func TestDecision(t *testing.T) {
	for _, d := range []types.Decision{types.ImplicitDeny, types.ExplicitDeny, types.Allow} {
		b, err := d.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var got types.Decision
		if err := got.UnmarshalText(b); err != nil || got != d {
			t.Fatalf("%v: round trip gave %v, %v", d, got, err)
		}
	}
	var zero types.Decision
	if zero != types.ImplicitDeny || (types.Result{}).Allowed() {
		t.Fatal("the zero decision must deny")
	}
	if types.Decision(9).String() != "Decision(9)" {
		t.Fatal(types.Decision(9).String())
	}
	if _, err := types.Decision(9).MarshalText(); !errors.Is(err, types.ErrInvalidDecision) {
		t.Fatal(err)
	}
	var d types.Decision
	if err := d.UnmarshalText([]byte("allow")); !errors.Is(err, types.ErrInvalidDecision) {
		t.Fatal(err)
	}
	if types.Astran.String() != "Astran" || types.AWS.String() != "AWS" || types.Dialect(7).String() != "Dialect(7)" {
		t.Fatal("Dialect.String")
	}
}

func TestResult_JSON(t *testing.T) {
	r := types.Result{Decision: types.Allow, Statements: []types.MatchedStatement{{Policy: "p", PolicyIndex: 3, Sid: "S", Index: 1, Effect: types.EffectAllow}}}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"decision":"Allow","statements":[{"policy":"p","sid":"S","index":1,"effect":"Allow"}]}`
	if string(b) != want {
		t.Fatalf("got %s", b)
	}
}
