package main

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestPolicyLint(t *testing.T) {
	const team, clean, trust = "testdata/lint/team.json", "testdata/lint/clean.json", "testdata/lint/trust.json"
	runCLICases(t, "policy lint", map[string]cliCase{
		"clean": {
			args:  []string{clean},
			lines: []string{clean + ": no findings"},
		},
		"directory": {
			args: []string{"testdata/lint"},
			code: 1,
			lines: []string{
				clean + ": no findings", team + ":7:18: error ACTION_CASE", team + ":8:47", team + ":13:17", team + ":15:35", trust + ":6:20",
				"5 findings in 3 files"},
		},
		"findings, with fixes": {
			args: []string{team, clean},
			code: 1,
			lines: []string{
				team + `:7:18: error ACTION_CASE Statement[0].Action[0]: Astran compares action names case-sensitively: "s3:getobject" never matches; write "s3:GetObject" (fix: "s3:getobject" → "s3:GetObject")`,
				team + `:8:47: error RESOURCE_TYPE_MISMATCH Statement[0].Resource[1]:`,
				team + `:13:17: security ALLOW_ALL Statement[1].Action:`,
				team + `:15:35: suggestion STRING_LIKE_WITHOUT_WILDCARD Statement[1].Condition.StringLike:`,
				clean + ": no findings",
				"4 findings in 2 files: 2 errors, 1 security warning, 0 warnings, 1 suggestion",
			},
		},
		"trust policy inferred": {
			args: []string{trust},
			code: 1,
			lines: []string{
				trust + ":6:20: security WEB_IDENTITY_WITHOUT_AUD Statement[0].Principal:",
				"1 finding in 1 file: 0 errors, 1 security warning, 0 warnings, 0 suggestions",
			},
		},
		"--type identity": {
			args: []string{"--type", "identity", trust},
			code: 1,
			lines: []string{
				trust + ":6:20: error PRINCIPAL_IN_IDENTITY_POLICY Statement[0].Principal:",
				trust + ":6:20: security WEB_IDENTITY_WITHOUT_AUD Statement[0].Principal:",
				"2 findings",
			},
		},
		"fail on error only": {
			args: []string{"--fail-on", "error", trust},
			lines: []string{
				trust + ":6:20: security WEB_IDENTITY_WITHOUT_AUD",
				"1 finding in",
			},
		},
		"fail on suggestion": {
			args: []string{"--fail-on", "suggestion", "--ignore", "ACTION_CASE", "--ignore", "RESOURCE_TYPE_MISMATCH", "--ignore", "ALLOW_ALL", team},
			code: 1,
			lines: []string{
				team + ":15:35: suggestion STRING_LIKE_WITHOUT_WILDCARD",
				"1 finding in",
			},
		},
		"ignore by Sid": {
			args: []string{"--ignore", "ALLOW_ALL@BreakGlass", "--ignore", "STRING_LIKE_WITHOUT_WILDCARD@Other", "--fail-on", "security", team},
			code: 1,
			lines: []string{
				team + ":7:18: error ACTION_CASE",
				team + ":8:47: error RESOURCE_TYPE_MISMATCH",
				team + ":15:35: suggestion STRING_LIKE_WITHOUT_WILDCARD",
				"3 findings",
			},
		},
		"ignore in one file": {
			args:  []string{"--ignore", trust + ":WEB_IDENTITY_WITHOUT_AUD", "--ignore", "other.json:ALLOW_ALL", trust, "-"},
			stdin: `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`,
			code:  1,
			lines: []string{
				trust + ": no findings",
				"-:1:64: security ALLOW_ALL Statement[0].Action:",
				"1 finding in",
			},
		},
		"invalid documents": {
			args: []string{"testdata/invalid.json"},
			code: 1,
			lines: []string{
				"testdata/invalid.json:4:5: error INVALID_POLICY Statement[0].Resource: missing required field",
				`testdata/invalid.json:5:17: error INVALID_POLICY Statement[0].Effect: invalid value: "allow" is not "Allow" or "Deny"`,
				"2 findings",
			},
		},
		"aws dialect": {
			args:  []string{"--dialect", "aws", "-"},
			stdin: `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"S3:getObject","Resource":"arn:aws:s3:::team-data/*"}}`,
			lines: []string{
				"-: no findings",
			},
		},
	})
}

