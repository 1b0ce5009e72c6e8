package eval

import (
	"github.com/astran-oss/astran-go/policy/types"

	"github.com/astran-oss/astran-go/internal/glob"
	"github.com/astran-oss/astran-go/policy/internal/tmpl"
)

// Policy variables are parsed by package tmpl; they are resolved here,
// against a request's Context.

// appendGlob appends the template t as a glob pattern: literal text keeps
// its wildcards, escapes and variable values match literally. It returns
// false if a variable has no single value and no default.
func appendGlob(dst []byte, t *tmpl.Template, ctx *types.Context) ([]byte, bool) {
	return appendGlobParts(dst, t.Parts, 0, ctx)
}

// appendGlobParts appends parts as a glob pattern (see appendGlob),
// without the first skip bytes of the first part, which must be literal.
func appendGlobParts(dst []byte, parts []tmpl.Part, skip int, ctx *types.Context) ([]byte, bool) {
	for i := range parts {
		p := &parts[i]
		switch p.Kind {
		case tmpl.Lit:
			if i == 0 {
				dst = tmpl.AppendLitGlob(dst, p.Text[skip:])
				continue
			}
			dst = tmpl.AppendLitGlob(dst, p.Text)
		case tmpl.Esc:
			dst = glob.AppendEscaped(dst, p.Text)
		case tmpl.Var:
			v, ok := resolveVar(p, ctx)
			if !ok {
				return dst, false
			}
			dst = glob.AppendEscaped(dst, v)
		}
	}
	return dst, true
}

// appendPlain appends the template t as plain text.
func appendPlain(dst []byte, t *tmpl.Template, ctx *types.Context) ([]byte, bool) {
	for i := range t.Parts {
		p := &t.Parts[i]
		switch p.Kind {
		case tmpl.Lit, tmpl.Esc:
			dst = append(dst, p.Text...)
		case tmpl.Var:
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
func resolveVar(p *tmpl.Part, ctx *types.Context) (string, bool) {
	if ctx != nil {
		if vals, ok := ctx.Get(p.Text); ok && len(vals) == 1 {
			return vals[0], true
		}
	}
	if p.HasDef {
		return p.Def, true
	}
	return "", false
}
