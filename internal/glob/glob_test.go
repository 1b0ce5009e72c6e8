package glob

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// slowMatch is a reference matcher: dynamic programming over runes.
func slowMatch(p, v string, fold bool) bool {
	type tok struct {
		c    byte
		kind byte // 'l' literal, '*', '?'
	}
	var toks []tok
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '*' || c == '?':
			toks = append(toks, tok{kind: c})
		case c == Esc && i+1 < len(p):
			i++
			toks = append(toks, tok{c: p[i], kind: 'l'})
		default:
			toks = append(toks, tok{c: c, kind: 'l'})
		}
	}
	// reach[j] = pattern prefix matches v[:j]
	reach := make([]bool, len(v)+1)
	reach[0] = true
	for _, t := range toks {
		next := make([]bool, len(v)+1)
		for j := 0; j <= len(v); j++ {
			if !reach[j] {
				continue
			}
			switch t.kind {
			case '*':
				// A star absorbs whole characters: it stops only at
				// character boundaries.
				for k := j; k <= len(v); {
					next[k] = true
					if k == len(v) {
						break
					}
					_, n := utf8.DecodeRuneInString(v[k:])
					k += n
				}
			case '?':
				if j < len(v) {
					_, n := utf8.DecodeRuneInString(v[j:])
					next[j+n] = true
				}
			default:
				if j < len(v) {
					d := v[j]
					if fold {
						d = lower(d)
					}
					if d == t.c {
						next[j+1] = true
					}
				}
			}
		}
		reach = next
	}
	return reach[len(v)]
}

func TestMatch(t *testing.T) {
	tests := []struct {
		p, v string
		fold bool
		want bool
	}{
		{"*", "", false, true},
		{"*", "anything:at/all", false, true},
		{"", "", false, true},
		{"", "a", false, false},
		{"a*", "a", false, true},
		{"a*b", "ab", false, true},
		{"a*b", "axxb", false, true},
		{"a*b", "axxbc", false, false},
		{"a?c", "abc", false, true},
		{"a?c", "aéc", false, true},
		{"a?c", "ac", false, false},
		{"*a*a*a*a*b", strings.Repeat("a", 100), false, false},
		{"s3:get*", "S3:GetObject", true, true},
		{"s3:get*", "S3:PutObject", true, false},
		{"a\x00*b", "a*b", false, true},
		{"a\x00*b", "axb", false, false},
		{"a\x00?", "a?", false, true},
		{"a\x00?", "ab", false, false},
		{"*\x00*", "xx*", false, true},
		{"*\x00**", "x*y", false, true},
		{"x*?", "x", false, false},
		{"x*?", "xé", false, true},
		{"*?é", "aé", false, true},
	}
	for _, tc := range tests {
		if got := Match(tc.p, tc.v, tc.fold); got != tc.want {
			t.Errorf("Match(%q, %q, %v) = %v, want %v", tc.p, tc.v, tc.fold, got, tc.want)
		}
		if got := slowMatch(tc.p, tc.v, tc.fold); got != tc.want {
			t.Errorf("slowMatch(%q, %q, %v) = %v, want %v", tc.p, tc.v, tc.fold, got, tc.want)
		}
	}
}

func TestMatchARN(t *testing.T) {
	tests := []struct {
		p, v string
		want bool
	}{
		{"*", "arn:demo:s3:::b/k", true},
		{"*", "", true},
		{"arn:demo:s3:::b/*", "arn:demo:s3:::b/x:y/z", true},
		{"arn:demo:iam::*:user/*", "arn:demo:iam::123:user/bob", true},
		{"arn:demo:iam:*:user/*", "arn:demo:iam::123:user/bob", false},
		{"arn:*:s3:::b", "arn:a:b:s3:::b", false},
		{"arn:demo:*", "arn:demo:s3:::b/k", true},
		{"arn:de*", "arn:demo:s3:::b/k", true},
		{"arn:d?mo:s*", "arn:demo:s3:::b", true},
		{"arn:d*o:s3", "arn:demo:s3:::b", false},
		{"arn:demo:s3", "arn:demo:s3", true},
		{"arn:demo", "arn:demo:s3", false},
		{"arn:demo:s3:::b", "arn:demo:s3", false},
		{"arn:demo:s3:::b\x00*", "arn:demo:s3:::b*", true},
		{"arn:demo:s3:::b\x00*", "arn:demo:s3:::bx", false},
		{"arn:demo:s3:\x00*", "arn:demo:s3:*:x", false},
	}
	for _, tc := range tests {
		if got := MatchARN(tc.p, tc.v); got != tc.want {
			t.Errorf("MatchARN(%q, %q) = %v, want %v", tc.p, tc.v, got, tc.want)
		}
	}
}

func TestEscape(t *testing.T) {
	for _, s := range []string{"", "abc", "a*b?c\x00d", "***"} {
		e := Escape(s)
		if !Match(e, s, false) || HasWildcard(e) || Unescape(e) != s {
			t.Errorf("Escape(%q) = %q", s, e)
		}
		if s != "" && Match(e, s+"x", false) {
			t.Errorf("Escape(%q) matches more", s)
		}
	}
}

func TestMatch_linear(t *testing.T) {
	// A pattern that makes backtracking matchers exponential or quadratic.
	p := strings.Repeat("*a", 3000) + "*b"
	v := strings.Repeat("a", 6000)
	if Match(p, v, false) {
		t.Fatal("matched")
	}
	if testing.AllocsPerRun(10, func() { Match(p, v, false) }) != 0 {
		t.Fatal("Match allocates")
	}
}

func FuzzMatch(f *testing.F) {
	for _, s := range [][2]string{{"*", ""}, {"a*b?c", "aXbYc"}, {"arn:demo:*", "arn:demo:s3:::b"}, {"arn:*:s3:::b/*", "arn:demo:s3:::b/k"},
		{"?*?", "ab"}, {"*?é", "aé"}, {"arn:d?mo:s*", "arn:demo:s3:::b"}, {"a\x00*b", "a*b"}} {
		f.Add(s[0], s[1], false)
	}
	f.Fuzz(func(t *testing.T, p, v string, fold bool) {
		if len(p) > 64 || len(v) > 64 {
			return
		}
		// Patterns come from policy documents, which Parse rejects unless
		// they are valid UTF-8; for invalid patterns the matcher compares
		// literal bytes, and the rune-level reference is not meaningful.
		if !utf8.ValidString(p) {
			return
		}
		if fold {
			p = strings.ToLower(p)
		}
		got := Match(p, v, fold)
		if want := slowMatch(p, v, fold); got != want {
			t.Fatalf("Match(%q, %q, %v) = %v, reference says %v", p, v, fold, got, want)
		}
	})
}
