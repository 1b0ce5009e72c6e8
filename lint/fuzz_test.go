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

// FuzzCheck builds documents in Go, without the grammar's guarantees
// (empty and odd strings, absent elements), and checks that Check never
// panics on them.
func FuzzCheck(f *testing.F) {
	f.Add("s3:GetObject", "arn:demo:s3:::b/*", "StringEquals", "aws:username", "a", "Allow", true)
	f.Add("", "", "", "", "", "", false)
	f.Add("s3:", "arn:", "ForAnyValue:", "/", "${", "Deny", true)
	f.Add("*:*", "arn:demo:s3:::${aws:username", "NumericLessThanIfExists", "aws:EpochTime", "x", "allow", false)
	f.Fuzz(func(t *testing.T, action, resource, op, key, value, effect string, principal bool) {
		st := policy.Statement{Effect: policy.Effect(effect), Action: []string{action, action + "*"}, Resource: []string{resource},
			Condition: policy.Condition{op: {key: {value, value}}, "Null": {key: {value}}}}
		if principal {
			st.Principal = &policy.Principal{AWS: []string{resource, value}, Federated: []string{value}}
			st.NotAction, st.Action = st.Action, nil
			st.NotResource, st.Resource = st.Resource, nil
		}
		doc := &policy.Document{Version: policy.Version2012, Statements: []policy.Statement{st, st, {}}}
		for _, typ := range []lint.PolicyType{"", lint.Identity, lint.Resource, lint.Trust} {
			for _, d := range []policy.Dialect{policy.Astran, policy.AWS} {
				lint.Check(doc, func(o *lint.Options) { o.Type, o.Dialect = typ, d })
			}
		}
	})
}
