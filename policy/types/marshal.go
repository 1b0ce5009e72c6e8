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
	b.WriteByte('{')
	first := true
	field := func(name string) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		writeString(&b, name)
		b.WriteByte(':')
	}
	if d.Version != "" {
		field("Version")
		writeString(&b, d.Version)
	}
	if d.ID != "" {
		field("Id")
		writeString(&b, d.ID)
	}
	field("Statement")
	b.WriteByte('[')
	for i := range d.Statements {
		if i > 0 {
			b.WriteByte(',')
		}
		marshalStatement(&b, &d.Statements[i])
	}
	b.WriteString("]}")
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
	b.WriteByte('{')
	first := true
	field := func(name string) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		writeString(b, name)
		b.WriteByte(':')
	}
	if st.Sid != "" {
		field("Sid")
		writeString(b, st.Sid)
	}
	if st.Effect != "" {
		field("Effect")
		writeString(b, string(st.Effect))
	}
	if st.Principal != nil {
		field("Principal")
		marshalPrincipal(b, st.Principal)
	}
	if st.NotPrincipal != nil {
		field("NotPrincipal")
		marshalPrincipal(b, st.NotPrincipal)
	}
	for _, f := range []struct {
		name string
		l    []string
	}{{"Action", st.Action}, {"NotAction", st.NotAction}, {"Resource", st.Resource}, {"NotResource", st.NotResource}} {
		if f.l != nil {
			field(f.name)
			writeStrings(b, f.l)
		}
	}
	if len(st.Condition) > 0 {
		field("Condition")
		b.WriteByte('{')
		for i, op := range sortedKeys(st.Condition) {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, op)
			b.WriteString(":{")
			keys := st.Condition[op]
			for j, k := range sortedKeys(keys) {
				if j > 0 {
					b.WriteByte(',')
				}
				writeString(b, k)
				b.WriteByte(':')
				vals := keys[k]
				if vals == nil {
					vals = []string{}
				}
				writeStrings(b, vals)
			}
			b.WriteByte('}')
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
}

func marshalPrincipal(b *bytes.Buffer, p *Principal) {
	if p.Wildcard {
		writeString(b, "*")
		return
	}
	b.WriteByte('{')
	first := true
	for _, f := range []struct {
		name string
		l    []string
	}{{"AWS", p.AWS}, {"Federated", p.Federated}, {"Service", p.Service}} {
		if f.l == nil {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		writeString(b, f.name)
		b.WriteByte(':')
		if len(f.l) == 0 {
			b.WriteString("[]")
			continue
		}
		writeStrings(b, f.l)
	}
	b.WriteByte('}')
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
