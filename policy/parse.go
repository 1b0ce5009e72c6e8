package policy

import (
	"errors"
	"strconv"
	"strings"

	"github.com/astran-oss/astran-go/policy/internal/jsontree"
)

// maxDepth bounds JSON nesting. A valid policy nests at most 6 levels; the
// slack lets the parser report a wrong type rather than a depth error for
// slightly wrong documents, while hostile input cannot exhaust the stack.
const maxDepth = 32

// Parse parses and validates a JSON policy document.
//
// Parsing is strict: unknown elements, duplicate JSON keys, conflicting
// elements (Action with NotAction), missing required elements, values of the
// wrong type, unknown condition operators and malformed condition values are
// all errors. On failure the error is a *[SizeError] (document over the size
// limit), a *[SyntaxError] (malformed JSON, with line and column) or an
// [ErrorList] of every problem found, each a *[ValidationError] carrying the
// JSON path of the culprit. All of them wrap the Err* sentinels.
//
// The zero options parse Astran's dialect with IAM's 6,144-character limit.
func Parse(data []byte, opts ...func(*ParseOptions)) (*Document, error) {
	o := parseOptions(opts)
	if o.MaxSize > 0 {
		if n, over := countSize(data, o.MaxSize); over {
			return nil, &SizeError{Size: n, Limit: o.MaxSize}
		}
	}
	root, err := jsontree.Parse(data, maxDepth)
	if err != nil {
		var se *jsontree.SyntaxError
		if !errors.As(err, &se) {
			return nil, &SyntaxError{Msg: err.Error(), Err: ErrSyntax, Line: 1, Column: 1}
		}
		line, col := jsontree.LineCol(data, se.Off)
		cat := ErrSyntax
		if se.Msg == jsontree.ErrDepth {
			cat = ErrTooDeep
		}
		return nil, &SyntaxError{Offset: se.Off, Line: line, Column: col, Msg: se.Msg, Err: cat}
	}
	d := decoder{data: data, v: validator{dialect: o.Dialect}}
	d.v.locate = func(path string) (int, int) { return jsontree.LineCol(data, locate(root, path)) }
	doc := d.document(root)
	if len(d.v.errs) > 0 {
		return nil, d.v.errs
	}
	return doc, nil
}

