package cond

import (
	"net/netip"
	"testing"
	"time"
)

func TestParseOperator(t *testing.T) {
	tests := []struct {
		name string
		want Operator
		ok   bool
	}{
		{"StringEquals", Operator{Cmp: String}, true},
		{"StringNotLike", Operator{Cmp: StringLike, Negated: true}, true},
		{"ForAnyValue:StringLikeIfExists", Operator{Cmp: StringLike, IfExists: true, Qual: QualForAny}, true},
		{"ForAllValues:ArnNotEquals", Operator{Cmp: ARN, Negated: true, Qual: QualForAll}, true},
		{"NotIpAddressIfExists", Operator{Cmp: IP, Negated: true, IfExists: true}, true},
		{"Null", Operator{Cmp: Null}, true},
		{"NullIfExists", Operator{}, false},
		{"ForAnyValue:Null", Operator{}, false},
		{"stringequals", Operator{}, false}, // case-sensitive
		{"StringEqualz", Operator{}, false},
		{"ForAnyValue:", Operator{}, false},
		{"", Operator{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseOperator(tt.name)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseOperator(%q) = %+v, %v; want %+v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestValid(t *testing.T) {
	tests := []struct {
		k    Kind
		s    string
		want bool
	}{
		{String, "anything", true},
		{ARN, "not-an-arn", true},
		{NumLT, "10", true},
		{NumLT, "ten", false},
		{NumLT, "${aws:x}", true}, // variables are checked at evaluation time
		{DateGT, "2024-01-02T03:04:05Z", true},
		{DateGT, "1700000000", true},
		{DateGT, "yesterday", false},
		{Bool, "TRUE", true},
		{Bool, "yes", false},
		{Null, "false", true},
		{IP, "10.0.0.0/8", true},
		{IP, "::ffff:10.0.0.1", true},
		{IP, "10.0.0.0/33", false},
		{Binary, "aGVsbG8=", true},
		{Binary, "aGVsbG8", true},
		{Binary, "!!", false},
	}
	for _, tt := range tests {
		if got := Valid(tt.k, tt.s); got != tt.want {
			t.Errorf("Valid(%d, %q) = %v, want %v", tt.k, tt.s, got, tt.want)
		}
	}
}

func TestParseValues(t *testing.T) {
	if d, ok := ParseDate("1700000000"); !ok || !d.Equal(time.Unix(1700000000, 0)) {
		t.Errorf("ParseDate(epoch) = %v, %v", d, ok)
	}
	if d, ok := ParseDate("2024-01-02"); !ok || !d.Equal(time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("ParseDate(day) = %v, %v", d, ok)
	}
	if p, ok := ParsePrefix("::ffff:10.1.2.3/120"); !ok || p != netip.MustParsePrefix("10.1.2.0/24") {
		t.Errorf("ParsePrefix(mapped) = %v, %v", p, ok)
	}
	if p, ok := ParsePrefix("10.1.2.3"); !ok || p != netip.MustParsePrefix("10.1.2.3/32") {
		t.Errorf("ParsePrefix(bare) = %v, %v", p, ok)
	}
	if a, ok := ParseAddr("::ffff:10.1.2.3"); !ok || a != netip.MustParseAddr("10.1.2.3") {
		t.Errorf("ParseAddr(mapped) = %v, %v", a, ok)
	}
	if ValueName(NumEq) != "number" || ValueName(String) != "value" {
		t.Errorf("ValueName: %q, %q", ValueName(NumEq), ValueName(String))
	}
}
