package policy_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/astran-oss/astran-go/policy"
)

func compileDialect(t *testing.T, d policy.Dialect, stmts ...string) *policy.Set {
	t.Helper()
	doc, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[`+strings.Join(stmts, ",")+`]}`),
		func(o *policy.ParseOptions) { o.Dialect = d })
	if err != nil {
		t.Fatal(err)
	}
	return policy.MustCompile([]policy.Policy{{ID: "p", Document: doc}}, func(o *policy.CompileOptions) { o.Dialect = d })
}

func TestDiff_cases(t *testing.T) {
	get := `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::b/*"}`
	tests := map[string]struct {
		before, after *policy.Set
		want          []string // "change action resource exact"
	}{
		"identical": {
			before: compileDialect(t, policy.Astran, get),
			after:  compileDialect(t, policy.Astran, get),
		},
		"from nothing": {
			before: nil,
			after:  compileDialect(t, policy.Astran, get),
			want:   []string{"newly allowed s3:GetObject arn:demo:s3:::b/* true"},
		},
		"to nothing": {
			before: compileDialect(t, policy.Astran, get),
			after:  policy.MustCompile(nil),
			want:   []string{"newly denied s3:GetObject arn:demo:s3:::b/* true"},
		},
		"AWS dialect folds the case of actions, Astran does not": {
			before: compileDialect(t, policy.Astran, get),
			after:  compileDialect(t, policy.AWS, get),
			want:   []string{"newly allowed s3:GetObject (any case) except s3:GetObject arn:demo:s3:::b/* true"},
		},
		"narrowed by a deny": {
			before: compileDialect(t, policy.Astran, get),
			after:  compileDialect(t, policy.Astran, get, `{"Effect":"Deny","Action":"s3:*","Resource":"arn:demo:s3:::b/secret/*"}`),
			want:   []string{"newly denied s3:GetObject arn:demo:s3:::b/secret/* true"},
		},
		"policy variable": {
			before: compileDialect(t, policy.Astran, `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::home/${aws:username}/*"}`),
			after:  compileDialect(t, policy.Astran, `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::home/*"}`),
			want:   []string{"newly allowed s3:GetObject arn:demo:s3:::home/* except arn:demo:s3:::home/${aws:username}/* false"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			rs, err := policy.Diff(tc.before, tc.after)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rs {
				got = append(got, fmt.Sprintf("%s %s %s %v", r.Change, r.Actions, r.Resources, r.Exact))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("regions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			checkWitnesses(t, rs, tc.before, tc.after)
		})
	}
}

// TestDiff_inexact checks that what the analysis does not model exactly is
// flagged, and that the witnesses it does return are still confirmed.
func TestDiff_inexact(t *testing.T) {
	before := compileDialect(t, policy.Astran, `{"Effect":"Allow","Action":"iam:TagUser","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}}`)
	after := compileDialect(t, policy.Astran, `{"Effect":"Allow","Action":"iam:TagUser","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["team","cost"]}}}`)
	rs, err := policy.Diff(before, after)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) == 0 {
		t.Fatal("no region")
	}
	for _, r := range rs {
		if r.Exact || len(r.Notes) == 0 || !strings.Contains(r.Notes[0], "not analysed for multivalued requests") {
			t.Errorf("region %+v not flagged", r)
		}
	}
	checkWitnesses(t, rs, before, after)
}

func FuzzDiff(f *testing.F) {
	f.Add(uint64(1), uint64(2))
	f.Add(uint64(16), uint64(2026))
	f.Fuzz(func(t *testing.T, s1, s2 uint64) {
		r := newRand(s1, s2)
		sa, sb := genPair(r)
		before, after := genSet(t, r, sa), genSet(t, r, sb)
		rs, err := policy.Diff(before, after)
		if err != nil {
			t.Fatal(err)
		}
		checkWitnesses(t, rs, before, after)
		for s := 0; s < 200; s++ {
			req := sampleRequest(r)
			if before.Evaluate(req).Allowed() == after.Evaluate(req).Allowed() {
				continue
			}
			found := false
			for i := range rs {
				found = found || rs[i].Contains(req)
			}
			if !found {
				t.Fatalf("request %+v changes but is in no region", req)
			}
		}
	})
}

func TestDiff_preferredActions(t *testing.T) {
	before := compileDialect(t, policy.Astran, `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)
	after := compileDialect(t, policy.Astran, `{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}`)
	for _, tc := range []struct {
		actions []string
		want    string
	}{
		{nil, "s3:Get"},
		{[]string{"s3:PutObject", "s3:GetObject", "s3:GetBucketLocation"}, "s3:GetBucketLocation"},
	} {
		rs, err := policy.Diff(before, after, func(o *policy.DiffOptions) { o.Actions = tc.actions })
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 || rs[0].Witness.Action != tc.want {
			t.Fatalf("Actions %q: regions %+v, want one with witness %s", tc.actions, rs, tc.want)
		}
		checkWitnesses(t, rs, before, after)
	}
}

// TestDiff_irrelevantKeyMerged: when a condition key does not matter in a
// cell (the Deny applies whatever the address), the cell is one region
// without a constraint on it.
func TestDiff_irrelevantKeyMerged(t *testing.T) {
	before := compileDialect(t, policy.Astran, `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::b/*"}`)
	after := compileDialect(t, policy.Astran,
		`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`,
		`{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:demo:s3:::b/secret/*"}`)
	rs, err := policy.Diff(before, after)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rs {
		line := fmt.Sprintf("%s %s %s", r.Change, r.Actions, r.Resources)
		for _, c := range r.Conditions {
			line += " when " + c.String()
		}
		got = append(got, line)
	}
	want := []string{
		"newly denied s3:GetObject arn:demo:s3:::b/* except arn:demo:s3:::b/secret/* when aws:SourceIp: absent, or not IpAddress 10.0.0.0/8",
		"newly denied s3:GetObject arn:demo:s3:::b/secret/*",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("regions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	checkWitnesses(t, rs, before, after)
}
