package arn_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	awsarn "github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/astran-oss/astran-go/arn"
)

const acct = "ce09c61d-afac-404f-a96b-ebbbced80013"

// parseCases are real Astran ARNs (from the docs and issue 2) and the parts
// each must expose; aws-sdk-go-v2's parser is the reference for the split.
// They also seed the fuzz targets.
var parseCases = []struct {
	in                      string
	typ                     arn.ResourceType
	path, name, bucket, key string
}{
	{in: "arn:astran:iam::" + acct + ":user/bob@astran.io", typ: arn.TypeUser, path: "/", name: "bob@astran.io"},
	{in: "arn:demo:iam::" + acct + ":group/marketing", typ: arn.TypeGroup, path: "/", name: "marketing"},
	{in: "arn:astran:iam::astran:policy/AstranAdmin", typ: arn.TypePolicy, path: "/", name: "AstranAdmin"},
	{in: "arn:demo:iam::astran:oidc-provider/astran.cloud-iam.com/auth/realms/demo", typ: arn.TypeOIDCProvider, name: "astran.cloud-iam.com/auth/realms/demo"},
	{in: "arn:demo:iam::ce04d61d-afac-504f-a96b-ebbbced80013:oidc-provider/idp.astran.io/auth/realms/demo-demo", typ: arn.TypeOIDCProvider, name: "idp.astran.io/auth/realms/demo-demo"},
	{in: "arn:demo:s3:::marketing-docs/reports/2025/q1.pdf", typ: arn.TypeObject, name: "q1.pdf", bucket: "marketing-docs", key: "reports/2025/q1.pdf"},
	{in: "arn:demo:s3:::marketing-docs", typ: arn.TypeBucket, name: "marketing-docs", bucket: "marketing-docs"},
	{in: "arn:demo:iam::" + acct + ":role/marketing", typ: arn.TypeRole, path: "/", name: "marketing"},
	{in: "arn:demo:iam::" + acct + ":root", typ: arn.TypeRoot, name: "root"},
	{in: "arn:demo:iam::" + acct + ":user/division/team/bob@astran.io", typ: arn.TypeUser, path: "/division/team/", name: "bob@astran.io"},
	{in: "arn:astran:iam::astran:group/astran-admin-user", typ: arn.TypeGroup, path: "/", name: "astran-admin-user"},
	{in: "arn:demo:sts::" + acct + ":assumed-role/marketing/bob-session", typ: arn.TypeAssumedRole, name: "bob-session"},
	// The resource keeps everything after the fifth colon.
	{in: "arn:demo:ck:eu-west-1:" + acct + ":kit/a:b:c", typ: arn.TypeUnknown},
	{in: "arn:demo:iam::" + acct + ":mfa/device", typ: arn.TypeUnknown},
	{in: "arn:demo:iam::" + acct + ":something", typ: arn.TypeUnknown},
	{in: "arn:demo:sts::" + acct + ":federated-user/x", typ: arn.TypeUnknown},
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			x, err := awsarn.Parse(tc.in)
			if err != nil {
				t.Fatalf("awsarn.Parse: %v", err)
			}
			want := arn.ARN{Partition: x.Partition, Service: x.Service, Region: x.Region, Account: x.AccountID, Resource: x.Resource}
			a, err := arn.Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if a != want {
				t.Fatalf("Parse = %#v, want %#v", a, want)
			}
			if got := a.String(); got != tc.in {
				t.Errorf("String = %q, want %q", got, tc.in)
			}
			if !a.IsValid() || !arn.IsARN(tc.in) {
				t.Errorf("IsValid/IsARN = false")
			}
			if got := arn.MustParse(tc.in); got != a {
				t.Errorf("MustParse = %#v", got)
			}
			checks := []struct{ what, got, want string }{
				{"Type", string(a.Type()), string(tc.typ)},
				{"Path", a.Path(), tc.path},
				{"Name", a.Name(), tc.name},
				{"Bucket", a.Bucket(), tc.bucket},
				{"Key", a.Key(), tc.key},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
				}
			}
			// It converts to and from aws-sdk-go-v2's ARN.
			if x != a.AWS() {
				t.Errorf("AWS() = %#v, awsarn.Parse = %#v", a.AWS(), x)
			}
			if b, err := arn.FromAWS(x); err != nil || b != a {
				t.Errorf("FromAWS = %#v, %v", b, err)
			}
		})
	}
}

