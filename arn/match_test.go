package arn_test

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/astran-oss/astran-go/arn"
)

// matchCase is a pattern, a value and whether the pattern matches.
type matchCase struct {
	pattern, value string
	want           bool
}

// matchCases pin down Match: "*" crosses ":" and "/", "?" is one character.
var matchCases = []matchCase{
	{"", "", true},
	{"", "a", false},
	{"a", "", false},
	{"abc", "abc", true},
	{"abc", "abd", false},
	{"abc", "ABC", false}, // case-sensitive
	{"s3:GetObject", "s3:getobject", false},
	{"*", "", true},
	{"*", "anything:at/all", true},
	{"**", "x", true},
	{"s3:*", "s3:GetObject", true},
	{"s3:Get*", "s3:GetObject", true},
	{"s3:Get*", "s3:PutObject", false},
	{"*Object", "s3:GetObject", true},
	{"*Object", "s3:GetObjectAcl", false},
	{"s3:*Object*", "s3:GetObjectVersion", true},
	{"iam:*User*", "iam:ListUsers", true},
	// "*" crosses "/" and ":".
	{"user/*", "user/bob@astran.io", true},
	{"user/*", "user/division/team/bob@astran.io", true},
	{"arn:*", "arn:demo:s3:::b/k", true},
	{"arn:demo:s3:::b*", "arn:demo:s3:::b/x:y/z", true},
	{"a*b", "a:/b", true},
	// "?" is exactly one character, ":" and "/" included.
	{"?", "", false},
	{"?", "a", true},
	{"?", "ab", false},
	{"?", "é", true},
	{"?", "😀", true},
	{"??", "é", false},
	{"?", ":", true},
	{"?", "/", true},
	{"a?c", "a/c", true},
	{"a?c", "a:c", true},
	{"a?c", "aéc", true},
	{"a?c", "abbc", false},
	{"*?", "", false},
	{"*?", "é", true},
	{"?*?", "é", false},
	{"?*?", "éé", true},
	{"report-??.pdf", "report-01.pdf", true},
	{"report-??.pdf", "report-1.pdf", false},
	// Several stars: the leftmost choice for each piece.
	{"a*b*c", "abc", true},
	{"a*b*c", "aXbYc", true},
	{"a*b*c", "acb", false},
	{"*a*a*a*", "aaa", true},
	{"*a*a*a*", "aa", false},
	{"a*a", "a", false},
	{"a*a", "aa", true},
	{"*ab*ab*", "xabyab", true},
	{"*a?c*", "xxabxadcx", true},
	{"*a?c*", "xxabxadx", false},
	{"*é?*", "aébé", true},
	{"b/*/k?y", "b/x/y/key", true},
	{"b/*/k?y", "b/key", false},
	{"*.pdf", "q1.pdf", true},
	{"*.pdf", "q1.pdfx", false},
	{"a*", "b", false},
	{"*a", "b", false},
	{"a*?b", "ab", false},
	{"x*y*z", "xyyz", true},
	{"a***b", "ab", true},
	{"*??", "a", false},
	{"*x?", "x", false},
	{"*x?", "ab", false},
	{"*a**b*", "xaybz", true},
	// A NUL byte is a plain character.
	{"a\x00b", "a\x00b", true},
	{"a\x00*", "a\x00xyz", true},
	{"a\x00*", "a*", false},
}

