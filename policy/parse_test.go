package policy_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"fmt"

	"github.com/astran-oss/astran-go/policy"
)

func TestParse_valid(t *testing.T) {
	src := `{
  "Version": "2012-10-17",
  "Id": "doc1",
  "Statement": [
    {"Sid": "A", "Effect": "Allow", "Action": ["s3:GetObject", "s3:List*"], "Resource": "arn:demo:s3:::b/*",
     "Condition": {"NumericLessThan": {"s3:max-keys": 10}, "Bool": {"aws:SecureTransport": true}}},
    {"Effect": "Deny", "NotPrincipal": {"AWS": ["123", "arn:demo:iam::123:root"]}, "NotAction": "iam:*", "NotResource": ["arn:demo:s3:::x"]}
  ]
}`
	d, err := policy.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := &policy.Document{Version: "2012-10-17", ID: "doc1", Statements: []policy.Statement{
		{Sid: "A", Effect: policy.EffectAllow, Action: []string{"s3:GetObject", "s3:List*"}, Resource: []string{"arn:demo:s3:::b/*"},
			Condition: policy.Condition{"NumericLessThan": {"s3:max-keys": {"10"}}, "Bool": {"aws:SecureTransport": {"true"}}}},
		{Effect: policy.EffectDeny, NotPrincipal: &policy.Principal{AWS: []string{"123", "arn:demo:iam::123:root"}}, NotAction: []string{"iam:*"}, NotResource: []string{"arn:demo:s3:::x"}},
	}}
	if !reflect.DeepEqual(d, want) {
		t.Fatalf("got %#v\nwant %#v", d, want)
	}
	// A single statement object, a trust policy without Resource.
	d, err = policy.Parse([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRoleWithWebIdentity"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if !d.Statements[0].Principal.Wildcard {
		t.Fatalf("principal = %+v", d.Statements[0].Principal)
	}
}

func TestParse_errors(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		opts  func(*policy.ParseOptions)
		want  []error  // sentinels, in order
		paths []string // paths, in order (optional)
	}{
		{name: "unknown top-level field", src: `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"},"Extra":1}`,
			want: []error{policy.ErrUnknownField}, paths: []string{"Extra"}},
		{name: "unknown statement field", src: stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Actions":"x"}`),
			want: []error{policy.ErrUnknownField}, paths: []string{"Statement[0].Actions"}},
		{name: "duplicate key", src: stmt(`{"Effect":"Allow","Action":"*","Action":"s3:*","Resource":"*"}`),
			want: []error{policy.ErrDuplicateKey}, paths: []string{"Statement[0].Action"}},
		{name: "duplicate condition key", src: cond(`{"StringEquals":{"k":"a","k":"b"}}`),
			want: []error{policy.ErrDuplicateKey}, paths: []string{`Statement[0].Condition.StringEquals["k"]`}},
		{name: "Action and NotAction", src: stmt(`{"Effect":"Allow","Action":"*","NotAction":"s3:*","Resource":"*"}`),
			want: []error{policy.ErrConflict}, paths: []string{"Statement[0].NotAction"}},
		{name: "Resource and NotResource", src: stmt(`{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}`),
			want: []error{policy.ErrConflict}},
		{name: "Principal and NotPrincipal", src: stmt(`{"Effect":"Allow","Principal":"*","NotPrincipal":"*","Action":"*"}`),
			want: []error{policy.ErrConflict}},
		{name: "missing Effect", src: stmt(`{"Action":"*","Resource":"*"}`), want: []error{policy.ErrMissingField}, paths: []string{"Statement[0].Effect"}},
		{name: "missing Action", src: stmt(`{"Effect":"Allow","Resource":"*"}`), want: []error{policy.ErrMissingField}},
		{name: "missing Resource", src: stmt(`{"Effect":"Allow","Action":"*"}`), want: []error{policy.ErrMissingField}, paths: []string{"Statement[0].Resource"}},
		{name: "missing Statement", src: `{"Version":"2012-10-17"}`, want: []error{policy.ErrMissingField}},
		{name: "empty Statement", src: `{"Version":"2012-10-17","Statement":[]}`, want: []error{policy.ErrMissingField}},
		{name: "Astran requires Version", src: `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, want: []error{policy.ErrMissingField}},
		{name: "Astran rejects 2008", src: `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, want: []error{policy.ErrInvalidValue}},
		{name: "AWS rejects other versions", src: `{"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`,
			opts: func(o *policy.ParseOptions) { o.Dialect = policy.AWS }, want: []error{policy.ErrInvalidValue}},
		{name: "Effect is case-sensitive", src: stmt(`{"Effect":"allow","Action":"*","Resource":"*"}`), want: []error{policy.ErrInvalidValue}},
		{name: "wrong type: Action number", src: stmt(`{"Effect":"Allow","Action":1,"Resource":"*"}`), want: []error{policy.ErrInvalidType}, paths: []string{"Statement[0].Action"}},
		{name: "wrong type: Action element", src: stmt(`{"Effect":"Allow","Action":["s3:*",true],"Resource":"*"}`), want: []error{policy.ErrInvalidType}, paths: []string{"Statement[0].Action[1]"}},
		{name: "wrong type: Statement string", src: `{"Version":"2012-10-17","Statement":"x"}`, want: []error{policy.ErrInvalidType}},
		{name: "wrong type: Version number", src: `{"Version":2012,"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`, want: []error{policy.ErrInvalidType}},
		{name: "wrong type: condition value object", src: cond(`{"StringEquals":{"k":{"a":"b"}}}`), want: []error{policy.ErrInvalidType}},
		{name: "wrong type: condition value null", src: cond(`{"StringEquals":{"k":null}}`), want: []error{policy.ErrInvalidType}},
		{name: "wrong type: principal string", src: stmt(`{"Effect":"Allow","Principal":"arn:x","Action":"*"}`), want: []error{policy.ErrInvalidValue}},
		{name: "unknown principal type", src: stmt(`{"Effect":"Allow","Principal":{"CanonicalUser":"x"},"Action":"*"}`), want: []error{policy.ErrUnknownField}},
		{name: "unknown operator", src: cond(`{"StringEqualz":{"k":"a"}}`), want: []error{policy.ErrUnknownOperator}, paths: []string{"Statement[0].Condition.StringEqualz"}},
		{name: "Null takes no IfExists", src: cond(`{"NullIfExists":{"k":"true"}}`), want: []error{policy.ErrUnknownOperator}},
		{name: "bad date", src: cond(`{"DateGreaterThan":{"aws:CurrentTime":"yesterday"}}`), want: []error{policy.ErrInvalidValue},
			paths: []string{`Statement[0].Condition.DateGreaterThan["aws:CurrentTime"]`}},
		{name: "bad number", src: cond(`{"NumericEquals":{"n":["1","x"]}}`), want: []error{policy.ErrInvalidValue}, paths: []string{`Statement[0].Condition.NumericEquals["n"][1]`}},
		{name: "bad CIDR", src: cond(`{"IpAddress":{"aws:SourceIp":"10.0.0.0/99"}}`), want: []error{policy.ErrInvalidValue}},
		{name: "bad bool", src: cond(`{"Bool":{"b":"yes"}}`), want: []error{policy.ErrInvalidValue}},
		{name: "bad base64", src: cond(`{"BinaryEquals":{"b":"!!"}}`), want: []error{policy.ErrInvalidValue}},
		{name: "bad action", src: stmt(`{"Effect":"Allow","Action":"GetObject","Resource":"*"}`), want: []error{policy.ErrInvalidValue}},
		{name: "bad resource", src: stmt(`{"Effect":"Allow","Action":"*","Resource":"bucket"}`), want: []error{policy.ErrInvalidValue}},
		{name: "empty action list", src: stmt(`{"Effect":"Allow","Action":[],"Resource":"*"}`), want: []error{policy.ErrInvalidValue}},
		{name: "duplicate Sid", src: stmt(`{"Sid":"a","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"a","Effect":"Allow","Action":"*","Resource":"*"}`),
			want: []error{policy.ErrDuplicateSid}, paths: []string{"Statement[1].Sid"}},
		{name: "all problems at once", src: `{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"*","NotAction":"*","Resource":"*","X":1},{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"x"}}},{"Effect":"Allow"}]}`,
			want:  []error{policy.ErrUnknownField, policy.ErrInvalidValue, policy.ErrConflict, policy.ErrInvalidValue, policy.ErrMissingField, policy.ErrMissingField},
			paths: []string{"Statement[0].X", "Statement[0].Effect", "Statement[0].NotAction", `Statement[1].Condition.DateGreaterThan["aws:CurrentTime"]`, "Statement[2].Action", "Statement[2].Resource"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var opts []func(*policy.ParseOptions)
			if tc.opts != nil {
				opts = append(opts, tc.opts)
			}
			_, err := policy.Parse([]byte(tc.src), opts...)
			var list policy.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("err = %v, want an ErrorList", err)
			}
			if len(list) != len(tc.want) {
				t.Fatalf("got %d errors, want %d:\n%v", len(list), len(tc.want), err)
			}
			for i, w := range tc.want {
				if !errors.Is(list[i], w) {
					t.Errorf("error %d = %v, want %v", i, list[i], w)
				}
				if !errors.Is(err, w) {
					t.Errorf("errors.Is(list, %v) = false", w)
				}
				if tc.paths != nil && list[i].Path != tc.paths[i] {
					t.Errorf("error %d path = %q, want %q", i, list[i].Path, tc.paths[i])
				}
				if list[i].Line == 0 {
					t.Errorf("error %d has no line: %v", i, list[i])
				}
			}
			var ve *policy.ValidationError
			if !errors.As(err, &ve) {
				t.Error("errors.As(*ValidationError) failed")
			}
			if !strings.HasPrefix(err.Error(), "policy: ") {
				t.Errorf("message %q lacks the package prefix", err)
			}
		})
	}
}

