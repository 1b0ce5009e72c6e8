package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPolicyValidate(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		stdin string
		code  int
		out   []string // lines of stdout, in order
	}{
		{"valid", []string{"testdata/reader.json", "testdata/deny-outside-office.json"}, "", 0, []string{
			"testdata/reader.json: valid",
			"testdata/deny-outside-office.json: valid",
		}},
		{"problems with JSON paths", []string{"testdata/reader.json", "testdata/invalid.json"}, "", 1, []string{
			"testdata/reader.json: valid",
			`testdata/invalid.json:5:17: Statement[0].Effect: invalid value: "allow" is not "Allow" or "Deny"`,
			"testdata/invalid.json:4:5: Statement[0].Resource: missing required field: a statement without Principal needs Resource or NotResource",
		}},
		{"syntax error", []string{"testdata/syntax.json"}, "", 1, []string{
			"testdata/syntax.json:2:1: invalid JSON: unexpected end of JSON input",
		}},
		{"missing file", []string{"testdata/missing.json"}, "", 1, []string{
			"testdata/missing.json: open testdata/missing.json: no such file or directory",
		}},
		{"stdin", []string{"-"}, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, 0, []string{
			"-: valid",
		}},
		{"too large", []string{"--max-size", "10", "testdata/reader.json"}, "", 1, []string{
			"testdata/reader.json: document too large: 11 characters exceeds the limit of 10 (see --max-size)",
		}},
		{"aws dialect accepts a missing Version", []string{"--dialect", "aws", "-"}, `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, 0, []string{
			"-: valid",
		}},
		{"astran dialect needs the Version", []string{"-"}, `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, 1, []string{
			"-:1:1: Version: missing required field: ",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			te := newTestEnv(t, tc.stdin)
			code := te.run(append([]string{"policy", "validate"}, tc.args...)...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, te.errOut)
			}
			// Each line starts with the wanted text (the policy package
			// owns the wording of the problems).
			got := strings.Split(strings.TrimSuffix(te.out.String(), "\n"), "\n")
			if len(got) != len(tc.out) {
				t.Fatalf("stdout:\n%s\nwant:\n%s", te.out, strings.Join(tc.out, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tc.out[i]) {
					t.Errorf("line %d = %q, want prefix %q", i+1, got[i], tc.out[i])
				}
			}
			if tc.code != 0 && !strings.HasPrefix(te.errOut.String(), "astran: policy validate: ") {
				t.Errorf("stderr = %q", te.errOut)
			}
		})
	}
}

