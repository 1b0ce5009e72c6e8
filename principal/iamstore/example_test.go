package iamstore_test

import (
	"context"
	"fmt"
	"log"

	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/emulator"
	"github.com/astran-oss/astran-go/iamclient"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
	"github.com/astran-oss/astran-go/principal/iamstore"
)

// A service authorizes its callers with the policies in live IAM (here the
// emulator's), read through iamclient.
func ExampleNew() {
	srv, err := emulator.New()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	admin := iamclient.New(srv.RootConfig())
	if _, err := admin.CreateUser(ctx, "bob@astran.io"); err != nil {
		log.Fatal(err)
	}
	if err := admin.AttachUserPolicy(ctx, "bob@astran.io", builtin.PolicyARN(builtin.AstranS3ReadOnlyAccess)); err != nil {
		log.Fatal(err)
	}

	store := iamstore.New(admin, func(o *iamstore.Options) { o.Partition, o.Account = srv.Partition(), srv.Account() })
	authz := principal.NewAuthorizer(store)
	for _, c := range []principal.Caller{{ARN: srv.UserARN("bob@astran.io")}, {ARN: srv.RootARN()}} {
		res, err := authz.Authorize(ctx, c, "s3:PutObject", "arn:"+srv.Partition()+":s3:::reports/q1.csv", policy.Context{})
		fmt.Println(c.ARN.Resource, res.Decision, err)
	}
	// Output:
	// user/bob@astran.io ImplicitDeny <nil>
	// root Allow <nil>
}