// malformedCases are inputs Parse must refuse, with the failing field.
var malformedCases = []struct {
	name, in, field string
}{
	{"empty", "", "prefix"},
	{"no prefix", "demo:iam::a:root", "prefix"},
	{"wrong prefix", "aws:demo:iam::a:root", "prefix"},
	{"upper-case prefix", "ARN:demo:iam::a:root", "prefix"},
	{"prefix only", "arn", "prefix"},
	{"prefix and colon", "arn:", "service"},
	{"one field", "arn:demo", "service"},
	{"two colons", "arn:demo:iam", "region"},
	{"three colons", "arn:demo:iam:", "account"},
	{"four colons", "arn:demo:iam::acct", "resource"},
	{"empty partition", "arn::iam::acct:root", "partition"},
	{"empty service", "arn:demo::::bucket", "service"},
	{"empty resource", "arn:demo:iam::acct:", "resource"},
}

func TestParse_malformed(t *testing.T) {
	for _, tc := range malformedCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, err := arn.Parse(tc.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %#v, want error", tc.in, a)
			}
			if a != (arn.ARN{}) {
				t.Errorf("Parse returned non-zero ARN %#v with error", a)
			}
			if !errors.Is(err, arn.ErrMalformed) {
				t.Errorf("error %v does not wrap ErrMalformed", err)
			}
			var pe *arn.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError", err)
			}
			if pe.Input != tc.in || pe.Field != tc.field {
				t.Errorf("ParseError{Input: %q, Field: %q}, want {%q, %q}", pe.Input, pe.Field, tc.in, tc.field)
			}
			if arn.IsARN(tc.in) {
				t.Errorf("IsARN = true")
			}
			if !strings.HasPrefix(err.Error(), "arn: ") {
				t.Errorf("message %q lacks the package prefix", err)
			}
			defer func() {
				if recover() == nil {
					t.Errorf("MustParse did not panic")
				}
			}()
			arn.MustParse(tc.in)
		})
	}
}

func TestParseError_longInput(t *testing.T) {
	in := "x" + strings.Repeat("é", 500)
	_, err := arn.Parse(in)
	msg := err.Error()
	if len(msg) > 500 || !strings.Contains(msg, `..."`) {
		t.Errorf("message not shortened: %d bytes", len(msg))
	}
	if strings.ContainsRune(msg, '\uFFFD') {
		t.Errorf("message cut a character in half: %q", msg)
	}
}

func TestARN_IsValid(t *testing.T) {
	tests := []struct {
		name string
		a    arn.ARN
		want bool
	}{
		{"zero", arn.ARN{}, false},
		{"valid", arn.ARN{Partition: "demo", Service: "s3", Resource: "b"}, true},
		{"no partition", arn.ARN{Service: "s3", Resource: "b"}, false},
		{"no service", arn.ARN{Partition: "demo", Resource: "b"}, false},
		{"no resource", arn.ARN{Partition: "demo", Service: "s3"}, false},
		{"colon in partition", arn.ARN{Partition: "de:mo", Service: "s3", Resource: "b"}, false},
		{"colon in service", arn.ARN{Partition: "demo", Service: "s:3", Resource: "b"}, false},
		{"colon in region", arn.ARN{Partition: "demo", Service: "s3", Region: "a:b", Resource: "b"}, false},
		{"colon in account", arn.ARN{Partition: "demo", Service: "s3", Account: "a:b", Resource: "b"}, false},
		{"colon in resource", arn.ARN{Partition: "demo", Service: "s3", Resource: "b:c"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.a.IsValid(); got != tc.want {
				t.Errorf("IsValid = %v, want %v", got, tc.want)
			}
			_, err := tc.a.MarshalText()
			if tc.a != (arn.ARN{}) && (err == nil) != tc.want {
				t.Errorf("MarshalText error = %v, valid = %v", err, tc.want)
			}
			_, err = arn.FromAWS(tc.a.AWS())
			if (err == nil) != tc.want {
				t.Errorf("FromAWS error = %v, valid = %v", err, tc.want)
			}
			if err != nil && !errors.Is(err, arn.ErrMalformed) {
				t.Errorf("FromAWS error %v does not wrap ErrMalformed", err)
			}
		})
	}
}

