package types

import (
	"slices"
	"strconv"
	"strings"

	"github.com/astran-oss/astran-go/policy/internal/cond"
	"github.com/astran-oss/astran-go/policy/internal/jsonpath"
)

// Validate checks a document built in Go with the same rules as [Parse]
// (except JSON-level checks such as duplicate keys and the size limit). It
// returns nil or an [ErrorList].
func (d *Document) Validate(opts ...func(*ParseOptions)) error {
	o := parseOptions(opts)
	v := validator{dialect: o.Dialect}
	if d == nil {
		v.add(nil, ErrMissingField, "nil document")
		return v.errs
	}
	for i := range d.Statements {
		v.statement(&d.Statements[i], i, 0)
	}
	v.document(d, 0)
	if len(v.errs) > 0 {
		return v.errs
	}
	return nil
}

type validator struct {
	dialect Dialect
	errs    ErrorList
}

func (v *validator) add(p *jsonpath.Path, cat error, msg string) {
	v.errs = append(v.errs, &ValidationError{Path: p.String(), Msg: msg, Err: cat})
}

func (v *validator) document(d *Document, mask int) {
	vp := jsonpath.Top("Version")
	switch {
	case mask&fVersion != 0:
	case d.Version == Version2012:
	case v.dialect == AWS && (d.Version == Version2008 || d.Version == ""):
	case d.Version == "":
		v.add(&vp, ErrMissingField, `the Astran dialect requires "Version": "2012-10-17"`)
	default:
		want := `"2012-10-17"`
		if v.dialect == AWS {
			want = `"2012-10-17" or "2008-10-17"`
		}
		v.add(&vp, ErrInvalidValue, strconv.Quote(d.Version)+" is not "+want)
	}
	if mask&fStatement == 0 && len(d.Statements) == 0 {
		sp := jsonpath.Top("Statement")
		v.add(&sp, ErrMissingField, "at least one statement is required")
	}
	// Duplicate Sids: a quadratic scan for small documents, a map beyond.
	if len(d.Statements) > 1 {
		v.sids(d.Statements)
	}
}

func (v *validator) sids(sts []Statement) {
	dup := func(i, j int) {
		sp := jsonpath.Statement(i)
		fp := sp.Field("Sid")
		other := jsonpath.Statement(j)
		v.add(&fp, ErrDuplicateSid, strconv.Quote(sts[i].Sid)+" already used by "+other.String())
	}
	if len(sts) <= 32 {
		for i := 1; i < len(sts); i++ {
			if sts[i].Sid == "" {
				continue
			}
			for j := 0; j < i; j++ {
				if sts[j].Sid == sts[i].Sid {
					dup(i, j)
					break
				}
			}
		}
		return
	}
	seen := make(map[string]int, len(sts))
	for i := range sts {
		sid := sts[i].Sid
		if sid == "" {
			continue
		}
		if j, ok := seen[sid]; ok {
			dup(i, j)
			continue
		}
		seen[sid] = i
	}
}

func (v *validator) statement(st *Statement, idx int, mask int) {
	sp := jsonpath.Statement(idx)
	switch {
	case mask&fEffect != 0:
	case st.Effect == "":
		fp := sp.Field("Effect")
		v.add(&fp, ErrMissingField, "")
	case st.Effect != EffectAllow && st.Effect != EffectDeny:
		fp := sp.Field("Effect")
		v.add(&fp, ErrInvalidValue, strconv.Quote(string(st.Effect))+` is not "Allow" or "Deny"`)
	}
	// Principal / NotPrincipal.
	if st.Principal != nil && st.NotPrincipal != nil {
		fp := sp.Field("NotPrincipal")
		v.add(&fp, ErrConflict, "Principal and NotPrincipal are mutually exclusive")
	}
	if st.Principal != nil && mask&fPrincipal == 0 {
		fp := sp.Field("Principal")
		v.principal(st.Principal, &fp)
	}
	if st.NotPrincipal != nil && mask&fNotPrincipal == 0 {
		fp := sp.Field("NotPrincipal")
		v.principal(st.NotPrincipal, &fp)
	}
	// Action / NotAction and Resource / NotResource: at most one of each
	// pair; Action or NotAction always, Resource or NotResource unless the
	// statement names principals (as a trust policy does).
	principals := st.Principal != nil || st.NotPrincipal != nil || mask&(fPrincipal|fNotPrincipal) != 0
	for _, e := range [...]struct {
		name, not   string
		l, notL     []string
		bit, notBit int
		required    bool
		missing     string
		check       func(string) string
	}{
		{"Action", "NotAction", st.Action, st.NotAction, fAction, fNotAction, true,
			"a statement needs Action or NotAction", checkAction},
		{"Resource", "NotResource", st.Resource, st.NotResource, fResource, fNotResource, !principals,
			"a statement without Principal needs Resource or NotResource", checkResource},
	} {
		has, hasNot := e.l != nil || mask&e.bit != 0, e.notL != nil || mask&e.notBit != 0
		switch {
		case has && hasNot:
			fp := sp.Field(e.not)
			v.add(&fp, ErrConflict, e.name+" and "+e.not+" are mutually exclusive")
		case !has && !hasNot && e.required:
			fp := sp.Field(e.name)
			v.add(&fp, ErrMissingField, e.missing)
		}
		if mask&e.bit == 0 {
			v.list(e.l, &sp, e.name, e.check)
		}
		if mask&e.notBit == 0 {
			v.list(e.notL, &sp, e.not, e.check)
		}
	}
	if mask&fCondition == 0 && st.Condition != nil {
		fp := sp.Field("Condition")
		v.condition(st.Condition, &fp)
	}
}

