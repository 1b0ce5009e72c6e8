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

// The cache of compiled policy sets of a test run holds at most
// maxCachedSets sets whose policy texts add up to at most maxCachedBytes.
const (
	maxCachedSets  = 256
	maxCachedBytes = 8 << 20
)

func (e *env) testCommand() *cobra.Command {
	var f policyFlags
	cmd := &cobra.Command{
		Use:   "test [--dialect astran|aws] CASES.jsonl",
		Short: "Run authorization test cases",
		Long: `Run authorization rules written as test cases, one JSON object a line:

  {"name":"…","policies":[<policy documents>],"request":{…},"expected":"Allow|ExplicitDeny|ImplicitDeny"}

The request has the format of "astran policy simulate --request". Blank lines
are skipped. Each failing case is printed (line, name, expected and actual
decision, matched statements). A line that is not a valid case (not JSON, an
unknown field, an invalid policy, an unknown "expected") is an error, printed
as "ERROR FILE:LINE:COLUMN: problem" (the column counts characters from the
start of the line), and the run goes on. The closing line is
"N passed, M failed", with ", K errors" when there are any.
The file is streamed: it can be arbitrarily long, and lines arbitrarily large
(up to 64 MiB). "-" reads standard input.

Every policy type of AWS's evaluation logic can be given (all optional):

  {"name":"…",
   "policies":[<identity-based policies>],
   "permissionsBoundaries":[<at most one document>],
   "sessionPolicy":<document>,
   "resourcePolicy":<document>,
   "request":{"principal":"<user, role or assumed-role session ARN, or anonymous>",
              "action":"…","resource":"…",
              "resourceAccount":"<account that owns the resource>",
              "context":{…}},
   "expected":"Allow|ExplicitDeny|ImplicitDeny"}

With identity-based policies only, they decide alone (as "policy simulate"
with POLICY.json files). With a boundary, session policy, resource policy,
resource account or an anonymous principal, the case is decided as IAM
decides (see "astran policy simulate --help"): the principal is then
required; a role ARN stands for a session of the role; "anonymous" has no
identity-based policy, boundary or session policy and needs resourceAccount;
resourceAccount defaults to the resource ARN's account, else the
principal's, and must not contradict the resource ARN; for sts:AssumeRole*
the resourcePolicy is the role's trust policy, which must allow even in the
same account. A resource policy statement needs Principal or NotPrincipal;
NotPrincipal with Allow and wildcards in a principal other than "*" alone
are rejected, as AWS rejects them. The context is used as given: nothing is
derived from the principal.

Exit status: 0 if every case passed, 1 if any failed or was in error (an
empty file is an error: "no test cases"), 2 if the input cannot be read or
the command line is wrong.`,
		Example: `  astran policy test rules.jsonl
  astran policy test --dialect aws exported-rules.jsonl
  generate-cases | astran policy test -`,
		Args: usageArgs(cobra.ExactArgs(1), "CASES.jsonl"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.runCases(&f, args[0])
		},
	}
	f.add(cmd)
	return cmd
}

// docs is the raw JSON of a field holding policy documents, and the
// offset of the field's value in its line.
type docs struct {
	raw json.RawMessage
	off int
}

// testCase is one decoded line of CASES.jsonl.
type testCase struct {
	name string
	// The documents of each policy type (raw nil when absent).
	policies, boundaries, session, resource docs

	request    policy.Request
	requestOff int // offset of the request in the line
	expected   policy.Decision
}

// The fields of a case holding policy documents, which also name the
// documents in the output (policies[0], resourcePolicy, …).
const (
	fieldPolicies   = "policies"
	fieldBoundaries = "permissionsBoundaries"
	fieldSession    = "sessionPolicy"
	fieldResource   = "resourcePolicy"
)

