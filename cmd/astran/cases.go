package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/astran-oss/astran-go/policy"
)

// maxCaseLine bounds one line of CASES.jsonl.
const maxCaseLine = 64 << 20

// maxCachedSets bounds the cache of compiled policy sets in a test run.
const maxCachedSets = 4096

func (e *env) testCommand() *cobra.Command {
	var f policyFlags
	cmd := &cobra.Command{
		Use:   "test [--dialect astran|aws] CASES.jsonl",
		Short: "Run authorization test cases",
		Long: `Run authorization rules written as test cases, one JSON object a line:

  {"name":"…","policies":[<policy documents>],"request":{…},"expected":"Allow|ExplicitDeny|ImplicitDeny"}

The request has the format of "astran policy simulate --request". Blank lines
are skipped. Each failing case is printed (line, name, expected and actual
decision, matched statements), then a closing line "N passed, M failed".
The file is streamed: it can be arbitrarily long, and lines arbitrarily large
(up to 64 MiB). "-" reads standard input.

Exit status: 0 if every case passed, 1 if any failed, 2 if the input cannot
be read (the message names the line).`,
		Example: `  astran policy test rules.jsonl
  astran policy test --dialect aws exported-rules.jsonl
  generate-cases | astran policy test -`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.runCases(&f, args[0])
		},
	}
	f.add(cmd)
	return cmd
}

// testCase is one decoded line of CASES.jsonl.
type testCase struct {
	name     string
	policies json.RawMessage // the raw "policies" array
	request  policy.Request
	expected policy.Decision
}

// decodeCase decodes one CASES.jsonl line.
func decodeCase(line []byte) (testCase, error) {
	var tc testCase
	var hasPolicies, hasRequest, hasExpected bool
	dec := json.NewDecoder(bytes.NewReader(line))
	err := decodeObject(dec, "case", func(key string) error {
		var err error
		switch key {
		case "name":
			tc.name, err = decodeString(dec, key)
		case "policies":
			err = dec.Decode(&tc.policies)
			if err != nil {
				return jsonError(err)
			}
			if len(tc.policies) == 0 || tc.policies[0] != '[' {
				return errors.New(`"policies" must be an array of policy documents`)
			}
			hasPolicies = true
		case "request":
			tc.request, err = decodeRequest(dec)
			hasRequest = true
		case "expected":
			var s string
			if s, err = decodeString(dec, key); err == nil {
				if err = tc.expected.UnmarshalText([]byte(s)); err != nil {
					err = fmt.Errorf(`"expected" is %q: want Allow, ExplicitDeny or ImplicitDeny`, s)
				}
			}
			hasExpected = true
		default:
			return fmt.Errorf("unknown field %q (want name, policies, request, expected)", key)
		}
		return err
	})
	if err != nil {
		return testCase{}, err
	}
	if err := expectEOF(dec); err != nil {
		return testCase{}, err
	}
	switch {
	case !hasPolicies:
		return testCase{}, errors.New(`"policies" is required`)
	case !hasRequest:
		return testCase{}, errors.New(`"request" is required`)
	case !hasExpected:
		return testCase{}, errors.New(`"expected" is required`)
	}
	return tc, nil
}

// caseRunner evaluates cases, caching compiled policy sets by their text
// (test files typically repeat the same policies on many lines).
type caseRunner struct {
	popt func(*policy.ParseOptions)
	copt func(*policy.CompileOptions)
	sets map[string]*policy.Set
	res  policy.Result
}

func (r *caseRunner) compile(raw json.RawMessage) (*policy.Set, error) {
	if s, ok := r.sets[string(raw)]; ok {
		return s, nil
	}
	var docs []json.RawMessage
	if err := json.Unmarshal(raw, &docs); err != nil {
		return nil, jsonError(err)
	}
	policies := make([]policy.Policy, len(docs))
	for i, d := range docs {
		id := "policies[" + strconv.Itoa(i) + "]"
		doc, err := policy.Parse(d, r.popt)
		if err != nil {
			return nil, errors.New(strings.Join(problems(id, err), "; "))
		}
		policies[i] = policy.Policy{ID: id, Document: doc}
	}
	set, err := policy.Compile(policies, r.copt)
	if err != nil {
		return nil, err
	}
	if len(r.sets) >= maxCachedSets {
		clear(r.sets)
	}
	r.sets[string(raw)] = set
	return set, nil
}

