package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/astran-oss/astran-go/policy"
)

// cliCase is a command line with its expected exit status and output:
// the whole of stdout (want), or parts of it (contains).
type cliCase struct {
	args     []string
	code     int
	want     string
	contains []string
}

func runCLICases(t *testing.T, tests map[string]cliCase) {
	t.Helper()
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			te := newTestEnv(t, "")
			if code := te.run(tc.args...); code != tc.code {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, tc.code, te.out, te.errOut)
			}
			if tc.want != "" && te.out.String() != tc.want {
				t.Errorf("stdout:\n%s\nwant:\n%s", te.out, tc.want)
			}
			for _, want := range tc.contains {
				if !strings.Contains(te.out.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, te.out)
				}
			}
		})
	}
}

func TestPolicyDiff(t *testing.T) {
	runCLICases(t, map[string]cliCase{
		"directories": {
			args: []string{"policy", "diff", "testdata/diff/v1", "testdata/diff/v2"},
			contains: []string{
				"newly allowed: s3:PutObject on arn:demo:s3:::reports/*\n  when aws:SecureTransport: Bool true\n  witness: s3:PutObject arn:demo:s3:::reports/ aws:SecureTransport=true\n  before: ImplicitDeny\n  after:  Allow by testdata/diff/v2/reports.json statement 0 (Read)",
				"newly denied: s3:GetObject on arn:demo:s3:::reports/*\n  when aws:SecureTransport: absent, or not Bool true",
			},
		},
		"identical": {
			args:     []string{"policy", "diff", "testdata/diff/v1", "testdata/diff/v1"},
			contains: []string{"no change\n"},
		},
		"check fails on new access": {
			args:     []string{"policy", "check-no-new-access", "testdata/diff/v1", "testdata/diff/v2"},
			code:     1,
			contains: []string{"newly allowed: s3:PutObject"},
		},
		"check passes when narrowed": {
			args:     []string{"policy", "check-no-new-access", "testdata/diff/v1/reports.json", "testdata/diff/narrower.json"},
			contains: []string{"no new access\n"},
		},
		"check: unreadable input is status 2": {
			args: []string{"policy", "check-no-new-access", "testdata/diff/v1", "testdata/diff/missing.json"},
			code: 2,
		},
		"check: invalid policy is status 2": {
			args: []string{"policy", "check-no-new-access", "testdata/diff/v1", "testdata/invalid.json"},
			code: 2,
		},
		"bad format": {
			args: []string{"policy", "diff", "--format", "yaml", "testdata/diff/v1", "testdata/diff/v2"},
			code: 1,
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
	if err := json.Unmarshal(te.out.Bytes(), &regions); err != nil {
		t.Fatalf("%v\n%s", err, te.out)
	}
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
