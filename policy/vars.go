package policy

import (
	"strings"

	"github.com/astran-oss/astran-go/internal/glob"
)

// Policy variables (IAM User Guide: "IAM policy elements: Variables and
// tags"): ${key}, ${key, 'default'}, and the escapes ${*}, ${?} and ${$}.

type partKind uint8

const (
	partLit partKind = iota // literal policy text (wildcards stay wildcards)
	partEsc                 // ${*}, ${?} or ${$}: one literal character
	partVar                 // ${key} or ${key, 'default'}
)

type vpart struct {
	kind   partKind
	text   string // partLit: the text; partEsc: the character; partVar: the key
	def    string // partVar: the default value
	hasDef bool
}

// template is a policy string that may contain variables.
type template struct {
	parts []vpart
}

// parseTemplate splits s into parts. With variables disabled (legacy
// versions), s is one literal part. Malformed ${...} sequences are literal.
func parseTemplate(s string, vars bool) (template, bool) {
	if !vars || !strings.Contains(s, "${") {
		return template{parts: []vpart{{kind: partLit, text: s}}}, false
	}
	var t template
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
			t.parts = append(t.parts, vpart{kind: partLit, text: s[lit:i]})
		}
		t.parts = append(t.parts, p)
		if p.kind == partVar {
			hasVar = true
		}
		i += 2 + j
		lit = i + 1
	}
	if lit < len(s) || len(t.parts) == 0 {
		t.parts = append(t.parts, vpart{kind: partLit, text: s[lit:]})
	}
	return t, hasVar
}

func parseVar(inner string) (vpart, bool) {
	switch inner {
	case "*", "?", "$":
		return vpart{kind: partEsc, text: inner}, true
	}
	key, def, hasDef := strings.Cut(inner, ",")
	key = strings.TrimSpace(key)
	if !validVarKey(key) {
		return vpart{}, false
	}
	if hasDef {
		def = strings.TrimSpace(def)
		if len(def) < 2 || def[0] != '\'' || def[len(def)-1] != '\'' {
			return vpart{}, false
		}
		def = def[1 : len(def)-1]
	}
	return vpart{kind: partVar, text: key, def: def, hasDef: hasDef}, true
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

// head returns the literal text the template starts with: the text of a
// leading literal part before its first wildcard or NUL. The template's
// glob (see appendGlob) starts with it.
func (t *template) head() string {
	if len(t.parts) == 0 || t.parts[0].kind != partLit {
		return ""
	}
	s := t.parts[0].text
	if i := strings.IndexAny(s, "*?\x00"); i >= 0 {
		return s[:i]
	}
	return s
}

// appendGlob appends the template as a glob pattern: literal text keeps its
// wildcards, escapes and variable values match literally. It returns false
// if a variable has no single value and no default.
func (t *template) appendGlob(dst []byte, ctx *Context) ([]byte, bool) {
	return appendGlobParts(dst, t.parts, 0, ctx)
}

// appendGlobParts appends parts as a glob pattern (see appendGlob),
// without the first skip bytes of the first part, which must be literal.
func appendGlobParts(dst []byte, parts []vpart, skip int, ctx *Context) ([]byte, bool) {
	for i := range parts {
		p := &parts[i]
		switch p.kind {
		case partLit:
			if i == 0 {
				dst = appendLitGlob(dst, p.text[skip:])
				continue
			}
			dst = appendLitGlob(dst, p.text)
		case partEsc:
			dst = glob.AppendEscaped(dst, p.text)
		case partVar:
			v, ok := resolveVar(p, ctx)
			if !ok {
				return dst, false
			}
			dst = glob.AppendEscaped(dst, v)
		}
	}
	return dst, true
}

// appendPlain appends the template as plain text.
func (t *template) appendPlain(dst []byte, ctx *Context) ([]byte, bool) {
	for i := range t.parts {
		p := &t.parts[i]
		switch p.kind {
		case partLit, partEsc:
			dst = append(dst, p.text...)
		case partVar:
			v, ok := resolveVar(p, ctx)
			if !ok {
				return dst, false
			}
			dst = append(dst, v...)
		}
	}
	return dst, true
}

// resolveVar returns a variable's value: the key's only value, else the
// default. Multivalued keys (and present keys with no value) cannot be
// variables.
func resolveVar(p *vpart, ctx *Context) (string, bool) {
	if ctx != nil {
		if vals, ok := ctx.Get(p.text); ok && len(vals) == 1 {
			return vals[0], true
		}
	}
	if p.hasDef {
		return p.def, true
	}
	return "", false
}

// appendLitGlob appends literal policy text as glob text: '*' and '?' stay
// wildcards; only the escape byte itself is escaped.
func appendLitGlob(dst []byte, s string) []byte {
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
