package policy

import (
	"encoding/base64"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// cmpKind is the comparison family of a condition operator.
type cmpKind uint8

const (
	cmpString cmpKind = iota + 1
	cmpStringIgnoreCase
	cmpStringLike
	cmpNumEq
	cmpNumLT
	cmpNumLE
	cmpNumGT
	cmpNumGE
	cmpDateEq
	cmpDateLT
	cmpDateLE
	cmpDateGT
	cmpDateGE
	cmpBool
	cmpBinary
	cmpIP
	cmpARN
	cmpNull
)

type qualifier uint8

const (
	qualNone qualifier = iota
	qualForAll
	qualForAny
)

// operator is a parsed condition operator name.
type operator struct {
	cmp      cmpKind
	negated  bool
	ifExists bool
	qual     qualifier
}

var baseOperators = map[string]operator{
	"StringEquals":              {cmp: cmpString},
	"StringNotEquals":           {cmp: cmpString, negated: true},
	"StringEqualsIgnoreCase":    {cmp: cmpStringIgnoreCase},
	"StringNotEqualsIgnoreCase": {cmp: cmpStringIgnoreCase, negated: true},
	"StringLike":                {cmp: cmpStringLike},
	"StringNotLike":             {cmp: cmpStringLike, negated: true},
	"NumericEquals":             {cmp: cmpNumEq},
	"NumericNotEquals":          {cmp: cmpNumEq, negated: true},
	"NumericLessThan":           {cmp: cmpNumLT},
	"NumericLessThanEquals":     {cmp: cmpNumLE},
	"NumericGreaterThan":        {cmp: cmpNumGT},
	"NumericGreaterThanEquals":  {cmp: cmpNumGE},
	"DateEquals":                {cmp: cmpDateEq},
	"DateNotEquals":             {cmp: cmpDateEq, negated: true},
	"DateLessThan":              {cmp: cmpDateLT},
	"DateLessThanEquals":        {cmp: cmpDateLE},
	"DateGreaterThan":           {cmp: cmpDateGT},
	"DateGreaterThanEquals":     {cmp: cmpDateGE},
	"Bool":                      {cmp: cmpBool},
	"BinaryEquals":              {cmp: cmpBinary},
	"IpAddress":                 {cmp: cmpIP},
	"NotIpAddress":              {cmp: cmpIP, negated: true},
	"ArnEquals":                 {cmp: cmpARN},
	"ArnLike":                   {cmp: cmpARN},
	"ArnNotEquals":              {cmp: cmpARN, negated: true},
	"ArnNotLike":                {cmp: cmpARN, negated: true},
	"Null":                      {cmp: cmpNull},
}

// parseOperator parses names such as "ForAnyValue:StringLikeIfExists".
// Operator names are case-sensitive.
func parseOperator(name string) (operator, bool) {
	q := qualNone
	switch {
	case strings.HasPrefix(name, "ForAllValues:"):
		q, name = qualForAll, name[len("ForAllValues:"):]
	case strings.HasPrefix(name, "ForAnyValue:"):
		q, name = qualForAny, name[len("ForAnyValue:"):]
	}
	ifExists := false
	if base, ok := strings.CutSuffix(name, "IfExists"); ok {
		name, ifExists = base, true
	}
	op, ok := baseOperators[name]
	if !ok {
		return operator{}, false
	}
	if op.cmp == cmpNull && (ifExists || q != qualNone) {
		return operator{}, false
	}
	op.ifExists, op.qual = ifExists, q
	return op, true
}

// parseDate parses an ISO-8601 date/time or a POSIX epoch in seconds.
func parseDate(s string) (time.Time, bool) {
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

// parseNumber parses a condition number.
func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// parseBool parses "true"/"false" case-insensitively.
func parseBool(s string) (bool, bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

// parsePrefix parses a CIDR or a bare address (as /32 or /128).
func parsePrefix(s string) (netip.Prefix, bool) {
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

func decodeBase64(s string) ([]byte, bool) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b, err = base64.RawStdEncoding.DecodeString(s)
	}
	return b, err == nil
}

// parseAddr parses a request's IP address, unmapping IPv4-in-IPv6.
func parseAddr(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}
