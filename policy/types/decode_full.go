package types

import (
	"strconv"

	"github.com/astran-oss/astran-go/policy/internal/jsonpath"
	"github.com/astran-oss/astran-go/policy/internal/jsontree"
)

// parseSlow is the slow path of Parse: a tree of the whole document, then
// a decoder that reports every problem with its path, line and column.
func parseSlow(data []byte, dialect Dialect) (*Document, error) {
	root, err := jsontree.Parse(data, maxDepth)
	if err != nil {
		return nil, syntaxError(data, err)
	}
	d := decoder{data: data, v: validator{dialect: dialect}}
	doc := d.document(&root)
	if len(d.v.errs) > 0 {
		for _, e := range d.v.errs {
			if e.Line == 0 {
				e.Line, e.Column = jsontree.LineCol(data, root.Locate(e.Path))
			}
		}
		return nil, d.v.errs
	}
	return doc, nil
}

type decoder struct {
	data []byte
	v    validator
	slab []string // backing array for the decoded string lists
}

// strs returns a fresh []string of length n carved from a shared slab, so
// that a document's many short lists cost few allocations. The capacity is
// n: appending to a list never writes into its neighbour.
func (d *decoder) strs(n int) []string {
	if n == 0 {
		return []string{} // non-nil: an empty list is not an absent one
	}
	if cap(d.slab)-len(d.slab) < n {
		d.slab = make([]string, 0, max(n, 128))
	}
	l := len(d.slab)
	d.slab = d.slab[:l+n]
	return d.slab[l : l+n : l+n]
}

func (d *decoder) errAt(off int, p *jsonpath.Path, cat error, msg string) {
	line, col := jsontree.LineCol(d.data, off)
	d.v.errs = append(d.v.errs, &ValidationError{Path: p.String(), Line: line, Column: col, Msg: msg, Err: cat})
}

func (d *decoder) typeErr(n *jsontree.Node, p *jsonpath.Path, want string) {
	d.errAt(int(n.Off), p, ErrInvalidType, "want "+want+", got "+n.Kind.String())
}

// object checks that n is an object without duplicate keys, reporting
// what is wrong: isObject is false if n is not an object, unique is false
// if a key is given twice. quoteKeys selects the ["key"] path form for the
// members. The decoders then read n.UniqueMembers.
func (d *decoder) object(n *jsontree.Node, p *jsonpath.Path, want string, quoteKeys bool) (isObject, unique bool) {
	if n.Kind != jsontree.Object {
		d.typeErr(n, p, want)
		return false, false
	}
	unique = true
	for i := 1; i < n.NumMembers(); i++ {
		if n.DupKey(i) {
			m := n.Member(i)
			mp := p.Field(m.Key)
			if quoteKeys {
				mp = p.Quoted(m.Key)
			}
			d.errAt(m.KeyOff, &mp, ErrDuplicateKey, "key "+strconv.Quote(m.Key)+" given twice")
			unique = false
		}
	}
	return true, unique
}

func (d *decoder) document(n *jsontree.Node) *Document {
	doc := &Document{}
	var root jsonpath.Path
	if isObject, _ := d.object(n, &root, "object", false); !isObject {
		return doc
	}
	var mask int
	for m := range n.UniqueMembers() {
		mp := root.Field(m.Key)
		switch m.Key {
		case "Version":
			if m.Value.Kind != jsontree.String {
				d.typeErr(m.Value, &mp, "string")
				mask |= fVersion
				continue
			}
			doc.Version = m.Value.Str
		case "Id":
			if m.Value.Kind != jsontree.String {
				d.typeErr(m.Value, &mp, "string")
				continue
			}
			doc.ID = m.Value.Str
		case "Statement":
			switch m.Value.Kind {
			case jsontree.Object:
				doc.Statements = make([]Statement, 1)
				d.statement(m.Value, &doc.Statements[0], 0)
			case jsontree.Array:
				doc.Statements = make([]Statement, len(m.Value.Kids))
				for k := range m.Value.Kids {
					d.statement(&m.Value.Kids[k], &doc.Statements[k], k)
				}
			default:
				d.typeErr(m.Value, &mp, "object or array of objects")
				mask |= fStatement
			}
		default:
			d.errAt(m.KeyOff, &mp, ErrUnknownField, "")
		}
	}
	d.v.document(doc, mask)
	return doc
}

