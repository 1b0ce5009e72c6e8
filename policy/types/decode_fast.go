package types

import (
	"slices"
	"sync"

	"github.com/astran-oss/astran-go/policy/internal/cond"
	"github.com/astran-oss/astran-go/policy/internal/jsontree"
)

// The fast path of Parse decodes a document straight from the token stream
// of a [jsontree.Scanner], with no intermediate tree, and gives up at the
// first thing it does not expect: a syntax error, an unknown, duplicate or
// mistyped element, an empty list, or a document the validator rejects.
// Parse then runs the slow path (tree, decoder, validator), which finds and
// reports every problem. So the fast path only has to be right about valid
// documents: for those it builds the same Document as the slow path. It
// runs the validator too, except on conditions, which it checks while
// reading them.
// FuzzParseFast checks both properties.

// fastDecoder holds the fast path's scratch space, reused through
// fastPool. The string lists are read into vals; once the document is
// known to be valid, compact moves them into one exactly sized array.
type fastDecoder struct {
	s     jsontree.Scanner
	vals  []string    // the strings of every list read, in input order
	sts   []Statement // the statements being read
	conds []condRef   // the lists of condition values, for compact
}

// condRef names the values of one condition key.
type condRef struct {
	m   map[string][]string
	key string
}

// maxPooled bounds the scratch slices kept in fastPool (in elements).
const maxPooled = 1 << 14

var fastPool = sync.Pool{New: func() any { return new(fastDecoder) }}

// parseFast decodes and validates data; ok is false if data is not a valid
// document (or the fast path does not handle it).
func parseFast(data []byte, dialect Dialect) (doc *Document, ok bool) {
	d := fastPool.Get().(*fastDecoder)
	d.s.Reset(data)
	doc, ok = d.document()
	if ok {
		// The conditions were checked while decoding (as
		// validator.condition does), which spares iterating their maps.
		v := validator{dialect: dialect}
		for i := range doc.Statements {
			v.statement(&doc.Statements[i], i, fCondition)
		}
		v.document(doc, 0)
		ok = len(v.errs) == 0 && d.compact(doc)
	}
	// Drop every reference into this document before pooling.
	d.s.Reset(nil)
	d.vals = reuse(d.vals)
	d.sts = reuse(d.sts)
	d.conds = reuse(d.conds)
	fastPool.Put(d)
	if !ok {
		return nil, false // its lists pointed into the scratch space
	}
	return doc, true
}

// reuse empties a scratch slice for fastPool, or drops it if it grew big.
func reuse[S ~[]E, E any](s S) S {
	if cap(s) > maxPooled {
		return nil
	}
	clear(s[:cap(s)])
	return s[:0]
}

// compact moves the lists of doc, which still point into d.vals, into one
// array of exactly their total length, so that a document holds no spare
// capacity and no scratch space. It reports whether it moved exactly the
// strings read (anything else would be a bug, and leaves doc to the slow
// path).
func (d *fastDecoder) compact(doc *Document) bool {
	slab := make([]string, len(d.vals))
	k := 0
	for i := range doc.Statements {
		st := &doc.Statements[i]
		for _, l := range [...]*[]string{&st.Action, &st.NotAction, &st.Resource, &st.NotResource} {
			k = move(slab, k, l)
		}
		for _, pr := range [...]*Principal{st.Principal, st.NotPrincipal} {
			if pr != nil {
				k = move(slab, k, &pr.AWS)
				k = move(slab, k, &pr.Federated)
				k = move(slab, k, &pr.Service)
			}
		}
	}
	for _, c := range d.conds {
		l := c.m[c.key]
		k = move(slab, k, &l)
		c.m[c.key] = l
	}
	return k == len(slab)
}

// move copies the list *l (if any) to slab[k:], points *l there and
// returns the end of the copy.
func move(slab []string, k int, l *[]string) int {
	if *l == nil || k+len(*l) > len(slab) {
		return k
	}
	n := copy(slab[k:], *l)
	*l = slab[k : k+n : k+n]
	return k + n
}

// key reads an object key and its colon.
func (d *fastDecoder) key() (string, bool) {
	k, ok := d.s.Str()
	return k, ok && d.s.Consume(':')
}

// next reads what follows a member or element: more is true after a comma,
// false after the closing byte; ok is false if neither follows.
func (d *fastDecoder) next(closing byte) (more, ok bool) {
	if d.s.Consume(',') {
		return true, true
	}
	return false, d.s.Consume(closing)
}

func (d *fastDecoder) document() (*Document, bool) {
	if !d.s.Consume('{') || d.s.Consume('}') {
		return nil, false
	}
	doc := &Document{}
	var seen int
	for more := true; more; {
		k, ok := d.key()
		if !ok {
			return nil, false
		}
		var bit int
		switch k {
		case "Version":
			bit = 1
			doc.Version, ok = d.s.Str()
		case "Id":
			bit = 2
			doc.ID, ok = d.s.Str()
		case "Statement":
			bit = 4
			doc.Statements, ok = d.statements()
		}
		if bit == 0 || seen&bit != 0 || !ok {
			return nil, false
		}
		seen |= bit
		if more, ok = d.next('}'); !ok {
			return nil, false
		}
	}
	if !d.s.End() {
		return nil, false
	}
	return doc, true
}