func TestARN_zero(t *testing.T) {
	var z arn.ARN
	if s := z.String(); s != "" {
		t.Errorf("zero String = %q", s)
	}
	if z.Type() != arn.TypeUnknown || z.Path() != "" || z.Name() != "" || z.Bucket() != "" || z.Key() != "" {
		t.Errorf("zero ARN has parts")
	}
	if (arn.ARN{Service: "s3"}).Type() != arn.TypeUnknown {
		t.Errorf("S3 ARN without resource has a type")
	}
	if text, err := z.MarshalText(); err != nil || len(text) != 0 {
		t.Errorf("zero MarshalText = %q, %v", text, err)
	}
	a := arn.MustParse("arn:demo:s3:::b/k")
	if err := a.UnmarshalText(nil); err != nil || a != z {
		t.Errorf("UnmarshalText(empty) = %#v, %v", a, err)
	}
}

func TestARN_JSON(t *testing.T) {
	type doc struct {
		Who   arn.ARN   `json:"who"`
		Where []arn.ARN `json:"where"`
		None  arn.ARN   `json:"none"`
	}
	for _, tc := range parseCases {
		a := arn.MustParse(tc.in)
		in := doc{Who: a, Where: []arn.ARN{a, arn.MustParse("arn:demo:s3:::b/k")}}
		data, err := json.Marshal(in)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		want := `{"who":"` + tc.in + `","where":["` + tc.in + `","arn:demo:s3:::b/k"],"none":""}`
		if string(data) != want {
			t.Errorf("Marshal = %s, want %s", data, want)
		}
		var out doc
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatalf("Unmarshal: %v", err)
		}
		if out.Who != in.Who || out.None != (arn.ARN{}) || len(out.Where) != 2 || out.Where[0] != in.Where[0] {
			t.Errorf("round trip = %#v, want %#v", out, in)
		}
	}

	var out doc
	err := json.Unmarshal([]byte(`{"who":"arn:demo::::x"}`), &out)
	var pe *arn.ParseError
	if !errors.As(err, &pe) || pe.Field != "service" || !errors.Is(err, arn.ErrMalformed) {
		t.Errorf("Unmarshal of a malformed ARN: %v", err)
	}
	_, err = json.Marshal(doc{Who: arn.ARN{Partition: "demo", Service: "s3"}})
	if !errors.As(err, &pe) || pe.Field != "resource" {
		t.Errorf("Marshal of an invalid ARN: %v", err)
	}
}

