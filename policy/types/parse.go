package types

import (
	"errors"

	"github.com/astran-oss/astran-go/policy/internal/jsontree"
)

// maxDepth bounds JSON nesting. A valid policy nests at most 6 levels; the
// slack lets the parser report a wrong type rather than a depth error for
// slightly wrong documents, while hostile input cannot exhaust the stack.
const maxDepth = 32

// Parse parses and validates a JSON policy document: it is the
// implementation of [github.com/astran-oss/astran-go/policy.Parse], which
// documents the grammar, the options and the errors.
//
// A document is first read by the fast path, straight from the JSON tokens;
// anything that path does not accept (an invalid document, or a shape it
// does not handle) is read again by the full path, which reports every
// problem with its path, line and column.
func Parse(data []byte, opts ...func(*ParseOptions)) (*Document, error) {
	o := parseOptions(opts)
	if o.MaxSize > 0 && len(data) > o.MaxSize { // a character is at least one byte
		if n, over := jsontree.CountSize(data, o.MaxSize); over {
			return nil, &SizeError{Size: n, Limit: o.MaxSize}
		}
	}
	if len(data) <= jsontree.MaxInput {
		if doc, ok := parseFast(data, o.Dialect); ok {
			return doc, nil
		}
	}
	return parseSlow(data, o.Dialect)
}

func parseOptions(opts []func(*ParseOptions)) ParseOptions {
	if len(opts) == 0 { // spares the heap allocation of o, which escapes to fn
		return ParseOptions{MaxSize: DefaultMaxSize}
	}
	var o ParseOptions
	for _, fn := range opts {
		if fn != nil {
			fn(&o)
		}
	}
	if o.MaxSize == 0 {
		o.MaxSize = DefaultMaxSize
	}
	return o
}

// syntaxError turns an error of jsontree.Parse into a *SyntaxError.
func syntaxError(data []byte, err error) *SyntaxError {
	var se *jsontree.SyntaxError
	if !errors.As(err, &se) {
		return &SyntaxError{Msg: err.Error(), Err: ErrSyntax, Line: 1, Column: 1}
	}
	line, col := jsontree.LineCol(data, se.Off)
	cat := ErrSyntax
	if se.Msg == jsontree.ErrDepth {
		cat = ErrTooDeep
	}
	return &SyntaxError{Offset: se.Off, Line: line, Column: col, Msg: se.Msg, Err: cat}
}