func parseOptions(opts []func(*ParseOptions)) ParseOptions {
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

// countSize counts the characters of data that are not whitespace outside
// strings, stopping as soon as the count exceeds limit.
func countSize(data []byte, limit int) (n int, over bool) {
	inStr, esc := false, false
	for _, c := range data {
		if c&0xC0 == 0x80 { // UTF-8 continuation byte
			continue
		}
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
		} else {
			switch c {
			case ' ', '\t', '\n', '\r':
				continue
			case '"':
				inStr = true
			}
		}
		n++
		if n > limit {
			return n, true
		}
	}
	return n, false
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

type decoder struct {
	data []byte
	v    validator
}

func (d *decoder) errAt(off int, path string, cat error, msg string) {
	line, col := jsontree.LineCol(d.data, off)
	d.v.errs = append(d.v.errs, &ValidationError{Path: path, Line: line, Column: col, Msg: msg, Err: cat})
}

func (d *decoder) typeErr(n jsontree.Node, path, want string) {
	d.errAt(n.Off, path, ErrInvalidType, "want "+want+", got "+n.Kind.String())
}

// members checks an object for duplicate keys; it returns false (after
// reporting) if n is not an object.
func (d *decoder) object(n jsontree.Node, path, want string) bool {
	return d.objectKeys(n, path, want, joinKey)
}

// objectKeys is object with a custom way of naming member paths.
func (d *decoder) objectKeys(n jsontree.Node, path, want string, name func(path, key string) string) bool {
	if n.Kind != jsontree.Object {
		d.typeErr(n, path, want)
		return false
	}
	for i := 1; i < len(n.Members); i++ {
		for j := 0; j < i; j++ {
			if n.Members[i].Key == n.Members[j].Key {
				d.errAt(n.Members[i].KeyOff, name(path, n.Members[i].Key), ErrDuplicateKey, "key "+strconv.Quote(n.Members[i].Key)+" given twice")
				break
			}
		}
	}
	return true
}

// isDup reports whether member i repeats an earlier key (already reported).
func isDup(n jsontree.Node, i int) bool {
	for j := 0; j < i; j++ {
		if n.Members[j].Key == n.Members[i].Key {
			return true
		}
	}
	return false
}

func (d *decoder) document(n jsontree.Node) *Document {
	doc := &Document{}
	if !d.object(n, "", "object") {
		return doc
	}
	var mask int
	haveVersion, haveStatement := false, false
	for i, m := range n.Members {
		if isDup(n, i) {
			continue
		}
		switch m.Key {
		case "Version":
			if m.Value.Kind != jsontree.String {
				d.typeErr(m.Value, "Version", "string")
				mask |= fVersion
				continue
			}
			haveVersion = true
			doc.Version = m.Value.Str
		case "Id":
			if m.Value.Kind != jsontree.String {
				d.typeErr(m.Value, "Id", "string")
				continue
			}
			doc.ID = m.Value.Str
		case "Statement":
			haveStatement = true
			switch m.Value.Kind {
			case jsontree.Object:
				doc.Statements = make([]Statement, 1)
				d.statement(m.Value, &doc.Statements[0], 0)
			case jsontree.Array:
				doc.Statements = make([]Statement, len(m.Value.Elems))
				for k, e := range m.Value.Elems {
					d.statement(e, &doc.Statements[k], k)
				}
			default:
				d.typeErr(m.Value, "Statement", "object or array of objects")
				mask |= fStatement
			}
		default:
			d.errAt(m.KeyOff, joinKey("", m.Key), ErrUnknownField, "")
		}
	}
	_ = haveVersion
	_ = haveStatement
	d.v.document(doc, mask)
	return doc
}

func (d *decoder) statement(n jsontree.Node, st *Statement, idx int) {
	path := stmtPath(idx)
	if !d.object(n, path, "object") {
		return
	}
	mask := 0
	for i, m := range n.Members {
		if isDup(n, i) {
			continue
		}
		fp := joinKey(path, m.Key)
		switch m.Key {
		case "Sid":
			if m.Value.Kind != jsontree.String {
				d.typeErr(m.Value, fp, "string")
				continue
			}
			st.Sid = m.Value.Str
		case "Effect":
			if m.Value.Kind != jsontree.String {
				d.typeErr(m.Value, fp, "string")
				mask |= fEffect
				continue
			}
			st.Effect = Effect(m.Value.Str)
		case "Principal":
			st.Principal = d.principal(m.Value, fp)
			if st.Principal == nil {
				mask |= fPrincipal
			}
		case "NotPrincipal":
			st.NotPrincipal = d.principal(m.Value, fp)
			if st.NotPrincipal == nil {
				mask |= fNotPrincipal
			}
		case "Action":
			if st.Action = d.strings(m.Value, fp); st.Action == nil {
				mask |= fAction
			}
		case "NotAction":
			if st.NotAction = d.strings(m.Value, fp); st.NotAction == nil {
				mask |= fNotAction
			}
		case "Resource":
			if st.Resource = d.strings(m.Value, fp); st.Resource == nil {
				mask |= fResource
			}
		case "NotResource":
			if st.NotResource = d.strings(m.Value, fp); st.NotResource == nil {
				mask |= fNotResource
			}
		case "Condition":
			var ok bool
			if st.Condition, ok = d.condition(m.Value, fp); !ok {
				mask |= fCondition
			}
		default:
			d.errAt(m.KeyOff, fp, ErrUnknownField, "")
		}
	}
	d.v.statement(st, idx, mask)
}

// strings decodes a string or an array of strings; nil means a type error
// (reported). An empty array decodes to an empty non-nil slice.
func (d *decoder) strings(n jsontree.Node, path string) []string {
	switch n.Kind {
	case jsontree.String:
		return []string{n.Str}
	case jsontree.Array:
		out := make([]string, 0, len(n.Elems))
		ok := true
		for i, e := range n.Elems {
			if e.Kind != jsontree.String {
				d.typeErr(e, path+"["+strconv.Itoa(i)+"]", "string")
				ok = false
				continue
			}
			out = append(out, e.Str)
		}
		if !ok {
			return nil
		}
		return out
	}
	d.typeErr(n, path, "string or array of strings")
	return nil
}

func (d *decoder) principal(n jsontree.Node, path string) *Principal {
	if n.Kind == jsontree.String {
		if n.Str == "*" {
			return &Principal{Wildcard: true}
		}
		d.errAt(n.Off, path, ErrInvalidValue, `a string principal must be "*"`)
		return nil
	}
	if !d.object(n, path, `"*" or object`) {
		return nil
	}
	p := &Principal{}
	ok := true
	for i, m := range n.Members {
		if isDup(n, i) {
			ok = false
			continue
		}
		fp := joinKey(path, m.Key)
		var dst *[]string
		switch m.Key {
		case "AWS":
			dst = &p.AWS
		case "Federated":
			dst = &p.Federated
		case "Service":
			dst = &p.Service
		default:
			d.errAt(m.KeyOff, fp, ErrUnknownField, "")
			ok = false
			continue
		}
		if *dst = d.strings(m.Value, fp); *dst == nil {
			ok = false
		}
	}
	if !ok {
		return nil
	}
	return p
}

func (d *decoder) condition(n jsontree.Node, path string) (Condition, bool) {
	if !d.object(n, path, "object") {
		return nil, false
	}
	if len(n.Members) == 0 {
		return nil, true
	}
	c := make(Condition, len(n.Members))
	ok := true
	for i, m := range n.Members {
		if isDup(n, i) {
			ok = false
			continue
		}
		op := m.Key
		opPath := joinKey(path, op)
		if !d.objectKeys(m.Value, opPath, "object", indexKey) {
			ok = false
			continue
		}
		keys := make(map[string][]string, len(m.Value.Members))
		for k, km := range m.Value.Members {
			if isDup(m.Value, k) {
				ok = false
				continue
			}
			kp := indexKey(opPath, km.Key)
			vals, vok := d.condValues(km.Value, kp)
			if !vok {
				ok = false
				continue
			}
			keys[km.Key] = vals
		}
		c[op] = keys
	}
	return c, ok
}

func scalar(n jsontree.Node) bool {
	return n.Kind == jsontree.String || n.Kind == jsontree.Bool || n.Kind == jsontree.Number
}

func (d *decoder) condValues(n jsontree.Node, path string) ([]string, bool) {
	if scalar(n) {
		return []string{n.Str}, true
	}
	if n.Kind != jsontree.Array {
		d.typeErr(n, path, "string, number, boolean or array of them")
		return nil, false
	}
	out := make([]string, 0, len(n.Elems))
	ok := true
	for i, e := range n.Elems {
		if !scalar(e) {
			d.typeErr(e, path+"["+strconv.Itoa(i)+"]", "string, number or boolean")
			ok = false
			continue
		}
		out = append(out, e.Str)
	}
	return out, ok
}

// Path helpers.

func stmtPath(i int) string { return "Statement[" + strconv.Itoa(i) + "]" }

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

// joinKey appends an object key to a path: .Key, or ["key"] for keys that
// are not identifier-like.
func joinKey(path, key string) string {
	if isIdent(key) {
		if path == "" {
			return key
		}
		return path + "." + key
	}
	return indexKey(path, key)
}

// indexKey appends ["key"] to a path.
func indexKey(path, key string) string {
	return path + "[" + strconv.Quote(key) + "]"
}

// locate returns the offset of the node a validation path names, or of the
// deepest node found along it.
func locate(n jsontree.Node, path string) int {
	off := n.Off
	for path != "" {
		switch {
		case path[0] == '.':
			path = path[1:]
		case strings.HasPrefix(path, "[\""):
			// ["key"]: find the closing quote (keys are strconv.Quote'd).
			end := -1
			for i := 2; i < len(path); i++ {
				if path[i] == '\\' {
					i++
					continue
				}
				if path[i] == '"' {
					end = i
					break
				}
			}
			if end < 0 || end+1 >= len(path) || path[end+1] != ']' {
				return off
			}
			key, err := strconv.Unquote(path[1 : end+1])
			if err != nil {
				return off
			}
			path = path[end+2:]
			m, ok := member(n, key)
			if !ok {
				return off
			}
			n, off = m.Value, m.Value.Off
		case path[0] == '[':
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return off
			}
			i, err := strconv.Atoi(path[1:end])
			if err != nil {
				return off
			}
			path = path[end+1:]
			switch {
			case n.Kind == jsontree.Array && i < len(n.Elems):
				n = n.Elems[i]
				off = n.Off
			case n.Kind != jsontree.Array && i == 0:
			default:
				return off
			}
		default:
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			key := path[:end]
			path = path[end:]
			m, ok := member(n, key)
			if !ok {
				return off
			}
			n, off = m.Value, m.Value.Off
		}
	}
	return off
}

func member(n jsontree.Node, key string) (jsontree.Member, bool) {
	if n.Kind != jsontree.Object {
		return jsontree.Member{}, false
	}
	for _, m := range n.Members {
		if m.Key == key {
			return m, true
		}
	}
	return jsontree.Member{}, false
}