// decodeCase decodes one CASES.jsonl line. Errors are *inputError.
func decodeCase(line []byte) (testCase, error) {
	var tc testCase
	var hasRequest, hasExpected bool
	in := newJSONInput(line)
	start := in.next()
	documents := func(d *docs, array bool, what string) error {
		var err error
		d.raw, d.off, err = in.raw()
		switch {
		case err != nil:
			return err
		case array && d.raw[0] != '[':
			return fmt.Errorf("%s must be an array of policy documents", what)
		case !array && d.raw[0] != '{':
			return fmt.Errorf("%s must be a policy document (a JSON object)", what)
		}
		return nil
	}
	err := in.object("case", func(key string) error {
		var err error
		switch key {
		case "name":
			tc.name, err = in.str(key)
		case fieldPolicies:
			err = documents(&tc.policies, true, `"policies"`)
		case fieldBoundaries:
			err = documents(&tc.boundaries, true, `"permissionsBoundaries"`)
		case fieldSession:
			err = documents(&tc.session, false, `"sessionPolicy"`)
		case fieldResource:
			err = documents(&tc.resource, false, `"resourcePolicy"`)
		case "request":
			tc.requestOff = in.next()
			tc.request, err = decodeRequest(in)
			hasRequest = true
		case "expected":
			var s string
			if s, err = in.str(key); err == nil {
				if err = tc.expected.UnmarshalText([]byte(s)); err != nil {
					err = fmt.Errorf(`"expected" is %q: want Allow, ExplicitDeny or ImplicitDeny`, s)
				}
			}
			hasExpected = true
		default:
			return unknownField(key, "name, policies, permissionsBoundaries, sessionPolicy, resourcePolicy, request, expected")
		}
		return err
	})
	if err != nil {
		return testCase{}, err
	}
	if err := in.expectEOF(); err != nil {
		return testCase{}, err
	}
	switch {
	case !hasRequest:
		return testCase{}, at(start, errors.New(`"request" is required`))
	case !hasExpected:
		return testCase{}, at(start, errors.New(`"expected" is required`))
	}
	return tc, nil
}

// caseProblems are the problems of one case, each at a column of its line.
type caseProblems []problem

func (p caseProblems) Error() string {
	texts := make([]string, len(p))
	for i, q := range p {
		texts[i] = q.text
	}
	return strings.Join(texts, "; ")
}

// caseRunner evaluates cases, caching compiled policy sets by their text
// (test files typically repeat the same policies on many lines).
type caseRunner struct {
	popt    func(*policy.ParseOptions)
	copt    func(*policy.CompileOptions)
	maxSize int
	sets    setCache
	tc      testCase      // the current case
	res     policy.Result // its result
}

func newCaseRunner(popt func(*policy.ParseOptions), copt func(*policy.CompileOptions), maxSize int) *caseRunner {
	return &caseRunner{popt: popt, copt: copt, maxSize: maxSize, sets: setCache{max: maxCachedSets, maxBytes: maxCachedBytes}}
}

// run decodes and evaluates one case into r.tc and r.res.
func (r *caseRunner) run(line []byte) error {
	tc, err := decodeCase(line)
	if err != nil {
		return err
	}
	r.tc = tc
	var sets policySets
	var probs caseProblems
	for _, f := range [...]struct {
		set   **policy.Set
		n     *int
		field string
		d     docs
	}{
		{&sets.identity, &sets.identities, fieldPolicies, tc.policies},
		{&sets.boundary, &sets.boundaries, fieldBoundaries, tc.boundaries},
		{&sets.session, nil, fieldSession, tc.session},
		{&sets.resource, nil, fieldResource, tc.resource},
	} {
		if f.d.raw == nil {
			continue
		}
		set, n, err := r.compile(line, f.field, f.d)
		var cp caseProblems
		if errors.As(err, &cp) {
			probs = append(probs, cp...)
			continue
		}
		if err != nil {
			return err
		}
		*f.set = set
		if f.n != nil {
			*f.n = n
		}
	}
	if len(probs) > 0 {
		return probs
	}
	if err := sets.evaluateInto(&r.tc.request, &r.res); err != nil {
		return lineProblems(line, tc.requestOff, err)
	}
	return nil
}

