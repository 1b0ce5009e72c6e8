// Package jsonpath builds the JSON paths that package policy's errors name,
// such as Statement[2].Condition.DateGreaterThan["aws:CurrentTime"]
// (jsontree's Node.Locate reads them back).
package jsonpath

import (
	"strconv"
	"strings"
)

// Path is a lazily formatted JSON path such as
// `Statement[2].Condition.DateGreaterThan["aws:CurrentTime"]`. Paths are
// built on the stack while decoding and only formatted for errors.
type Path struct {
	parent *Path
	kind   kind
	key    string
	index  int
}

type kind uint8

const (
	pathRoot  kind = iota
	pathField      // .Key, or ["key"] if the key is not identifier-like
	pathQuote      // ["key"]
	pathIndex      // [i]
)

// Field, Quoted and At return the path of a member or element of p.
func (p *Path) Field(key string) Path  { return Path{parent: p, kind: pathField, key: key} }
func (p *Path) Quoted(key string) Path { return Path{parent: p, kind: pathQuote, key: key} }
func (p *Path) At(i int) Path          { return Path{parent: p, kind: pathIndex, index: i} }

// Elem is the path of element i of a list of n values: a single value may
// have been written as a plain string, so it gets no index.
func (p *Path) Elem(i, n int) Path {
	if n == 1 {
		return *p
	}
	return p.At(i)
}

// String formats the path.
func (p *Path) String() string {
	if p == nil {
		return ""
	}
	var b strings.Builder
	p.write(&b)
	return b.String()
}

func (p *Path) write(b *strings.Builder) {
	if p.parent != nil {
		p.parent.write(b)
	}
	switch p.kind {
	case pathField:
		if isIdent(p.key) {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(p.key)
			return
		}
		fallthrough
	case pathQuote:
		b.WriteByte('[')
		b.WriteString(strconv.Quote(p.key))
		b.WriteByte(']')
	case pathIndex:
		b.WriteByte('[')
		b.WriteString(strconv.Itoa(p.index))
		b.WriteByte(']')
	}
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == ':' || c == '-') {
			return false
		}
	}
	return true
}

// statementPath is the path of the Statement element.
var statementPath = Path{kind: pathField, key: "Statement"}

// Statement is the path of statement i.
func Statement(i int) Path { return Path{parent: &statementPath, kind: pathIndex, index: i} }

// Top is the path of a top-level element.
func Top(key string) Path { return Path{kind: pathField, key: key} }
