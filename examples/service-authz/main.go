// Command service-authz is a small net/http service that authorizes every
// request with Astran's policies, through the principal and policy packages:
// a template for services that let Astran users in and decide with IAM
// policies what each may do.
//
// It serves documents: GET, PUT and DELETE /docs/{key} are s3:GetObject,
// s3:PutObject and s3:DeleteObject on arn:demo:s3:::docs/{key}. Callers
// authenticate with an access token of their partition's Keycloak realm (the
// token of Astran's login, sts.TokenSource); principal.Middleware then
// evaluates the caller's policies. Users, groups and policies come from a JSON
// fixture (testdata/fixture.json by default): every staff member may read
// docs/public/* and manage their own docs/home/${aws:username}/*, editors may
// read and write everything, and an explicit Deny keeps everyone out of
// docs/secret/*. A production service would read them from IAM with
// iamstore.New (package principal/iamstore) instead.
//
// Run it with
//
//	go run ./examples/service-authz
//
// With no issuer configured (-issuer, or ASTRAN_OIDC_ISSUER/ASTRAN_PARTITION)
// it starts the emulator as identity provider, gives the
// fixture's users a password and prints curl commands to try. The test files
// show how to unit-test such rules: rules_test.go with principaltest,
// service_test.go with httptest requests and tokens from the emulator.
package main

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/signal"
)

//go:embed testdata/fixture.json
var defaultFixture []byte

func main() {
	os.Exit(mainCode())
}

func mainCode() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "service-authz:", err)
		return 1
	}
	return 0
}
