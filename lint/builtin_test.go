package lint_test

import (
	"testing"

	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/lint"
)

// TestBuiltins lints Astran's built-in policies: none has an error or a
// warning (the catalog knows every action they use); the admin policy's
// grants are, rightly, security warnings.
func TestBuiltins(t *testing.T) {
	for _, name := range builtin.PolicyNames() {
		doc, ok := builtin.Document(name)
		if !ok {
			t.Fatalf("no document for %s", name)
		}
		for _, f := range lint.Check(doc) {
			switch {
			case f.Severity == lint.Error:
				t.Errorf("%s: %s", name, f)
			case f.Severity == lint.Warning && f.Code != "RESOURCE_STAR":
				t.Errorf("%s: %s", name, f)
			case f.Severity == lint.SecurityWarning && name != builtin.AstranAdmin && f.Code != "PRIVILEGE_ESCALATION":
				t.Errorf("%s: %s", name, f)
			}
		}
	}
}
