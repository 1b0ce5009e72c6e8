package lint

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/astran-oss/astran-go/policy"
)

// Severity grades a finding, as IAM Access Analyzer grades its policy
// checks. Greater is graver.
type Severity uint8

// The severities, from the mildest.
const (
	Suggestion Severity = iota + 1
	Warning
	SecurityWarning
	Error
)

var severityNames = [...]string{Suggestion: "suggestion", Warning: "warning", SecurityWarning: "security", Error: "error"}

// String returns "suggestion", "warning", "security" or "error".
func (s Severity) String() string {
	if s >= Suggestion && s <= Error {
		return severityNames[s]
	}
	return "Severity(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText returns the String form.
func (s Severity) MarshalText() ([]byte, error) {
	if s < Suggestion || s > Error {
		return nil, fmt.Errorf("lint: invalid severity %d", s)
	}
	return []byte(s.String()), nil
}

// UnmarshalText parses the String form (see [ParseSeverity]).
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ErrInvalidSeverity is returned by [ParseSeverity] for unknown names.
var ErrInvalidSeverity = errors.New("lint: invalid severity")

// ParseSeverity parses "error", "security", "warning" or "suggestion".
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if n != "" && n == s {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("%w %q (want error, security, warning or suggestion)", ErrInvalidSeverity, s)
}

// PolicyType is the kind of a policy document, which decides some checks.
type PolicyType string

// The policy types.
const (
	// Identity policies are attached to users, groups and roles; they have
	// no Principal.
	Identity PolicyType = "identity"
	// Resource policies are attached to resources and name principals.
	Resource PolicyType = "resource"
	// Trust policies are the assume-role policies of roles: they name
	// principals and allow sts:AssumeRole* actions, without Resource.
	Trust PolicyType = "trust"
)

// ErrInvalidType is returned by [ParsePolicyType] for unknown names.
var ErrInvalidType = errors.New("lint: invalid policy type")

// ParsePolicyType parses "identity", "resource" or "trust". Permissions
// boundaries and session policies ("boundary", "session") follow the rules
// of identity policies, so they parse as [Identity].
func ParsePolicyType(s string) (PolicyType, error) {
	switch t := PolicyType(s); t {
	case Identity, Resource, Trust:
		return t, nil
	case "boundary", "session":
		return Identity, nil
	}
	return "", fmt.Errorf("%w %q (want identity, resource, trust, boundary or session)", ErrInvalidType, s)
}

// Fix is a correction that is certain: replace Old with New in the
// element at the finding's path.
type Fix struct {
	Old string `json:"old"`
	New string `json:"new"`
}

// Finding is one problem in a policy document.
type Finding struct {
	// Code is the check's stable code, such as "UNKNOWN_ACTION".
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	// Message describes this occurrence.
	Message string `json:"message"`
	// Path is the JSON path of the offending element, such as
	// `Statement[1].Action[0]`; "" is the whole document.
	Path string `json:"path"`
	// Line and Column locate the element (1-based) when the document was
	// checked from its JSON ([CheckJSON]); 0 otherwise.
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
	// Statement is the index of the statement, or -1 for the document.
	Statement int `json:"statement"`
	// Sid is the statement's Sid, if any.
	Sid string `json:"sid,omitempty"`
	// Fix is the correction when it is certain; nil otherwise.
	Fix *Fix `json:"fix,omitempty"`
}

// String formats the finding on one line: "4:17: error UNKNOWN_ACTION
// Statement[0].Action[1]: message".
func (f Finding) String() string {
	s := ""
	if f.Line > 0 {
		s = strconv.Itoa(f.Line) + ":" + strconv.Itoa(f.Column) + ": "
	}
	s += f.Severity.String() + " " + f.Code
	if f.Path != "" {
		s += " " + f.Path
	}
	s += ": " + f.Message
	if f.Fix != nil {
		s += " (fix: " + strconv.Quote(f.Fix.Old) + " → " + strconv.Quote(f.Fix.New) + ")"
	}
	return s
}

// Options configures [Check] and [CheckJSON].
type Options struct {
	// Type is the policy type; "" infers it with [InferType].
	Type PolicyType
	// Dialect is the policy dialect; the zero value is Astran's
	// (case-sensitive action names).
	Dialect policy.Dialect
	// MaxSize is passed to [policy.Parse] by [CheckJSON]; zero means
	// [policy.DefaultMaxSize], negative no limit.
	MaxSize int
	// Ignore silences checks: for the whole document, or for the
	// statements with a given Sid.
	Ignore []Ignore
}

// Ignore silences the check Code; for the statement whose Sid is Sid, or
// for the whole document if Sid is "".
type Ignore struct {
	Code string
	Sid  string
}

// InferType infers the type of a document: a document without Principal
// or NotPrincipal is an identity policy; one whose statements only allow
// role assumption (sts:AssumeRole*, sts:TagSession, sts:SetSourceIdentity)
// and have no Resource is a trust policy; others are resource policies.
func InferType(doc *policy.Document) PolicyType {
	if doc == nil {
		return Identity
	}
	principals, trust := false, true
	for i := range doc.Statements {
		st := &doc.Statements[i]
		if st.Principal != nil || st.NotPrincipal != nil {
			principals = true
		}
		if st.Resource != nil || st.NotResource != nil || st.NotAction != nil {
			trust = false
		}
		for _, a := range st.Action {
			if !isTrustAction(a) {
				trust = false
			}
		}
	}
	switch {
	case !principals:
		return Identity
	case trust:
		return Trust
	}
	return Resource
}

// Check checks a document and returns its findings, ordered by statement
// and path; nil if there is none. The document's grammar is checked first
// (as [policy.Document.Validate] does, reported as INVALID_POLICY). Check
// never panics, whatever the document; findings have no line and column
// (see [CheckJSON]).
func Check(doc *policy.Document, optFns ...func(*Options)) []Finding {
	o := options(optFns)
	if doc == nil {
		return filter(&o, nil, []Finding{{Code: codeInvalidPolicy, Severity: Error, Message: "no document", Statement: -1}})
	}
	var fs []Finding
	if err := doc.Validate(func(po *policy.ParseOptions) { po.Dialect = o.Dialect }); err != nil {
		fs = grammarFindings(err)
	}
	fs = append(fs, run(doc, &o)...)
	return filter(&o, doc, fs)
}

// CheckJSON parses a JSON document and checks it as [Check] does, adding
// the line and column of every finding, and ordering them by position. A document that does not parse
// gives only INVALID_POLICY findings, one per problem [policy.Parse]
// reports.
func CheckJSON(data []byte, optFns ...func(*Options)) []Finding {
	o := options(optFns)
	doc, err := policy.Parse(data, func(po *policy.ParseOptions) { po.Dialect, po.MaxSize = o.Dialect, o.MaxSize })
	if err != nil {
		fs := grammarFindings(err)
		sortByPosition(fs)
		return fs
	}
	fs := filter(&o, doc, run(doc, &o))
	if len(fs) == 0 {
		return nil
	}
	loc, err := policy.NewLocator(data)
	if err != nil { // cannot happen: data parsed
		return fs
	}
	for i := range fs {
		fs[i].Line, fs[i].Column = loc.Locate(fs[i].Path)
	}
	sortByPosition(fs)
	return fs
}

func sortByPosition(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column), cmp.Compare(a.Code, b.Code))
	})
}