// compile compiles the policy documents of a field of line: an array of
// documents named field[0], field[1]…, or one document named field. It
// returns the set and its number of documents. Errors are caseProblems.
func (r *caseRunner) compile(line []byte, field string, d docs) (*policy.Set, int, error) {
	if s, n, ok := r.sets.get(field, d.raw); ok {
		return s, n, nil
	}
	var raws []json.RawMessage
	var offs []int
	if d.raw[0] == '[' {
		in := newJSONInput(d.raw)
		if _, err := in.token(); err != nil { // '['
			return nil, 0, lineProblems(line, d.off, err)
		}
		for in.dec.More() {
			doc, off, err := in.raw()
			if err != nil {
				return nil, 0, lineProblems(line, d.off, err)
			}
			raws, offs = append(raws, doc), append(offs, off)
		}
	} else {
		raws, offs = []json.RawMessage{d.raw}, []int{0}
	}
	var policies []policy.Policy
	var probs caseProblems
	for i, doc := range raws {
		id := field
		if d.raw[0] == '[' {
			id += "[" + strconv.Itoa(i) + "]"
		}
		_, col := position(line, d.off+offs[i])
		if field == fieldBoundaries && i == 1 {
			probs = append(probs, problem{line: 1, col: col, text: id + ": a principal has at most one permissions boundary"})
			break
		}
		parsed, err := policy.Parse(doc, r.popt)
		var docProbs []problem
		switch {
		case err != nil:
			docProbs = documentProblems(doc, err, r.maxSize)
		case field == fieldResource:
			docProbs = resourcePolicyProblems(doc, parsed)
		}
		for _, p := range docProbs {
			p.text = id + ": " + p.text
			if p.line == 1 {
				p.col += col - 1
			} else {
				p.col = col
			}
			p.line = 1
			probs = append(probs, p)
		}
		if len(docProbs) == 0 {
			policies = append(policies, policy.Policy{ID: id, Document: parsed})
		}
	}
	if len(probs) > 0 {
		return nil, 0, probs
	}
	set, err := policy.Compile(policies, r.copt)
	if err != nil {
		_, col := position(line, d.off)
		return nil, 0, caseProblems{{line: 1, col: col, text: field + ": " + oneLine(err.Error())}}
	}
	r.sets.put(field, d.raw, set, len(policies))
	return set, len(policies), nil
}

// lineProblems turns an *inputError at offset base+e.Offset of line into
// caseProblems.
func lineProblems(line []byte, base int, err error) caseProblems {
	off := base
	var ie *inputError
	if errors.As(err, &ie) {
		off += ie.Offset
	}
	_, col := position(line, off)
	return caseProblems{{line: 1, col: col, text: oneLine(err.Error())}}
}

// setCache is a least-recently-used cache of compiled sets keyed by the
// field and text of their policies, bounded in entries and text bytes, so
// that a file whose every case carries its own policies runs in constant
// memory.
type setCache struct {
	max, maxBytes, bytes int
	m                    map[string]*cacheEntry
	head                 cacheEntry // sentinel: head.next is the most recent
}

type cacheEntry struct {
	field, key string
	set        *policy.Set
	n          int // documents in the set
	prev, next *cacheEntry
}

// get returns the set compiled from the documents key of field, and their
// number.
func (c *setCache) get(field string, key []byte) (*policy.Set, int, bool) {
	e, ok := c.m[string(key)]
	if !ok || e.field != field {
		return nil, 0, false
	}
	e.unlink()
	c.pushFront(e)
	return e.set, e.n, true
}

func (c *setCache) put(field string, key []byte, s *policy.Set, n int) {
	if len(key) > c.maxBytes {
		return
	}
	if c.m == nil {
		c.m = map[string]*cacheEntry{}
		c.head.next, c.head.prev = &c.head, &c.head
	}
	if old, ok := c.m[string(key)]; ok {
		c.remove(old)
	}
	for len(c.m) >= c.max || c.bytes+len(key) > c.maxBytes {
		c.remove(c.head.prev)
	}
	e := &cacheEntry{field: field, key: string(key), set: s, n: n}
	c.m[e.key] = e
	c.bytes += len(e.key)
	c.pushFront(e)
}

func (c *setCache) remove(e *cacheEntry) {
	e.unlink()
	delete(c.m, e.key)
	c.bytes -= len(e.key)
}

func (c *setCache) pushFront(e *cacheEntry) {
	e.prev, e.next = &c.head, c.head.next
	e.next.prev, c.head.next = e, e
}