// matchARNCases pin down MatchARN's segment rules.
var matchARNCases = []matchCase{
	{"*", "", true},
	{"*", "arn:demo:s3:::b/k", true},
	{"*", "not an arn", true},
	{"arn:demo:s3:::marketing-docs/*", "arn:demo:s3:::marketing-docs/reports/2025/q1.pdf", true},
	{"arn:demo:s3:::marketing-docs/*", "arn:demo:s3:::marketing-docs", false},
	{"arn:demo:s3:::marketing-docs*", "arn:demo:s3:::marketing-docs", true},
	{"arn:demo:s3:::marketing-docs/*", "arn:demo:s3:::other/x", false},
	// In the first five segments a wildcard stays in its segment.
	{"arn:*:s3:::b", "arn:demo:s3:::b", true},
	{"arn:*:s3:::b", "arn:a:b:s3:::b", false},
	{"arn:*:iam::*:user/*", "arn:demo:iam::" + acct + ":user/bob@astran.io", true},
	{"arn:demo:iam::*:user/*", "arn:demo:iam::a:b:user/x", false}, // "a:b" is not an account
	{"arn:demo:iam::*:*", "arn:demo:iam::" + acct + ":root", true},
	{"arn:demo:iam::???:root", "arn:demo:iam::abc:root", true},
	{"arn:demo:iam::???:root", "arn:demo:iam::a:c:root", false},
	{"arn:demo:iam:?:acct:root", "arn:demo:iam::acct:root", false},
	{"arn:demo:*", "arn:demo:iam::acct:root", true},
	{"arn:demo:i*", "arn:demo:iam::acct:root", true},
	{"arn:demo:s*", "arn:demo:iam::acct:root", false},
	{"arn:demo:i*m*", "arn:demo:iam::acct:root", true},
	{"arn:demo:i*x*", "arn:demo:iam::acct:root", false}, // inner star stays in the service segment
	{"arn:demo:*", "arn:demo", false},
	{"arn:demo:*", "arn:demo:", true},
	{"arn:*", "arn:x:y:z:w:v", true},
	{"arn:*", "aws:x", false},
	// The resource segment may contain colons, and "*" crosses them.
	{"arn:demo:ck:::kit/*", "arn:demo:ck:::kit/a:b:c", true},
	{"arn:demo:ck:::kit/?:b:c", "arn:demo:ck:::kit/a:b:c", true},
	{"arn:demo:ck:::kit/a:b:c", "arn:demo:ck:::kit/a:b:c", true},
	{"arn:demo:ck:::kit/a:*", "arn:demo:ck:::kit/a:b:c", true},
	// Fewer than six segments without a trailing star: same segment count.
	{"a:b", "a:b", true},
	{"a:b", "a:b:c", false},
	{"a:?", "a:b", true},
	{"a:*b", "a:xb", true},
	{"a:*b", "a:x:b", false},
	{"arn:demo:iam::acct", "arn:demo:iam::acct:root", false},
	// Fewer segments in the value.
	{"arn:demo:iam::acct:root", "arn:demo:iam::acct", false},
	{"arn:demo:s3:::*", "arn:demo:s3::", false},
	// Case-sensitive.
	{"arn:demo:s3:::B", "arn:demo:s3:::b", false},
	{"ARN:*", "arn:demo:s3:::b", false},
}

// TestMatch checks Match and MatchARN, and their slow references, on
// their cases.
func TestMatch(t *testing.T) {
	matchers := []struct {
		name       string
		match, ref func(pattern, value string) bool
		cases      []matchCase
	}{
		{"Match", arn.Match, slowMatch, matchCases},
		{"MatchARN", arn.MatchARN, slowMatchARN, matchARNCases},
	}
	for _, m := range matchers {
		for _, tc := range m.cases {
			if got := m.match(tc.pattern, tc.value); got != tc.want {
				t.Errorf("%s(%q, %q) = %v, want %v", m.name, tc.pattern, tc.value, got, tc.want)
			}
			if got := m.ref(tc.pattern, tc.value); got != tc.want {
				t.Errorf("reference of %s(%q, %q) = %v, want %v (bad reference)", m.name, tc.pattern, tc.value, got, tc.want)
			}
		}
	}
}

// TestMatch_linear shows that adversarial patterns do not blow up: each of
// these would take exponential or quadratic time in a naive backtracking
// matcher.
func TestMatch_linear(t *testing.T) {
	value := strings.Repeat("a", 1<<16)
	tests := []struct {
		pattern string
		want    bool
	}{
		{strings.Repeat("a*", 100) + "b", false},
		{strings.Repeat("*a", 100) + "*b", false},
		{strings.Repeat("*a", 100) + "*", true},
		{"*" + strings.Repeat("a", 1000) + "b*", false},
		{"*" + strings.Repeat("?", 20) + "b*", false},
	}
	for _, tc := range tests {
		if got := arn.Match(tc.pattern, value); got != tc.want {
			t.Errorf("Match(%.20q..., a^%d) = %v", tc.pattern, len(value), got)
		}
	}
}

