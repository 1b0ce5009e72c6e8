package types

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors, one per category. Every error returned by [Parse],
// [Document.Validate] and [github.com/astran-oss/astran-go/policy.Compile]
// wraps one or more of them; test with [errors.Is].
var (
	// ErrSyntax reports malformed JSON (see [SyntaxError]).
	ErrSyntax = errors.New("invalid JSON")
	// ErrTooLarge reports a document over the size limit (see [SizeError]).
	ErrTooLarge = errors.New("document too large")
	// ErrTooDeep reports JSON nested deeper than any policy can be.
	ErrTooDeep = errors.New("document nested too deeply")
	// ErrUnknownField reports an element the grammar does not have.
	ErrUnknownField = errors.New("unknown field")
	// ErrDuplicateKey reports a JSON object key given twice.
	ErrDuplicateKey = errors.New("duplicate key")
	// ErrDuplicateSid reports two statements with the same Sid.
	ErrDuplicateSid = errors.New("duplicate statement ID")
	// ErrMissingField reports a required element that is absent.
	ErrMissingField = errors.New("missing required field")
	// ErrConflict reports elements that exclude each other, such as Action
	// and NotAction in one statement.
	ErrConflict = errors.New("conflicting fields")
	// ErrInvalidType reports a JSON value of the wrong type.
	ErrInvalidType = errors.New("wrong type")
	// ErrInvalidValue reports a value of the right type that is not allowed,
	// such as an unknown Version or Effect, or a malformed number, date or
	// CIDR in a condition.
	ErrInvalidValue = errors.New("invalid value")
	// ErrUnknownOperator reports an unknown condition operator.
	ErrUnknownOperator = errors.New("unknown condition operator")
)

// SyntaxError is a JSON syntax error. It wraps [ErrSyntax] (or [ErrTooDeep]
// for excessive nesting).
type SyntaxError struct {
	Offset int    // byte offset of the error in the input
	Line   int    // 1-based line
	Column int    // 1-based column, in characters
	Msg    string // description
	Err    error  // ErrSyntax or ErrTooDeep
}

// Error returns the message, with line and column.
func (e *SyntaxError) Error() string {
	return "policy: parsing document: line " + strconv.Itoa(e.Line) + ", column " + strconv.Itoa(e.Column) + ": " + e.Msg
}

// Unwrap returns the category sentinel.
func (e *SyntaxError) Unwrap() error { return e.Err }

// SizeError reports a document over the size limit. It wraps [ErrTooLarge].
type SizeError struct {
	Size  int // the size counted so far (at least Limit+1)
	Limit int // the limit in force
}

// Error returns the message.
func (e *SizeError) Error() string {
	return "policy: parsing document: " + strconv.Itoa(e.Size) + " characters exceeds the limit of " + strconv.Itoa(e.Limit)
}

// Unwrap returns [ErrTooLarge].
func (e *SizeError) Unwrap() error { return ErrTooLarge }

// ValidationError is one problem in a document, located by its JSON path
// such as `Statement[2].Condition.DateGreaterThan["aws:CurrentTime"]`.
type ValidationError struct {
	// Path locates the culprit; "" is the whole document.
	Path string
	// Line and Column locate the culprit in the parsed input (1-based); they
	// are 0 for errors found by [Document.Validate] on a built value.
	Line, Column int
	// Msg describes the problem.
	Msg string
	// Err is the category: one of the Err* sentinels.
	Err error
}

// Error returns the message: path, category, detail and position.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("policy: ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	if e.Msg != "" {
		b.WriteString(": ")
		b.WriteString(e.Msg)
	}
	if e.Line > 0 {
		b.WriteString(" (line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(", column ")
		b.WriteString(strconv.Itoa(e.Column))
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the category sentinel.
func (e *ValidationError) Unwrap() error { return e.Err }

// ErrorList is every problem found in one document, in document order. It
// is returned as an error only when non-empty. It works with [errors.Is] and
// [errors.As] through Unwrap, like the result of [errors.Join].
type ErrorList []*ValidationError

// Error returns every problem, one per line.
func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "policy: no errors"
	case 1:
		return l[0].Error()
	}
	var b strings.Builder
	b.WriteString("policy: ")
	b.WriteString(strconv.Itoa(len(l)))
	b.WriteString(" problems in document")
	for _, e := range l {
		b.WriteString("\n\t")
		b.WriteString(strings.TrimPrefix(e.Error(), "policy: "))
	}
	return b.String()
}

// Unwrap returns the problems.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// CompileError reports an invalid policy given to
// [github.com/astran-oss/astran-go/policy.Compile].
type CompileError struct {
	Index    int    // index of the policy in the slice given to Compile
	PolicyID string // its ID
	Err      error  // the problem: an ErrorList, or ErrMissingField for a nil document
}

// Error returns the message, naming the policy.
func (e *CompileError) Error() string {
	return "policy: compiling policy " + strconv.Itoa(e.Index) + " (" + strconv.Quote(e.PolicyID) + "): " + strings.TrimPrefix(e.Err.Error(), "policy: ")
}

// Unwrap returns the underlying problem.
func (e *CompileError) Unwrap() error { return e.Err }
