package jsontree

import (
	"strings"
	"testing"
)

func TestLocate(t *testing.T) {
	data := []byte(`{"Statement":[{"Action":"a","Condition":{"String Equals":{"k":["x","y"]}}}],"Version":"v"}`)
	root, err := Parse(data, 32)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want string // the text at the located offset
	}{
		{"", `{"Statement"`},
		{"Version", `"v"`},
		{"Statement[0].Action", `"a"`},
		{"Statement[0].Action[0]", `"a"`}, // a scalar is a one-element list
		{`Statement[0].Condition["String Equals"].k[1]`, `"y"`},
		{"Statement[0].Nope", `{"Action"`},       // deepest node found
		{"Statement[7]", `[{"Action"`},           // index out of range
		{`Statement[0].Condition["bad`, `{"Str`}, // unterminated quote
	}
	for _, tt := range tests {
		off := root.Locate(tt.path)
		if got := string(data[off:min(off+len(tt.want), len(data))]); got != tt.want {
			t.Errorf("Locate(%q) at %d = %q..., want %q", tt.path, off, got, tt.want)
		}
	}
}

func TestDupKeyLookup(t *testing.T) {
	root, err := Parse([]byte(`{"a":1,"b":"s","a":true}`), 32)
	if err != nil {
		t.Fatal(err)
	}
	if root.DupKey(1) || !root.DupKey(2) {
		t.Errorf("DupKey: got %v, %v", root.DupKey(1), root.DupKey(2))
	}
	if m := root.Lookup("b"); m == nil || m.Value.Str != "s" || !m.Value.IsScalar() {
		t.Errorf("Lookup(b) = %+v", m)
	}
	if root.Lookup("c") != nil || root.IsScalar() {
		t.Error("Lookup(c) found a member, or an object is scalar")
	}
	var keys []string
	for m := range root.UniqueMembers() {
		keys = append(keys, m.Key+"="+m.Value.Str)
	}
	if got := strings.Join(keys, " "); got != "a=1 b=s" {
		t.Errorf("UniqueMembers: %s, want a=1 b=s", got)
	}
	for range root.UniqueMembers() {
		break // stopping early must not panic
	}
}

func TestCountSize(t *testing.T) {
	tests := []struct {
		data  string
		limit int
		n     int
		over  bool
	}{
		{`{ "a" : "b c" }`, 100, 11, false},  // whitespace counts inside strings only
		{`"é\""`, 100, 5, false},             // characters, not bytes; escapes as written
		{"{\n\t\"abcdef\"\r\n}", 5, 6, true}, // stops past the limit
	}
	for _, tt := range tests {
		if n, over := CountSize([]byte(tt.data), tt.limit); n != tt.n || over != tt.over {
			t.Errorf("CountSize(%q, %d) = %d, %v; want %d, %v", tt.data, tt.limit, n, over, tt.n, tt.over)
		}
	}
}
