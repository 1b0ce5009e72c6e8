// Package cond holds the condition operators of the policy language: their
// names, comparison families and the parsers of the values they compare
// (numbers, dates, booleans, IP prefixes, base64). It is shared by the
// validator, the compiler, the evaluator and Diff of package policy.
package cond

import (
	"encoding/base64"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Kind is the comparison family of a condition operator.
type Kind uint8

// The comparison families; the order matters to [Valid] (String through
// StringLike take any value).
const (
	String Kind = iota + 1
	StringIgnoreCase
	StringLike
	NumEq
	NumLT
	NumLE
	NumGT
	NumGE
	DateEq
	DateLT
	DateLE
	DateGT
	DateGE
	Bool
	Binary
	IP
	ARN
	Null
)

// Qualifier is the set operator prefix of a condition operator name.
type Qualifier uint8

// The qualifiers: none, "ForAllValues:" and "ForAnyValue:".
const (
	QualNone Qualifier = iota
	QualForAll
	QualForAny
)

// Operator is a parsed condition operator name.
type Operator struct {
	Cmp      Kind      // comparison family
	Negated  bool      // a Not operator (StringNotEquals, NotIpAddress, ...)
	IfExists bool      // the IfExists suffix
	Qual     Qualifier // ForAllValues: / ForAnyValue: prefix
}

var baseOperators = map[string]Operator{
	"StringEquals":              {Cmp: String},
	"StringNotEquals":           {Cmp: String, Negated: true},
	"StringEqualsIgnoreCase":    {Cmp: StringIgnoreCase},
	"StringNotEqualsIgnoreCase": {Cmp: StringIgnoreCase, Negated: true},
	"StringLike":                {Cmp: StringLike},
	"StringNotLike":             {Cmp: StringLike, Negated: true},
	"NumericEquals":             {Cmp: NumEq},
	"NumericNotEquals":          {Cmp: NumEq, Negated: true},
	"NumericLessThan":           {Cmp: NumLT},
	"NumericLessThanEquals":     {Cmp: NumLE},
	"NumericGreaterThan":        {Cmp: NumGT},
	"NumericGreaterThanEquals":  {Cmp: NumGE},
	"DateEquals":                {Cmp: DateEq},
	"DateNotEquals":             {Cmp: DateEq, Negated: true},
	"DateLessThan":              {Cmp: DateLT},
	"DateLessThanEquals":        {Cmp: DateLE},
	"DateGreaterThan":           {Cmp: DateGT},
	"DateGreaterThanEquals":     {Cmp: DateGE},
	"Bool":                      {Cmp: Bool},
	"BinaryEquals":              {Cmp: Binary},
	"IpAddress":                 {Cmp: IP},
	"NotIpAddress":              {Cmp: IP, Negated: true},
	"ArnEquals":                 {Cmp: ARN},
	"ArnLike":                   {Cmp: ARN},
	"ArnNotEquals":              {Cmp: ARN, Negated: true},
	"ArnNotLike":                {Cmp: ARN, Negated: true},
	"Null":                      {Cmp: Null},
}

// ParseOperator parses names such as "ForAnyValue:StringLikeIfExists".
// Operator names are case-sensitive.
func ParseOperator(name string) (Operator, bool) {
	q := QualNone
	switch {
	case strings.HasPrefix(name, "ForAllValues:"):
		q, name = QualForAll, name[len("ForAllValues:"):]
	case strings.HasPrefix(name, "ForAnyValue:"):
		q, name = QualForAny, name[len("ForAnyValue:"):]
	}
	ifExists := false
	if base, ok := strings.CutSuffix(name, "IfExists"); ok {
		name, ifExists = base, true
	}
	op, ok := baseOperators[name]
	if !ok {
		return Operator{}, false
	}
	if op.Cmp == Null && (ifExists || q != QualNone) {
		return Operator{}, false
	}
	op.IfExists, op.Qual = ifExists, q
	return op, true
}

// ParseDate parses an ISO-8601 date/time or a POSIX epoch in seconds.
func ParseDate(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if isDigits(s) || (s[0] == '-' && isDigits(s[1:])) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, false
		}
		return time.Unix(n, 0).UTC(), true
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

var dateLayouts = []string{
	time.RFC3339Nano, // also accepts RFC 3339 without fraction
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
	"20060102T150405Z07:00",
	"20060102T150405Z",
	"20060102",
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ParseNumber parses a condition number.
func ParseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// ParseBool parses "true"/"false" case-insensitively.
func ParseBool(s string) (bool, bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

// ParsePrefix parses a CIDR or a bare address (as /32 or /128).
func ParsePrefix(s string) (netip.Prefix, bool) {
	if strings.IndexByte(s, '/') >= 0 {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
			if p.Bits() < 0 {
				return netip.Prefix{}, false
			}
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a.WithZone(""), a.BitLen()), true
}

// DecodeBase64 decodes a BinaryEquals value, padded or not.
func DecodeBase64(s string) ([]byte, bool) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b, err = base64.RawStdEncoding.DecodeString(s)
	}
	return b, err == nil
}

// ParseAddr parses a request's IP address, unmapping IPv4-in-IPv6.
func ParseAddr(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

// Valid checks one policy value for an operator of family k. Values holding policy variables
// are checked at evaluation time instead.
func Valid(k Kind, s string) bool {
	if k <= StringLike || k == ARN || strings.Contains(s, "${") {
		return true
	}
	switch k {
	case NumEq, NumLT, NumLE, NumGT, NumGE:
		_, ok := ParseNumber(s)
		return ok
	case DateEq, DateLT, DateLE, DateGT, DateGE:
		_, ok := ParseDate(s)
		return ok
	case Bool, Null:
		_, ok := ParseBool(s)
		return ok
	case IP:
		_, ok := ParsePrefix(s)
		return ok
	case Binary:
		_, ok := DecodeBase64(s)
		return ok
	}
	return true
}

// ValueName names the kind of value an operator of family k compares, for
// error messages.
func ValueName(k Kind) string {
	switch k {
	case NumEq, NumLT, NumLE, NumGT, NumGE:
		return "number"
	case DateEq, DateLT, DateLE, DateGT, DateGE:
		return "date (ISO 8601 or epoch seconds)"
	case Bool, Null:
		return "boolean"
	case IP:
		return "IP address or CIDR"
	case Binary:
		return "base64 value"
	}
	return "value"
}
