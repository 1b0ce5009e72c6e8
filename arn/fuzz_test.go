package arn_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/astran-oss/astran-go/arn"
)

func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.in)
	}
	for _, tc := range malformedCases {
		f.Add(tc.in)
	}
	f.Add("arn:a:b:c:d:e:f:g")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := arn.Parse(s)
		if err != nil {
			var pe *arn.ParseError
			if !errors.As(err, &pe) || pe.Input != s || !errors.Is(err, arn.ErrMalformed) {
				t.Fatalf("Parse(%q): error %v is not a *ParseError wrapping ErrMalformed", s, err)
			}
			if a != (arn.ARN{}) {
				t.Fatalf("Parse(%q) returned %#v with an error", s, a)
			}
			return
		}
		if !a.IsValid() {
			t.Fatalf("Parse(%q) = %#v, which is not valid", s, a)
		}
		if a.String() != s {
			t.Fatalf("Parse(%q).String() = %q", s, a.String())
		}
		b, err := arn.Parse(a.String())
		if err != nil || b != a {
			t.Fatalf("Parse(String()) = %#v, %v; want %#v", b, err, a)
		}
		text, err := a.MarshalText()
		if err != nil {
			t.Fatalf("MarshalText: %v", err)
		}
		var c arn.ARN
		if err := c.UnmarshalText(text); err != nil || c != a {
			t.Fatalf("UnmarshalText(MarshalText()) = %#v, %v", c, err)
		}
		if d, err := arn.FromAWS(a.AWS()); err != nil || d != a {
			t.Fatalf("FromAWS(AWS()) = %#v, %v", d, err)
		}
		// The accessors never panic and are consistent.
		typ, path, name := a.Type(), a.Path(), a.Name()
		if path != "" && (!strings.HasPrefix(path, "/") || !strings.HasSuffix(path, "/")) {
			t.Fatalf("Path() = %q", path)
		}
		if typ == arn.TypeUnknown && (path != "" || name != "") {
			t.Fatalf("unknown type with Path %q Name %q", path, name)
		}
		if a.Bucket() != "" && !strings.HasPrefix(a.Resource, a.Bucket()) {
			t.Fatalf("Bucket() = %q", a.Bucket())
		}
		if k := a.Key(); k != "" && !strings.HasSuffix(a.Resource, "/"+k) {
			t.Fatalf("Key() = %q", k)
		}
		// An ARN matches itself as a pattern when it has no wildcards.
		if !strings.ContainsAny(s, "*?") && !arn.MatchARN(s, s) {
			t.Fatalf("MatchARN(%q, itself) = false", s)
		}
	})
}

func FuzzUser(f *testing.F) {
	f.Add("demo", acct, "", "bob@astran.io")
	f.Add("demo", acct, "/division/team/", "bob@astran.io")
	f.Add("demo", "", "/", "bob")
	f.Fuzz(func(t *testing.T, partition, account, path, email string) {
		a, err := arn.User(partition, account, path, email)
		if err != nil {
			var pe *arn.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError", err)
			}
			return
		}
		b, err := arn.Parse(a.String())
		if err != nil || b != a || a.Type() != arn.TypeUser || a.Name() != email {
			t.Fatalf("User(%q, %q, %q, %q) = %#v: Parse = %#v, %v; Type %q Name %q",
				partition, account, path, email, a, b, err, a.Type(), a.Name())
		}
		if want := path; want != "" && a.Path() != want {
			t.Fatalf("Path() = %q, want %q", a.Path(), want)
		}
	})
}
