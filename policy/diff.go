package policy

import (
	"errors"
	"fmt"

	"github.com/astran-oss/astran-go/policy/internal/diff"
	"github.com/astran-oss/astran-go/policy/internal/eval"
	"github.com/astran-oss/astran-go/policy/types"
)

// ErrTooComplex is returned by [Diff] when the policies have too many
// combinations of patterns and conditions to analyse within its budget.
var ErrTooComplex = diff.ErrTooComplex

// ErrUnconfirmed is returned by [Diff] when a witness of a region that the
// analysis reports as exact is not decided differently by [Set.Evaluate]:
// an internal inconsistency, reported rather than hidden.
var ErrUnconfirmed = errors.New("diff witness not confirmed by evaluation")

// Change is the direction of a [Region]. See [types.Change].
type Change = types.Change

// The changes. See [types.NewlyAllowed].
const (
	// NewlyAllowed: the second set allows what the first did not. See
	// [types.NewlyAllowed].
	NewlyAllowed = types.NewlyAllowed
	// NewlyDenied: the second set no longer allows. See
	// [types.NewlyDenied].
	NewlyDenied = types.NewlyDenied
)

// Patterns describes a set of strings (actions, resources or principals).
// See [types.Patterns].
type Patterns = types.Patterns

// Comparison is one condition test. See [types.Comparison].
type Comparison = types.Comparison

// KeyConstraint constrains one condition key in a [Region]. See
// [types.KeyConstraint].
type KeyConstraint = types.KeyConstraint

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

	m     *eval.DiffModel
	steps []diff.Step
}

// Contains reports whether req is in the region. Requests that give a
// condition key the region constrains several values (or none) are not.
func (r *Region) Contains(req *Request) bool {
	if r.m == nil || req == nil {
		return false
	}
	return r.m.Contains(r.steps, req, !r.Exact)
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
	m, err := eval.NewDiffModel(before.compiled(), after.compiled(), o.Actions)
	if err != nil {
		return nil, fmt.Errorf("policy: diff: %w", err)
	}
	leaves, err := m.Solve()
	if err != nil {
		return nil, fmt.Errorf("policy: diff: %w", err)
	}
	out := make([]Region, 0, len(leaves))
	for i := range leaves {
		r, err := region(m, &leaves[i], before, after)
		if err != nil {
			return nil, fmt.Errorf("policy: diff: %w", err)
		}
		out = append(out, r)
	}
	return out, nil
}

// region turns a leaf into a Region with a confirmed witness.
func region(m *eval.DiffModel, l *diff.Leaf, before, after *Set) (Region, error) {
	d := m.Describe(l)
	r := Region{Change: NewlyAllowed, Actions: d.Actions, Resources: d.Resources, Principals: d.Principals,
		Conditions: d.Conditions, Exact: len(d.Notes) == 0, Notes: d.Notes, m: m, steps: l.Steps}
	if l.Before == diff.Allow {
		r.Change = NewlyDenied
	}
	req := d.Request
	rb, ra := before.Evaluate(req), after.Evaluate(req)
	if rb.Allowed() != (l.Before == diff.Allow) || ra.Allowed() != (l.After == diff.Allow) {
		if r.Exact {
			return Region{}, fmt.Errorf("%w: %s on %s", ErrUnconfirmed, req.Action, req.Resource)
		}
		return r, nil
	}
	r.Witness, r.Before, r.After = req, rb, ra
	return r, nil
}
