package policy

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/astran-oss/astran-go/policy/internal/cond"
	"github.com/astran-oss/astran-go/policy/internal/jsonpath"
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
// JSON path of the culprit and its line and column. All of them wrap the
// Err* sentinels.
//
// The zero options parse Astran's dialect with IAM's 6,144-character limit.
func Parse(data []byte, opts ...func(*ParseOptions)) (*Document, error) {
	o := parseOptions(opts)
	if o.MaxSize > 0 && len(data) > o.MaxSize { // a character is at least one byte
		if n, over := jsontree.CountSize(data, o.MaxSize); over {
			return nil, &SizeError{Size: n, Limit: o.MaxSize}
		}
	}
	if len(data) <= jsontree.MaxInput {
		if doc, ok := parseFast(data, o.Dialect); ok {
			return doc, nil
		}
	}
	return parseSlow(data, o.Dialect)
}

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

func parseOptions(opts []func(*ParseOptions)) ParseOptions {
	if len(opts) == 0 { // spares the heap allocation of o, which escapes to fn
		return ParseOptions{MaxSize: DefaultMaxSize}
	}
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

// object checks that n is an object without duplicate keys; it returns
// false (after reporting) if n is not an object. quoteKeys selects the
// ["key"] path form for the members.
func (d *decoder) object(n *jsontree.Node, p *jsonpath.Path, want string, quoteKeys bool) bool {
	if n.Kind != jsontree.Object {
		d.typeErr(n, p, want)
		return false
	}
	for i := 1; i < n.NumMembers(); i++ {
		if n.DupKey(i) {
			m := n.Member(i)
			mp := p.Field(m.Key)
			if quoteKeys {
				mp = p.Quoted(m.Key)
			}
			d.errAt(m.KeyOff, &mp, ErrDuplicateKey, "key "+strconv.Quote(m.Key)+" given twice")
		}
	}
	return true
}

func (d *decoder) document(n *jsontree.Node) *Document {
	doc := &Document{}
	var root jsonpath.Path
	if !d.object(n, &root, "object", false) {
		return doc
	}
	var mask int
	for i := 0; i < n.NumMembers(); i++ {
		if n.DupKey(i) {
			continue
		}
		m := n.Member(i)
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
	if !d.object(n, &sp, "object", false) {
		return
	}
	mask := 0
	for i := 0; i < n.NumMembers(); i++ {
		if n.DupKey(i) {
			continue
		}
		m := n.Member(i)
		fp := sp.Field(m.Key)
		v := m.Value
		switch m.Key {
		case "Sid":
			if v.Kind != jsontree.String {
				d.typeErr(v, &fp, "string")
				continue
			}
			st.Sid = v.Str
		case "Effect":
			if v.Kind != jsontree.String {
				d.typeErr(v, &fp, "string")
				mask |= fEffect
				continue
			}
			st.Effect = Effect(v.Str)
		case "Principal":
			if st.Principal = d.principal(v, &fp); st.Principal == nil {
				mask |= fPrincipal
			}
		case "NotPrincipal":
			if st.NotPrincipal = d.principal(v, &fp); st.NotPrincipal == nil {
				mask |= fNotPrincipal
			}
		case "Action":
			if st.Action = d.strings(v, &fp); st.Action == nil {
				mask |= fAction
			}
		case "NotAction":
			if st.NotAction = d.strings(v, &fp); st.NotAction == nil {
				mask |= fNotAction
			}
		case "Resource":
			if st.Resource = d.strings(v, &fp); st.Resource == nil {
				mask |= fResource
			}
		case "NotResource":
			if st.NotResource = d.strings(v, &fp); st.NotResource == nil {
				mask |= fNotResource
			}
		case "Condition":
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
	if !d.object(n, p, `"*" or object`, false) {
		return nil
	}
	pr := &Principal{}
	ok := true
	for i := 0; i < n.NumMembers(); i++ {
		if n.DupKey(i) {
			ok = false
			continue
		}
		m := n.Member(i)
		fp := p.Field(m.Key)
		var dst *[]string
		switch m.Key {
		case "AWS":
			dst = &pr.AWS
		case "Federated":
			dst = &pr.Federated
		case "Service":
			dst = &pr.Service
		default:
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
	if !d.object(n, p, "object", false) {
		return nil, false
	}
	if n.NumMembers() == 0 {
		return nil, true
	}
	c := make(Condition, n.NumMembers())
	ok := true
	for i := 0; i < n.NumMembers(); i++ {
		if n.DupKey(i) {
			ok = false
			continue
		}
		m := n.Member(i)
		op := p.Field(m.Key)
		if !d.object(m.Value, &op, "object", true) {
			ok = false
			continue
		}
		keys := make(map[string][]string, m.Value.NumMembers())
		for k := 0; k < m.Value.NumMembers(); k++ {
			if m.Value.DupKey(k) {
				ok = false
				continue
			}
			km := m.Value.Member(k)
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
// contents.
func sortErrors(l ErrorList) {
	slices.SortStableFunc(l, func(a, b *ValidationError) int { return strings.Compare(a.Path, b.Path) })
}

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

// Statement element bits, for duplicate keys.
const (
	sSid = 1 << iota
	sEffect
	sPrincipal
	sNotPrincipal
	sAction
	sNotAction
	sResource
	sNotResource
	sCondition
)

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
		var bit int
		switch k {
		case "Sid":
			bit = sSid
			st.Sid, ok = d.s.Str()
		case "Effect":
			bit = sEffect
			var e string
			e, ok = d.s.Str()
			st.Effect = Effect(e)
		case "Principal":
			bit = sPrincipal
			st.Principal, ok = d.principal()
		case "NotPrincipal":
			bit = sNotPrincipal
			st.NotPrincipal, ok = d.principal()
		case "Action":
			bit = sAction
			st.Action, ok = d.strings()
		case "NotAction":
			bit = sNotAction
			st.NotAction, ok = d.strings()
		case "Resource":
			bit = sResource
			st.Resource, ok = d.strings()
		case "NotResource":
			bit = sNotResource
			st.NotResource, ok = d.strings()
		case "Condition":
			bit = sCondition
			st.Condition, ok = d.condition()
		}
		if bit == 0 || seen&bit != 0 || !ok {
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
		var dst *[]string
		switch k {
		case "AWS":
			dst = &pr.AWS
		case "Federated":
			dst = &pr.Federated
		case "Service":
			dst = &pr.Service
		}
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