// lineReader returns the lines of r one by one, of any length up to max.
type lineReader struct {
	r   *bufio.Reader
	buf []byte
	max int
}

// next returns the next line without its end of line, or io.EOF. The line
// is valid until the next call.
func (l *lineReader) next() ([]byte, error) {
	line, err := l.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		l.buf = append(l.buf[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = l.r.ReadSlice('\n')
			l.buf = append(l.buf, line...)
			if len(l.buf) > l.max {
				return nil, fmt.Errorf("line longer than %d bytes", l.max)
			}
		}
		line = l.buf
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	if err == io.EOF && len(line) == 0 {
		return nil, io.EOF
	}
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	return line, nil
}

func (e *env) runCases(f *policyFlags, name string) error {
	popt, copt, err := f.parseOpts()
	if err != nil {
		return fmt.Errorf("policy test: %w", err)
	}
	var in io.Reader = e.stdin
	if name != "-" {
		file, err := os.Open(name)
		if err != nil {
			return &exitError{exitInput, fmt.Errorf("policy test: %w", err)}
		}
		defer file.Close()
		in = file
	}
	out := bufio.NewWriterSize(e.stdout, 64<<10)
	defer out.Flush()
	passed, failed, err := runCases(in, out, &caseRunner{popt: popt, copt: copt, sets: map[string]*policy.Set{}}, name)
	if err != nil {
		out.Flush()
		return &exitError{exitInput, fmt.Errorf("policy test: %w", err)}
	}
	fmt.Fprintf(out, "%d passed, %d failed\n", passed, failed)
	if err := out.Flush(); err != nil {
		return fmt.Errorf("policy test: %w", err)
	}
	if failed > 0 {
		return &silentError{exitFailure}
	}
	return nil
}

// runCases runs every case of in, printing failures to out. It stops at the
// first unreadable line, with an error naming it.
func runCases(in io.Reader, out io.Writer, r *caseRunner, name string) (passed, failed int, err error) {
	lines := &lineReader{r: bufio.NewReaderSize(in, 64<<10), max: maxCaseLine}
	for n := 1; ; n++ {
		line, err := lines.next()
		if err == io.EOF {
			return passed, failed, nil
		}
		if err != nil {
			return passed, failed, fmt.Errorf("%s:%d: %w", name, n, err)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		tc, err := decodeCase(line)
		if err != nil {
			return passed, failed, fmt.Errorf("%s:%d: %w", name, n, err)
		}
		set, err := r.compile(tc.policies)
		if err != nil {
			return passed, failed, fmt.Errorf("%s:%d: %w", name, n, err)
		}
		set.EvaluateInto(&tc.request, &r.res)
		if r.res.Decision == tc.expected {
			passed++
			continue
		}
		failed++
		printFailure(out, name, n, &tc, &r.res)
	}
}

func printFailure(w io.Writer, file string, line int, tc *testCase, res *policy.Result) {
	title := tc.name
	if title == "" {
		title = "(unnamed)"
	}
	fmt.Fprintf(w, "FAIL %s:%d: %s: expected %s, got %s\n", file, line, strconv.Quote(title), tc.expected, res.Decision)
	if len(res.Statements) == 0 {
		fmt.Fprintln(w, "    matched statements: none")
	}
	for _, m := range res.Statements {
		sid := ""
		if m.Sid != "" {
			sid = " (Sid " + strconv.Quote(m.Sid) + ")"
		}
		fmt.Fprintf(w, "    matched: %s statement %d%s: %s\n", m.Policy, m.Index, sid, m.Effect)
	}
	if len(res.MissingContextKeys) > 0 {
		fmt.Fprintf(w, "    missing context keys: %s\n", strings.Join(res.MissingContextKeys, ", "))
	}
}
