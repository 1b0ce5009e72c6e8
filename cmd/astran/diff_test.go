package main

import (
	"encoding/json"
	"testing"

	"github.com/astran-oss/astran-go/policy"
)

func TestPolicyDiff(t *testing.T) {
	runCLICases(t, "policy", map[string]cliCase{
		"directories": {
			args: []string{"diff", "testdata/diff/v1", "testdata/diff/v2"},
			contains: []string{
				"newly allowed: s3:PutObject on arn:demo:s3:::reports/*\n  when aws:SecureTransport: Bool true\n  witness: s3:PutObject arn:demo:s3:::reports/ aws:SecureTransport=true\n  before: ImplicitDeny\n  after:  Allow by testdata/diff/v2/reports.json statement 0 (Read)",
				"newly denied: s3:GetObject on arn:demo:s3:::reports/*\n  when aws:SecureTransport: absent, or not Bool true",
			},
		},
		"a directory without policies is an empty set": {
			args: []string{"diff", "testdata/nojson", "testdata/diff/v1"},
			out:  "newly allowed: s3:GetObject on arn:demo:s3:::reports/*\n  witness: s3:GetObject arn:demo:s3:::reports/\n  before: ImplicitDeny\n  after:  Allow by testdata/diff/v1/reports.json statement 0 (Read)\n",
		},
		"identical": {
			args:     []string{"diff", "testdata/diff/v1", "testdata/diff/v1"},
			contains: []string{"no change\n"},
		},
		"check fails on new access": {
			args:     []string{"check-no-new-access", "testdata/diff/v1", "testdata/diff/v2"},
			code:     1,
			contains: []string{"newly allowed: s3:PutObject"},
			err:      "astran: policy check-no-new-access: testdata/diff/v2 grants access that testdata/diff/v1 does not (1 regions)\n",
		},
		"check passes when narrowed": {
			args:     []string{"check-no-new-access", "testdata/diff/v1/reports.json", "testdata/diff/narrower.json"},
			contains: []string{"no new access\n"},
		},
		"check: unreadable input is status 2": {
			args: []string{"check-no-new-access", "testdata/diff/v1", "testdata/diff/missing.json"},
			code: 2,
			err:  "astran: policy check-no-new-access: open testdata/diff/missing.json: no such file or directory\n",
		},
		"check: invalid policy is status 2": {
			args: []string{"check-no-new-access", "testdata/diff/v1", "testdata/invalid.json"},
			code: 2,
			err: "astran: policy check-no-new-access: testdata/invalid.json:4:5: Statement[0].Resource: missing required field: a statement without Principal needs Resource or NotResource; " +
				`testdata/invalid.json:5:17: Statement[0].Effect: invalid value: "allow" is not "Allow" or "Deny"` + "\n",
		},
		"bad format": {
			args: []string{"diff", "--format", "yaml", "testdata/diff/v1", "testdata/diff/v2"},
			code: 1,
			err:  `astran: policy diff: unknown --format "yaml" (want text or json)` + "\n",
		},
	})
}

// TestPolicyDiff_JSON checks the JSON form and that each witness, fed back
// to policy simulate, gets the decisions the region states.
func TestPolicyDiff_JSON(t *testing.T) {
	te := newTestEnv(t, "")
	te.mustRun(t, 0, "policy", "diff", "--format", "json", "testdata/diff/v1", "testdata/diff/v2")
	var regions []struct {
		Change  string          `json:"change"`
		Exact   bool            `json:"exact"`
		Witness json.RawMessage `json:"witness"`
		Before  simulateOutput  `json:"before"`
		After   simulateOutput  `json:"after"`
	}
	te.outJSON(t, &regions)
	if len(regions) != 2 {
		t.Fatalf("%d regions:\n%s", len(regions), te.out)
	}
	for _, r := range regions {
		req, err := parseRequest(r.Witness)
		if err != nil {
			t.Fatalf("witness %s: %v", r.Witness, err)
		}
		for i, dir := range []string{"testdata/diff/v1", "testdata/diff/v2"} {
			set, err := te.loadSet(dir, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := []policy.Decision{r.Before.Decision, r.After.Decision}[i]
			if got := set.Evaluate(&req).Decision; got != want {
				t.Errorf("%s: witness %s decided %s, region says %s", dir, r.Witness, got, want)
			}
		}
		if (r.Change == "NewlyAllowed") != (r.After.Decision == policy.Allow) || !r.Exact {
			t.Errorf("region %+v inconsistent", r)
		}
	}
}
