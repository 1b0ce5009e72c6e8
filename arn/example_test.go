package arn_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/astran-oss/astran-go/arn"
)

func ExampleParse() {
	a, err := arn.Parse("arn:demo:s3:::marketing-docs/reports/2025/q1.pdf")
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Partition, a.Service, a.Type())
	fmt.Println("bucket:", a.Bucket())
	fmt.Println("key:", a.Key())
	// Output:
	// demo s3 object
	// bucket: marketing-docs
	// key: reports/2025/q1.pdf
}

func ExampleParse_errors() {
	_, err := arn.Parse("arn:demo:iam")
	var pe *arn.ParseError
	if errors.As(err, &pe) {
		fmt.Println("field:", pe.Field)
	}
	fmt.Println(errors.Is(err, arn.ErrMalformed))
	fmt.Println(err)
	// Output:
	// field: region
	// true
	// arn: "arn:demo:iam": region: malformed ARN
}

func ExampleARN_Path() {
	a := arn.MustParse("arn:demo:iam::ce09c61d-afac-404f-a96b-ebbbced80013:user/division/team/bob@astran.io")
	fmt.Println(a.Type(), a.Path(), a.Name())
	// Output:
	// user /division/team/ bob@astran.io
}

func ExampleUser() {
	a, err := arn.User("demo", "ce09c61d-afac-404f-a96b-ebbbced80013", "", "bob@astran.io")
	fmt.Println(a, err)

	_, err = arn.User("demo", "ce09c61d-afac-404f-a96b-ebbbced80013", "", "bob")
	fmt.Println(errors.Is(err, arn.ErrInvalidEmail))
	// Output:
	// arn:demo:iam::ce09c61d-afac-404f-a96b-ebbbced80013:user/bob@astran.io <nil>
	// true
}

func ExampleOIDCProvider() {
	a, err := arn.OIDCProvider("demo", "astran", "https://astran.cloud-iam.com/auth/realms/demo")
	if err != nil {
		panic(err)
	}
	fmt.Println(a)
	fmt.Println(a.Name())
	// Output:
	// arn:demo:iam::astran:oidc-provider/astran.cloud-iam.com/auth/realms/demo
	// astran.cloud-iam.com/auth/realms/demo
}

func ExampleARN_MarshalText() {
	type grant struct {
		User arn.ARN `json:"user"`
	}
	data, _ := json.Marshal(grant{User: arn.MustParse("arn:demo:iam::astran:group/marketing")})
	fmt.Println(string(data))

	var g grant
	err := json.Unmarshal([]byte(`{"user":"arn:demo:iam::ce09c61d-afac-404f-a96b-ebbbced80013:user/bob@astran.io"}`), &g)
	fmt.Println(g.User.Name(), err)
	// Output:
	// {"user":"arn:demo:iam::astran:group/marketing"}
	// bob@astran.io <nil>
}

func ExampleMatch() {
	// "*" crosses every character, ":" and "/" included; "?" is one character.
	fmt.Println(arn.Match("s3:Get*", "s3:GetObject"))
	fmt.Println(arn.Match("s3:Get*", "s3:getobject"))
	fmt.Println(arn.Match("user/*", "user/division/team/bob@astran.io"))
	fmt.Println(arn.Match("report-??.pdf", "report-01.pdf"))
	// Output:
	// true
	// false
	// true
	// true
}

func ExampleMatchARN() {
	obj := "arn:demo:s3:::marketing-docs/reports/2025/q1.pdf"
	// In the resource, "*" crosses "/" and ":".
	fmt.Println(arn.MatchARN("arn:demo:s3:::marketing-docs/*", obj))
	// Before the resource, a wildcard stays inside its segment.
	fmt.Println(arn.MatchARN("arn:*:s3:::marketing-docs/*", obj))
	fmt.Println(arn.MatchARN("arn:*:::marketing-docs/*", obj))
	// A trailing "*" in a short pattern matches the rest of the ARN.
	fmt.Println(arn.MatchARN("arn:demo:*", obj))
	// Output:
	// true
	// true
	// false
	// true
}
