package builtin_test

import (
	"errors"
	"fmt"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/policy"
)

func ExamplePolicy() {
	p, _ := builtin.Policy(builtin.AstranS3ReadOnlyAccess)
	set := policy.MustCompile([]policy.Policy{p})
	for _, action := range []string{"s3:GetObject", "s3:PutObject"} {
		res := set.Evaluate(&policy.Request{Action: action, Resource: "arn:demo:s3:::bucket/key"})
		fmt.Println(action, res.Decision)
	}
	fmt.Println(p.ID)
	// Output:
	// s3:GetObject Allow
	// s3:PutObject ImplicitDeny
	// arn:astran:iam::astran:policy/AstranS3ReadOnlyAccess
}

// A server in partition "demo" accepts the canonical spelling and its own
// partition's, and refuses every other spelling of a built-in.
func ExampleCanonical() {
	for _, s := range []string{
		"arn:astran:iam::astran:policy/AstranAdmin",
		"arn:demo:iam::astran:policy/AstranAdmin",
		"arn:x:iam::astran:policy/AstranAdmin",
		"arn:demo:iam::ce09c61d:policy/Reports",
	} {
		c, err := builtin.Canonical(arn.MustParse(s), "demo")
		switch {
		case errors.Is(err, builtin.ErrNotBuiltin):
			fmt.Println("customer policy:", s)
		case err != nil:
			fmt.Println("refused:", err)
		default:
			fmt.Println("built-in:", c)
		}
	}
	// Output:
	// built-in: arn:astran:iam::astran:policy/AstranAdmin
	// built-in: arn:astran:iam::astran:policy/AstranAdmin
	// refused: builtin: "arn:x:iam::astran:policy/AstranAdmin": partition: spelling of a built-in ARN not accepted
	// customer policy: arn:demo:iam::ce09c61d:policy/Reports
}
