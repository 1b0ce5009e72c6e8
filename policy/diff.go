package policy

import (
	"errors"
	"fmt"
	"strings"

	"github.com/astran-oss/astran-go/policy/internal/diff"
)

// ErrTooComplex is returned by [Diff] when the policies have too many
// combinations of patterns and conditions to analyse within its budget.
var ErrTooComplex = diff.ErrTooComplex

// ErrUnconfirmed is returned by [Diff] when a witness of a region that the
// analysis reports as exact is not decided differently by [Set.Evaluate]:
// an internal inconsistency, reported rather than hidden.
var ErrUnconfirmed = errors.New("diff witness not confirmed by evaluation")

// Change is the direction of a [Region]: what the second set does to the
// requests of the region.
type Change uint8

// The changes.
const (
	// NewlyAllowed: the first set does not allow the requests, the second
	// does.
	NewlyAllowed Change = iota + 1
	// NewlyDenied: the first set allows the requests, the second does not.
	NewlyDenied
)

// String returns "newly allowed" or "newly denied".
func (c Change) String() string {
	switch c {
	case NewlyAllowed:
		return "newly allowed"
	case NewlyDenied:
		return "newly denied"
	}
	return fmt.Sprintf("Change(%d)", uint8(c))
}

// MarshalText returns "NewlyAllowed" or "NewlyDenied".
func (c Change) MarshalText() ([]byte, error) {
	switch c {
	case NewlyAllowed:
		return []byte("NewlyAllowed"), nil
	case NewlyDenied:
		return []byte("NewlyDenied"), nil
	}
	return nil, fmt.Errorf("policy: invalid change %d", uint8(c))
}

// Patterns describes a set of strings (actions, resources or principals):
// those that match at least one pattern of each list of AllOf and none of
// NoneOf. Empty lists mean no constraint. For principals the patterns are
// Principal elements in JSON.
type Patterns struct {
	AllOf  [][]string `json:"allOf,omitempty"`
	NoneOf []string   `json:"noneOf,omitempty"`
}

// IsAny reports whether p puts no constraint.
func (p Patterns) IsAny() bool { return len(p.AllOf) == 0 && len(p.NoneOf) == 0 }

// String returns a compact description such as
// "s3:Get* except s3:GetObject".
func (p Patterns) String() string {
	if p.IsAny() {
		return "*"
	}
	var parts []string
	for _, l := range p.AllOf {
		if len(l) == 1 {
			parts = append(parts, l[0])
		} else {
			parts = append(parts, "("+strings.Join(l, " | ")+")")
		}
	}
	s := strings.Join(parts, " & ")
	if s == "" {
		s = "*"
	}
	if len(p.NoneOf) > 0 {
		s += " except " + strings.Join(p.NoneOf, ", ")
	}
	return s
}

// Comparison is one condition test: a positive operator (StringEquals,
// StringLike, NumericLessThan, IpAddress, ...) and one policy value.
type Comparison struct {
	Operator string `json:"operator"`
	Value    string `json:"value"`
}

// String returns "Operator Value".
func (c Comparison) String() string { return c.Operator + " " + c.Value }

// KeyConstraint constrains one condition key in a [Region].
type KeyConstraint struct {
	// Key is the condition key, as first written in the policies.
	Key string `json:"key"`
	// Absent is true when requests without the key are in the region.
	Absent bool `json:"absent"`
	// Present is true when requests with a single value of the key that
	// passes at least one comparison of each list of AllOf and none of
	// NoneOf are in the region.
	Present bool           `json:"present"`
	AllOf   [][]Comparison `json:"allOf,omitempty"`
	NoneOf  []Comparison   `json:"noneOf,omitempty"`
}

