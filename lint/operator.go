package lint

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Operator families.
const (
	famString = iota + 1
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famARN
	famNull
)

// operator is a parsed condition operator.
type operator struct {
	name, path string
	qual       string // "", "ForAnyValue" or "ForAllValues"
	base       string // "StringEquals"
	family     int
	negated    bool
	ifExists   bool
}

// positive reports whether the operator is false when the key is absent.
func (o operator) positive() bool {
	return !o.negated && !o.ifExists && o.family != famNull && o.qual != "ForAllValues"
}

var families = map[string]struct {
	family  int
	negated bool
}{
	"StringEquals": {famString, false}, "StringNotEquals": {famString, true},
	"StringEqualsIgnoreCase": {famString, false}, "StringNotEqualsIgnoreCase": {famString, true},
	"StringLike": {famString, false}, "StringNotLike": {famString, true},
	"NumericEquals": {famNumeric, false}, "NumericNotEquals": {famNumeric, true},
	"NumericLessThan": {famNumeric, false}, "NumericLessThanEquals": {famNumeric, false},
	"NumericGreaterThan": {famNumeric, false}, "NumericGreaterThanEquals": {famNumeric, false},
	"DateEquals": {famDate, false}, "DateNotEquals": {famDate, true},
	"DateLessThan": {famDate, false}, "DateLessThanEquals": {famDate, false},
	"DateGreaterThan": {famDate, false}, "DateGreaterThanEquals": {famDate, false},
	"Bool": {famBool, false}, "BinaryEquals": {famBinary, false},
	"IpAddress": {famIP, false}, "NotIpAddress": {famIP, true},
	"ArnEquals": {famARN, false}, "ArnLike": {famARN, false},
	"ArnNotEquals": {famARN, true}, "ArnNotLike": {famARN, true},
	"Null": {famNull, false},
}

func parseOperator(name string) (operator, bool) {
	var o operator
	if q, rest, ok := strings.Cut(name, ":"); ok {
		if q != "ForAnyValue" && q != "ForAllValues" {
			return o, false
		}
		o.qual, name = q, rest
	}
	if base, ok := strings.CutSuffix(name, "IfExists"); ok {
		o.ifExists, name = true, base
	}
	f, ok := families[name]
	if !ok {
		return o, false
	}
	o.base, o.family, o.negated = name, f.family, f.negated
	return o, true
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// fact is one key of one operator of a statement.
type fact struct {
	op   operator
	key  string // lower case
	vals []string
}

// contradiction returns why the facts (ANDed) cannot all hold, or "".
func contradiction(facts []fact) string {
	if len(facts) > maxQuadratic {
		return ""
	}
	for a := range facts {
		fa := &facts[a]
		if fa.op.qual != "" || fa.op.ifExists {
			continue
		}
		for b := range facts {
			fb := &facts[b]
			if a == b || fb.key != fa.key || fb.op.qual != "" || fb.op.ifExists {
				continue
			}
			// Null true: the key is absent, so no positive comparison holds.
			if fa.op.family == famNull && len(fa.vals) == 1 && strings.EqualFold(fa.vals[0], "true") && fb.op.positive() {
				return "Null says " + fa.key + " is absent, but " + fb.op.name + " needs it"
			}
			// Equals and NotEquals of the same values.
			if pair(fa.op.base, fb.op.base, "StringEquals", "StringNotEquals") || pair(fa.op.base, fb.op.base, "ArnEquals", "ArnNotEquals") ||
				pair(fa.op.base, fb.op.base, "NumericEquals", "NumericNotEquals") || pair(fa.op.base, fb.op.base, "DateEquals", "DateNotEquals") {
				if fa.op.negated {
					continue
				}
				if subset(fa.vals, fb.vals) {
					return fb.op.name + " excludes every value " + fa.op.name + " allows for " + fa.key
				}
			}
			// A lower bound above an upper bound.
			if lo, loStrict, ok := bound(fa, true); ok {
				if hi, hiStrict, ok := bound(fb, false); ok && fa.op.family == fb.op.family {
					if hi < lo || (hi == lo && (loStrict || hiStrict)) {
						return fa.op.name + " and " + fb.op.name + " leave no value of " + fa.key
					}
				}
			}
		}
	}
	return ""
}

func pair(a, b, x, y string) bool { return a == x && b == y }

func subset(a, b []string) bool {
	for _, v := range a {
		if !slices.Contains(b, v) {
			return false
		}
	}
	return true
}

// bound returns the weakest lower (lower) or upper bound a numeric or date
// fact sets on its key.
func bound(f *fact, lower bool) (v float64, strict, ok bool) {
	name := f.op.base
	if !strings.HasPrefix(name, "Numeric") && !strings.HasPrefix(name, "Date") {
		return 0, false, false
	}
	name = strings.TrimPrefix(strings.TrimPrefix(name, "Numeric"), "Date")
	switch {
	case lower && (name == "GreaterThan" || name == "GreaterThanEquals"):
	case !lower && (name == "LessThan" || name == "LessThanEquals"):
	default:
		return 0, false, false
	}
	strict = !strings.HasSuffix(name, "Equals")
	v = math.Inf(1)
	if !lower {
		v = math.Inf(-1)
	}
	for _, s := range f.vals {
		x, ok := number(s, f.op.family == famDate)
		if !ok {
			return 0, false, false
		}
		if lower {
			v = min(v, x)
		} else {
			v = max(v, x)
		}
	}
	return v, strict, len(f.vals) > 0
}

// number parses a condition number, or a date (as Unix seconds).
func number(s string, date bool) (float64, bool) {
	if !date {
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil && !math.IsNaN(f)
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return float64(n), true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return float64(t.UnixNano()) / 1e9, true
		}
	}
	return 0, false
}
