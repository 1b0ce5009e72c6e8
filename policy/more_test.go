package policy_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/astran-oss/astran-go/policy"
)

func TestParse_moreErrors(t *testing.T) {
	many := make([]string, 40)
	for i := range many {
		many[i] = fmt.Sprintf(`{"Sid":"S%d","Effect":"Allow","Action":"*","Resource":"*"}`, i%39)
	}
	tests := []struct {
		name string
		src  string
		want error
		path string
	}{
		{"Sid number", stmt(`{"Sid":1,"Effect":"Allow","Action":"*","Resource":"*"}`), policy.ErrInvalidType, "Statement[0].Sid"},
		{"Effect array", stmt(`{"Effect":["Allow"],"Action":"*","Resource":"*"}`), policy.ErrInvalidType, "Statement[0].Effect"},
		{"Id object", `{"Version":"2012-10-17","Id":{},"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, policy.ErrInvalidType, "Id"},
		{"top-level array", `[]`, policy.ErrInvalidType, ""},
		{"statement string", `{"Version":"2012-10-17","Statement":["x"]}`, policy.ErrInvalidType, "Statement[0]"},
		{"principal list type", stmt(`{"Effect":"Allow","Principal":{"AWS":[1]},"Action":"*"}`), policy.ErrInvalidType, "Statement[0].Principal.AWS[0]"},
		{"principal number", stmt(`{"Effect":"Allow","Principal":1,"Action":"*"}`), policy.ErrInvalidType, "Statement[0].Principal"},
		{"principal duplicate key", stmt(`{"Effect":"Allow","Principal":{"AWS":"1","AWS":"2"},"Action":"*"}`), policy.ErrDuplicateKey, "Statement[0].Principal.AWS"},
		{"empty principal", stmt(`{"Effect":"Allow","Principal":{},"Action":"*"}`), policy.ErrMissingField, "Statement[0].Principal"},
		{"empty principal list", stmt(`{"Effect":"Allow","NotPrincipal":{"Service":[]},"Action":"*"}`), policy.ErrInvalidValue, "Statement[0].NotPrincipal.Service"},
		{"padded principal", stmt(`{"Effect":"Allow","Principal":{"Federated":["a"," b"]},"Action":"*"}`), policy.ErrInvalidValue, "Statement[0].Principal.Federated[1]"},
		{"condition string", stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":"x"}`), policy.ErrInvalidType, "Statement[0].Condition"},
		{"operator block string", cond(`{"StringEquals":"x"}`), policy.ErrInvalidType, "Statement[0].Condition.StringEquals"},
		{"duplicate operator", cond(`{"StringEquals":{"a":"b"},"StringEquals":{"a":"c"}}`), policy.ErrDuplicateKey, "Statement[0].Condition.StringEquals"},
		{"condition array element", cond(`{"StringEquals":{"a":["b",["c"]]}}`), policy.ErrInvalidType, `Statement[0].Condition.StringEquals["a"][1]`},
		{"empty condition values", cond(`{"StringEquals":{"a":[]}}`), policy.ErrInvalidValue, `Statement[0].Condition.StringEquals["a"]`},
		{"empty condition key", cond(`{"StringEquals":{"":"x"}}`), policy.ErrInvalidValue, `Statement[0].Condition.StringEquals[""]`},
		{"odd operator name", cond(`{"String Equals":{"a":"b"}}`), policy.ErrUnknownOperator, `Statement[0].Condition["String Equals"]`},
		{"qualified Null", cond(`{"ForAnyValue:Null":{"a":"true"}}`), policy.ErrUnknownOperator, "Statement[0].Condition.ForAnyValue:Null"},
		{"bad IPv4-mapped CIDR", cond(`{"IpAddress":{"a":"::ffff:10.0.0.0/64"}}`), policy.ErrInvalidValue, ""},
		{"bad address", cond(`{"NotIpAddress":{"a":"10.0.0.300"}}`), policy.ErrInvalidValue, ""},
		{"huge epoch", cond(`{"DateEquals":{"a":"99999999999999999999"}}`), policy.ErrInvalidValue, ""},
		{"empty resource list", stmt(`{"Effect":"Allow","Action":"*","NotResource":[]}`), policy.ErrInvalidValue, "Statement[0].NotResource"},
		{"duplicate Sid in a large document", `{"Version":"2012-10-17","Statement":[` + strings.Join(many, ",") + `]}`, policy.ErrDuplicateSid, "Statement[39].Sid"},
		{"unknown principal field path", stmt(`{"Effect":"Allow","Principal":{"a.b":"x"},"Action":"*"}`), policy.ErrUnknownField, `Statement[0].Principal["a.b"]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := policy.Parse([]byte(tc.src))
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			var ve *policy.ValidationError
			if tc.path != "" && (!errors.As(err, &ve) || ve.Path != tc.path) {
				t.Fatalf("path = %q, want %q (%v)", ve.Path, tc.path, err)
			}
		})
	}
}

func TestValidate_builtValues(t *testing.T) {
	ok := policy.Statement{Effect: policy.EffectAllow, Action: []string{"*"}, Resource: []string{"*"}}
	tests := []struct {
		name string
		st   policy.Statement
		want error
	}{
		{"wildcard with lists", policy.Statement{Effect: policy.EffectAllow, Action: []string{"*"}, Principal: &policy.Principal{Wildcard: true, AWS: []string{"1"}}}, policy.ErrConflict},
		{"Principal and NotPrincipal", policy.Statement{Effect: policy.EffectAllow, Action: []string{"*"}, Principal: &policy.Principal{Wildcard: true}, NotPrincipal: &policy.Principal{Wildcard: true}}, policy.ErrConflict},
		{"unknown operator", func() policy.Statement { s := ok; s.Condition = policy.Condition{"Nope": {"a": {"b"}}}; return s }(), policy.ErrUnknownOperator},
		{"bad binary", func() policy.Statement {
			s := ok
			s.Condition = policy.Condition{"BinaryEquals": {"a": {"%%"}}}
			return s
		}(), policy.ErrInvalidValue},
		{"bad null", func() policy.Statement { s := ok; s.Condition = policy.Condition{"Null": {"a": {"maybe"}}}; return s }(), policy.ErrInvalidValue},
	}
	for _, tc := range tests {
		d := &policy.Document{Version: policy.Version2012, Statements: []policy.Statement{tc.st}}
		if err := d.Validate(); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestClone(t *testing.T) {
	d, err := policy.Parse([]byte(seedDocuments()[0]))
	if err != nil {
		t.Fatal(err)
	}
	d.Statements = append(d.Statements, policy.Statement{Effect: policy.EffectDeny, Principal: &policy.Principal{AWS: []string{"1"}}, NotPrincipal: &policy.Principal{Wildcard: true},
		Action: []string{"*"}, Condition: policy.Condition{"Bool": nil}})
	c := d.Clone()
	if !reflect.DeepEqual(c, d) {
		t.Fatalf("clone differs")
	}
	c.Statements[0].Condition["NumericLessThan"]["s3:max-keys"][0] = "99"
	c.Statements[1].Principal.AWS[0] = "2"
	if d.Statements[0].Condition["NumericLessThan"]["s3:max-keys"][0] == "99" || d.Statements[1].Principal.AWS[0] == "2" {
		t.Fatal("clone shares state")
	}
	var nilDoc *policy.Document
	var nilP *policy.Principal
	if nilDoc.Clone() != nil || nilP.Clone() != nil {
		t.Fatal("nil clones")
	}
	if (&policy.Document{}).Clone().Statements != nil {
		t.Fatal("nil statements cloned to non-nil")
	}
	b, _ := nilDoc.MarshalJSON()
	if string(b) != "null" {
		t.Fatal(string(b))
	}
}

func TestEvaluate_valueForms(t *testing.T) {
	type c = map[string][]string
	runEval(t, []evalCase{
		{name: "date formats: compact ISO", doc: docOperators, policies: []string{cond(`{"DateLessThan":{"t":"20300101T000000Z"}}`)}, ctx: c{"t": {"2026-01-01T00:00:00.5Z"}}, want: allow},
		{name: "date formats: local time", doc: docOperators, policies: []string{cond(`{"DateGreaterThan":{"t":"2020-01-01T10:00"}}`)}, ctx: c{"t": {"2020-01-01T10:30"}}, want: allow},
		{name: "date: negative epoch", doc: docOperators, policies: []string{cond(`{"DateLessThan":{"t":"-1"}}`)}, ctx: c{"t": {"1960-01-01"}}, want: allow},
		{name: "date: bad request value", doc: docOperators, policies: []string{cond(`{"DateLessThan":{"t":"2020-01-01"}}`)}, ctx: c{"t": {"soon"}}, want: none},
		{name: "IPv4-mapped request address", doc: docOperators, policies: []string{cond(`{"IpAddress":{"ip":"10.0.0.0/8"}}`)}, ctx: c{"ip": {"::ffff:10.1.2.3"}}, want: allow},
		{name: "IPv4-mapped policy CIDR", doc: docOperators, policies: []string{cond(`{"IpAddress":{"ip":"::ffff:10.0.0.0/104"}}`)}, ctx: c{"ip": {"10.1.2.3"}}, want: allow},
		{name: "bad request address", doc: docOperators, policies: []string{cond(`{"IpAddress":{"ip":"10.0.0.0/8"}}`)}, ctx: c{"ip": {"ten"}}, want: none},
		{name: "Bool request value case-insensitive", doc: docOperators, policies: []string{cond(`{"Bool":{"b":"true"}}`)}, ctx: c{"b": {"TRUE"}}, want: allow},
		{name: "BinaryEquals decodes both", doc: docOperators, policies: []string{cond(`{"BinaryEquals":{"b":"QQ=="}}`)}, ctx: c{"b": {"QQ"}}, want: allow},
		{name: "NUL in action is literal", doc: docAction, policies: []string{stmt(`{"Effect":"Allow","Action":"s3:Get\u0000*","Resource":"*"}`)}, action: "s3:Get\x00Object", want: allow},
		{name: "NUL in resource is literal", doc: docResource, policies: []string{stmt(`{"Effect":"Allow","Action":"*","Resource":"arn:a\u0000*"}`)}, resource: "arn:a\x00b", want: allow},
		{name: "missing keys sorted case-insensitively", doc: docSimulator, policies: []string{cond(`{"StringEquals":{"b":"x","B2":"y","a":"z","A1":"w"}}`)},
			want: none, missing: []string{"a", "A1", "b", "B2"}},
	})
}
