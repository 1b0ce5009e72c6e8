package policy_test

import (
	"errors"
	"testing"

	"github.com/astran-oss/astran-go/policy"
)

func TestLocator_Locate(t *testing.T) {
	doc := []byte(`{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:demo:s3:::a", "arn:demo:s3:::b"]},
    {"Effect": "Deny", "Action": "*", "Resource": "*",
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
  ]
}`)
	l, err := policy.NewLocator(doc)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path      string
		line, col int
	}{
		{"", 1, 1},
		{"Version", 2, 14},
		{"Statement[0]", 4, 5},
		{"Statement[0].Action", 4, 35},
		{"Statement[0].Action[0]", 4, 35}, // a single value is element 0
		{"Statement[0].Resource[1]", 4, 83},
		{`Statement[1].Condition.Bool["aws:SecureTransport"]`, 6, 52}, // its value
		{"Statement[1].Nope", 5, 5},                                   // the deepest element found
		{"Statement[7].Action", 3, 16},                                // no such statement
	}
	for _, tc := range tests {
		line, col := l.Locate(tc.path)
		if line != tc.line || col != tc.col {
			t.Errorf("Locate(%q) = %d:%d, want %d:%d", tc.path, line, col, tc.line, tc.col)
		}
	}
}

func TestNewLocator_syntaxError(t *testing.T) {
	_, err := policy.NewLocator([]byte(`{"Version": `))
	var se *policy.SyntaxError
	if !errors.As(err, &se) || !errors.Is(err, policy.ErrSyntax) || se.Line != 1 {
		t.Fatalf("err = %v", err)
	}
}
