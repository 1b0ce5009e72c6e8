package lint_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/astran-oss/astran-go/lint"
	"github.com/astran-oss/astran-go/policy"
)

// FuzzCheckJSON checks that the linter never panics, on any input, and
// that every finding of a document that parses is a known check with a
// position.
func FuzzCheckJSON(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "checks", "*.json"))
	for _, name := range files {
		fx, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(fx, false)
	}
	data, err := os.ReadFile("testdata/s3set20.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data, false)
	f.Add([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:get*","Resource":"arn:aws:s3:::b"}}`), true)
	f.Fuzz(func(t *testing.T, data []byte, aws bool) {
		opt := func(o *lint.Options) {
			o.MaxSize = -1
			if aws {
				o.Dialect = policy.AWS
			}
		}
		fs := lint.CheckJSON(data, opt)
		doc, err := policy.Parse(data, func(o *policy.ParseOptions) {
			o.MaxSize = -1
			if aws {
				o.Dialect = policy.AWS
			}
		})
		if err != nil {
			return
		}
		for _, f := range fs {
			if _, ok := lint.LookupRule(f.Code); !ok || f.Code == "INVALID_POLICY" || f.Line == 0 {
				t.Fatalf("bad finding %+v", f)
			}
		}
		for _, typ := range []lint.PolicyType{lint.Identity, lint.Resource, lint.Trust} {
			lint.Check(doc, opt, func(o *lint.Options) { o.Type = typ })
		}
	})
}