func TestPolicyLint_errors(t *testing.T) {
	runCLICases(t, "policy lint", map[string]cliCase{
		"unknown check": {
			args: []string{"--ignore", "NOPE", "testdata/lint/clean.json"},
			code: exitInput,
			err:  `astran: policy lint: --ignore "NOPE": unknown check "NOPE"` + "\n",
		},
		"bad format": {
			args: []string{"--format", "xml", "testdata/lint/clean.json"},
			code: exitInput,
			err:  `astran: policy lint: unknown --format "xml" (want text, json or sarif)` + "\n",
		},
		"bad fail-on": {
			args: []string{"--fail-on", "fatal", "testdata/lint/clean.json"},
			code: exitInput,
			err:  `astran: policy lint: --fail-on: lint: invalid severity "fatal" (want error, security, warning or suggestion)` + "\n",
		},
		"bad type": {
			args: []string{"--type", "scp", "testdata/lint/clean.json"},
			code: exitInput,
			err:  `astran: policy lint: --type: lint: invalid policy type "scp" (want identity, resource, trust, boundary or session)` + "\n",
		},
		"bad dialect": {
			args: []string{"--dialect", "gcp", "testdata/lint/clean.json"},
			code: exitInput,
			err:  `astran: policy lint: unknown --dialect "gcp" (want astran or aws)` + "\n",
		},
		"missing file": {
			args: []string{"testdata/lint/missing.json"},
			code: exitInput,
			err:  "astran: policy lint: testdata/lint/missing.json: open testdata/lint/missing.json: no such file or directory\n",
		},
	})
}

func TestPolicyLint_json(t *testing.T) {
	te := newTestEnv(t, "")
	te.mustRun(t, 1, "policy", "lint", "--format", "json", "testdata/lint/team.json", "testdata/lint/clean.json")
	var got []struct {
		File     string `json:"file"`
		Code     string `json:"code"`
		Severity string `json:"severity"`
		Path     string `json:"path"`
		Line     int    `json:"line"`
		Column   int    `json:"column"`
		Fix      *struct{ Old, New string }
	}
	te.outJSON(t, &got)
	if len(got) != 4 || got[0].File != "testdata/lint/team.json" || got[0].Code != "ACTION_CASE" || got[0].Severity != "error" ||
		got[0].Line != 7 || got[0].Column != 18 || got[0].Fix == nil || got[0].Fix.New != "s3:GetObject" {
		t.Errorf("got %+v", got)
	}
	te = newTestEnv(t, "")
	if code := te.run("policy", "lint", "--format", "json", "testdata/lint/clean.json"); code != 0 || strings.TrimSpace(te.out.String()) != "[]" {
		t.Errorf("clean: exit %d, %s", code, te.out)
	}
}

// TestPolicyLint_sarif validates the SARIF output against the SARIF 2.1.0
// JSON schema (sarif-2.1.0-rtm.5.json, the OASIS schema as published in
// schemastore and in the npm package @microsoft/jest-sarif).
func TestPolicyLint_sarif(t *testing.T) {
	raw, err := os.ReadFile("testdata/sarif-2.1.0-rtm.5.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	v := &schemaValidator{root: schema}
	for _, files := range [][]string{
		{"testdata/lint/team.json", "testdata/lint/clean.json", "testdata/lint/trust.json", "testdata/invalid.json", "testdata/syntax.json"},
		{"testdata/lint/clean.json"},
	} {
		te := newTestEnv(t, "")
		te.run(append([]string{"policy", "lint", "--format", "sarif"}, files...)...)
		var doc any
		te.outJSON(t, &doc)
		if errs := v.validate(schema, doc, "$"); len(errs) > 0 {
			t.Errorf("SARIF output breaks the 2.1.0 schema:\n%s", strings.Join(errs, "\n"))
		}
		// What code scanning needs: results tied to rules and places.
		var log struct {
			Version string
			Runs    []struct {
				Tool struct {
					Driver struct {
						Rules []struct{ ID string }
					}
				}
				Results []struct {
					RuleID    string
					RuleIndex int
					Locations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct{ URI string }
							Region           *struct{ StartLine, StartColumn int }
						}
					}
				}
			}
		}
		te.outJSON(t, &log)
		if log.Version != "2.1.0" || len(log.Runs) != 1 {
			t.Fatalf("version %q, %d runs", log.Version, len(log.Runs))
		}
		run := log.Runs[0]
		for _, r := range run.Results {
			if r.RuleIndex >= len(run.Tool.Driver.Rules) || run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
				t.Errorf("result %s: ruleIndex %d", r.RuleID, r.RuleIndex)
			}
			if len(r.Locations) != 1 || r.Locations[0].PhysicalLocation.ArtifactLocation.URI == "" || r.Locations[0].PhysicalLocation.Region == nil {
				t.Errorf("result %s: location %+v", r.RuleID, r.Locations)
			}
		}
		if len(files) > 1 && len(run.Results) < 8 {
			t.Errorf("%d results", len(run.Results))
		}
	}
	// The validator catches a broken log.
	bad := map[string]any{"version": "2.0.0", "runs": []any{map[string]any{"tool": map[string]any{}}}}
	if errs := v.validate(schema, bad, "$"); len(errs) < 2 {
		t.Errorf("a broken log passes: %v", errs)
	}
}

