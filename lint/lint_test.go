package lint_test

import (
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/astran-oss/astran-go/lint"
	"github.com/astran-oss/astran-go/policy"
)

func TestCheckJSON_positionsAndFixes(t *testing.T) {
	doc := []byte(`{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Action": ["s3:getobject", "s3:GetObjekt", "s4:Get"],
      "Resource": "arn:demo:s3:::team-data/*"
    }
  ]
}`)
	got := lint.CheckJSON(doc)
	want := []lint.Finding{
		{Code: "ACTION_CASE", Severity: lint.Error, Path: "Statement[0].Action[0]", Line: 7, Column: 18, Statement: 0, Sid: "Read",
			Fix: &lint.Fix{Old: "s3:getobject", New: "s3:GetObject"}},
		{Code: "UNKNOWN_ACTION", Severity: lint.Error, Path: "Statement[0].Action[1]", Line: 7, Column: 34, Statement: 0, Sid: "Read"},
		{Code: "UNKNOWN_SERVICE", Severity: lint.Error, Path: "Statement[0].Action[2]", Line: 7, Column: 50, Statement: 0, Sid: "Read"},
		{Code: "DENY_NEVER_MATCHES"}, // not expected: the statement is an Allow
	}
	want = want[:3]
	if len(got) != len(want) {
		t.Fatalf("got %d findings: %v", len(got), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Code != w.Code || g.Severity != w.Severity || g.Path != w.Path || g.Line != w.Line || g.Column != w.Column ||
			g.Statement != w.Statement || g.Sid != w.Sid || (w.Fix == nil) != (g.Fix == nil) || (w.Fix != nil && *w.Fix != *g.Fix) {
			t.Errorf("finding %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	if !strings.Contains(got[1].Message, `did you mean "s3:GetObject"`) {
		t.Errorf("no suggestion in %q", got[1].Message)
	}
}

func TestCheckJSON_dialect(t *testing.T) {
	doc := []byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:getobject","S3:List*"],"Resource":["arn:aws:s3:::bkt/*","arn:aws:s3:::bkt"]}}`)
	if fs := lint.CheckJSON(doc, func(o *lint.Options) { o.Dialect = policy.AWS }); len(fs) != 0 {
		t.Errorf("AWS dialect: %v", fs)
	}
	fs := lint.CheckJSON(doc)
	if !has(fs, "ACTION_CASE") || !has(fs, "WRONG_PARTITION") {
		t.Errorf("Astran dialect: %v", fs)
	}
}

func TestCheckJSON_invalid(t *testing.T) {
	tests := map[string]string{
		"syntax":  `{"Version": `,
		"grammar": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`,
		"size":    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"` + strings.Repeat("x", 7000) + `"}]}`,
	}
	for name, doc := range tests {
		fs := lint.CheckJSON([]byte(doc))
		if len(fs) == 0 {
			t.Errorf("%s: no finding", name)
		}
		for _, f := range fs {
			if f.Code != "INVALID_POLICY" || f.Severity != lint.Error || f.Line == 0 && name != "size" {
				t.Errorf("%s: %+v", name, f)
			}
		}
	}
}

func TestCheck_document(t *testing.T) {
	if fs := lint.Check(nil); len(fs) != 1 || fs[0].Code != "INVALID_POLICY" {
		t.Errorf("nil: %v", fs)
	}
	// A document built in Go, invalid: grammar findings plus the others.
	doc := &policy.Document{Statements: []policy.Statement{{Effect: "allow", Action: []string{"s3:getobject"}}}}
	fs := lint.Check(doc)
	if !has(fs, "INVALID_POLICY") || !has(fs, "ACTION_CASE") {
		t.Errorf("got %v", fs)
	}
	for _, f := range fs {
		if f.Line != 0 {
			t.Errorf("a Document has no positions: %+v", f)
		}
	}
}

func TestOptions_Ignore(t *testing.T) {
	doc := []byte(`{"Version":"2012-10-17","Statement":[
{"Sid":"Admin","Effect":"Allow","Action":"*","Resource":"*"},
{"Sid":"Ops","Effect":"Allow","Action":"*","Resource":"*"}]}`)
	count := func(ig ...lint.Ignore) int {
		n := 0
		for _, f := range lint.CheckJSON(doc, func(o *lint.Options) { o.Ignore = ig }) {
			if f.Code == "ALLOW_ALL" {
				n++
			}
		}
		return n
	}
	if n := count(); n != 2 {
		t.Errorf("no ignore: %d", n)
	}
	if n := count(lint.Ignore{Code: "ALLOW_ALL", Sid: "Admin"}); n != 1 {
		t.Errorf("ignored for Admin: %d", n)
	}
	if n := count(lint.Ignore{Code: "ALLOW_ALL"}); n != 0 {
		t.Errorf("ignored for the document: %d", n)
	}
	if n := count(lint.Ignore{Code: "ALLOW_ALL", Sid: "Nobody"}); n != 2 {
		t.Errorf("ignored for another Sid: %d", n)
	}
}

func TestInferType(t *testing.T) {
	tests := map[string]lint.PolicyType{
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`:                                   lint.Identity,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"1"},"Action":"sts:AssumeRole"}}`:                        lint.Trust,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"1"},"Action":["sts:AssumeRole*","sts:TagSession"]}}`:    lint.Trust,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:demo:s3:::b/*"}}`:   lint.Resource,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"arn:demo:s3:::b/*"}}`: lint.Resource,
	}
	for src, want := range tests {
		doc, err := policy.Parse([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if got := lint.InferType(doc); got != want {
			t.Errorf("%s: %s, want %s", src, got, want)
		}
	}
	if lint.InferType(nil) != lint.Identity {
		t.Error("nil")
	}
}

func TestSeverity(t *testing.T) {
	for _, s := range []lint.Severity{lint.Suggestion, lint.Warning, lint.SecurityWarning, lint.Error} {
		b, err := s.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back lint.Severity
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("%s: %v %v", b, back, err)
		}
	}
	if _, err := lint.ParseSeverity("fatal"); !errors.Is(err, lint.ErrInvalidSeverity) {
		t.Errorf("err = %v", err)
	}
	if _, err := lint.Severity(0).MarshalText(); err == nil {
		t.Error("0 marshals")
	}
	if lint.Severity(9).String() != "Severity(9)" {
		t.Error(lint.Severity(9).String())
	}
	if _, err := lint.ParsePolicyType("scp"); !errors.Is(err, lint.ErrInvalidType) {
		t.Errorf("err = %v", err)
	}
	for _, s := range []string{"identity", "boundary", "session"} {
		if typ, err := lint.ParsePolicyType(s); typ != lint.Identity || err != nil {
			t.Errorf("%s: %v, %v", s, typ, err)
		}
	}
}

func TestFinding_JSON(t *testing.T) {
	f := lint.Finding{Code: "ACTION_CASE", Severity: lint.Error, Message: "m", Path: "Statement[0].Action", Line: 1, Column: 2, Fix: &lint.Fix{Old: "a", New: "b"}}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"code":"ACTION_CASE","severity":"error","message":"m","path":"Statement[0].Action","line":1,"column":2,"statement":0,"fix":{"old":"a","new":"b"}}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	if s := f.String(); s != `1:2: error ACTION_CASE Statement[0].Action: m (fix: "a" → "b")` {
		t.Errorf("String = %s", s)
	}
}

func TestRules(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range lint.Rules() {
		if seen[r.Code] || r.Title == "" || len(r.Explanation) < 40 || r.Severity < lint.Suggestion || r.Severity > lint.Error {
			t.Errorf("bad rule %+v", r)
		}
		seen[r.Code] = true
	}
	if _, ok := lint.LookupRule("NOPE"); ok {
		t.Error("LookupRule(NOPE)")
	}
}

// TestS3Set20 pins the findings on the benchmark's realistic 20-statement
// policy: two real redundancies.
func TestS3Set20(t *testing.T) {
	data, err := os.ReadFile("testdata/s3set20.json")
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, f := range lint.CheckJSON(data, func(o *lint.Options) { o.MaxSize = -1 }) {
		codes = append(codes, f.Code+" "+f.Path)
	}
	want := "SUBSUMED_STATEMENT Statement[12],REDUNDANT_RESOURCE Statement[13].Resource[1]"
	if got := strings.Join(codes, ","); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestCheck_huge lints a document far beyond IAM's size limit: the checks
// that compare pairs are bounded, so this finishes in about a second
// rather than hours.
func TestCheck_huge(t *testing.T) {
	const n = 20000
	doc := &policy.Document{Version: policy.Version2012}
	actions := make([]string, n)
	for i := range actions {
		actions[i] = "s3:Get*"
	}
	for i := 0; i < n; i++ {
		doc.Statements = append(doc.Statements, policy.Statement{Sid: "S" + strconv.Itoa(i), Effect: policy.EffectAllow,
			Action: []string{"s3:GetObject"}, Resource: []string{"arn:demo:s3:::b/" + strconv.Itoa(i)}})
	}
	doc.Statements[0].Action = actions
	fs := lint.Check(doc)
	if !has(fs, "REDUNDANT_ACTION") {
		t.Error("the first entries of a long list are still compared")
	}
	if has(fs, "SUBSUMED_STATEMENT") {
		t.Error("statements compared beyond the bound")
	}
}
