package types

import (
	"fmt"
	"strings"
)

// Change is the direction of a region of
// [github.com/astran-oss/astran-go/policy.Diff]: what the second set does to
// the requests of the region.
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

// KeyConstraint constrains one condition key in a
// [github.com/astran-oss/astran-go/policy.Region].
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
