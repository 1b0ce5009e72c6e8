package main

import (
	"slices"
	"strings"
	"testing"
)

// TestPolicySimulate_missingVariables: a policy variable without a value
// in the context (and no default) is reported in missingContextKeys, for
// statements whose action matches, like a missing condition key.
func TestPolicySimulate_missingVariables(t *testing.T) {
	tests := []struct {
		name, request string
		args          []string
		missing       string
	}{
		{"resource variable", `{"action":"s3:GetObject","resource":"arn:demo:s3:::user-buckets/bob/x"}`, []string{"testdata/home.json"}, `["aws:username"]`},
		{"given", `{"action":"s3:GetObject","resource":"arn:demo:s3:::user-buckets/bob/x","context":{"AWS:UserName":"bob"}}`, []string{"testdata/home.json"}, `[]`},
		{"condition value variable, with the condition key", `{"action":"s3:ListBucket","resource":"arn:demo:s3:::user-buckets"}`, []string{"testdata/home.json"}, `["aws:PrincipalTag/team","s3:prefix"]`},
		{"no statement for the action", `{"action":"s3:DeleteObject","resource":"arn:demo:s3:::user-buckets/bob/x"}`, []string{"testdata/home.json"}, `[]`},
		{"actions are case-sensitive", `{"action":"s3:getobject","resource":"arn:demo:s3:::user-buckets/bob/x"}`, []string{"testdata/home.json"}, `[]`},
		{"aws dialect", `{"action":"s3:getobject","resource":"arn:demo:s3:::user-buckets/bob/x"}`, []string{"--dialect", "aws", "testdata/home.json"}, `["aws:username"]`},
		{"no variables in 2008-10-17", `{"action":"s3:GetObject","resource":"arn:demo:s3:::user-buckets/bob/x"}`, []string{"--dialect", "aws", "testdata/home-2008.json"}, `[]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			te := newTestEnv(t, tc.request)
			code := te.run(append([]string{"policy", "simulate", "--request", "-"}, tc.args...)...)
			if want := `"missingContextKeys":` + tc.missing + "}\n"; code != 0 || !strings.HasSuffix(te.out.String(), want) {
				t.Errorf("exit %d, stdout %s, want it to end with %s (stderr %s)", code, te.out, want, te.errOut)
			}
		})
	}
}

func TestAppendVariables(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"arn:demo:s3:::b/${aws:username}/*", []string{"aws:username"}},
		{"${a}${ b }x${c}", []string{"a", "b", "c"}},
		{"${aws:userid, 'anyone'}", nil},
		{"${*}${?}${$}", nil},
		{"${}${a b}${x", nil},
		{"no variables", nil},
	}
	for _, tc := range tests {
		if got := appendVariables(nil, tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("appendVariables(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