func options(optFns []func(*Options)) Options {
	var o Options
	for _, fn := range optFns {
		if fn != nil {
			fn(&o)
		}
	}
	return o
}

// grammarFindings turns the errors of policy.Parse or Validate into
// INVALID_POLICY findings.
func grammarFindings(err error) []Finding {
	var (
		list policy.ErrorList
		se   *policy.SyntaxError
		ve   *policy.ValidationError
	)
	switch {
	case errors.As(err, &list):
		fs := make([]Finding, 0, len(list))
		for _, e := range list {
			fs = append(fs, grammarFinding(e))
		}
		return fs
	case errors.As(err, &se):
		return []Finding{{Code: codeInvalidPolicy, Severity: Error, Message: se.Msg, Line: se.Line, Column: se.Column, Statement: -1}}
	case errors.As(err, &ve):
		return []Finding{grammarFinding(ve)}
	}
	return []Finding{{Code: codeInvalidPolicy, Severity: Error, Message: err.Error(), Statement: -1}}
}

func grammarFinding(e *policy.ValidationError) Finding {
	msg := e.Err.Error()
	if e.Msg != "" {
		msg += ": " + e.Msg
	}
	return Finding{Code: codeInvalidPolicy, Severity: Error, Message: msg, Path: e.Path, Line: e.Line, Column: e.Column,
		Statement: statementOf(e.Path)}
}

// statementOf returns the statement index a path starts with, or -1.
func statementOf(path string) int {
	const p = "Statement["
	if len(path) <= len(p) || path[:len(p)] != p {
		return -1
	}
	n := 0
	for i := len(p); i < len(path) && path[i] != ']'; i++ {
		if path[i] < '0' || path[i] > '9' {
			return -1
		}
		n = n*10 + int(path[i]-'0')
		if n > 1<<20 {
			return -1
		}
	}
	return n
}

// filter drops the silenced findings, fills in Sids and sorts.
func filter(o *Options, doc *policy.Document, fs []Finding) []Finding {
	out := fs[:0]
	for _, f := range fs {
		if doc != nil && f.Statement >= 0 && f.Statement < len(doc.Statements) {
			f.Sid = doc.Statements[f.Statement].Sid
		}
		if !ignored(o.Ignore, &f) {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Statement, b.Statement), comparePaths(a.Path, b.Path), cmp.Compare(a.Code, b.Code))
	})
	return out
}

func ignored(ig []Ignore, f *Finding) bool {
	for _, i := range ig {
		if i.Code == f.Code && (i.Sid == "" || (f.Statement >= 0 && i.Sid == f.Sid)) {
			return true
		}
	}
	return false
}

// comparePaths orders paths with their indexes compared as numbers.
func comparePaths(a, b string) int {
	for a != "" && b != "" {
		if isDigit(a[0]) && isDigit(b[0]) {
			i, j := digits(a), digits(b)
			if c := cmp.Compare(i, j); c != 0 {
				return c
			}
			c := cmp.Compare(a[:i], b[:j])
			if c != 0 {
				return c
			}
			a, b = a[i:], b[j:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func digits(s string) int {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}