func TestMatch_allocs(t *testing.T) {
	cases := []struct{ p, v string }{
		{"arn:demo:s3:::marketing-docs/*", "arn:demo:s3:::marketing-docs/reports/2025/q1.pdf"},
		{"arn:*:iam::*:user/*/bob?astran.io", "arn:demo:iam::" + acct + ":user/division/team/bob@astran.io"},
		{"arn:demo:*", "arn:demo:iam::acct:root"},
	}
	for _, c := range cases {
		if n := testing.AllocsPerRun(100, func() {
			arn.Match(c.p, c.v)
			arn.MatchARN(c.p, c.v)
		}); n != 0 {
			t.Errorf("Match/MatchARN(%q) allocates %v times", c.p, n)
		}
	}
	in := parseCases[0].in
	if n := testing.AllocsPerRun(100, func() { _, _ = arn.Parse(in) }); n != 0 {
		t.Errorf("Parse allocates %v times", n)
	}
}

// slowMatch is the reference for Match: a plain dynamic program over runes.
func slowMatch(pattern, value string) bool {
	p, v := []rune(pattern), []rune(value)
	// ok[j] reports whether p[:i] matches v[:j].
	ok := make([]bool, len(v)+1)
	ok[0] = true
	for i := range p {
		next := make([]bool, len(v)+1)
		switch p[i] {
		case '*':
			seen := false
			for j := range next {
				seen = seen || ok[j]
				next[j] = seen
			}
		default:
			for j := 1; j <= len(v); j++ {
				next[j] = ok[j-1] && (p[i] == '?' || p[i] == v[j-1])
			}
		}
		ok = next
	}
	return ok[len(v)]
}

// slowMatchARN is the reference for MatchARN: it translates the pattern into
// a regular expression, written from the documented rules.
func slowMatchARN(pattern, value string) bool {
	segs := strings.SplitN(pattern, ":", 6)
	var re strings.Builder
	re.WriteString(`(?s)\A`)
	for i, seg := range segs {
		if i > 0 {
			re.WriteString(":")
		}
		resource := i == 5
		trailing := len(segs) < 6 && i == len(segs)-1 && strings.HasSuffix(seg, "*")
		for j, r := range seg {
			switch {
			case r == '*' && (resource || trailing && j == len(seg)-1):
				re.WriteString(`.*`)
			case r == '*':
				re.WriteString(`[^:]*`)
			case r == '?' && resource:
				re.WriteString(`.`)
			case r == '?':
				re.WriteString(`[^:]`)
			default:
				re.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
	}
	re.WriteString(`\z`)
	return regexp.MustCompile(re.String()).MatchString(value)
}

func FuzzMatch(f *testing.F) {
	for _, tc := range matchCases {
		f.Add(tc.pattern, tc.value)
	}
	for _, tc := range matchARNCases {
		f.Add(tc.pattern, tc.value)
	}
	f.Fuzz(func(t *testing.T, pattern, value string) {
		if len(pattern) > 64 || len(value) > 256 {
			return // keep the slow references fast
		}
		got := arn.Match(pattern, value)
		gotARN := arn.MatchARN(pattern, value)
		if !utf8.ValidString(pattern) {
			return // unspecified (but must not panic)
		}
		if want := slowMatch(pattern, value); got != want {
			t.Errorf("Match(%q, %q) = %v, reference %v", pattern, value, got, want)
		}
		if want := slowMatchARN(pattern, value); gotARN != want {
			t.Errorf("MatchARN(%q, %q) = %v, reference %v", pattern, value, gotARN, want)
		}
		// Every value matches itself as a pattern when it has no wildcards.
		if !strings.ContainsAny(value, "*?") && (!arn.Match(value, value) || !arn.MatchARN(value, value)) {
			t.Errorf("%q does not match itself", value)
		}
	})
}