func TestParse_errorPosition(t *testing.T) {
	src := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\n    \"Effect\": \"Allow\",\n    \"Action\": \"*\",\n    \"Resource\": \"*\",\n    \"Condition\": {\"DateGreaterThan\": {\"aws:CurrentTime\": \"x\"}}\n  }]\n}"
	_, err := policy.Parse([]byte(src))
	var ve *policy.ValidationError
	if !errors.As(err, &ve) {
		t.Fatal(err)
	}
	if ve.Path != `Statement[0].Condition.DateGreaterThan["aws:CurrentTime"]` || ve.Line != 7 || ve.Column != 58 {
		t.Fatalf("got %q line %d col %d", ve.Path, ve.Line, ve.Column)
	}
}

func TestParse_syntaxErrors(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		line, col int
		want      error
	}{
		{"trailing comma", "{\n  \"Version\": \"2012-10-17\",\n}", 3, 1, policy.ErrSyntax},
		{"bad literal", `{"Version": tru}`, 1, 13, policy.ErrSyntax},
		{"unterminated string", `{"Version": "2012`, 1, 18, policy.ErrSyntax},
		{"two values", `{} {}`, 1, 4, policy.ErrSyntax},
		{"empty", ``, 1, 1, policy.ErrSyntax},
		{"invalid UTF-8", "{\"Id\": \"\xff\"}", 1, 9, policy.ErrSyntax},
		{"control character", "{\"Id\": \"a\tb\"}", 1, 10, policy.ErrSyntax},
		{"bad escape", `{"Id": "\q"}`, 1, 9, policy.ErrSyntax},
		{"column counts characters", `{"Id": "é", x}`, 1, 13, policy.ErrSyntax},
		{"too deep", strings.Repeat("[", 100) + strings.Repeat("]", 100), 1, 33, policy.ErrTooDeep},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := policy.Parse([]byte(tc.src), func(o *policy.ParseOptions) { o.MaxSize = -1 })
			var se *policy.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want *SyntaxError", err)
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.want)
			}
			if se.Line != tc.line || se.Column != tc.col {
				t.Errorf("at line %d column %d, want %d:%d (%v)", se.Line, se.Column, tc.line, tc.col, err)
			}
		})
	}
}