// String describes the constraint, such as
// "aws:SourceIp absent or IpAddress 10.0.0.0/8".
func (k KeyConstraint) String() string {
	var alts []string
	if k.Absent {
		alts = append(alts, "absent")
	}
	if k.Present {
		var parts []string
		for _, l := range k.AllOf {
			var or []string
			for _, c := range l {
				or = append(or, c.String())
			}
			parts = append(parts, strings.Join(or, " or "))
		}
		for _, c := range k.NoneOf {
			parts = append(parts, "not "+c.String())
		}
		if len(parts) == 0 {
			parts = append(parts, "present")
		}
		alts = append(alts, strings.Join(parts, " and "))
	}
	return k.Key + ": " + strings.Join(alts, ", or ")
}

// Region is a set of requests on which two policy sets disagree: every
// request whose action, resource, principal and condition keys satisfy the
// constraints gets the same decisions as the witness (when Exact).
type Region struct {
	Change     Change          `json:"change"`
	Actions    Patterns        `json:"actions"`
	Resources  Patterns        `json:"resources"`
	Principals Patterns        `json:"principals"`
	Conditions []KeyConstraint `json:"conditions,omitempty"`
	// Exact is false when the region depends on what the analysis does
	// not model exactly (set operators on multivalued keys, policy
	// variables tying a resource to a condition key, BinaryEquals, one key
	// compared by several operator families). Notes then say what, and
	// the region means "may change".
	Exact bool     `json:"exact"`
	Notes []string `json:"notes,omitempty"`
	// Witness is a request of the region that Set.Evaluate decides as
	// Change says; Before and After are its results. It is nil only for a
	// region that is not exact and whose representative request the
	// engine decides alike.
	Witness       *Request `json:"-"`
	Before, After Result   `json:"-"`

	m     *diffModel
	steps []diff.Step
}

// Contains reports whether req is in the region. Requests that give a
// condition key the region constrains several values (or none) are not.
func (r *Region) Contains(req *Request) bool {
	if r.m == nil || req == nil {
		return false
	}
	return r.m.contains(r.steps, req, !r.Exact)
}

// DiffOptions configures Diff.
type DiffOptions struct {
	// Actions are action names, such as those of a service catalog, that
	// a witness uses in preference to a made-up name when its region
	// contains one. Nil means none: witnesses then use the shortest
	// action of their region ("s3:Get" for "s3:Get* except s3:GetObject").
	Actions []string
}

// Diff compares two policy sets over every possible request and returns
// the regions of requests that one set allows and the other does not,
// each with a witness request that Set.Evaluate decides differently
// (checked before Diff returns). A nil set allows nothing. Each set's
// actions are matched in its own dialect. Requests whose decision changes
// only between ExplicitDeny and ImplicitDeny are not reported.
//
// The analysis is exact (every reported request changes, every changed
// request is reported) for Action and NotAction, Resource and NotResource
// with * and ? wildcards, Principal and NotPrincipal, and conditions of the
// String, Arn, Bool, Null, Numeric, Date and IpAddress families on
// single-valued keys. Where it is not (set operators, policy variables,
// BinaryEquals, mixed operator families on one key), the regions concerned
// have Exact false and a note.
//
// Witnesses are the shortest requests of their regions unless
// DiffOptions.Actions names known actions to prefer.
//
// Diff fails with ErrTooComplex when the policies have too many pattern
// combinations to enumerate, and with ErrUnconfirmed if a witness of an
// exact region is not confirmed.
func Diff(before, after *Set, optFns ...func(*DiffOptions)) ([]Region, error) {
	var o DiffOptions
	for _, fn := range optFns {
		if fn != nil {
			fn(&o)
		}
	}
	m, err := newDiffModel(before, after, &o)
	if err != nil {
		return nil, fmt.Errorf("policy: diff: %w", err)
	}
	leaves, err := diff.Solve(m.dims, m.stmts, diff.Options{Fixed: fixedDims})
	if err != nil {
		return nil, fmt.Errorf("policy: diff: %w", err)
	}
	out := make([]Region, 0, len(leaves))
	for i := range leaves {
		r, err := m.region(&leaves[i], before, after)
		if err != nil {
			return nil, fmt.Errorf("policy: diff: %w", err)
		}
		out = append(out, r)
	}
	return out, nil
}
