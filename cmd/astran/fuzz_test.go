package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/astran-oss/astran-go/policy"
)

func bufioReader(s string) *bufio.Reader { return bufio.NewReaderSize(strings.NewReader(s), 16) }

func FuzzParseRequest(f *testing.F) {
	for _, name := range []string{"request-office.json", "request-home.json", "request-nocontext.json"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"action":"a","resource":"r","context":{"k":[],"K2":["a","b"]}}`))
	f.Add([]byte(`{"principal":"anonymous","action":"a","resource":"arn:p:s3:::b/k","resourceAccount":"111"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := parseRequest(data)
		if err != nil {
			return
		}
		if req.Action == "" || req.Resource == "" {
			t.Fatalf("accepted a request without action or resource: %s", data)
		}
		// Re-encode and parse again: the same request.
		ctx := map[string][]string{}
		for _, k := range req.Context.Keys() {
			v, _ := req.Context.Get(k)
			ctx[k] = append([]string{}, v...)
		}
		again, err := json.Marshal(map[string]any{"principal": req.Principal, "action": req.Action, "resource": req.Resource, "resourceAccount": req.ResourceAccount, "context": ctx})
		if err != nil {
			t.Fatal(err)
		}
		req2, err := parseRequest(again)
		if err != nil {
			t.Fatalf("re-encoded request %s does not parse: %v", again, err)
		}
		if req2.Principal != req.Principal || req2.Action != req.Action || req2.Resource != req.Resource || req2.ResourceAccount != req.ResourceAccount || req2.Context.Len() != req.Context.Len() {
			t.Fatalf("round trip changed the request: %s", again)
		}
	})
}

// errorLine is an error line of policy test on the input "fuzz".
var errorLine = regexp.MustCompile(`^ERROR fuzz:[1-9][0-9]*:[1-9][0-9]*: `)

func FuzzPolicyTest(f *testing.F) {
	for _, name := range []string{"cases.jsonl", "cases-failing.jsonl", "cases-bad-json.jsonl", "cases-bad-policy.jsonl", "cases-bad-expected.jsonl", "cases-errors.jsonl", "cases-types.jsonl", "cases-types-bad.jsonl"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := newCaseRunner(nil, nil, policy.DefaultMaxSize)
		var out strings.Builder
		n, err := runCases(strings.NewReader(string(data)), &out, r, "fuzz")
		if n.passed < 0 || n.failed < 0 || n.errors < 0 {
			t.Fatal("negative counts")
		}
		if err != nil && !errors.Is(err, errNoCases) {
			t.Fatalf("a string cannot be unreadable: %v", err)
		}
		// Every error names its line and column.
		for _, line := range strings.Split(out.String(), "\n") {
			if strings.HasPrefix(line, "ERROR ") && !errorLine.MatchString(line) {
				t.Fatalf("error without fuzz:LINE:COLUMN: %q", line)
			}
		}
		if got := strings.Count("\n"+out.String(), "\nERROR "); n.errors > got {
			t.Fatalf("%d errors counted, fewer printed:\n%s", n.errors, out.String())
		}
	})
}