func TestConstructors(t *testing.T) {
	tests := []struct {
		name string
		fn   func() (arn.ARN, error)
		want string
		typ  arn.ResourceType
	}{
		{"user", func() (arn.ARN, error) { return arn.User("astran", acct, "", "bob@astran.io") },
			"arn:astran:iam::" + acct + ":user/bob@astran.io", arn.TypeUser},
		{"user with path", func() (arn.ARN, error) { return arn.User("demo", acct, "/division/team/", "bob+x@mail.astran.io") },
			"arn:demo:iam::" + acct + ":user/division/team/bob+x@mail.astran.io", arn.TypeUser},
		{"group", func() (arn.ARN, error) { return arn.Group("demo", acct, "/", "marketing") },
			"arn:demo:iam::" + acct + ":group/marketing", arn.TypeGroup},
		{"role", func() (arn.ARN, error) { return arn.Role("demo", acct, "/svc/", "marketing") },
			"arn:demo:iam::" + acct + ":role/svc/marketing", arn.TypeRole},
		{"policy", func() (arn.ARN, error) { return arn.Policy("demo", acct, "", "ReadReports") },
			"arn:demo:iam::" + acct + ":policy/ReadReports", arn.TypePolicy},
		{"builtin policy", func() (arn.ARN, error) { return arn.Policy("astran", "astran", "", "AstranAdmin") },
			"arn:astran:iam::astran:policy/AstranAdmin", arn.TypePolicy},
		{"builtin group", func() (arn.ARN, error) { return arn.Group("astran", "astran", "", "astran-admin-user") },
			"arn:astran:iam::astran:group/astran-admin-user", arn.TypeGroup},
		{"root", func() (arn.ARN, error) { return arn.Root("demo", acct) },
			"arn:demo:iam::" + acct + ":root", arn.TypeRoot},
		{"oidc https", func() (arn.ARN, error) {
			return arn.OIDCProvider("demo", "astran", "https://astran.cloud-iam.com/auth/realms/demo")
		}, "arn:demo:iam::astran:oidc-provider/astran.cloud-iam.com/auth/realms/demo", arn.TypeOIDCProvider},
		{"oidc trailing slash", func() (arn.ARN, error) {
			return arn.OIDCProvider("demo", acct, "https://idp.astran.io/auth/realms/demo-demo/")
		}, "arn:demo:iam::" + acct + ":oidc-provider/idp.astran.io/auth/realms/demo-demo", arn.TypeOIDCProvider},
		{"oidc http with port", func() (arn.ARN, error) {
			return arn.OIDCProvider("demo", acct, "HTTP://127.0.0.1:8080/auth/realms/demo")
		}, "arn:demo:iam::" + acct + ":oidc-provider/127.0.0.1:8080/auth/realms/demo", arn.TypeOIDCProvider},
		{"oidc bare host", func() (arn.ARN, error) {
			return arn.OIDCProvider("demo", acct, "idp.astran.io/auth/realms/x")
		}, "arn:demo:iam::" + acct + ":oidc-provider/idp.astran.io/auth/realms/x", arn.TypeOIDCProvider},
		{"bucket", func() (arn.ARN, error) { return arn.Bucket("demo", "marketing-docs") },
			"arn:demo:s3:::marketing-docs", arn.TypeBucket},
		{"object", func() (arn.ARN, error) { return arn.Object("demo", "marketing-docs", "reports/2025/q1.pdf") },
			"arn:demo:s3:::marketing-docs/reports/2025/q1.pdf", arn.TypeObject},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := tc.fn()
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if a.String() != tc.want || a.Type() != tc.typ || !a.IsValid() {
				t.Errorf("got %s (%s), want %s (%s)", a, a.Type(), tc.want, tc.typ)
			}
			if b, err := arn.Parse(a.String()); err != nil || b != a {
				t.Errorf("Parse(String()) = %#v, %v", b, err)
			}
		})
	}
}

