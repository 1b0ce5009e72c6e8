// Package linttest has test helpers for package lint: fail a test when a
// policy document has findings.
//
//	func TestPolicies(t *testing.T) {
//		linttest.NoFindings(t, readerPolicy)
//	}
package linttest

import (
	"github.com/astran-oss/astran-go/lint"
	"github.com/astran-oss/astran-go/policy"
)

// TB is the part of testing.TB the helpers use.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// NoFindings reports every finding of the document as a test error; it
// returns whether there was none. doc is a *policy.Document, or its JSON as
// []byte or string (then findings carry line and column).
func NoFindings(t TB, doc any, optFns ...func(*lint.Options)) bool {
	t.Helper()
	var fs []lint.Finding
	switch d := doc.(type) {
	case *policy.Document:
		fs = lint.Check(d, optFns...)
	case []byte:
		fs = lint.CheckJSON(d, optFns...)
	case string:
		fs = lint.CheckJSON([]byte(d), optFns...)
	default:
		t.Errorf("linttest.NoFindings: want a *policy.Document, []byte or string, got %T", doc)
		return false
	}
	for _, f := range fs {
		t.Errorf("%s", f)
	}
	return len(fs) == 0
}
