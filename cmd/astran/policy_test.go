package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/astran-oss/astran-go/policy"
)

func TestPolicyValidate(t *testing.T) {
	// Each line starts with the wanted text (the policy package owns the
	// wording of the problems).
	runCLICases(t, "policy validate", map[string]cliCase{
		"valid": {
			args: []string{"testdata/reader.json", "testdata/deny-outside-office.json"},
			lines: []string{
				"testdata/reader.json: valid",
				"testdata/deny-outside-office.json: valid",
			},
		},
		"problems with JSON paths, in order of position": {
			args: []string{"testdata/reader.json", "testdata/invalid.json"},
			code: 1,
			lines: []string{
				"testdata/reader.json: valid",
				"testdata/invalid.json:4:5: Statement[0].Resource: missing required field: a statement without Principal needs Resource or NotResource",
				`testdata/invalid.json:5:17: Statement[0].Effect: invalid value: "allow" is not "Allow" or "Deny"`,
			},
			err: "astran: policy validate: 1 of 2 documents invalid\n",
		},
		"syntax error": {
			args: []string{"testdata/syntax.json"},
			code: 1,
			lines: []string{
				"testdata/syntax.json:2:1: invalid JSON: unexpected end of JSON input",
			},
			err: "astran: policy validate: 1 of 1 documents invalid\n",
		},
		"missing file is unreadable input": {
			args: []string{"testdata/missing.json", "testdata/invalid.json"},
			code: 2,
			lines: []string{
				"testdata/missing.json: open testdata/missing.json: no such file or directory",
				"testdata/invalid.json:4:5: ",
				"testdata/invalid.json:5:17: ",
			},
			err: "astran: policy validate: 1 of 2 files unreadable, 1 invalid\n",
		},
		"a directory stands for its *.json files": {
			args: []string{"testdata/policies", "testdata/reader.json"},
			lines: []string{
				"testdata/policies/deny-outside-office.json: valid",
				"testdata/policies/reader.json: valid",
				"testdata/reader.json: valid",
			},
		},
		"a directory without *.json files": {
			args: []string{"testdata/nojson"},
			code: 2,
			err:  "astran: policy validate: testdata/nojson: a directory without *.json files\n",
		},
		"stdin": {
			args:  []string{"-"},
			stdin: `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`,
			lines: []string{
				"-: valid",
			},
		},
		"too large: the document's real size": {
			args: []string{"--max-size", "10", "testdata/reader.json"},
			code: 1,
			lines: []string{
				"testdata/reader.json: document too large: 196 characters exceeds the limit of 10 (see --max-size)",
			},
			err: "astran: policy validate: 1 of 1 documents invalid\n",
		},
		"size: whitespace outside strings is not counted": {
			args:  []string{"--max-size", "10", "-"},
			stdin: "{ \"Version\" : \"2012 10 17\" ,\n\t\"x\\\"y\": [] }",
			code:  1,
			lines: []string{
				`-: document too large: 34 characters exceeds the limit of 10 (see --max-size)`,
			},
			err: "astran: policy validate: 1 of 1 documents invalid\n",
		},
		"aws dialect accepts a missing Version": {
			args:  []string{"--dialect", "aws", "-"},
			stdin: `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`,
			lines: []string{
				"-: valid",
			},
		},
		"astran dialect needs the Version": {
			args:  []string{"-"},
			stdin: `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`,
			code:  1,
			lines: []string{
				"-:1:1: Version: missing required field: ",
			},
			err: "astran: policy validate: 1 of 1 documents invalid\n",
		},
	})
}