func TestPolicySimulate(t *testing.T) {
	const (
		office = "testdata/request-office.json"
		home   = "testdata/request-home.json"
		none   = "testdata/request-nocontext.json"
		reader = "testdata/reader.json"
		deny   = "testdata/deny-outside-office.json"
	)
	tests := []struct {
		name  string
		args  []string
		stdin string
		code  int
		out   string
		err   string
	}{
		{"allow", []string{"--request", office, reader, deny}, "", 0,
			`{"decision":"Allow","matchedStatements":[{"policy":"testdata/reader.json","sid":"ReadReports","index":0,"effect":"Allow"}],"missingContextKeys":[]}`, ""},
		{"explicit deny", []string{"--request", home, reader, deny}, "", 0,
			`{"decision":"ExplicitDeny","matchedStatements":[{"policy":"testdata/deny-outside-office.json","sid":"DenyOutsideOffice","index":0,"effect":"Deny"}],"missingContextKeys":[]}`, ""},
		{"missing context key", []string{"--request", none, deny}, "", 0,
			`{"decision":"ExplicitDeny","matchedStatements":[{"policy":"testdata/deny-outside-office.json","sid":"DenyOutsideOffice","index":0,"effect":"Deny"}],"missingContextKeys":["aws:SourceIp"]}`, ""},
		{"implicit deny", []string{"--request", "-", reader}, `{"action":"s3:DeleteObject","resource":"arn:demo:s3:::marketing-docs/x"}`, 0,
			`{"decision":"ImplicitDeny","matchedStatements":[],"missingContextKeys":[]}`, ""},
		{"case-sensitive actions", []string{"--request", "-", reader}, `{"action":"s3:getobject","resource":"arn:demo:s3:::marketing-docs/x"}`, 0,
			`{"decision":"ImplicitDeny","matchedStatements":[],"missingContextKeys":[]}`, ""},
		{"aws dialect", []string{"--dialect", "aws", "--request", "-", reader}, `{"action":"s3:getobject","resource":"arn:demo:s3:::marketing-docs/x"}`, 0,
			`{"decision":"Allow","matchedStatements":[{"policy":"testdata/reader.json","sid":"ReadReports","index":0,"effect":"Allow"}],"missingContextKeys":[]}`, ""},
		{"empty array is a present key", []string{"--request", "-", deny}, `{"action":"s3:GetObject","resource":"*","context":{"aws:SourceIp":[]}}`, 0,
			`{"decision":"ExplicitDeny","matchedStatements":[{"policy":"testdata/deny-outside-office.json","sid":"DenyOutsideOffice","index":0,"effect":"Deny"}],"missingContextKeys":[]}`, ""},
		{"invalid policy", []string{"--request", office, "testdata/invalid.json"}, "", 1, "",
			`astran: policy simulate: testdata/invalid.json:5:17: Statement[0].Effect: invalid value: "allow" is not "Allow" or "Deny"; testdata/invalid.json:4:5: Statement[0].Resource: missing required field: a statement without Principal needs Resource or NotResource`},
		{"bad request", []string{"--request", "-", reader}, `{"action":"s3:GetObject"}`, 1, "",
			`astran: policy simulate: -: request: "resource" is required`},
		{"missing request file", []string{"--request", "testdata/nope.json", reader}, "", 1, "",
			`astran: policy simulate: open testdata/nope.json: no such file or directory`},
		{"missing policy file", []string{"--request", office, "testdata/nope.json"}, "", 1, "",
			`astran: policy simulate: open testdata/nope.json: no such file or directory`},
		{"bad dialect", []string{"--dialect", "x", "--request", office, reader}, "", 1, "",
			`astran: policy simulate: unknown --dialect "x" (want astran or aws)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			te := newTestEnv(t, tc.stdin)
			code := te.run(append([]string{"policy", "simulate"}, tc.args...)...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, te.errOut)
			}
			if got := strings.TrimSuffix(te.out.String(), "\n"); got != tc.out {
				t.Errorf("stdout:\n%s\nwant:\n%s", got, tc.out)
			}
			if got := strings.TrimSuffix(te.errOut.String(), "\n"); got != tc.err {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, tc.err)
			}
		})
	}
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
	tests := []struct {
		name string
		args []string
		code int
		out  string
		err  string
	}{
		{"all pass", []string{"testdata/cases.jsonl"}, 0, "5 passed, 0 failed\n", ""},
		{"failures", []string{"testdata/cases-failing.jsonl"}, 1, `FAIL testdata/cases-failing.jsonl:3: "wrong expectation: delete": expected Allow, got ImplicitDeny
    matched statements: none
FAIL testdata/cases-failing.jsonl:4: "wrong expectation: home": expected Allow, got ExplicitDeny
    matched: policies[1] statement 0 (Sid "DenyOutsideOffice"): Deny
    missing context keys: aws:SourceIp
2 passed, 2 failed
`, ""},
		{"aws dialect", []string{"--dialect", "aws", "testdata/cases.jsonl"}, 1, `FAIL testdata/cases.jsonl:4: "actions are case-sensitive": expected ImplicitDeny, got Allow
    matched: policies[0] statement 0 (Sid "ReadReports"): Allow
4 passed, 1 failed
`, ""},
		{"bad JSON", []string{"testdata/cases-bad-json.jsonl"}, 2, "",
			"astran: policy test: testdata/cases-bad-json.jsonl:2: invalid JSON: unexpected EOF\n"},
		{"bad policy", []string{"testdata/cases-bad-policy.jsonl"}, 2, "",
			`astran: policy test: testdata/cases-bad-policy.jsonl:3: policies[1]:1:52: Statement[0].Effect: invalid value: "allow" is not "Allow" or "Deny"` + "\n"},
		{"bad expected", []string{"testdata/cases-bad-expected.jsonl"}, 2, "",
			`astran: policy test: testdata/cases-bad-expected.jsonl:1: "expected" is "Maybe": want Allow, ExplicitDeny or ImplicitDeny` + "\n"},
		{"missing file", []string{"testdata/nope.jsonl"}, 2, "",
			"astran: policy test: open testdata/nope.jsonl: no such file or directory\n"},
		{"bad dialect", []string{"--dialect", "x", "testdata/cases.jsonl"}, 1, "",
			`astran: policy test: unknown --dialect "x" (want astran or aws)` + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			te := newTestEnv(t, "")
			code := te.run(append([]string{"policy", "test"}, tc.args...)...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, te.errOut)
			}
			if got := te.out.String(); got != tc.out {
				t.Errorf("stdout:\n%s\nwant:\n%s", got, tc.out)
			}
			if got := te.errOut.String(); got != tc.err {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, tc.err)
			}
		})
	}
}

func TestDecodeCase_errors(t *testing.T) {
	const req = `"request":{"action":"a:b","resource":"*"}`
	tests := []struct{ in, want string }{
		{`{"policies":[],` + req + `}`, `"expected" is required`},
		{`{"policies":[],"expected":"Allow"}`, `"request" is required`},
		{`{` + req + `,"expected":"Allow"}`, `"policies" is required`},
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

// TestPolicyTest_streaming feeds a line far larger than the reader's buffer,
// blank lines, CRLF line ends and a last line without a newline.
func TestPolicyTest_streaming(t *testing.T) {
	big := strings.Repeat("x", 300<<10)
	lines := []string{
		`{"name":"` + big + `","policies":[],"request":{"action":"a:b","resource":"*"},"expected":"ImplicitDeny"}`,
		"",
		"   ",
		`{"policies":[{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"a:*","Resource":"*"}}],"request":{"action":"a:b","resource":"*"},"expected":"Allow"}` + "\r",
		`{"policies":[],"request":{"action":"a:b","resource":"*"},"expected":"Allow"}`,
	}
	te := newTestEnv(t, strings.Join(lines, "\n"))
	code := te.run("policy", "test", "-")
	want := `FAIL -:5: "(unnamed)": expected Allow, got ImplicitDeny
    matched statements: none
2 passed, 1 failed
`
	if code != 1 || te.out.String() != want {
		t.Errorf("exit %d, stdout:\n%s\nwant:\n%s\nstderr %s", code, te.out, want, te.errOut)
	}
}

func TestLineReader_tooLong(t *testing.T) {
	r := &lineReader{r: bufioReader(strings.Repeat("x", 1<<20) + "\n"), max: 1000}
	if _, err := r.next(); err == nil || !strings.Contains(err.Error(), "line longer than 1000 bytes") {
		t.Errorf("next() = %v", err)
	}
}

// TestPolicyTest_100k runs a generated 100,000-line CASES file (20,000 lines
// under the race detector).
func TestPolicyTest_100k(t *testing.T) {
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
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
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
	if err := json.Unmarshal(te.out.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"decision", "matchedStatements", "missingContextKeys"} {
		if _, ok := v[k]; !ok {
			t.Errorf("missing %q in %s", k, te.out)
		}
	}
}