func (d *decoder) statement(n *jsontree.Node, st *Statement, idx int) {
	sp := jsonpath.Statement(idx)
	if isObject, _ := d.object(n, &sp, "object", false); !isObject {
		return
	}
	mask := 0
	for m := range n.UniqueMembers() {
		fp := sp.Field(m.Key)
		v := m.Value
		bit, list, pr := st.element(m.Key)
		switch {
		case list != nil:
			if *list = d.strings(v, &fp); *list == nil {
				mask |= bit
			}
		case pr != nil:
			if *pr = d.principal(v, &fp); *pr == nil {
				mask |= bit
			}
		case bit == fSid, bit == fEffect:
			if v.Kind != jsontree.String {
				d.typeErr(v, &fp, "string")
				mask |= bit
				continue
			}
			if bit == fSid {
				st.Sid = v.Str
			} else {
				st.Effect = Effect(v.Str)
			}
		case bit == fCondition:
			var ok bool
			if st.Condition, ok = d.condition(v, &fp); !ok {
				mask |= fCondition
			}
		default:
			d.errAt(m.KeyOff, &fp, ErrUnknownField, "")
		}
	}
	d.v.statement(st, idx, mask)
}

// strings decodes a string or an array of strings; nil means a type error
// (reported). An empty array decodes to an empty non-nil slice.
func (d *decoder) strings(n *jsontree.Node, p *jsonpath.Path) []string {
	switch n.Kind {
	case jsontree.String:
		out := d.strs(1)
		out[0] = n.Str
		return out
	case jsontree.Array:
		out := d.strs(len(n.Kids))
		ok := true
		for i := range n.Kids {
			e := &n.Kids[i]
			if e.Kind != jsontree.String {
				ep := p.At(i)
				d.typeErr(e, &ep, "string")
				ok = false
				continue
			}
			out[i] = e.Str
		}
		if !ok {
			return nil
		}
		return out
	}
	d.typeErr(n, p, "string or array of strings")
	return nil
}

func (d *decoder) principal(n *jsontree.Node, p *jsonpath.Path) *Principal {
	if n.Kind == jsontree.String {
		if n.Str == "*" {
			return &Principal{Wildcard: true}
		}
		d.errAt(int(n.Off), p, ErrInvalidValue, `a string principal must be "*"`)
		return nil
	}
	isObject, ok := d.object(n, p, `"*" or object`, false)
	if !isObject {
		return nil
	}
	pr := &Principal{}
	for m := range n.UniqueMembers() {
		fp := p.Field(m.Key)
		dst := pr.list(m.Key)
		if dst == nil {
			d.errAt(m.KeyOff, &fp, ErrUnknownField, "")
			ok = false
			continue
		}
		if *dst = d.strings(m.Value, &fp); *dst == nil {
			ok = false
		}
	}
	if !ok {
		return nil
	}
	return pr
}

func (d *decoder) condition(n *jsontree.Node, p *jsonpath.Path) (Condition, bool) {
	isObject, ok := d.object(n, p, "object", false)
	if !isObject {
		return nil, false
	}
	if n.NumMembers() == 0 {
		return nil, true
	}
	c := make(Condition, n.NumMembers())
	for m := range n.UniqueMembers() {
		op := p.Field(m.Key)
		isObject, unique := d.object(m.Value, &op, "object", true)
		if !isObject {
			ok = false
			continue
		}
		ok = ok && unique
		keys := make(map[string][]string, m.Value.NumMembers())
		for km := range m.Value.UniqueMembers() {
			kp := op.Quoted(km.Key)
			vals, vok := d.condValues(km.Value, &kp)
			if !vok {
				ok = false
				continue
			}
			keys[km.Key] = vals
		}
		c[m.Key] = keys
	}
	return c, ok
}

func (d *decoder) condValues(n *jsontree.Node, p *jsonpath.Path) ([]string, bool) {
	if n.IsScalar() {
		out := d.strs(1)
		out[0] = n.Str
		return out, true
	}
	if n.Kind != jsontree.Array {
		d.typeErr(n, p, "string, number, boolean or array of them")
		return nil, false
	}
	out := d.strs(len(n.Kids))
	ok := true
	for i := range n.Kids {
		e := &n.Kids[i]
		if !e.IsScalar() {
			ep := p.At(i)
			d.typeErr(e, &ep, "string, number or boolean")
			ok = false
			continue
		}
		out[i] = e.Str
	}
	return out, ok
}

// sortErrors orders errors by path, for deterministic reports of map
