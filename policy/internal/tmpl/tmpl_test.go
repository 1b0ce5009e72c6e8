package tmpl

import (
	"reflect"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		s      string
		vars   bool
		want   []Part
		hasVar bool
		head   string
	}{
		{"arn:aws:s3:::b/*", true, []Part{{Kind: Lit, Text: "arn:aws:s3:::b/*"}}, false, "arn:aws:s3:::b/"},
		{"home/${aws:username}/*", true, []Part{{Kind: Lit, Text: "home/"}, {Kind: Var, Text: "aws:username"}, {Kind: Lit, Text: "/*"}}, true, "home/"},
		{"home/${aws:username}", false, []Part{{Kind: Lit, Text: "home/${aws:username}"}}, false, "home/${aws:username}"},
		{"${ k , 'd v' }x", true, []Part{{Kind: Var, Text: "k", Def: "d v", HasDef: true}, {Kind: Lit, Text: "x"}}, true, ""},
		{"a${*}b", true, []Part{{Kind: Lit, Text: "a"}, {Kind: Esc, Text: "*"}, {Kind: Lit, Text: "b"}}, false, "a"},
		{"a${bad key}b", true, []Part{{Kind: Lit, Text: "a${bad key}b"}}, false, "a${bad key}b"},
		{"a${k, nodefault}", true, []Part{{Kind: Lit, Text: "a${k, nodefault}"}}, false, "a${k, nodefault}"},
		{"a${unclosed", true, []Part{{Kind: Lit, Text: "a${unclosed"}}, false, "a${unclosed"},
		{"", true, []Part{{Kind: Lit, Text: ""}}, false, ""},
	}
	for _, tt := range tests {
		got, hasVar := Parse(tt.s, tt.vars)
		if !reflect.DeepEqual(got.Parts, tt.want) || hasVar != tt.hasVar {
			t.Errorf("Parse(%q, %v) = %+v, %v; want %+v, %v", tt.s, tt.vars, got.Parts, hasVar, tt.want, tt.hasVar)
		}
		if h := got.Head(); h != tt.head {
			t.Errorf("Parse(%q).Head() = %q, want %q", tt.s, h, tt.head)
		}
	}
}

func TestAppendLitGlob(t *testing.T) {
	if got := string(AppendLitGlob(nil, "a*b?c")); got != "a*b?c" {
		t.Errorf("wildcards: got %q", got)
	}
	if got := string(AppendLitGlob([]byte("x"), "a\x00b")); got != "xa\x00\x00b" {
		t.Errorf("escape byte: got %q", got)
	}
}