func TestPolicySimulate(t *testing.T) {
	const (
		office = "testdata/request-office.json"
		home   = "testdata/request-home.json"
		none   = "testdata/request-nocontext.json"
		reader = "testdata/reader.json"
		deny   = "testdata/deny-outside-office.json"
	)
	// The decisions printed most often.
	const (
		allowed  = `{"decision":"Allow","matchedStatements":[{"policy":"testdata/reader.json","sid":"ReadReports","index":0,"effect":"Allow"}],"missingContextKeys":[]}` + "\n"
		denied   = `{"decision":"ExplicitDeny","matchedStatements":[{"policy":"testdata/deny-outside-office.json","sid":"DenyOutsideOffice","index":0,"effect":"Deny"}],"missingContextKeys":[]}` + "\n"
		implicit = `{"decision":"ImplicitDeny","matchedStatements":[],"missingContextKeys":[]}` + "\n"
	)
	runCLICases(t, "policy simulate", map[string]cliCase{
		"allow": {
			args: []string{"--request", office, reader, deny},
			out:  allowed,
		},
		"explicit deny": {
			args: []string{"--request", home, reader, deny},
			out:  denied,
		},
		"missing context key": {
			args: []string{"--request", none, deny},
			out:  `{"decision":"ExplicitDeny","matchedStatements":[{"policy":"testdata/deny-outside-office.json","sid":"DenyOutsideOffice","index":0,"effect":"Deny"}],"missingContextKeys":["aws:SourceIp"]}` + "\n",
		},
		"implicit deny": {
			args:  []string{"--request", "-", reader},
			stdin: `{"action":"s3:DeleteObject","resource":"arn:demo:s3:::marketing-docs/x"}`,
			out:   implicit,
		},
		"case-sensitive actions": {
			args:  []string{"--request", "-", reader},
			stdin: `{"action":"s3:getobject","resource":"arn:demo:s3:::marketing-docs/x"}`,
			out:   implicit,
		},
		"aws dialect": {
			args:  []string{"--dialect", "aws", "--request", "-", reader},
			stdin: `{"action":"s3:getobject","resource":"arn:demo:s3:::marketing-docs/x"}`,
			out:   allowed,
		},
		"empty array is a present key": {
			args:  []string{"--request", "-", deny},
			stdin: `{"action":"s3:GetObject","resource":"*","context":{"aws:SourceIp":[]}}`,
			out:   denied,
		},
		"invalid policies: one problem a line, in order": {
			args: []string{"--request", office, "testdata/invalid.json", reader, "testdata/syntax.json"},
			code: 1,
			err: "testdata/invalid.json:4:5: Statement[0].Resource: missing required field: a statement without Principal needs Resource or NotResource\n" +
				`testdata/invalid.json:5:17: Statement[0].Effect: invalid value: "allow" is not "Allow" or "Deny"` + "\n" +
				"testdata/syntax.json:2:1: invalid JSON: unexpected end of JSON input\n" +
				"astran: policy simulate: 2 of 3 policies invalid\n",
		},
		"bad request": {
			args:  []string{"--request", "-", reader},
			stdin: `{"action":"s3:GetObject"}`,
			code:  1,
			err:   `astran: policy simulate: -:1:1: request: "resource" is required` + "\n",
		},
		"bad request: line and column": {
			args:  []string{"--request", "-", reader},
			stdin: "{\n  \"action\": \"s3:GetObject\",\n  \"resource\": \"*\",\n  \"context\": {\"k\": 1}\n}",
			code:  1,
			err:   `astran: policy simulate: -:4:20: context: "k": value must be a string or an array of strings` + "\n",
		},
		"missing request file": {
			args: []string{"--request", "testdata/nope.json", reader},
			code: 2,
			err:  `astran: policy simulate: open testdata/nope.json: no such file or directory` + "\n",
		},
		"missing policy file": {
			args: []string{"--request", office, "testdata/nope.json"},
			code: 2,
			err:  `astran: policy simulate: open testdata/nope.json: no such file or directory` + "\n",
		},
		"bad dialect": {
			args: []string{"--dialect", "x", "--request", office, reader},
			code: 2,
			err:  `astran: policy simulate: unknown --dialect "x" (want astran or aws)` + "\n",
		},
		"--exit-code: Allow is 0": {
			args: []string{"--exit-code", "--request", office, reader, deny},
			out:  allowed,
		},
		"--exit-code: ExplicitDeny is 1": {
			args: []string{"--exit-code", "--request", home, reader, deny},
			code: 1,
			out:  denied,
		},
		"--exit-code: ImplicitDeny is 1": {
			args:  []string{"--exit-code", "--request", "-", reader},
			stdin: `{"action":"s3:DeleteObject","resource":"arn:demo:s3:::marketing-docs/x"}`,
			code:  1,
			out:   implicit,
		},
		"--exit-code: an invalid policy is 2": {
			args: []string{"--exit-code", "--request", office, "testdata/syntax.json"},
			code: 2,
			err:  "testdata/syntax.json:2:1: invalid JSON: unexpected end of JSON input\nastran: policy simulate: 1 of 1 policies invalid\n",
		},
		"--exit-code: an invalid request is 2": {
			args:  []string{"--exit-code", "--request", "-", reader},
			stdin: `{}`,
			code:  2,
			err:   `astran: policy simulate: -:1:1: request: "action" is required` + "\n",
		},
	})
}