func TestParse_hostile(t *testing.T) {
	deep := []byte(strings.Repeat(`{"a":`, 1_000_000) + "1" + strings.Repeat("}", 1_000_000))
	_, err := policy.Parse(deep, func(o *policy.ParseOptions) { o.MaxSize = -1 })
	if !errors.Is(err, policy.ErrTooDeep) {
		t.Fatalf("deep: %v", err)
	}
	_, err = policy.Parse(deep)
	if !errors.Is(err, policy.ErrTooLarge) {
		t.Fatalf("deep, default limit: %v", err)
	}
}

func TestParse_sizeLimit(t *testing.T) {
	base := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:demo:s3:::%s"}}`
	mk := func(n int) []byte {
		s := strings.Replace(base, "%s", "", 1)
		return []byte(strings.Replace(base, "%s", strings.Repeat("a", n-len(s)), 1))
	}
	if _, err := policy.Parse(mk(policy.DefaultMaxSize)); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
	_, err := policy.Parse(mk(policy.DefaultMaxSize + 1))
	var se *policy.SizeError
	if !errors.As(err, &se) || !errors.Is(err, policy.ErrTooLarge) || se.Limit != policy.DefaultMaxSize {
		t.Fatalf("over the limit: %v", err)
	}
	// Whitespace outside strings does not count.
	padded := append([]byte(strings.Repeat(" \n\t", 10000)), mk(policy.DefaultMaxSize)...)
	if _, err := policy.Parse(padded); err != nil {
		t.Fatalf("whitespace counted: %v", err)
	}
	// Characters, not bytes.
	if _, err := policy.Parse([]byte(strings.Replace(string(mk(policy.DefaultMaxSize)), "aa", "éé", 1))); err != nil {
		t.Fatalf("multi-byte characters: %v", err)
	}
	// Configurable.
	if _, err := policy.Parse(mk(200), func(o *policy.ParseOptions) { o.MaxSize = 100 }); !errors.Is(err, policy.ErrTooLarge) {
		t.Fatalf("MaxSize 100: %v", err)
	}
	if _, err := policy.Parse(mk(20000), func(o *policy.ParseOptions) { o.MaxSize = -1 }); err != nil {
		t.Fatalf("no limit: %v", err)
	}
}

