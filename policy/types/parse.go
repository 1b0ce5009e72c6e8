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

// Field bits name the elements of a document and of a statement. The
// decoders use them for the elements whose decoding failed, so that the
// validator does not report them again as missing, and the fast path for
// the elements already read.
const (
	fEffect = 1 << iota
	fPrincipal
	fNotPrincipal
	fAction
	fNotAction
	fResource
	fNotResource
	fCondition
	fStatement
	fVersion
	fSid
)

// element returns the field bit of the statement element named key (0 for
// an unknown element) and, for a list or a principal element, where its
// value goes in st.
func (st *Statement) element(key string) (bit int, list *[]string, pr **Principal) {
	switch key {
	case "Sid":
		return fSid, nil, nil
	case "Effect":
		return fEffect, nil, nil
	case "Principal":
		return fPrincipal, nil, &st.Principal
	case "NotPrincipal":
		return fNotPrincipal, nil, &st.NotPrincipal
	case "Action":
		return fAction, &st.Action, nil
	case "NotAction":
		return fNotAction, &st.NotAction, nil
	case "Resource":
		return fResource, &st.Resource, nil
	case "NotResource":
		return fNotResource, &st.NotResource, nil
	case "Condition":
		return fCondition, nil, nil
	}
	return 0, nil, nil
}

// list returns the list of pr named key ("AWS", "Federated" or "Service"),
// or nil for an unknown key.
func (pr *Principal) list(key string) *[]string {
	switch key {
	case "AWS":
		return &pr.AWS
	case "Federated":
		return &pr.Federated
	case "Service":
		return &pr.Service
	}
	return nil
}
