package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
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
		again, err := json.Marshal(map[string]any{"principal": req.Principal, "action": req.Action, "resource": req.Resource, "context": ctx})
		if err != nil {
			t.Fatal(err)
		}
		req2, err := parseRequest(again)
		if err != nil {
			t.Fatalf("re-encoded request %s does not parse: %v", again, err)
		}
		if req2.Principal != req.Principal || req2.Action != req.Action || req2.Resource != req.Resource || req2.Context.Len() != req.Context.Len() {
			t.Fatalf("round trip changed the request: %s", again)
		}
	})
}

func FuzzPolicyTest(f *testing.F) {
	for _, name := range []string{"cases.jsonl", "cases-failing.jsonl", "cases-bad-json.jsonl", "cases-bad-policy.jsonl", "cases-bad-expected.jsonl"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &caseRunner{sets: map[string]*policy.Set{}}
		passed, failed, err := runCases(strings.NewReader(string(data)), io.Discard, r, "fuzz")
		if passed < 0 || failed < 0 {
			t.Fatal("negative counts")
		}
		if err != nil && !strings.HasPrefix(err.Error(), "fuzz:") {
			t.Fatalf("error does not name the line: %v", err)
		}
	})
}
