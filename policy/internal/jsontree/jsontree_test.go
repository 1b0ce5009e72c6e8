package jsontree

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// toAny converts a tree to the value encoding/json decodes (with
// UseNumber); ok is false if an object has duplicate keys.
func toAny(n Node) (v any, ok bool) {
	switch n.Kind {
	case Null:
		return nil, true
	case Bool:
		return n.Str == "true", true
	case Number:
		return json.Number(n.Str), true
	case String:
		return n.Str, true
	case Array:
		out := make([]any, len(n.Kids))
		for i, e := range n.Kids {
			if out[i], ok = toAny(e); !ok {
				return nil, false
			}
		}
		return out, true
	}
	m := make(map[string]any, n.NumMembers())
	for i := 0; i < n.NumMembers(); i++ {
		mem := n.Member(i)
		if _, dup := m[mem.Key]; dup {
			return nil, false
		}
		if m[mem.Key], ok = toAny(*mem.Value); !ok {
			return nil, false
		}
	}
	return m, true
}

func TestParse(t *testing.T) {
	tests := []struct {
		in  string
		err string
	}{
		{`{"a":[1,-2.5e3,true,false,null,"x\u00e9\ud83d\ude00\n"]}`, ""},
		{` [ ] `, ""},
		{`{}`, ""},
		{`"\ud800"`, ""}, // lone surrogate becomes U+FFFD
		{`{"a":1,}`, "invalid character '}' looking for beginning of object key string"},
		{`[1,]`, "invalid character ']' looking for beginning of value"},
		{`01`, "invalid character '1' after top-level value"},
		{`1.`, "invalid number"},
		{`1e`, "invalid number"},
		{`-`, "invalid number"},
		{`nul`, "invalid literal"},
		{`"\x"`, "invalid escape in string literal"},
		{`"\u12"`, "invalid \\u escape in string literal"},
		{`"abc`, "unexpected end of JSON input in string literal"},
		{"\"a\x01\"", "invalid control character in string literal"},
		{"\"\xff\"", "invalid UTF-8 in string literal"},
		{`{"a" 1}`, "expected ':' after object key"},
		{`[1 2]`, "invalid character '2' after array element"},
		{`{"a":1 "b":2}`, "invalid character '\"' after object key:value pair"},
		{`[[[[`, "nesting too deep"},
		{``, "unexpected end of JSON input"},
		{`{`, "unexpected end of JSON input"},
		{`[`, "unexpected end of JSON input"},
		{`{"a":1`, "unexpected end of JSON input"},
		{`[1`, "unexpected end of JSON input"},
		{`"a\`, "unexpected end of JSON input in string escape"},
	}
	for _, tc := range tests {
		_, err := Parse([]byte(tc.in), 3)
		got := ""
		if err != nil {
			got = err.(*SyntaxError).Msg
		}
		if got != tc.err {
			t.Errorf("Parse(%q) error %q, want %q", tc.in, got, tc.err)
		}
	}
	n, err := Parse([]byte(`"\ud800x"`), 3)
	if err != nil || n.Str != "\uFFFDx" {
		t.Fatalf("lone surrogate: %q %v", n.Str, err)
	}
}

func TestLineCol(t *testing.T) {
	data := []byte("ab\ncé\nx")
	for _, tc := range []struct{ off, line, col int }{{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {6, 2, 3}, {7, 3, 1}, {100, 3, 2}} {
		if l, c := LineCol(data, tc.off); l != tc.line || c != tc.col {
			t.Errorf("LineCol(%d) = %d:%d, want %d:%d", tc.off, l, c, tc.line, tc.col)
		}
	}
	for k := Null; k <= Array+1; k++ {
		if k.String() == "" {
			t.Error("empty kind name")
		}
	}
}

// FuzzParse checks the parser against encoding/json: the same inputs are
// valid (for valid UTF-8 within the depth limit), and they decode to the
// same values.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}]}`, `"x\u00e9"`, `[true,false]`, `{"a":1,"a":2}`, `-0.5e-3`, `[`, `{"Version":"2012-10-17"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := Parse(data, 10000)
		if !utf8.Valid(data) || bytes.Contains(data, []byte(`\u`)) {
			return // encoding/json accepts invalid UTF-8 and treats surrogates alike
		}
		if valid := json.Valid(data); valid != (err == nil) {
			t.Fatalf("Parse error %v, json.Valid %v", err, valid)
		}
		if err != nil {
			return
		}
		got, ok := toAny(n)
		if !ok {
			return
		}
		dec := json.NewDecoder(strings.NewReader(string(data)))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got %#v, encoding/json %#v", got, want)
		}
	})
}
