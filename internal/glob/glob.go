// Package glob implements the IAM wildcard matcher shared by packages arn
// and policy: [arn.Match] and [arn.MatchARN] are [MatchPlain] and
// [MatchARNPlain], and the compiled patterns of policy sets use [Match] and
// [MatchARN], which run the same code for patterns without escapes.
//
// A pattern is a string in which '*' matches any run of characters (including
// the empty run) and '?' matches exactly one character (one UTF-8 sequence).
// Literal '*', '?' and NUL characters are written escaped as NUL followed by
// the character (see [Escape]); policy variables such as ${*} and substituted
// variable values are escaped this way so that they match literally.
//
// The matcher never backtracks (see [Match]) and does not allocate.
//
// Patterns are expected to be valid UTF-8, which policy.Parse guarantees by
// rejecting documents that are not; an invalid pattern never panics, but its
// literal bytes may then match inside a multi-byte character of the value.
package glob

import (
	"strings"
	"unicode/utf8"
)

// Esc is the escape byte: Esc followed by c matches the byte c literally.
const Esc = 0

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
func HasWildcard(p string) bool {
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

// Match reports whether value matches pattern. With fold, ASCII letters
// compare case-insensitively (the pattern must then already be lower case).
//
// The text before the first star must match a prefix of the value, the text
// after the last star a suffix, and each star-free piece in between is found
// at its leftmost position after the previous one (correct because a star
// absorbs whatever the leftmost choice skips). Nothing is backtracked: the
// running time is O(len(pattern) + len(value)·q), where q is the length of
// the longest star-free piece (q is 1 for pieces found with strings.Index).
func Match(p, v string, fold bool) bool {
	if !fold && strings.IndexByte(p, Esc) < 0 && utf8.ValidString(v) {
		return MatchPlain(p, v)
	}
	first := nextStar(p, 0)
	if first < 0 {
		return matchAt(p, v, fold) == len(v)
	}
	n := matchAt(p[:first], v, fold)
	if n < 0 {
		return false
	}
	v = v[n:]
	last := lastStar(p)
	m := matchSuffix(p[last+1:], v, fold)
	if m < 0 {
		return false
	}
	v = v[:len(v)-m]
	for i := first + 1; i < last; {
		j := nextStar(p, i)
		piece := p[i:j]
		i = j + 1
		if piece == "" {
			continue
		}
		end := find(piece, v, fold)
		if end < 0 {
			return false
		}
		v = v[end:]
	}
	return true
}

// nextStar returns the index of the first unescaped '*' in p at or after
// i, or -1.
func nextStar(p string, i int) int {
	for ; i < len(p); i++ {
		switch p[i] {
		case Esc:
			i++
		case '*':
			return i
		}
	}
	return -1
}

// lastStar returns the index of the last unescaped '*' in p, or -1.
func lastStar(p string) int {
	last := -1
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case Esc:
			i++
		case '*':
			last = i
		}
	}
	return last
}

// matchAt matches the star-free piece p against a prefix of v and returns
// the length of that prefix, or -1.
func matchAt(p, v string, fold bool) int {
	j := 0
	for i := 0; i < len(p); i++ {
		if j >= len(v) {
			return -1
		}
		c := p[i]
		if c == '?' {
			_, size := utf8.DecodeRuneInString(v[j:])
			j += size
			continue
		}
		if c == Esc && i+1 < len(p) {
			i++
			c = p[i]
		}
		d := v[j]
		if fold {
			d = lower(d)
		}
		if c != d {
			return -1
		}
		j++
	}
	return j
}

// tokens counts the literal characters and '?' wildcards of piece p.
func tokens(p string) (lits, qs int, plain bool) {
	plain = true
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '?':
			qs++
			plain = false
			continue
		case Esc:
			i++
			plain = false
		}
		lits++
	}
	return lits, qs, plain
}

// matchSuffix matches the star-free piece p against a suffix of v and
// returns the length of the shortest such suffix, or -1. A '?' matches one
// UTF-8 sequence of 1 to 4 bytes, so only starts within 3 bytes per '?' of
// the shortest candidate are possible; starts are character boundaries of
// v, found by decoding v forward (linear in len(v)).
func matchSuffix(p, v string, fold bool) int {
	lits, qs, _ := tokens(p)
	minLen, maxLen := lits+qs, lits+4*qs
	if qs == 0 {
		if len(v) >= minLen && matchAt(p, v[len(v)-minLen:], fold) == minLen && (minLen == len(v) || boundary(v, len(v)-minLen)) {
			return minLen
		}
		return -1
	}
	best := -1
	for s := 0; s <= len(v)-minLen; {
		if s >= len(v)-maxLen && matchAt(p, v[s:], fold) == len(v)-s {
			best = len(v) - s
		}
		if s == len(v) {
			break
		}
		_, size := utf8.DecodeRuneInString(v[s:])
		s += size
	}
	return best
}

// boundary reports whether i is a character boundary of v when decoding v
// forward from its start.
func boundary(v string, i int) bool {
	if i == 0 || i == len(v) || utf8.RuneStart(v[i]) && utf8.FullRuneInString(v[i:]) && utf8.ValidString(v[max(0, i-3):i]) {
		return true
	}
	for s := 0; s < i; {
		_, size := utf8.DecodeRuneInString(v[s:])
		s += size
		if s == i {
			return true
		}
	}
	return false
}

// find returns the end of the leftmost match of the star-free piece p in v,
// or -1. Candidate starts are character boundaries of v.
func find(p, v string, fold bool) int {
	if _, _, plain := tokens(p); plain && !fold {
		i := strings.Index(v, p)
		if i < 0 {
			return -1
		}
		return i + len(p)
	}
	for i := 0; i < len(v); {
		if n := matchAt(p, v[i:], fold); n >= 0 {
			return i + n
		}
		_, size := utf8.DecodeRuneInString(v[i:])
		i += size
	}
	return -1
}

// Segments splits s at its first five colons into at most six segments and
// returns their number. The sixth segment keeps any further colons.
func Segments(s string, seg *[6]string) int {
	var n int
	*seg, n = segments(s)
	return n
}

// segments is Segments returning the array: s then flows only to the
// result, so that MatchARN does not make its arguments escape (a caller
// may match a pattern expanded into a stack buffer).
func segments(s string) (seg [6]string, n int) {
	start := 0
	for i := 0; i < len(s) && n < 5; i++ {
		if s[i] == ':' {
			seg[n] = s[start:i]
			n++
			start = i + 1
		}
	}
	seg[n] = s[start:]
	return seg, n + 1
}

// endsWithStar reports whether p ends with an unescaped '*'.
func endsWithStar(p string) bool {
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
func MatchARN(p, v string) bool {
	if len(p) == 1 && p[0] == '*' {
		return true
	}
	if strings.IndexByte(p, Esc) < 0 && utf8.ValidString(v) {
		return MatchARNPlain(p, v)
	}
	ps, np := segments(p)
	vs, nv := segments(v)
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
