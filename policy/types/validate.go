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
	// Action / NotAction.
	hasA, hasNA := st.Action != nil || mask&fAction != 0, st.NotAction != nil || mask&fNotAction != 0
	switch {
	case hasA && hasNA:
		fp := sp.Field("NotAction")
		v.add(&fp, ErrConflict, "Action and NotAction are mutually exclusive")
	case !hasA && !hasNA:
		fp := sp.Field("Action")
		v.add(&fp, ErrMissingField, "a statement needs Action or NotAction")
	}
	if mask&fAction == 0 {
		v.actions(st.Action, &sp, "Action")
	}
	if mask&fNotAction == 0 {
		v.actions(st.NotAction, &sp, "NotAction")
	}
	// Resource / NotResource.
	hasR, hasNR := st.Resource != nil || mask&fResource != 0, st.NotResource != nil || mask&fNotResource != 0
	switch {
	case hasR && hasNR:
		fp := sp.Field("NotResource")
		v.add(&fp, ErrConflict, "Resource and NotResource are mutually exclusive")
	case !hasR && !hasNR && st.Principal == nil && st.NotPrincipal == nil && mask&(fPrincipal|fNotPrincipal) == 0:
		fp := sp.Field("Resource")
		v.add(&fp, ErrMissingField, "a statement without Principal needs Resource or NotResource")
	}
	if mask&fResource == 0 {
		v.resources(st.Resource, &sp, "Resource")
	}
	if mask&fNotResource == 0 {
		v.resources(st.NotResource, &sp, "NotResource")
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
	v.principals(pr.AWS, p, "AWS")
	v.principals(pr.Federated, p, "Federated")
	v.principals(pr.Service, p, "Service")
}

func (v *validator) principals(l []string, p *jsonpath.Path, name string) {
	if l == nil {
		return
	}
	fp := p.Field(name)
	if len(l) == 0 {
		v.add(&fp, ErrInvalidValue, "empty list")
	}
	for i, s := range l {
		if s == "" || strings.TrimSpace(s) != s {
			ep := fp.Elem(i, len(l))
			v.add(&ep, ErrInvalidValue, "empty or space-padded principal")
		}
	}
}

func (v *validator) actions(list []string, sp *jsonpath.Path, field string) {
	if list == nil {
		return
	}
	if len(list) == 0 {
		fp := sp.Field(field)
		v.add(&fp, ErrInvalidValue, "empty list")
	}
	for i, a := range list {
		if a == "*" {
			continue
		}
		svc, name, ok := strings.Cut(a, ":")
		if !ok || svc == "" || name == "" || strings.ContainsAny(a, " \t\r\n") {
			fp := sp.Field(field)
			ep := fp.Elem(i, len(list))
			v.add(&ep, ErrInvalidValue, strconv.Quote(a)+` is not "*" or "service:action"`)
		}
	}
}

func (v *validator) resources(list []string, sp *jsonpath.Path, field string) {
	if list == nil {
		return
	}
	if len(list) == 0 {
		fp := sp.Field(field)
		v.add(&fp, ErrInvalidValue, "empty list")
	}
	for i, r := range list {
		if r == "*" || strings.HasPrefix(r, "arn:") {
			continue
		}
		fp := sp.Field(field)
		ep := fp.Elem(i, len(list))
		v.add(&ep, ErrInvalidValue, strconv.Quote(r)+` is not "*" or an ARN`)
	}
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

// field bits: fields whose decoding failed, so the validator does not report
// them again as missing.
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
)

// sortErrors orders errors by path, for deterministic reports of map
// contents.
func sortErrors(l ErrorList) {
	slices.SortStableFunc(l, func(a, b *ValidationError) int { return strings.Compare(a.Path, b.Path) })
}
