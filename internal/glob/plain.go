package glob

import (
	"strings"
	"unicode/utf8"
)

// MatchPlain reports whether value matches the IAM wildcard pattern, which
// has no escapes (a NUL byte is a plain character). It is [arn.Match].
//
//   - "*" matches any run of characters, including the empty run. It crosses
//     every character, ":" and "/" included: "arn:*" matches any value that
//     starts with "arn:", and "user/*" matches "user/a/b@x.io".
//   - "?" matches exactly one character (one UTF-8 encoded rune; an invalid
//     byte counts as one character), ":" and "/" included.
//   - Every other character matches itself, case-sensitively. There is no
//     escape: a pattern cannot match a literal "*" or "?" only.
//
// The whole value must match (the pattern is anchored at both ends).
// Patterns are expected to be valid UTF-8, as every JSON string is; for an
// invalid pattern the result is well defined but unspecified.
//
// Match does not allocate and never backtracks over more than one star: the
// text before the first star must match a prefix, the text after the last
// star a suffix, and each star-free piece in between is found at its
// leftmost position after the previous one (which is correct because a star
// can absorb anything the leftmost choice skips). Pieces without "?" are
// found with [strings.Index]; the running time is
// O(len(pattern) + len(value)·q), where q is the length of the longest
// star-free piece that contains a "?" (q = 1 when there is none).
func MatchPlain(pattern, value string) bool {
	first := strings.IndexByte(pattern, '*')
	if first < 0 {
		n := plainPrefix(pattern, value)
		return n == len(value)
	}
	// Anchored head.
	n := plainPrefix(pattern[:first], value)
	if n < 0 {
		return false
	}
	value = value[n:]
	last := strings.LastIndexByte(pattern, '*')
	// Anchored tail.
	m := plainSuffix(pattern[last+1:], value)
	if m < 0 {
		return false
	}
	value = value[:len(value)-m]
	// Floating middle pieces, each at its leftmost position.
	var mid string
	if last > first {
		mid = pattern[first+1 : last]
	}
	for mid != "" {
		var piece string
		if i := strings.IndexByte(mid, '*'); i >= 0 {
			piece, mid = mid[:i], mid[i+1:]
		} else {
			piece, mid = mid, ""
		}
		if piece == "" {
			continue
		}
		end := plainFind(piece, value)
		if end < 0 {
			return false
		}
		value = value[end:]
	}
	return true
}

// plainPrefix matches the star-free piece p against a prefix of s and
// returns the length of that prefix, or -1.
func plainPrefix(p, s string) int {
	if strings.IndexByte(p, '?') < 0 {
		if strings.HasPrefix(s, p) {
			return len(p)
		}
		return -1
	}
	j := 0
	for i := 0; i < len(p); i++ {
		if j >= len(s) {
			return -1
		}
		if p[i] == '?' {
			_, size := utf8.DecodeRuneInString(s[j:])
			j += size
			continue
		}
		if p[i] != s[j] {
			return -1
		}
		j++
	}
	return j
}

// plainSuffix matches the star-free piece p against a suffix of s and
// returns the length of that suffix, or -1.
func plainSuffix(p, s string) int {
	if strings.IndexByte(p, '?') < 0 {
		if strings.HasSuffix(s, p) {
			return len(p)
		}
		return -1
	}
	j := len(s)
	for i := len(p) - 1; i >= 0; i-- {
		if j == 0 {
			return -1
		}
		if p[i] == '?' {
			_, size := utf8.DecodeLastRuneInString(s[:j])
			j -= size
			continue
		}
		if p[i] != s[j-1] {
			return -1
		}
		j--
	}
	return len(s) - j
}

// plainFind returns the end of the leftmost match of the star-free piece p in s,
// or -1. Candidate starts are character boundaries of s.
func plainFind(p, s string) int {
	if strings.IndexByte(p, '?') < 0 {
		i := strings.Index(s, p)
		if i < 0 {
			return -1
		}
		return i + len(p)
	}
	for i := 0; i < len(s); {
		if n := plainPrefix(p, s[i:]); n >= 0 {
			return i + n
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return -1
}

// MatchARNPlain reports whether the ARN value matches the ARN pattern,
// which has no escapes (it is [arn.MatchARN]), segment by
// segment, as IAM matches the Resource and Principal elements of a policy.
//
// Both strings are split at their first five colons into at most six
// segments ("arn", partition, service, region, account, resource); the
// resource is everything after the fifth colon and may contain colons.
// Then:
//
//   - In the first five segments a wildcard stays inside its segment: "*"
//     and "?" never match ":" ("arn:*:s3:::b" does not match
//     "arn:a:b:s3:::b").
//   - In the resource segment [MatchPlain] applies unchanged: "*" matches any run
//     including ":" and "/" ("arn:demo:s3:::b/*" matches
//     "arn:demo:s3:::b/x/y:z").
//   - A pattern with fewer than six segments whose last segment ends with
//     "*" matches every value whose first segments match: that trailing star
//     matches the rest of the value, colons included ("arn:demo:*" matches
//     every ARN of partition demo, and "*" matches every value). Other
//     wildcards of that last segment stay inside its segment.
//   - A pattern with fewer than six segments without a trailing "*" only
//     matches a value with exactly as many segments.
//
// Matching is case-sensitive. Like [MatchPlain], MatchARN does not allocate and
// runs in time linear in len(value) for a given pattern.
func MatchARNPlain(pattern, value string) bool {
	for range 5 {
		pi := strings.IndexByte(pattern, ':')
		if pi < 0 {
			// The pattern's last segment, before the resource.
			vi := strings.IndexByte(value, ':')
			if strings.HasSuffix(pattern, "*") {
				if vi >= 0 {
					value = value[:vi]
				}
				return MatchPlain(pattern, value)
			}
			return vi < 0 && MatchPlain(pattern, value)
		}
		vi := strings.IndexByte(value, ':')
		if vi < 0 || !MatchPlain(pattern[:pi], value[:vi]) {
			return false
		}
		pattern, value = pattern[pi+1:], value[vi+1:]
	}
	return MatchPlain(pattern, value)
}
