package builtin

import (
	"embed"
	"fmt"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
)

// policyFS holds the documents of the built-in policies, one
// policies/<Name>.json per name in policyNames.
//
//go:embed policies/*.json
var policyFS embed.FS

// documents are the parsed built-in documents, by name. They are never
// handed out: Document returns copies.
var documents = func() map[string]*policy.Document {
	m := make(map[string]*policy.Document, len(policyNames))
	for _, name := range policyNames {
		b, err := policyFS.ReadFile("policies/" + name + ".json")
		if err != nil {
			panic(fmt.Sprintf("builtin: %s: %v", name, err))
		}
		d, err := policy.Parse(b)
		if err != nil {
			panic(fmt.Sprintf("builtin: %s: %v", name, err))
		}
		m[name] = d
	}
	return m
}()

// Document returns a fresh copy of the document of the named built-in
// policy (see [PolicyNames]); the caller may modify it. It reports false for
// an unknown name.
func Document(name string) (*policy.Document, bool) {
	d, ok := documents[name]
	if !ok {
		return nil, false
	}
	return d.Clone(), true
}

// Policy returns the named built-in policy with its canonical ARN
// (arn:astran:iam::astran:policy/<name>) as ID, ready for [policy.Compile].
// It reports false for an unknown name.
func Policy(name string) (policy.Policy, bool) {
	d, ok := Document(name)
	if !ok {
		return policy.Policy{}, false
	}
	return policy.Policy{ID: PolicyARN(name).String(), Document: d}, true
}

// ResolvePolicy returns the built-in policy that a names, with its
// canonical ARN as ID, accepting exactly the spellings [Canonical] accepts
// (own is the caller's own partition). A group ARN is refused with
// [ErrUnknown]; errors are those of [Canonical].
func ResolvePolicy(a arn.ARN, own string) (policy.Policy, error) {
	c, err := Canonical(a, own)
	if err != nil {
		return policy.Policy{}, err
	}
	p, ok := Policy(c.Name())
	if !ok || c.Type() != arn.TypePolicy {
		return policy.Policy{}, &ARNError{ARN: a.String(), Field: "resource", Err: ErrUnknown}
	}
	return p, nil
}
