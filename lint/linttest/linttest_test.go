package linttest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/astran-oss/astran-go/lint"
	"github.com/astran-oss/astran-go/lint/linttest"
	"github.com/astran-oss/astran-go/policy"
)

// recorder is a TB that records errors.
type recorder struct{ errs []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

const good = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::team-data/*"}]}`
const bad = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:getobject","Resource":"arn:demo:s3:::team-data/*"}]}`

func TestNoFindings(t *testing.T) {
	doc, err := policy.Parse([]byte(bad))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		doc  any
		opts []func(*lint.Options)
		errs int
	}{
		{"good string", good, nil, 0},
		{"good bytes", []byte(good), nil, 0},
		{"bad string", bad, nil, 1},
		{"bad document", doc, nil, 1},
		{"bad, silenced", bad, []func(*lint.Options){func(o *lint.Options) { o.Ignore = []lint.Ignore{{Code: "ACTION_CASE"}} }}, 0},
		{"wrong type", 42, nil, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r recorder
			ok := linttest.NoFindings(&r, tc.doc, tc.opts...)
			if len(r.errs) != tc.errs || ok != (tc.errs == 0) {
				t.Errorf("ok %v, errors %q", ok, r.errs)
			}
			if tc.name == "bad string" && !strings.Contains(r.errs[0], "1:65: error ACTION_CASE") {
				t.Errorf("error %q", r.errs[0])
			}
		})
	}
	linttest.NoFindings(t, good) // with a real *testing.T
}