// statements reads the Statement element: one statement or a non-empty
// array of them.
func (d *fastDecoder) statements() ([]Statement, bool) {
	if d.s.Peek() == '{' {
		sts := make([]Statement, 1)
		return sts, d.statement(&sts[0])
	}
	if !d.s.Consume('[') || d.s.Consume(']') {
		return nil, false
	}
	d.sts = d.sts[:0]
	for more := true; more; {
		d.sts = append(d.sts, Statement{})
		if !d.statement(&d.sts[len(d.sts)-1]) {
			return nil, false
		}
		var ok bool
		if more, ok = d.next(']'); !ok {
			return nil, false
		}
	}
	return slices.Clone(d.sts), true
}

func (d *fastDecoder) statement(st *Statement) bool {
	if !d.s.Consume('{') || d.s.Consume('}') {
		return false
	}
	var seen int
	for more := true; more; {
		k, ok := d.key()
		if !ok {
			return false
		}
		bit, list, pr := st.element(k)
		if bit == 0 || seen&bit != 0 {
			return false
		}
		switch {
		case list != nil:
			*list, ok = d.strings()
		case pr != nil:
			*pr, ok = d.principal()
		case bit == fSid:
			st.Sid, ok = d.s.Str()
		case bit == fEffect:
			var e string
			e, ok = d.s.Str()
			st.Effect = Effect(e)
		case bit == fCondition:
			st.Condition, ok = d.condition()
		}
		if !ok {
			return false
		}
		seen |= bit
		if more, ok = d.next('}'); !ok {
			return false
		}
	}
	return true
}

// list reads a string (or, if scalars, a scalar) or a non-empty array of
// them, appending them to d.vals; it returns them (in d.vals until
// compact moves them).
func (d *fastDecoder) list(scalars bool) ([]string, bool) {
	start := len(d.vals)
	if !d.s.Consume('[') {
		s, ok := d.item(scalars)
		d.vals = append(d.vals, s)
		return d.vals[start:len(d.vals):len(d.vals)], ok
	}
	if d.s.Consume(']') {
		return nil, false
	}
	for more := true; more; {
		s, ok := d.item(scalars)
		if !ok {
			return nil, false
		}
		d.vals = append(d.vals, s)
		if more, ok = d.next(']'); !ok {
			return nil, false
		}
	}
	return d.vals[start:len(d.vals):len(d.vals)], true
}

// item reads a string, or if scalars a string, number or boolean.
func (d *fastDecoder) item(scalars bool) (string, bool) {
	if scalars {
		return d.s.Scalar()
	}
	return d.s.Str()
}

// strings reads a string or a non-empty array of strings.
func (d *fastDecoder) strings() ([]string, bool) {
	return d.list(false)
}

func (d *fastDecoder) principal() (*Principal, bool) {
	if d.s.Peek() == '"' {
		s, ok := d.s.Str()
		return &Principal{Wildcard: true}, ok && s == "*"
	}
	if !d.s.Consume('{') || d.s.Consume('}') {
		return nil, false
	}
	pr := &Principal{}
	for more := true; more; {
		k, ok := d.key()
		if !ok {
			return nil, false
		}
		dst := pr.list(k)
		if dst == nil || *dst != nil {
			return nil, false
		}
		if *dst, ok = d.strings(); !ok {
			return nil, false
		}
		if more, ok = d.next('}'); !ok {
			return nil, false
		}
	}
	return pr, true
}

func (d *fastDecoder) condition() (Condition, bool) {
	if !d.s.Consume('{') {
		return nil, false
	}
	if d.s.Consume('}') {
		return nil, true
	}
	c := make(Condition, 1)
	for more := true; more; {
		op, ok := d.key()
		if !ok {
			return nil, false
		}
		o, known := cond.ParseOperator(op)
		if _, dup := c[op]; dup || !known || !d.s.Consume('{') {
			return nil, false
		}
		keys := make(map[string][]string, 1)
		c[op] = keys
		for kmore := !d.s.Consume('}'); kmore; {
			k, ok := d.key()
			if !ok || k == "" {
				return nil, false
			}
			if _, dup := keys[k]; dup {
				return nil, false
			}
			vals, ok := d.list(true)
			if !ok {
				return nil, false
			}
			for _, s := range vals {
				if !cond.Valid(o.Cmp, s) {
					return nil, false
				}
			}
			keys[k] = vals
			d.conds = append(d.conds, condRef{keys, k})
			if kmore, ok = d.next('}'); !ok {
				return nil, false
			}
		}
		if more, ok = d.next('}'); !ok {
			return nil, false
		}
	}
	return c, true
}
