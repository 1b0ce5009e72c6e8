package diff

import (
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
)

func sig(pats []Pattern, v string) string {
	var b strings.Builder
	for _, p := range pats {
		if p.Match(v) {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	}
	return b.String()
}

// TestRepresentatives_cover checks on generated patterns that every
// sampled string falls in a class (set of matching patterns) that one of
// the representatives has.
func TestRepresentatives_cover(t *testing.T) {
	atoms := []string{"a", "b", "A", ":", "*", "?", "ab", "/", "s3", "arn", "x"}
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 300; n++ {
		arnMode := r.IntN(2) == 0
		var pats []Pattern
		for k := 1 + r.IntN(4); k > 0; k-- {
			var g strings.Builder
			for m := r.IntN(7); m > 0; m-- {
				g.WriteString(atoms[r.IntN(len(atoms))])
			}
			fold := !arnMode && r.IntN(3) == 0
			s := g.String()
			if fold {
				s = strings.ToLower(s)
			}
			pats = append(pats, Pattern{Glob: s, Fold: fold, ARN: arnMode})
		}
		reps, matched, err := RepresentativesSig(pats, 0)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for i, v := range reps {
			have[sig(pats, v)] = true
			// The automaton's classes are the engine's.
			want := []byte(strings.Repeat("0", len(pats)))
			for _, p := range matched[i] {
				want[p] = '1'
			}
			if got := sig(pats, v); got != string(want) {
				t.Fatalf("patterns %+v: %q matches %s by the engine, %s by the automaton", pats, v, got, want)
			}
		}
		for s := 0; s < 2000; s++ {
			var v strings.Builder
			for m := r.IntN(9); m > 0; m-- {
				v.WriteString([]string{"a", "b", "A", "B", ":", "ab", "/", "s3", "arn", "x", "é"}[r.IntN(11)])
			}
			if got := sig(pats, v.String()); !have[got] {
				t.Fatalf("patterns %+v: %q has class %s, no representative has it (reps %q)", pats, v.String(), got, reps)
			}
		}
	}
}

func TestRepresentatives_tooComplex(t *testing.T) {
	var pats []Pattern
	for _, g := range []string{"*a*b*", "*b*a*", "*aa*", "*ab*c*", "*ba*", "*c*a*"} {
		pats = append(pats, Pattern{Glob: g})
	}
	if _, err := Representatives(pats, 5); err != ErrTooComplex {
		t.Fatalf("err = %v, want ErrTooComplex", err)
	}
}

func TestIPReps(t *testing.T) {
	ps := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/9"), netip.MustParsePrefix("10.128.0.0/9"), netip.MustParsePrefix("192.168.1.1/32")}
	reps := IPReps(ps)
	// 10.0.0.0/8 is covered by its two halves: no representative of its own.
	want := map[string]bool{"not-an-address": true, "0.0.0.0": true, "::": true, "10.0.0.0": true, "10.128.0.0": true, "192.168.1.1": true}
	if len(reps) != len(want) {
		t.Fatalf("IPReps = %q", reps)
	}
	for _, r := range reps {
		if !want[r] {
			t.Fatalf("IPReps = %q", reps)
		}
	}
}

func TestNumberAndDateReps(t *testing.T) {
	if got := strings.Join(NumberReps([]float64{10, 5, 5}), " "); got != "not-a-number 4 5 7.5 10 11" {
		t.Fatalf("NumberReps = %s", got)
	}
	if got := len(DateReps(nil)); got != 2 {
		t.Fatalf("DateReps(nil) has %d values", got)
	}
}