func TestParseRequest(t *testing.T) {
	good := []struct {
		in      string
		context map[string][]string
	}{
		{`{"action":"a:b","resource":"*"}`, map[string][]string{}},
		{`{"principal":"arn:demo:iam::a:root","action":"a:b","resource":"*","context":{"K":"v","L":["x","y"],"M":[]}}`,
			map[string][]string{"K": {"v"}, "L": {"x", "y"}, "M": {}}},
		{` {"action":"a:b","resource":"*"} ` + "\n", map[string][]string{}},
	}
	for _, tc := range good {
		req, err := parseRequest([]byte(tc.in))
		if err != nil {
			t.Errorf("parseRequest(%s): %v", tc.in, err)
			continue
		}
		if req.Context.Len() != len(tc.context) {
			t.Errorf("parseRequest(%s): context %v", tc.in, req.Context.Map())
		}
		for k, want := range tc.context {
			got, ok := req.Context.Get(k)
			if !ok || fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("parseRequest(%s): %s = %q, %v", tc.in, k, got, ok)
			}
		}
	}
	bad := []struct{ in, want string }{
		{``, "unexpected end of input"},
		{`[]`, "request: want a JSON object"},
		{`{"action":"a:b"}`, `"resource" is required`},
		{`{"resource":"*"}`, `"action" is required`},
		{`{"action":"","resource":"*"}`, `"action" is required`},
		{`{"action":"a:b","resource":"*","extra":1}`, `unknown field "extra"`},
		{`{"action":"a:b","action":"c:d","resource":"*"}`, `field "action" given twice`},
		{`{"action":1,"resource":"*"}`, `"action" must be a string`},
		{`{"action":"a:b","resource":"*","context":{"k":1}}`, `"k": value must be a string or an array of strings`},
		{`{"action":"a:b","resource":"*","context":{"k":{}}}`, `"k": value must be a string or an array of strings`},
		{`{"action":"a:b","resource":"*","context":{"k":[1]}}`, `array elements must be strings`},
		{`{"action":"a:b","resource":"*","context":{"aws:SourceIp":"a","AWS:sourceip":"b"}}`, `given twice`},
		{`{"action":"a:b","resource":"*","context":[]}`, `context: want a JSON object`},
		{`{"action":"a:b","resource":"*"} {}`, `unexpected data after the JSON object`},
		{`{"action":"a:b","resource":"*"`, `unexpected end of input`},
		{`{"action":"a:b","resource":"*",}`, `invalid JSON`},
		{`{"action":"a:b","resource":"*","context":{"k":["x"`, `unexpected end of input`},
	}
	for _, tc := range bad {
		_, err := parseRequest([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseRequest(%s) = %v, want error containing %q", tc.in, err, tc.want)
		}
	}
}

