// Package glob implements the IAM wildcard matcher used by package policy.
//
// A pattern is a string in which '*' matches any run of characters (including
// the empty run) and '?' matches exactly one character (one UTF-8 sequence).
// Literal '*', '?' and NUL characters are written escaped as NUL followed by
// the character (see [Escape]); policy variables such as ${*} and substituted
// variable values are escaped this way so that they match literally.
//
// The matcher never backtracks more than one star: its worst case is
// O(len(pattern)·len(value)) with no exponential blow-up, and it is linear for
// patterns with at most one star. It does not allocate.
package glob

import "unicode/utf8"

// Esc is the escape byte: Esc followed by c matches the byte c literally.
const Esc = 0

// Text is a string or a byte slice.
type Text interface{ ~string | ~[]byte }

// AppendEscaped appends s to dst with every '*', '?' and Esc byte escaped,
// so that the result matches s literally.
func AppendEscaped(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '*' || c == '?' || c == Esc {
			dst = append(dst, Esc)
		}
		dst = append(dst, c)
	}
	return dst
}

// Escape returns s escaped (see [AppendEscaped]).
func Escape(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '*' || c == '?' || c == Esc {
			return string(AppendEscaped(make([]byte, 0, len(s)+4), s))
		}
	}
	return s
}

// Unescape removes escapes from a pattern with no wildcards.
func Unescape(p string) string {
	for i := 0; i < len(p); i++ {
		if p[i] == Esc {
			b := make([]byte, 0, len(p))
			for j := 0; j < len(p); j++ {
				if p[j] == Esc && j+1 < len(p) {
					j++
				}
				b = append(b, p[j])
			}
			return string(b)
		}
	}
	return p
}

// HasWildcard reports whether p contains an unescaped '*' or '?'.
func HasWildcard[P Text](p P) bool {
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case Esc:
			i++
		case '*', '?':
			return true
		}
	}
	return false
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// runeLen returns the length of the UTF-8 sequence starting at v[i]
// (1 for invalid bytes).
func runeLen[V Text](v V, i int) int {
	c := v[i]
	if c < utf8.RuneSelf {
		return 1
	}
	n := 1
	switch {
	case c&0xE0 == 0xC0:
		n = 2
	case c&0xF0 == 0xE0:
		n = 3
	case c&0xF8 == 0xF0:
		n = 4
	}
	if i+n > len(v) {
		return 1
	}
	for k := 1; k < n; k++ {
		if v[i+k]&0xC0 != 0x80 {
			return 1
		}
	}
	return n
}

// Match reports whether value matches pattern. With fold, ASCII letters
// compare case-insensitively (the pattern must then already be lower case).
func Match[P, V Text](p P, v V, fold bool) bool {
	pi, vi := 0, 0
	starP, starV := -1, 0
	for vi < len(v) {
		if pi < len(p) {
			c := p[pi]
			switch c {
			case '*':
				pi++
				starP, starV = pi, vi
				continue
			case '?':
				pi++
				vi += runeLen(v, vi)
				continue
			default:
				n := 1
				if c == Esc && pi+1 < len(p) {
					c = p[pi+1]
					n = 2
				}
				d := v[vi]
				if fold {
					d = lower(d)
				}
				if c == d {
					pi += n
					vi++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		starV += runeLen(v, starV)
		pi, vi = starP, starV
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// Segments splits s at its first five colons into at most six segments and
// returns their number. The sixth segment keeps any further colons.
func Segments[S Text](s S, seg *[6]S) int {
	n := 0
	start := 0
	for i := 0; i < len(s) && n < 5; i++ {
		if s[i] == ':' {
			seg[n] = s[start:i]
			n++
			start = i + 1
		}
	}
	seg[n] = s[start:]
	return n + 1
}

// endsWithStar reports whether p ends with an unescaped '*'.
func endsWithStar[P Text](p P) bool {
	if len(p) == 0 || p[len(p)-1] != '*' {
		return false
	}
	// Count preceding escape bytes: an odd run means the star is escaped.
	// An escape escapes exactly the next byte, so scan from the start.
	esc := false
	for i := 0; i < len(p); i++ {
		if esc {
			esc = false
			if i == len(p)-1 {
				return false
			}
			continue
		}
		if p[i] == Esc {
			esc = true
		}
	}
	return true
}

// MatchARN reports whether value matches pattern with ARN semantics: the
// pattern "*" matches everything; otherwise both are split into their six
// colon-separated segments and a wildcard stays inside its segment, except in
// the resource segment (which may contain colons) and except a trailing '*'
// in a pattern of fewer than six segments, which matches the rest of the
// value, colons included.
func MatchARN[P, V Text](p P, v V) bool {
	if len(p) == 1 && p[0] == '*' {
		return true
	}
	var ps [6]P
	var vs [6]V
	np := Segments(p, &ps)
	nv := Segments(v, &vs)
	switch {
	case np == nv:
	case np < nv && endsWithStar(ps[np-1]):
	default:
		return false
	}
	for i := 0; i < np; i++ {
		if !Match(ps[i], vs[i], false) {
			return false
		}
	}
	return true
}