func TestDocument_roundTrip(t *testing.T) {
	for _, src := range seedDocuments() {
		d, err := policy.Parse([]byte(src), func(o *policy.ParseOptions) { o.Dialect = policy.AWS; o.MaxSize = -1 })
		if err != nil {
			continue
		}
		checkRoundTrip(t, d)
	}
}

func checkRoundTrip(t *testing.T, d *policy.Document) {
	t.Helper()
	b, err := d.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	d2, err := policy.Parse(b, func(o *policy.ParseOptions) { o.Dialect = policy.AWS; o.MaxSize = -1 })
	if err != nil {
		t.Fatalf("reparse %s: %v", b, err)
	}
	if !reflect.DeepEqual(d, d2) {
		t.Fatalf("round trip differs:\n%#v\n%#v\n%s", d, d2, b)
	}
}

func TestDocument_Validate(t *testing.T) {
	d := &policy.Document{Version: policy.Version2012, Statements: []policy.Statement{{Effect: "Permit", Action: []string{"s3:*"}}}}
	err := d.Validate()
	if !errors.Is(err, policy.ErrInvalidValue) || !errors.Is(err, policy.ErrMissingField) {
		t.Fatalf("Validate = %v", err)
	}
	var nilDoc *policy.Document
	if err := nilDoc.Validate(); !errors.Is(err, policy.ErrMissingField) {
		t.Fatalf("nil: %v", err)
	}
}

func TestDocument_UnmarshalJSON(t *testing.T) {
	var d policy.Document
	if err := d.UnmarshalJSON([]byte(`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)); err != nil {
		t.Fatal(err)
	}
	if len(d.Statements) != 1 {
		t.Fatalf("%+v", d)
	}
	if err := d.UnmarshalJSON([]byte(`{`)); !errors.Is(err, policy.ErrSyntax) {
		t.Fatal(err)
	}
}

// seedDocuments are documents used by round-trip tests and as fuzz seeds.
func seedDocuments() []string {
	return []string{
		stmt(`{"Sid":"A","Effect":"Allow","Action":["s3:GetObject","s3:List*"],"Resource":"arn:demo:s3:::b/${aws:username}/*","Condition":{"NumericLessThan":{"s3:max-keys":10},"ForAnyValue:StringLike":{"aws:TagKeys":["a*","b?"]}}}`),
		stmt(`{"Effect":"Deny","NotPrincipal":{"AWS":["123","arn:demo:iam::123:root"],"Federated":"arn:demo:iam::1:oidc-provider/x"},"NotAction":"iam:*","NotResource":["arn:demo:s3:::x"]}`),
		`{"Version":"2008-10-17","Id":"x","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}`,
		stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","::1"]},"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"},"Null":{"k":"true"},"Bool":{"b":false},"BinaryEquals":{"x":"QQ=="}}}`),
		stmt(`{"Effect":"Allow","Action":"s3:Get\u002a","Resource":"arn:demo:s3:::\u00e9\ud83d\ude00<>&\"\\/"}`),
		stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"weird key \"q\"":[]}}}`),
	}
}

func TestParse_errorCategoriesAndPaths(t *testing.T) {
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
