package access_test

import (
	"context"
	"fmt"

	"github.com/astran-oss/astran-go/access"
	"github.com/astran-oss/astran-go/principal"
)

const exampleFixture = `{
  "partition": "demo", "account": "123456789012",
  "groups": [{"name": "readers", "policies": ["AstranS3ReadOnlyAccess"]}],
  "users": [
    {"email": "bob@astran.io", "groups": ["readers"]},
    {"email": "eve@astran.io", "groups": ["readers"], "inlinePolicies": {"Self": {"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": "iam:AttachUserPolicy", "Resource": "arn:demo:iam::123456789012:user/${aws:username}"}]}}}
  ]}`

func ExampleAnalyzer_WhoCan() {
	store := principal.NewMemoryStore()
	if err := store.ApplyFixture("example", []byte(exampleFixture)); err != nil {
		fmt.Println(err)
		return
	}
	grants, err := access.New(store).WhoCan(context.Background(), "s3:GetObject", "arn:demo:s3:::reports/q1.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range grants {
		fmt.Println(g.Identity.Resource, "by", g.Allow[0])
	}
	// Output:
	// user/bob@astran.io by arn:astran:iam::astran:policy/AstranS3ReadOnlyAccess S3ReadOnly (group readers)
	// user/eve@astran.io by arn:astran:iam::astran:policy/AstranS3ReadOnlyAccess S3ReadOnly (group readers)
}

func ExampleAnalyzer_Escalations() {
	store := principal.NewMemoryStore()
	if err := store.ApplyFixture("example", []byte(exampleFixture)); err != nil {
		fmt.Println(err)
		return
	}
	paths, err := access.New(store).Escalations(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range paths {
		fmt.Println(p.Identity.Resource, "gains", p.Gains)
		for _, s := range p.Steps {
			fmt.Printf("  %s %s %s (allowed by %s)\n", s.Action, s.Params["UserName"], s.Params["PolicyArn"], s.AllowedBy[0])
		}
	}
	// Output:
	// user/eve@astran.io gains AstranAdmin attached to user/eve@astran.io
	//   iam:AttachUserPolicy eve@astran.io arn:astran:iam::astran:policy/AstranAdmin (allowed by user/eve@astran.io/inline/Self statement 0)
}