func (v *validator) principal(pr *Principal, p *jsonpath.Path) {
	if pr.Wildcard {
		if len(pr.AWS)+len(pr.Federated)+len(pr.Service) > 0 {
			v.add(p, ErrConflict, `"*" excludes other principals`)
		}
		return
	}
	if pr.AWS == nil && pr.Federated == nil && pr.Service == nil {
		v.add(p, ErrMissingField, "empty principal")
		return
	}
	v.list(pr.AWS, p, "AWS", checkPrincipal)
	v.list(pr.Federated, p, "Federated", checkPrincipal)
	v.list(pr.Service, p, "Service", checkPrincipal)
}

// list checks a list element (absent if nil) of the object at p: it must
// not be empty, and check must accept every item; check returns what is
// wrong with an item, or "".
func (v *validator) list(l []string, p *jsonpath.Path, field string, check func(string) string) {
	if l == nil {
		return
	}
	fp := p.Field(field)
	if len(l) == 0 {
		v.add(&fp, ErrInvalidValue, "empty list")
	}
	for i, s := range l {
		if msg := check(s); msg != "" {
			ep := fp.Elem(i, len(l))
			v.add(&ep, ErrInvalidValue, msg)
		}
	}
}

func checkPrincipal(s string) string {
	if s == "" || strings.TrimSpace(s) != s {
		return "empty or space-padded principal"
	}
	return ""
}

func checkAction(a string) string {
	if a == "*" {
		return ""
	}
	svc, name, ok := strings.Cut(a, ":")
	if !ok || svc == "" || name == "" || strings.ContainsAny(a, " \t\r\n") {
		return strconv.Quote(a) + ` is not "*" or "service:action"`
	}
	return ""
}

func checkResource(r string) string {
	if r == "*" || strings.HasPrefix(r, "arn:") {
		return ""
	}
	return strconv.Quote(r) + ` is not "*" or an ARN`
}

// condition checks a condition block. Maps have no order, so the problems
// of one block are reported sorted by path.
func (v *validator) condition(c Condition, p *jsonpath.Path) {
	start := len(v.errs)
	for opName, keys := range c {
		opPath := p.Field(opName)
		op, ok := cond.ParseOperator(opName)
		if !ok {
			v.add(&opPath, ErrUnknownOperator, strconv.Quote(opName))
			continue
		}
		for key, vals := range keys {
			if key == "" {
				kp := opPath.Quoted(key)
				v.add(&kp, ErrInvalidValue, "empty condition key")
			}
			if len(vals) == 0 {
				kp := opPath.Quoted(key)
				v.add(&kp, ErrInvalidValue, "no values")
			}
			for i, s := range vals {
				if !cond.Valid(op.Cmp, s) {
					kp := opPath.Quoted(key)
					ep := kp.Elem(i, len(vals))
					v.add(&ep, ErrInvalidValue, strconv.Quote(s)+" is not a valid "+cond.ValueName(op.Cmp))
				}
			}
		}
	}
	sortErrors(v.errs[start:])
}

// sortErrors orders errors by path, for deterministic reports of map
// contents.
func sortErrors(l ErrorList) {
	slices.SortStableFunc(l, func(a, b *ValidationError) int { return strings.Compare(a.Path, b.Path) })
}