func (e *cacheEntry) unlink() {
	e.prev.next, e.next.prev = e.next, e.prev
}

// lineReader returns the lines of r one by one, of any length up to max.
type lineReader struct {
	r   *bufio.Reader
	buf []byte
	max int
}

// errLineTooLong reports a line over the limit; the line has been skipped.
var errLineTooLong = errors.New("line too long")

// next returns the next line without its end of line, or io.EOF. The line
// is valid until the next call. A line longer than max is skipped and
// reported with an error wrapping errLineTooLong; other errors are read
// errors.
func (l *lineReader) next() ([]byte, error) {
	line, err := l.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		l.buf = append(l.buf[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = l.r.ReadSlice('\n')
			if len(l.buf)+len(line) > l.max {
				for err == bufio.ErrBufferFull { // skip the rest of the line
					_, err = l.r.ReadSlice('\n')
				}
				if err != nil && err != io.EOF {
					return nil, err
				}
				return nil, fmt.Errorf("%w: longer than %d bytes", errLineTooLong, l.max)
			}
			l.buf = append(l.buf, line...)
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

// errNoCases reports a CASES file without a case.
var errNoCases = errors.New("no test cases")

func (e *env) runCases(f *policyFlags, name string) error {
	popt, copt, err := f.parseOpts()
	if err != nil {
		return usageError("policy test", err)
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
	n, err := runCases(in, out, newCaseRunner(popt, copt, f.maxSize), name)
	if errors.Is(err, errNoCases) {
		out.Flush()
		return fmt.Errorf("policy test: %s: %w", name, err)
	}
	if err != nil {
		out.Flush()
		return &exitError{exitInput, fmt.Errorf("policy test: %w", err)}
	}
	fmt.Fprintf(out, "%d passed, %d failed", n.passed, n.failed)
	switch n.errors {
	case 0:
	case 1:
		fmt.Fprint(out, ", 1 error")
	default:
		fmt.Fprintf(out, ", %d errors", n.errors)
	}
	fmt.Fprintln(out)
	if err := out.Flush(); err != nil {
		return fmt.Errorf("policy test: %w", err)
	}
	if n.failed > 0 || n.errors > 0 {
		return &silentError{exitFailure}
	}
	return nil
}

// caseCounts counts the cases of a run.
type caseCounts struct{ passed, failed, errors int }

// runCases runs every case of in, printing failures and errors to out. It
// stops only when in cannot be read, with an error naming the line, and
// returns errNoCases when in has no case.
func runCases(in io.Reader, out io.Writer, r *caseRunner, name string) (caseCounts, error) {
	return runCaseLines(&lineReader{r: bufio.NewReaderSize(in, 64<<10), max: maxCaseLine}, out, r, name)
}

func runCaseLines(lines *lineReader, out io.Writer, r *caseRunner, name string) (caseCounts, error) {
	var n caseCounts
	for ln := 1; ; ln++ {
		line, err := lines.next()
		if err == io.EOF {
			if n == (caseCounts{}) {
				return n, errNoCases
			}
			return n, nil
		}
		if errors.Is(err, errLineTooLong) {
			n.errors++
			fmt.Fprintf(out, "ERROR %s:%d:1: %v\n", name, ln, err)
			continue
		}
		if err != nil {
			return n, fmt.Errorf("%s:%d: %w", name, ln, err)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if err := r.run(line); err != nil {
			n.errors++
			var probs caseProblems
			if !errors.As(err, &probs) {
				probs = lineProblems(line, 0, err)
			}
			for _, p := range probs {
				fmt.Fprintf(out, "ERROR %s:%d:%d: %s\n", name, ln, p.col, p.text)
			}
			continue
		}
		if r.res.Decision == r.tc.expected {
			n.passed++
			continue
		}
		n.failed++
		printFailure(out, name, ln, &r.tc, &r.res)
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
	if res.MissingAllow != 0 {
		fmt.Fprintf(w, "    missing an allow in the %s policy\n", res.MissingAllow)
	}
	if len(res.MissingContextKeys) > 0 {
		fmt.Fprintf(w, "    missing context keys: %s\n", strings.Join(res.MissingContextKeys, ", "))
	}
}
