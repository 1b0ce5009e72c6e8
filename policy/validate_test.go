package policy_test

import (
	"errors"
	"testing"

	"github.com/astran-oss/astran-go/policy"
)

func TestValidate_builtValues(t *testing.T) {
	ok := policy.Statement{Effect: policy.EffectAllow, Action: []string{"*"}, Resource: []string{"*"}}
	tests := []struct {
		name string
		st   policy.Statement
		want error
	}{
		{"wildcard with lists", policy.Statement{Effect: policy.EffectAllow, Action: []string{"*"}, Principal: &policy.Principal{Wildcard: true, AWS: []string{"1"}}}, policy.ErrConflict},
		{"Principal and NotPrincipal", policy.Statement{Effect: policy.EffectAllow, Action: []string{"*"}, Principal: &policy.Principal{Wildcard: true}, NotPrincipal: &policy.Principal{Wildcard: true}}, policy.ErrConflict},
		{"unknown operator", func() policy.Statement { s := ok; s.Condition = policy.Condition{"Nope": {"a": {"b"}}}; return s }(), policy.ErrUnknownOperator},
		{"bad binary", func() policy.Statement {
			s := ok
			s.Condition = policy.Condition{"BinaryEquals": {"a": {"%%"}}}
			return s
		}(), policy.ErrInvalidValue},
		{"bad null", func() policy.Statement { s := ok; s.Condition = policy.Condition{"Null": {"a": {"maybe"}}}; return s }(), policy.ErrInvalidValue},
	}
	for _, tc := range tests {
		d := &policy.Document{Version: policy.Version2012, Statements: []policy.Statement{tc.st}}
		if err := d.Validate(); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}
