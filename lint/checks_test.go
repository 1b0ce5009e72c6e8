package lint_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/astran-oss/astran-go/lint"
	"github.com/astran-oss/astran-go/policy"
)

// fixture is testdata/checks/CODE.json: documents that must raise the
// check (positive) and close ones that must not (negative).
type fixture struct {
	Type     lint.PolicyType   `json:"type"`
	Dialect  string            `json:"dialect"`
	Positive []json.RawMessage `json:"positive"`
	Negative []json.RawMessage `json:"negative"`
}

func loadFixture(t *testing.T, code string) (fixture, func(*lint.Options)) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "checks", code+".json"))
	if err != nil {
		t.Fatalf("every check needs testdata/checks/%s.json: %v", code, err)
	}
	var f fixture
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		t.Fatal(err)
	}
	opt := func(o *lint.Options) {
		o.Type = f.Type
		if f.Dialect == "aws" {
			o.Dialect = policy.AWS
		}
	}
	return f, opt
}

// TestChecks runs each check's positive and negative fixtures: a positive
// document raises the check at least once, a negative one never.
func TestChecks(t *testing.T) {
	for _, r := range lint.Rules() {
		t.Run(r.Code, func(t *testing.T) {
			t.Parallel()
			f, opt := loadFixture(t, r.Code)
			if len(f.Positive) == 0 || len(f.Negative) == 0 {
				t.Fatalf("need at least one positive and one negative document, have %d and %d", len(f.Positive), len(f.Negative))
			}
			for i, doc := range f.Positive {
				fs := lint.CheckJSON(doc, opt)
				if !has(fs, r.Code) {
					t.Errorf("positive[%d] %s: no %s in %v", i, doc, r.Code, fs)
				}
				for _, x := range fs {
					if x.Code == r.Code && (x.Severity != r.Severity || x.Line == 0 || x.Message == "") {
						t.Errorf("positive[%d]: bad finding %+v", i, x)
					}
				}
			}
			for i, doc := range f.Negative {
				if fs := lint.CheckJSON(doc, opt); has(fs, r.Code) {
					t.Errorf("negative[%d] %s: unexpected %v", i, doc, fs)
				}
			}
		})
	}
}

func has(fs []lint.Finding, code string) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}

// TestFixtures_noStrays keeps testdata/checks to the checks that exist.
func TestFixtures_noStrays(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "checks", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		code := strings.TrimSuffix(filepath.Base(f), ".json")
		if _, ok := lint.LookupRule(code); !ok {
			t.Errorf("%s: no check %s", f, code)
		}
	}
	if n := len(lint.Rules()); n < 40 {
		t.Errorf("%d checks, want at least 40", n)
	}
}
