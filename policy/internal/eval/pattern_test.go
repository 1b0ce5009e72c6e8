package eval

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/internal/glob"
	"github.com/astran-oss/astran-go/policy/internal/cond"
	"github.com/astran-oss/astran-go/policy/types"
)

// FuzzPattern checks the compiled fast paths (exact, prefix, literal head,
// resource-segment-only) against the plain matchers, and against the arn
// package's matchers for patterns without escapes; that a resource matches
// only if it starts with the pattern's literal head (the resource index
// relies on it); and that resource patterns with variables match as their
// full expansion does.
func FuzzPattern(f *testing.F) {
	for _, s := range [][2]string{{"arn:demo:s3:::b/*", "arn:demo:s3:::b/k"}, {"arn:demo:s3:::public-*/*", "arn:demo:s3:::public-x/y"},
		{"arn:demo:iam::*:user/*", "arn:demo:iam::1:user/b"}, {"s3:Get*", "s3:GetObject"}, {"*", ""}, {"arn:demo:*", "arn:demo:s3:::b"},
		{"arn:demo:s3:::a?b*", "arn:demo:s3:::axb:c"}, {"S3:GET*", "s3:getobject"},
		{"arn:demo:s3:::home/${aws:username}/*", "arn:demo:s3:::home/b*b/x:y"}, {"arn:demo:s3:::${aws:username}-*", "arn:demo:s3:::b*b-1"},
		{"arn:demo:${aws:username}:::x", "arn:demo:b*b:::x"}, {"arn:*:s3:::${aws:username, 'd'}/*", "arn:demo:s3:::b*b/k"},
		{"arn:demo:s3:::h/${aws:username}?x*", "arn:demo:s3:::h/\xe2\x82\xacyx"}, {"arn:demo:s3:::h/${aws:username}${*}/?", "arn:demo:s3:::h/bob*/\xe2\x82\xac"}} {
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
		if rp.matchARN(v) && !strings.HasPrefix(v, rp.lit) {
			t.Fatalf("resource %q matches %q, which does not start with its head %q", p, v, rp.lit)
		}
		if r := compileResource(p, true); r.tmpl.Parts != nil && utf8.ValidString(p) {
			// User names: one with wildcards, and a piece of the value
			// (possibly invalid UTF-8).
			for _, user := range []string{"b*b", v[len(v)/3 : 2*len(v)/3]} {
				var ctx types.Context
				ctx.Set("aws:username", user)
				e := evaluator{req: &types.Request{Resource: v, Context: ctx}, res: &types.Result{}}
				got := e.matchResource(&r)
				g, ok := appendGlob(nil, &r.tmpl, &ctx)
				if want := ok && glob.MatchARN(string(g), v); got != want {
					t.Fatalf("resource %q vs %q (user %q): compiled %v, expanded %v", p, v, user, got, want)
				}
				if got && !strings.HasPrefix(v, r.lit) {
					t.Fatalf("resource %q matches %q, which does not start with its head %q", p, v, r.lit)
				}
				// The same template as a StringLike condition value.
				got = e.matchTemplate(cond.StringLike, &r.tmpl, v, 0, time.Time{})
				if want := ok && glob.Match(string(g), v, false); got != want {
					t.Fatalf("StringLike %q vs %q (user %q): compiled %v, expanded %v", p, v, user, got, want)
				}
			}
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
