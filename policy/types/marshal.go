package types

import (
	"bytes"
	"encoding/json"
	"slices"
)

// MarshalJSON encodes the document as a policy JSON document with elements
// in canonical order (Version, Id, Statement; Sid, Effect, Principal,
// NotPrincipal, Action, NotAction, Resource, NotResource, Condition). Single
// values of Action, Resource and principal lists are written as plain
// strings; Statement is always an array. Parsing the result gives a Document
// equal to d.
func (d *Document) MarshalJSON() ([]byte, error) {
	if d == nil {
		return []byte("null"), nil
	}
	var b bytes.Buffer
	o := object{b: &b}
	if d.Version != "" {
		o.key("Version")
		writeString(&b, d.Version)
	}
	if d.ID != "" {
		o.key("Id")
		writeString(&b, d.ID)
	}
	o.key("Statement")
	b.WriteByte('[')
	for i := range d.Statements {
		if i > 0 {
			b.WriteByte(',')
		}
		marshalStatement(&b, &d.Statements[i])
	}
	b.WriteByte(']')
	o.close()
	return b.Bytes(), nil
}

// UnmarshalJSON parses data with [Parse] in the [AWS] dialect (the more
// permissive one) without size limit, so that a Document can be embedded in
// other JSON. Use Parse directly to choose the dialect.
func (d *Document) UnmarshalJSON(data []byte) error {
	doc, err := Parse(data, func(o *ParseOptions) { o.Dialect = AWS; o.MaxSize = -1 })
	if err != nil {
		return err
	}
	*d = *doc
	return nil
}

// object writes a JSON object to b, member by member.
type object struct {
	b *bytes.Buffer
	n int // members written
}

// key writes what precedes the next member's value: the opening brace or
// a comma, the key and a colon.
func (o *object) key(name string) {
	if o.n == 0 {
		o.b.WriteByte('{')
	} else {
		o.b.WriteByte(',')
	}
	o.n++
	writeString(o.b, name)
	o.b.WriteByte(':')
}

// close ends the object.
func (o *object) close() {
	if o.n == 0 {
		o.b.WriteByte('{')
	}
	o.b.WriteByte('}')
}

func writeString(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s) // a string always marshals
	b.Write(enc)
}

func writeStrings(b *bytes.Buffer, l []string) {
	if len(l) == 1 {
		writeString(b, l[0])
		return
	}
	b.WriteByte('[')
	for i, s := range l {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, s)
	}
	b.WriteByte(']')
}

func marshalStatement(b *bytes.Buffer, st *Statement) {
	o := object{b: b}
	if st.Sid != "" {
		o.key("Sid")
		writeString(b, st.Sid)
	}
	if st.Effect != "" {
		o.key("Effect")
		writeString(b, string(st.Effect))
	}
	if st.Principal != nil {
		o.key("Principal")
		marshalPrincipal(b, st.Principal)
	}
	if st.NotPrincipal != nil {
		o.key("NotPrincipal")
		marshalPrincipal(b, st.NotPrincipal)
	}
	for _, f := range []struct {
		name string
		l    []string
	}{{"Action", st.Action}, {"NotAction", st.NotAction}, {"Resource", st.Resource}, {"NotResource", st.NotResource}} {
		if f.l != nil {
			o.key(f.name)
			writeStrings(b, f.l)
		}
	}
	if len(st.Condition) > 0 {
		o.key("Condition")
		ops := object{b: b}
		for _, op := range sortedKeys(st.Condition) {
			ops.key(op)
			vals := st.Condition[op]
			keys := object{b: b}
			for _, k := range sortedKeys(vals) {
				keys.key(k)
				writeStrings(b, vals[k]) // nil is written []
			}
			keys.close()
		}
		ops.close()
	}
	o.close()
}

func marshalPrincipal(b *bytes.Buffer, p *Principal) {
	if p.Wildcard {
		writeString(b, "*")
		return
	}
	o := object{b: b}
	for _, f := range []struct {
		name string
		l    []string
	}{{"AWS", p.AWS}, {"Federated", p.Federated}, {"Service", p.Service}} {
		if f.l != nil {
			o.key(f.name)
			writeStrings(b, f.l)
		}
	}
	o.close()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