func TestPolicyTest(t *testing.T) {
	big := strings.Repeat("x", 300<<10)
	runCLICases(t, "policy test", map[string]cliCase{
		// A file mixing passing, failing and bad cases: every line is
		// reported in order.
		"errors: golden": {
			args: []string{"testdata/cases-errors.jsonl"},
			code: 1,
			out:  readTestFile(t, "testdata/cases-errors.golden"),
		},
		"all pass": {
			args: []string{"testdata/cases.jsonl"},
			out:  "5 passed, 0 failed\n",
		},
		// A line far larger than the reader's buffer, blank lines, CRLF
		// line ends and a last line without a newline.
		"standard input, streamed": {
			args: []string{"-"},
			stdin: strings.Join([]string{
				`{"name":"` + big + `","policies":[],"request":{"action":"a:b","resource":"*"},"expected":"ImplicitDeny"}`,
				"",
				"   ",
				`{"policies":[{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"a:*","Resource":"*"}}],"request":{"action":"a:b","resource":"*"},"expected":"Allow"}` + "\r",
				`{"policies":[],"request":{"action":"a:b","resource":"*"},"expected":"Allow"}`,
			}, "\n"),
			code: 1,
			out: `FAIL -:5: "(unnamed)": expected Allow, got ImplicitDeny
    matched statements: none
2 passed, 1 failed
`,
		},
		"failures": {
			args: []string{"testdata/cases-failing.jsonl"},
			code: 1,
			out: `FAIL testdata/cases-failing.jsonl:3: "wrong expectation: delete": expected Allow, got ImplicitDeny
    matched statements: none
FAIL testdata/cases-failing.jsonl:4: "wrong expectation: home": expected Allow, got ExplicitDeny
    matched: policies[1] statement 0 (Sid "DenyOutsideOffice"): Deny
    missing context keys: aws:SourceIp
2 passed, 2 failed
`,
		},
		"aws dialect": {
			args: []string{"--dialect", "aws", "testdata/cases.jsonl"},
			code: 1,
			out: `FAIL testdata/cases.jsonl:4: "actions are case-sensitive": expected ImplicitDeny, got Allow
    matched: policies[0] statement 0 (Sid "ReadReports"): Allow
4 passed, 1 failed
`,
		},
		"bad JSON: an error, the run goes on": {
			args: []string{"testdata/cases-bad-json.jsonl"},
			code: 1,
			out:  "ERROR testdata/cases-bad-json.jsonl:2:32: invalid JSON: unexpected end of input: unexpected EOF\n2 passed, 0 failed, 1 error\n",
		},
		"bad policy": {
			args: []string{"testdata/cases-bad-policy.jsonl"},
			code: 1,
			out:  `ERROR testdata/cases-bad-policy.jsonl:3:298: policies[1]: Statement[0].Effect: invalid value: "allow" is not "Allow" or "Deny"` + "\n2 passed, 0 failed, 1 error\n",
		},
		"bad expected": {
			args: []string{"testdata/cases-bad-expected.jsonl"},
			code: 1,
			out:  `ERROR testdata/cases-bad-expected.jsonl:1:90: "expected" is "Maybe": want Allow, ExplicitDeny or ImplicitDeny` + "\n0 passed, 0 failed, 1 error\n",
		},
		"empty file": {
			args: []string{"testdata/cases-empty.jsonl"},
			code: 1,
			err:  "astran: policy test: testdata/cases-empty.jsonl: no test cases\n",
		},
		"blank lines only": {
			args: []string{"testdata/cases-blank.jsonl"},
			code: 1,
			err:  "astran: policy test: testdata/cases-blank.jsonl: no test cases\n",
		},
		"missing file": {
			args: []string{"testdata/nope.jsonl"},
			code: 2,
			err:  "astran: policy test: open testdata/nope.jsonl: no such file or directory\n",
		},
		"bad dialect": {
			args: []string{"--dialect", "x", "testdata/cases.jsonl"},
			code: 2,
			err:  `astran: policy test: unknown --dialect "x" (want astran or aws)` + "\n",
		},
	})
}

