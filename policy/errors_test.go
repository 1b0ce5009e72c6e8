package policy_test

import (
	"testing"

	"github.com/astran-oss/astran-go/policy"
)

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