// schemaValidator checks a JSON value against the draft-04 keywords the
// SARIF schema uses: $ref, type, properties, additionalProperties,
// required, enum, items, minItems, minimum, maximum, pattern, anyOf, oneOf
// (format, uniqueItems and annotations are not checked).
type schemaValidator struct {
	root map[string]any
}

func (v *schemaValidator) validate(s map[string]any, x any, at string) []string {
	if ref, ok := s["$ref"].(string); ok {
		name, ok := strings.CutPrefix(ref, "#/definitions/")
		def, found := v.root["definitions"].(map[string]any)[name].(map[string]any)
		if !ok || !found {
			return []string{at + ": unresolved $ref " + ref}
		}
		return v.validate(def, x, at)
	}
	var errs []string
	fail := func(msg string) { errs = append(errs, at+": "+msg) }
	if t, ok := s["type"]; ok && !typeIs(t, x) {
		fail("not of type " + strings.Trim(strings.ReplaceAll(strings.TrimSpace(jsonText(t)), `"`, ""), "[]"))
		return errs
	}
	if enum, ok := s["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			found = found || jsonText(e) == jsonText(x)
		}
		if !found {
			fail("not one of " + jsonText(enum))
		}
	}
	switch x := x.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		for _, r := range asList(s["required"]) {
			if _, ok := x[r.(string)]; !ok {
				fail("missing required " + r.(string))
			}
		}
		for k, val := range x {
			if ps, ok := props[k].(map[string]any); ok {
				errs = append(errs, v.validate(ps, val, at+"."+k)...)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					fail("property " + k + " not allowed")
				}
			case map[string]any:
				errs = append(errs, v.validate(ap, val, at+"."+k)...)
			}
		}
	case []any:
		if n, ok := s["minItems"].(float64); ok && float64(len(x)) < n {
			fail("too few items")
		}
		if items, ok := s["items"].(map[string]any); ok {
			for i, e := range x {
				errs = append(errs, v.validate(items, e, at+"["+jsonText(i)+"]")...)
			}
		}
	case float64:
		if m, ok := s["minimum"].(float64); ok && x < m {
			fail("below minimum")
		}
		if m, ok := s["maximum"].(float64); ok && x > m {
			fail("above maximum")
		}
	case string:
		if p, ok := s["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(x) {
			fail("does not match " + p)
		}
	}
	if anyOf, ok := s["anyOf"].([]any); ok && v.matching(anyOf, x, at) == 0 {
		fail("matches no anyOf schema")
	}
	if oneOf, ok := s["oneOf"].([]any); ok {
		if n := v.matching(oneOf, x, at); n != 1 {
			fail("matches " + jsonText(n) + " oneOf schemas")
		}
	}
	return errs
}

// matching counts the schemas x is valid against.
func (v *schemaValidator) matching(schemas []any, x any, at string) int {
	n := 0
	for _, sub := range schemas {
		if len(v.validate(sub.(map[string]any), x, at)) == 0 {
			n++
		}
	}
	return n
}

func asList(x any) []any {
	l, _ := x.([]any)
	return l
}

func jsonText(x any) string {
	b, _ := json.Marshal(x)
	return string(b)
}

func typeIs(t, x any) bool {
	if l, ok := t.([]any); ok {
		for _, e := range l {
			if typeIs(e, x) {
				return true
			}
		}
		return false
	}
	switch t {
	case "object":
		return is[map[string]any](x)
	case "array":
		return is[[]any](x)
	case "string":
		return is[string](x)
	case "boolean":
		return is[bool](x)
	case "number":
		return is[float64](x)
	case "integer":
		f, ok := x.(float64)
		return ok && f == float64(int64(f))
	case "null":
		return x == nil
	}
	return false
}

// is reports whether x holds a T.
func is[T any](x any) bool {
	_, ok := x.(T)
	return ok
}

// TestPolicyLint_readme keeps the README's lint run the real output of
// astran policy lint on doc/team-policy.json.
func TestPolicyLint_readme(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	te := newTestEnv(t, "")
	te.mustRun(t, 1, "policy", "lint", "../../doc/team-policy.json")
	out := strings.ReplaceAll(te.out.String(), "../../doc/", "doc/")
	if !strings.Contains(string(readme), "```text\n"+out+"```") {
		t.Errorf("README.md does not show the output of astran policy lint doc/team-policy.json:\n%s", out)
	}
}