func TestDecodeCase_errors(t *testing.T) {
	const req = `"request":{"action":"a:b","resource":"*"}`
	tests := []struct{ in, want string }{
		{`{"policies":[],` + req + `}`, `"expected" is required`},
		{`{"policies":[],"expected":"Allow"}`, `"request" is required`},
		{`{"permissionsBoundaries":{},` + req + `,"expected":"Allow"}`, `"permissionsBoundaries" must be an array of policy documents`},
		{`{"sessionPolicy":[],` + req + `,"expected":"Allow"}`, `"sessionPolicy" must be a policy document`},
		{`{"resourcePolicy":"x",` + req + `,"expected":"Allow"}`, `"resourcePolicy" must be a policy document`},
		{`{"request":{"principal":"anonymous","action":"a:b","resource":"*"},"expected":"Allow"}`, `an "anonymous" request needs "resourceAccount"`},
		{`{"request":{"action":"a:b","resource":"arn:demo:s3:eu:111:x","resourceAccount":"222"},"expected":"Allow"}`, `"resourceAccount" "222" contradicts the account "111"`},
		{`{"policies":{},` + req + `,"expected":"Allow"}`, `"policies" must be an array`},
		{`{"policies":[],` + req + `,"expected":"Allow","x":1}`, `unknown field "x"`},
		{`{"policies":[],` + req + `,"expected":"Allow"}x`, `invalid JSON`},
		{`{"policies":[,` + req + `,"expected":"Allow"}`, `invalid JSON`},
		{`{"name":1}`, `"name" must be a string`},
		{`{"request":{"action":"a:b"}}`, `"resource" is required`},
	}
	for _, tc := range tests {
		_, err := decodeCase([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("decodeCase(%s) = %v, want error containing %q", tc.in, err, tc.want)
		}
	}
}

// TestLineReader_tooLong: a line over the limit is skipped and reported;
// the next line is read normally.
func TestLineReader_tooLong(t *testing.T) {
	r := &lineReader{r: bufioReader(strings.Repeat("x", 1<<20) + "\nnext\n"), max: 1000}
	if _, err := r.next(); !errors.Is(err, errLineTooLong) || !strings.Contains(err.Error(), "longer than 1000 bytes") {
		t.Errorf("next() = %v", err)
	}
	if line, err := r.next(); err != nil || string(line) != "next" {
		t.Errorf("next() after a long line = %q, %v", line, err)
	}
	if _, err := r.next(); err != io.EOF {
		t.Errorf("next() at the end = %v", err)
	}
}

// TestPolicyTest_100k runs a generated 100,000-line CASES file (20,000 lines
// under the race detector).
func TestPolicyTest_100k(t *testing.T) {
	t.Parallel()
	n := 100_000
	if raceEnabled {
		n = 20_000
	}
	path := filepath.Join(t.TempDir(), "cases.jsonl")
	var buf bytes.Buffer
	docs := []string{
		`{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:demo:s3:::marketing-docs","arn:demo:s3:::marketing-docs/*"]}]}`,
		`{"Version":"2012-10-17","Statement":[{"Sid":"DenyOutsideOffice","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:demo:s3:::user-buckets/${aws:username}/*"}]}`,
	}
	wantFailed := 0
	for i := range n {
		var line string
		switch i % 4 {
		case 0:
			line = fmt.Sprintf(`{"name":"read %d","policies":[%s,%s],"request":{"action":"s3:GetObject","resource":"arn:demo:s3:::marketing-docs/r/%d.pdf","context":{"aws:SourceIp":"203.0.113.%d"}},"expected":"Allow"}`, i, docs[0], docs[1], i, i%256)
		case 1:
			line = fmt.Sprintf(`{"name":"home %d","policies":[%s,%s],"request":{"action":"s3:GetObject","resource":"arn:demo:s3:::marketing-docs/r/%d.pdf","context":{"aws:SourceIp":"198.51.100.%d"}},"expected":"ExplicitDeny"}`, i, docs[0], docs[1], i, i%256)
		case 2:
			line = fmt.Sprintf(`{"name":"own bucket %d","policies":[%s],"request":{"action":"s3:PutObject","resource":"arn:demo:s3:::user-buckets/u%d@astran.io/k","context":{"aws:username":"u%d@astran.io"}},"expected":"Allow"}`, i, docs[2], i, i)
		case 3:
			expected := "ImplicitDeny"
			if i%1000 == 3 {
				expected = "Allow" // a deliberate failure every 1000 lines
				wantFailed++
			}
			line = fmt.Sprintf(`{"name":"other bucket %d","policies":[%s],"request":{"action":"s3:PutObject","resource":"arn:demo:s3:::user-buckets/x/k","context":{"aws:username":"u%d@astran.io"}},"expected":"%s"}`, i, docs[2], i, expected)
		}
		buf.WriteString(line)
		buf.WriteByte('\n')
	}
	writeTestFile(t, path, buf.String())
	te := newTestEnv(t, "")
	start := time.Now()
	code := te.run("policy", "test", path)
	elapsed := time.Since(start)
	t.Logf("%d lines (%d MB) in %v", n, buf.Len()>>20, elapsed)
	out := te.out.String()
	want := fmt.Sprintf("%d passed, %d failed\n", n-wantFailed, wantFailed)
	if code != 1 || !strings.HasSuffix(out, want) || strings.Count(out, "FAIL ") != wantFailed {
		t.Fatalf("exit %d; last line %q, want %q; stderr %s", code, out[strings.LastIndexByte(out[:len(out)-1], '\n')+1:], want, te.errOut)
	}
}

func TestSimulateOutput_JSON(t *testing.T) {
	var v map[string]any
	te := newTestEnv(t, "")
	te.run("policy", "simulate", "--request", "testdata/request-office.json", "testdata/reader.json")
	te.outJSON(t, &v)
	for _, k := range []string{"decision", "matchedStatements", "missingContextKeys"} {
		if _, ok := v[k]; !ok {
			t.Errorf("missing %q in %s", k, te.out)
		}
	}
}

// TestPolicyTest_errorPositions: each bad line is an error at the column
// (in characters from the start of the line) of its culprit, and the run
// goes on to the next line.
func TestPolicyTest_errorPositions(t *testing.T) {
	const req = `"request":{"action":"a:b","resource":"*"}`
	const allow = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`
	tests := []struct {
		name, line string
		at         string // the culprit: the column is where it starts (a prefix of the line: column 1)
		want       string // the message
	}{
		{"not JSON", `{"name":"x", oops}`, `oops}`, "invalid JSON: invalid character 'o' looking for beginning of object key string"},
		{"truncated", `{"policies":[],` + req, ``, "invalid JSON: unexpected end of input"},
		{"unknown field", `{"name":"x","polices":[],` + req + `,"expected":"Allow"}`, `"polices"`, `unknown field "polices" (want name, policies, permissionsBoundaries,`},
		{"unknown request field", `{"policies":[],"request":{"action":"a:b","resource":"*","princpal":"x"},"expected":"Allow"}`, `"princpal"`, `unknown field "princpal"`},
		{"field twice", `{"policies":[],` + req + `,"expected":"Allow","expected":"Allow"}`, `"expected":"Allow"}`, `case: field "expected" given twice`},
		{"unknown expected", `{"name":"é ü","policies":[],` + req + `,"expected":"Maybe"}`, `"Maybe"`, `"expected" is "Maybe": want Allow, ExplicitDeny or ImplicitDeny`},
		{"expected not a string", `{"policies":[],` + req + `,"expected":true}`, `true}`, `"expected" must be a string`},
		{"invalid policy", `{"name":"ü","policies":[` + allow + `,{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"*","Resource":"*"}}],` + req + `,"expected":"Allow"}`,
			`"allow"`, `policies[1]: Statement[0].Effect: invalid value: "allow" is not "Allow" or "Deny"`},
		{"policy not an object", `{"policies":[` + allow + `, 7],` + req + `,"expected":"Allow"}`, `7]`, `policies[1]: `},
		{"policies not an array", `{"policies":{},` + req + `,"expected":"Allow"}`, `{},`, `"policies" must be an array of policy documents`},
		{"context value", `{"policies":[],"request":{"action":"a:b","resource":"*","context":{"k":{}}},"expected":"Allow"}`, `{}}}`, `context: "k": value must be a string or an array of strings`},
		{"missing expected", `{"policies":[],` + req + `}`, `{"policies"`, `"expected" is required`},
		{"trailing data", `{"policies":[],` + req + `,"expected":"Allow"} {}`, `{}`, "unexpected data after the JSON object"},
	}
	const good = `{"policies":[` + allow + `],` + req + `,"expected":"Allow"}`
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			te := newTestEnv(t, tc.line+"\n"+good+"\n")
			code := te.run("policy", "test", "-")
			col := len([]rune(tc.line)) + 1 // at the end
			if tc.at != "" {
				i := strings.LastIndex(tc.line, tc.at)
				if i < 0 {
					t.Fatalf("bad test: %q not in the line", tc.at)
				}
				col = len([]rune(tc.line[:i])) + 1
			}
			prefix := fmt.Sprintf("ERROR -:1:%d: %s", col, tc.want)
			lines := strings.Split(te.out.String(), "\n")
			if code != 1 || !strings.HasPrefix(lines[0], prefix) || len(lines) != 3 || lines[1] != "1 passed, 0 failed, 1 error" {
				t.Errorf("exit %d, stdout:\n%s\nwant the first line to start with\n%s\nthen \"1 passed, 0 failed, 1 error\"", code, te.out, prefix)
			}
		})
	}
}

// TestPolicyTest_longLine: a line over the limit is an error and the run
// goes on.
func TestPolicyTest_longLine(t *testing.T) {
	var out bytes.Buffer
	long := `{"name":"` + strings.Repeat("x", 2000) + `"}`
	good := `{"policies":[],"request":{"action":"a:b","resource":"*"},"expected":"ImplicitDeny"}`
	r := newCaseRunner(nil, nil, 0)
	lines := &lineReader{r: bufioReader(long + "\n" + good + "\n"), max: 1000}
	n, err := runCaseLines(lines, &out, r, "f")
	if err != nil || n != (caseCounts{passed: 1, errors: 1}) || out.String() != "ERROR f:1:1: line too long: longer than 1000 bytes\n" {
		t.Errorf("counts %+v, err %v, output %q", n, err, out.String())
	}
}

// TestSetCache: the cache of compiled sets is bounded in entries and bytes
// and evicts the least recently used set.
func TestSetCache(t *testing.T) {
	c := setCache{max: 3, maxBytes: 10}
	sets := map[string]*policy.Set{}
	for _, k := range []string{"a", "b", "c", "d", "0123456789", "01234567890"} {
		sets[k] = policy.MustCompile(nil)
	}
	has := func(keys string) string {
		var got []string
		for _, k := range strings.Split(keys, ",") {
			if s, _, ok := c.get("policies", []byte(k)); ok {
				if s != sets[k] {
					t.Errorf("get(%q) returned another set", k)
				}
				got = append(got, k)
			}
		}
		return strings.Join(got, ",")
	}
	c.put("policies", []byte("a"), sets["a"], 1)
	c.put("policies", []byte("b"), sets["b"], 1)
	c.put("policies", []byte("c"), sets["c"], 1)
	if got := has("a"); got != "a" { // a is now the most recent
		t.Fatalf("has a: %q", got)
	}
	c.put("policies", []byte("d"), sets["d"], 1) // evicts b, the least recent
	if got := has("a,b,c,d"); got != "a,c,d" {
		t.Errorf("after d: %q, want a,c,d", got)
	}
	if _, _, ok := c.get("boundaries", []byte("a")); ok {
		t.Error("a set of another field was returned")
	}
	c.put("policies", []byte("0123456789"), sets["0123456789"], 1) // 10 bytes: evicts all others
	if got := has("a,c,d,0123456789"); got != "0123456789" || c.bytes != 10 || len(c.m) != 1 {
		t.Errorf("after a 10-byte key: %q, %d bytes, %d entries", got, c.bytes, len(c.m))
	}
	c.put("policies", []byte("01234567890"), sets["01234567890"], 1) // over the byte bound: not cached
	if got := has("0123456789,01234567890"); got != "0123456789" {
		t.Errorf("after an 11-byte key: %q", got)
	}
}

// TestDocumentSize: the size reported for a document too large is the
// size the policy package counts.
func TestDocumentSize(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	inputs := []string{`{ "a" : "b c" }`, "{\"é\\\"\\\\\":\t[ \"x\\u0041\" ]}\r\n", `  "unterminated \" string `}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, string(data))
	}
	for _, in := range inputs {
		n := documentSize([]byte(in))
		_, err := policy.Parse([]byte(in), func(o *policy.ParseOptions) { o.MaxSize = n - 1 })
		var size *policy.SizeError
		if !errors.As(err, &size) || size.Size != n {
			t.Errorf("documentSize(%q) = %d; policy.Parse with limit %d: %v", in, n, n-1, err)
		}
		if _, err := policy.Parse([]byte(in), func(o *policy.ParseOptions) { o.MaxSize = n }); errors.As(err, &size) {
			t.Errorf("documentSize(%q) = %d, but that is over the limit: %v", in, n, err)
		}
	}
}
