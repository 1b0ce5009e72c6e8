// Package tmpl parses the policy strings that may hold policy variables
// (IAM User Guide: "IAM policy elements: Variables and tags"): ${key},
// ${key, 'default'} and the escapes ${*}, ${?} and ${$}. Resolving the
// variables against a request's context stays in package policy.
package tmpl

import (
	"strings"

	"github.com/astran-oss/astran-go/internal/glob"
)

// Kind is the kind of a [Part].
type Kind uint8

const (
	Lit Kind = iota // literal policy text (wildcards stay wildcards)
	Esc             // ${*}, ${?} or ${$}: one literal character
	Var             // ${key} or ${key, 'default'}
)

// Part is one part of a [Template].
type Part struct {
	Kind   Kind
	Text   string // Lit: the text; Esc: the character; Var: the key
	Def    string // Var: the default value
	HasDef bool   // Var: the variable has a default
}

// Template is a policy string that may contain variables.
type Template struct {
	Parts []Part
}

// Parse splits s into parts. With variables disabled (legacy
// versions), s is one literal part. Malformed ${...} sequences are literal.
func Parse(s string, vars bool) (Template, bool) {
	if !vars || !strings.Contains(s, "${") {
		return Template{Parts: []Part{{Kind: Lit, Text: s}}}, false
	}
	var t Template
	hasVar := false
	lit := 0
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '$' || s[i+1] != '{' {
			continue
		}
		j := strings.IndexByte(s[i+2:], '}')
		if j < 0 {
			break
		}
		inner := s[i+2 : i+2+j]
		p, ok := parseVar(inner)
		if !ok {
			continue
		}
		if lit < i {
			t.Parts = append(t.Parts, Part{Kind: Lit, Text: s[lit:i]})
		}
		t.Parts = append(t.Parts, p)
		if p.Kind == Var {
			hasVar = true
		}
		i += 2 + j
		lit = i + 1
	}
	if lit < len(s) || len(t.Parts) == 0 {
		t.Parts = append(t.Parts, Part{Kind: Lit, Text: s[lit:]})
	}
	return t, hasVar
}

func parseVar(inner string) (Part, bool) {
	switch inner {
	case "*", "?", "$":
		return Part{Kind: Esc, Text: inner}, true
	}
	key, def, hasDef := strings.Cut(inner, ",")
	key = strings.TrimSpace(key)
	if !validVarKey(key) {
		return Part{}, false
	}
	if hasDef {
		def = strings.TrimSpace(def)
		if len(def) < 2 || def[0] != '\'' || def[len(def)-1] != '\'' {
			return Part{}, false
		}
		def = def[1 : len(def)-1]
	}
	return Part{Kind: Var, Text: key, Def: def, HasDef: hasDef}, true
}

func validVarKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c <= ' ' || c == '$' || c == '{' || c == '}' || c == '\'' || c == ',' || c == '*' || c == '?' {
			return false
		}
	}
	return true
}

// Head returns the literal text the template starts with: the text of a
// leading literal part before its first wildcard or NUL. The template's
// glob starts with it.
func (t *Template) Head() string {
	if len(t.Parts) == 0 || t.Parts[0].Kind != Lit {
		return ""
	}
	s := t.Parts[0].Text
	if i := strings.IndexAny(s, "*?\x00"); i >= 0 {
		return s[:i]
	}
	return s
}

// AppendLitGlob appends literal policy text as glob Text: '*' and '?' stay
// wildcards; only the escape byte itself is escaped.
func AppendLitGlob(dst []byte, s string) []byte {
	if strings.IndexByte(s, glob.Esc) < 0 {
		return append(dst, s...)
	}
	for i := 0; i < len(s); i++ {
		if s[i] == glob.Esc {
			dst = append(dst, glob.Esc)
		}
		dst = append(dst, s[i])
	}
	return dst
}