func TestConstructors_errors(t *testing.T) {
	long := strings.Repeat("a", 129)
	tests := []struct {
		name  string
		fn    func() (arn.ARN, error)
		err   error
		field string
	}{
		{"user not an email", func() (arn.ARN, error) { return arn.User("demo", acct, "", "bob") }, arn.ErrInvalidEmail, "email"},
		{"user display name", func() (arn.ARN, error) { return arn.User("demo", acct, "", "Bob <bob@astran.io>") }, arn.ErrInvalidEmail, "email"},
		{"user two ats", func() (arn.ARN, error) { return arn.User("demo", acct, "", "bob@x@astran.io") }, arn.ErrInvalidEmail, "email"},
		{"user empty", func() (arn.ARN, error) { return arn.User("demo", acct, "", "") }, arn.ErrInvalidEmail, "email"},
		{"user no local part", func() (arn.ARN, error) { return arn.User("demo", acct, "", "@astran.io") }, arn.ErrInvalidEmail, "email"},
		{"user dot domain", func() (arn.ARN, error) { return arn.User("demo", acct, "", "bob@.astran.io") }, arn.ErrInvalidEmail, "email"},
		{"user double dot", func() (arn.ARN, error) { return arn.User("demo", acct, "", "bob@astran..io") }, arn.ErrInvalidEmail, "email"},
		{"user bad local", func() (arn.ARN, error) { return arn.User("demo", acct, "", ".bob.@astran.io") }, arn.ErrInvalidEmail, "email"},
		{"user too long", func() (arn.ARN, error) { return arn.User("demo", acct, "", strings.Repeat("b", 60)+"@a.io") }, arn.ErrInvalidEmail, "email"},
		{"user bad path", func() (arn.ARN, error) { return arn.User("demo", acct, "team/", "bob@astran.io") }, arn.ErrInvalidPath, "path"},
		{"user no account", func() (arn.ARN, error) { return arn.User("demo", "", "", "bob@astran.io") }, arn.ErrMalformed, "account"},
		{"user bad partition", func() (arn.ARN, error) { return arn.User("de:mo", acct, "", "bob@astran.io") }, arn.ErrMalformed, "partition"},
		{"user empty partition", func() (arn.ARN, error) { return arn.User("", acct, "", "bob@astran.io") }, arn.ErrMalformed, "partition"},
		{"group bad account", func() (arn.ARN, error) { return arn.Group("demo", "a/b", "", "g") }, arn.ErrMalformed, "account"},
		{"group bad name", func() (arn.ARN, error) { return arn.Group("demo", acct, "", "mar keting") }, arn.ErrInvalidName, "name"},
		{"group empty name", func() (arn.ARN, error) { return arn.Group("demo", acct, "", "") }, arn.ErrInvalidName, "name"},
		{"group long name", func() (arn.ARN, error) { return arn.Group("demo", acct, "", long) }, arn.ErrInvalidName, "name"},
		{"role long name", func() (arn.ARN, error) { return arn.Role("demo", acct, "", long[:65]) }, arn.ErrInvalidName, "name"},
		{"policy slash in name", func() (arn.ARN, error) { return arn.Policy("demo", acct, "", "a/b") }, arn.ErrInvalidName, "name"},
		{"path double slash", func() (arn.ARN, error) { return arn.Policy("demo", acct, "/a//b/", "p") }, arn.ErrInvalidPath, "path"},
		{"path no trailing slash", func() (arn.ARN, error) { return arn.Policy("demo", acct, "/a", "p") }, arn.ErrInvalidPath, "path"},
		{"path space", func() (arn.ARN, error) { return arn.Role("demo", acct, "/a b/", "r") }, arn.ErrInvalidPath, "path"},
		{"path too long", func() (arn.ARN, error) { return arn.Role("demo", acct, "/"+strings.Repeat("a/", 256), "r") }, arn.ErrInvalidPath, "path"},
		{"policy bad", func() (arn.ARN, error) { return arn.Policy("astran", "astran", "", "") }, arn.ErrInvalidName, "name"},
		{"group bad", func() (arn.ARN, error) { return arn.Group("astran", "astran", "", "a:b") }, arn.ErrInvalidName, "name"},
		{"root no account", func() (arn.ARN, error) { return arn.Root("demo", "") }, arn.ErrMalformed, "account"},
		{"root bad partition", func() (arn.ARN, error) { return arn.Root("", acct) }, arn.ErrMalformed, "partition"},
		{"oidc ftp", func() (arn.ARN, error) { return arn.OIDCProvider("demo", acct, "ftp://idp.astran.io/x") }, arn.ErrInvalidName, "url"},
		{"oidc query", func() (arn.ARN, error) { return arn.OIDCProvider("demo", acct, "https://idp.astran.io/x?a=b") }, arn.ErrInvalidName, "url"},
		{"oidc fragment", func() (arn.ARN, error) { return arn.OIDCProvider("demo", acct, "https://idp.astran.io/x#f") }, arn.ErrInvalidName, "url"},
		{"oidc user info", func() (arn.ARN, error) { return arn.OIDCProvider("demo", acct, "https://u:p@idp.astran.io/x") }, arn.ErrInvalidName, "url"},
		{"oidc no host", func() (arn.ARN, error) { return arn.OIDCProvider("demo", acct, "https:///x") }, arn.ErrInvalidName, "url"},
		{"oidc empty", func() (arn.ARN, error) { return arn.OIDCProvider("demo", acct, "") }, arn.ErrInvalidName, "url"},
		{"oidc bad url", func() (arn.ARN, error) { return arn.OIDCProvider("demo", acct, "https://idp.astran.io/%zz") }, arn.ErrInvalidName, "url"},
		{"oidc no account", func() (arn.ARN, error) { return arn.OIDCProvider("demo", "", "https://idp.astran.io") }, arn.ErrMalformed, "account"},
		{"bucket short", func() (arn.ARN, error) { return arn.Bucket("demo", "ab") }, arn.ErrInvalidName, "bucket"},
		{"bucket upper", func() (arn.ARN, error) { return arn.Bucket("demo", "Reports") }, arn.ErrInvalidName, "bucket"},
		{"bucket leading dash", func() (arn.ARN, error) { return arn.Bucket("demo", "-abc") }, arn.ErrInvalidName, "bucket"},
		{"bucket double dot", func() (arn.ARN, error) { return arn.Bucket("demo", "a..b") }, arn.ErrInvalidName, "bucket"},
		{"bucket too long", func() (arn.ARN, error) { return arn.Bucket("demo", strings.Repeat("a", 64)) }, arn.ErrInvalidName, "bucket"},
		{"bucket bad partition", func() (arn.ARN, error) { return arn.Bucket("de mo", "abc") }, arn.ErrMalformed, "partition"},
		{"object bad bucket", func() (arn.ARN, error) { return arn.Object("demo", "a_b", "k") }, arn.ErrInvalidName, "bucket"},
		{"object empty key", func() (arn.ARN, error) { return arn.Object("demo", "abc", "") }, arn.ErrInvalidName, "key"},
		{"object long key", func() (arn.ARN, error) { return arn.Object("demo", "abc", strings.Repeat("k", 1025)) }, arn.ErrInvalidName, "key"},
		{"object invalid utf-8 key", func() (arn.ARN, error) { return arn.Object("demo", "abc", "\xff") }, arn.ErrInvalidName, "key"},
	}
	sentinels := []error{arn.ErrMalformed, arn.ErrInvalidName, arn.ErrInvalidEmail, arn.ErrInvalidPath}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := tc.fn()
			if err == nil {
				t.Fatalf("got %s, want error", a)
			}
			if a != (arn.ARN{}) {
				t.Errorf("non-zero ARN %#v with error", a)
			}
			for _, s := range sentinels {
				if errors.Is(err, s) != (s == tc.err) {
					t.Errorf("errors.Is(%v, %v) = %v", err, s, !(s == tc.err))
				}
			}
			var pe *arn.ParseError
			if !errors.As(err, &pe) || pe.Field != tc.field {
				t.Errorf("error %v: want *ParseError with Field %q", err, tc.field)
			}
		})
	}
}

func TestValidateEmail(t *testing.T) {
	for _, ok := range []string{"bob@astran.io", "a.b-c_d+e@x.y.z", "x@localhost", strings.Repeat("b", 54) + "@astran.io"} {
		if err := arn.ValidateEmail(ok); err != nil {
			t.Errorf("ValidateEmail(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "bob", "bob@", "@x", "bob@x.", "b ob@x.io", `"b"@x.io`, "<bob@x.io>", "bob@x.io,", "é@x.io"} {
		err := arn.ValidateEmail(bad)
		if !errors.Is(err, arn.ErrInvalidEmail) {
			t.Errorf("ValidateEmail(%q) = %v, want ErrInvalidEmail", bad, err)
		}
	}
}
