package policy

import (
	"strconv"
	"strings"
)

// path is a lazily formatted JSON path such as
// `Statement[2].Condition.DateGreaterThan["aws:CurrentTime"]`. Paths are
// built on the stack while decoding and only formatted for errors.
type path struct {
	parent *path
	kind   pathKind
	key    string
	index  int
}

type pathKind uint8

const (
	pathRoot  pathKind = iota
	pathField          // .Key, or ["key"] if the key is not identifier-like
	pathQuote          // ["key"]
	pathIndex          // [i]
)

func (p *path) field(key string) path  { return path{parent: p, kind: pathField, key: key} }
func (p *path) quoted(key string) path { return path{parent: p, kind: pathQuote, key: key} }
func (p *path) at(i int) path          { return path{parent: p, kind: pathIndex, index: i} }

// elem is the path of element i of a list of n values: a single value may
// have been written as a plain string, so it gets no index.
func (p *path) elem(i, n int) path {
	if n == 1 {
		return *p
	}
	return p.at(i)
}

// String formats the path.
func (p *path) String() string {
	if p == nil {
		return ""
	}
	var b strings.Builder
	p.write(&b)
	return b.String()
}

func (p *path) write(b *strings.Builder) {
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
var statementPath = path{kind: pathField, key: "Statement"}

// stmtPath is the path of statement i.
func stmtPath(i int) path { return path{parent: &statementPath, kind: pathIndex, index: i} }

// topPath is the path of a top-level element.
func topPath(key string) path { return path{kind: pathField, key: key} }
