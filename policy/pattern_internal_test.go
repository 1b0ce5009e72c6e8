package policy

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy/internal/glob"
)

// FuzzPattern checks the compiled fast paths (exact, prefix, literal head,
// resource-segment-only) against the plain matchers, and against the arn
// package's matchers for patterns without escapes.
func FuzzPattern(f *testing.F) {
	for _, s := range [][2]string{{"arn:demo:s3:::b/*", "arn:demo:s3:::b/k"}, {"arn:demo:s3:::public-*/*", "arn:demo:s3:::public-x/y"},
		{"arn:demo:iam::*:user/*", "arn:demo:iam::1:user/b"}, {"s3:Get*", "s3:GetObject"}, {"*", ""}, {"arn:demo:*", "arn:demo:s3:::b"},
		{"arn:demo:s3:::a?b*", "arn:demo:s3:::axb:c"}, {"S3:GET*", "s3:getobject"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, p, v string) {
		if strings.IndexByte(p, glob.Esc) >= 0 {
			return
		}
		rp := compilePattern(p, false)
		if got, want := rp.matchARN(v), glob.MatchARN(p, v); got != want {
			t.Fatalf("resource %q vs %q: compiled %v, MatchARN %v (kind %d)", p, v, got, want, rp.kind)
		}
		if got, want := rp.matchAction(v, false), glob.Match(p, v, false); got != want {
			t.Fatalf("action %q vs %q: compiled %v, Match %v", p, v, got, want)
		}
		ap := compilePattern(p, true)
		if got, want := ap.matchAction(v, true), glob.Match(strings.ToLower(p), v, true); got != want {
			t.Fatalf("folded action %q vs %q: compiled %v, Match %v", p, v, got, want)
		}
		if utf8.ValidString(p) && utf8.ValidString(v) {
			if got, want := rp.matchARN(v), arn.MatchARN(p, v); got != want {
				t.Fatalf("resource %q vs %q: compiled %v, arn.MatchARN %v", p, v, got, want)
			}
		}
	})
}
