package policy

import (
	"strconv"
	"strings"
)

// Validate checks a document built in Go with the same rules as [Parse]
// (except JSON-level checks such as duplicate keys and the size limit). It
// returns nil or an [ErrorList].
func (d *Document) Validate(opts ...func(*ParseOptions)) error {
	o := parseOptions(opts)
	v := validator{dialect: o.Dialect}
	if d == nil {
		v.add("", ErrMissingField, "nil document")
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
	// locate, if set, finds the line and column of a path in the input.
	locate func(path string) (line, col int)
}

func (v *validator) add(path string, cat error, msg string) {
	e := &ValidationError{Path: path, Msg: msg, Err: cat}
	if v.locate != nil {
		e.Line, e.Column = v.locate(path)
	}
	v.errs = append(v.errs, e)
}

// variables reports whether policy variables are expanded in documents of
// this version.
func variablesEnabled(dialect Dialect, version string) bool {
	return dialect == Astran || version == Version2012
}

func (v *validator) document(d *Document, mask int) {
	switch {
	case mask&fVersion != 0:
	case d.Version == Version2012:
	case v.dialect == AWS && (d.Version == Version2008 || d.Version == ""):
	case d.Version == "":
		v.add("Version", ErrMissingField, `the Astran dialect requires "Version": "2012-10-17"`)
	default:
		want := `"2012-10-17"`
		if v.dialect == AWS {
			want = `"2012-10-17" or "2008-10-17"`
		}
		v.add("Version", ErrInvalidValue, strconv.Quote(d.Version)+" is not "+want)
	}
	if mask&fStatement == 0 && len(d.Statements) == 0 {
		v.add("Statement", ErrMissingField, "at least one statement is required")
	}
	// Duplicate Sids.
	if len(d.Statements) > 1 {
		seen := make(map[string]int, len(d.Statements))
		for i := range d.Statements {
			sid := d.Statements[i].Sid
			if sid == "" {
				continue
			}
			if j, ok := seen[sid]; ok {
				v.add(stmtPath(i)+".Sid", ErrDuplicateSid, strconv.Quote(sid)+" already used by "+stmtPath(j))
				continue
			}
			seen[sid] = i
		}
	}
}

func (v *validator) statement(st *Statement, idx int, mask int) {
	p := func(field string) string { return stmtPath(idx) + "." + field }
	switch {
	case mask&fEffect != 0:
	case st.Effect == "":
		v.add(p("Effect"), ErrMissingField, "")
	case st.Effect != Allow && st.Effect != Deny:
		v.add(p("Effect"), ErrInvalidValue, strconv.Quote(string(st.Effect))+` is not "Allow" or "Deny"`)
	}
	// Principal / NotPrincipal.
	if st.Principal != nil && st.NotPrincipal != nil {
		v.add(p("NotPrincipal"), ErrConflict, "Principal and NotPrincipal are mutually exclusive")
	}
	if st.Principal != nil && mask&fPrincipal == 0 {
		v.principal(st.Principal, p("Principal"))
	}
	if st.NotPrincipal != nil && mask&fNotPrincipal == 0 {
		v.principal(st.NotPrincipal, p("NotPrincipal"))
	}
	// Action / NotAction.
	hasA, hasNA := st.Action != nil || mask&fAction != 0, st.NotAction != nil || mask&fNotAction != 0
	switch {
	case hasA && hasNA:
		v.add(p("NotAction"), ErrConflict, "Action and NotAction are mutually exclusive")
	case !hasA && !hasNA:
		v.add(p("Action"), ErrMissingField, "a statement needs Action or NotAction")
	}
	if mask&fAction == 0 {
		v.actions(st.Action, p("Action"))
	}
	if mask&fNotAction == 0 {
		v.actions(st.NotAction, p("NotAction"))
	}
	// Resource / NotResource.
	hasR, hasNR := st.Resource != nil || mask&fResource != 0, st.NotResource != nil || mask&fNotResource != 0
	switch {
	case hasR && hasNR:
		v.add(p("NotResource"), ErrConflict, "Resource and NotResource are mutually exclusive")
	case !hasR && !hasNR && st.Principal == nil && st.NotPrincipal == nil && mask&(fPrincipal|fNotPrincipal) == 0:
		v.add(p("Resource"), ErrMissingField, "a statement without Principal needs Resource or NotResource")
	}
	if mask&fResource == 0 {
		v.resources(st.Resource, p("Resource"))
	}
	if mask&fNotResource == 0 {
		v.resources(st.NotResource, p("NotResource"))
	}
	if mask&fCondition == 0 && st.Condition != nil {
		v.condition(st.Condition, p("Condition"))
	}
}

// elemPath is the path of element i of a list of n values: a single value
// may have been written as a plain string, so it gets no index.
func elemPath(path string, i, n int) string {
	if n == 1 {
		return path
	}
	return path + "[" + strconv.Itoa(i) + "]"
}

func (v *validator) principal(pr *Principal, path string) {
	if pr.Wildcard {
		if len(pr.AWS)+len(pr.Federated)+len(pr.Service) > 0 {
			v.add(path, ErrConflict, `"*" excludes other principals`)
		}
		return
	}
	if pr.AWS == nil && pr.Federated == nil && pr.Service == nil {
		v.add(path, ErrMissingField, "empty principal")
		return
	}
	for _, l := range []struct {
		name string
		vals []string
	}{{"AWS", pr.AWS}, {"Federated", pr.Federated}, {"Service", pr.Service}} {
		if l.vals != nil && len(l.vals) == 0 {
			v.add(path+"."+l.name, ErrInvalidValue, "empty list")
		}
		for i, s := range l.vals {
			if s == "" || strings.TrimSpace(s) != s {
				v.add(elemPath(path+"."+l.name, i, len(l.vals)), ErrInvalidValue, "empty or space-padded principal")
			}
		}
	}
}

func (v *validator) actions(list []string, path string) {
	if list == nil {
		return
	}
	if len(list) == 0 {
		v.add(path, ErrInvalidValue, "empty list")
	}
	for i, a := range list {
		if a == "*" {
			continue
		}
		svc, name, ok := strings.Cut(a, ":")
		if !ok || svc == "" || name == "" || strings.ContainsAny(a, " \t\r\n") {
			v.add(elemPath(path, i, len(list)), ErrInvalidValue, strconv.Quote(a)+` is not "*" or "service:action"`)
		}
	}
}

func (v *validator) resources(list []string, path string) {
	if list == nil {
		return
	}
	if len(list) == 0 {
		v.add(path, ErrInvalidValue, "empty list")
	}
	for i, r := range list {
		if r == "*" || strings.HasPrefix(r, "arn:") {
			continue
		}
		v.add(elemPath(path, i, len(list)), ErrInvalidValue, strconv.Quote(r)+` is not "*" or an ARN`)
	}
}

func (v *validator) condition(c Condition, path string) {
	for _, opName := range sortedKeys(c) {
		keys := c[opName]
		opPath := joinKey(path, opName)
		op, ok := parseOperator(opName)
		if !ok {
			v.add(opPath, ErrUnknownOperator, strconv.Quote(opName))
			continue
		}
		for _, key := range sortedKeys(keys) {
			vals := keys[key]
			kp := indexKey(opPath, key)
			if key == "" {
				v.add(kp, ErrInvalidValue, "empty condition key")
			}
			if len(vals) == 0 {
				v.add(kp, ErrInvalidValue, "no values")
			}
			for i, s := range vals {
				if !validCondValue(op.cmp, s) {
					v.add(elemPath(kp, i, len(vals)), ErrInvalidValue, strconv.Quote(s)+" is not a valid "+cmpName(op.cmp))
				}
			}
		}
	}
}

// validCondValue checks one policy value. Values holding policy variables
// are checked at evaluation time instead.
func validCondValue(k cmpKind, s string) bool {
	if strings.Contains(s, "${") {
		return true
	}
	switch k {
	case cmpNumEq, cmpNumLT, cmpNumLE, cmpNumGT, cmpNumGE:
		_, ok := parseNumber(s)
		return ok
	case cmpDateEq, cmpDateLT, cmpDateLE, cmpDateGT, cmpDateGE:
		_, ok := parseDate(s)
		return ok
	case cmpBool, cmpNull:
		_, ok := parseBool(s)
		return ok
	case cmpIP:
		_, ok := parsePrefix(s)
		return ok
	case cmpBinary:
		_, ok := decodeBase64(s)
		return ok
	}
	return true
}

func cmpName(k cmpKind) string {
	switch k {
	case cmpNumEq, cmpNumLT, cmpNumLE, cmpNumGT, cmpNumGE:
		return "number"
	case cmpDateEq, cmpDateLT, cmpDateLE, cmpDateGT, cmpDateGE:
		return "date (ISO 8601 or epoch seconds)"
	case cmpBool, cmpNull:
		return "boolean"
	case cmpIP:
		return "IP address or CIDR"
	case cmpBinary:
		return "base64 value"
	}
	return "value"
}
