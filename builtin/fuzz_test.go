package builtin_test

import (
	"errors"
	"testing"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/builtin"
)

// FuzzCanonical checks that Canonical never panics, that what it accepts is
// a built-in written canonically (which it accepts again, unchanged, in any
// own partition), and that it accepts only the two spellings it documents.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{
		"arn:astran:iam::astran:policy/AstranAdmin", "arn:demo:iam::astran:policy/AstranAdmin",
		"arn:x:iam::astran:policy/AstranAdmin", "arn:astran:iam::astran:group/astran-admin-user",
		"arn:astran:iam::astran:policy/a/AstranAdmin", "arn:astran:iam:r:astran:policy/AstranAdmin",
		"arn:demo:iam::1234:policy/AstranAdmin",
	} {
		f.Add(s, "demo")
	}
	f.Fuzz(func(t *testing.T, s, own string) {
		a, err := arn.Parse(s)
		if err != nil {
			return
		}
		c, err := builtin.Canonical(a, own)
		if err != nil {
			var ae *builtin.ARNError
			if !errors.As(err, &ae) || (!errors.Is(err, builtin.ErrNotBuiltin) && !errors.Is(err, builtin.ErrSpelling) && !errors.Is(err, builtin.ErrUnknown)) {
				t.Fatalf("Canonical(%q, %q): untyped error %v", s, own, err)
			}
			if builtin.IsBuiltin(a) == errors.Is(err, builtin.ErrNotBuiltin) {
				t.Fatalf("Canonical(%q): %v disagrees with IsBuiltin", s, err)
			}
			return
		}
		if a.Partition != builtin.Partition && a.Partition != own {
			t.Fatalf("Canonical(%q, %q) accepted a foreign partition", s, own)
		}
		if c.Partition != builtin.Partition || c.Region != "" || c.Path() != "/" || !builtin.IsBuiltin(c) || a.Name() != c.Name() {
			t.Fatalf("Canonical(%q, %q) = %s: not canonical", s, own, c)
		}
		if again, err := builtin.Canonical(c, ""); err != nil || again != c {
			t.Fatalf("Canonical(%s) = %s, %v: not idempotent", c, again, err)
		}
	})
}
