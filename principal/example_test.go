package principal_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
)

func Example() {
	store := principal.NewMemoryStore()
	err := store.ApplyFixture("example", []byte(`{
	  "partition": "demo",
	  "account": "1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f",
	  "policies": [
	    {"name": "NoDelete", "document": {"Version": "2012-10-17", "Statement": [
	      {"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}]}}
	  ],
	  "groups": [{"name": "readers", "policies": ["AstranS3ReadOnlyAccess", "NoDelete"]}],
	  "users": [{"email": "alice@astran.io", "groups": ["readers"],
	             "inlinePolicies": {"Home": {"Version": "2012-10-17", "Statement": [
	               {"Sid": "Home", "Effect": "Allow", "Action": "s3:*",
	                "Resource": "arn:demo:s3:::home/${aws:username}/*"}]}}}]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	authz := principal.NewAuthorizer(store)
	alice := principal.Caller{ARN: arn.MustParse("arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:user/alice@astran.io")}
	for _, q := range []struct{ action, resource string }{
		{"s3:PutObject", "arn:demo:s3:::home/alice@astran.io/notes.txt"},
		{"s3:PutObject", "arn:demo:s3:::home/bob@astran.io/notes.txt"},
		{"s3:DeleteObject", "arn:demo:s3:::home/alice@astran.io/notes.txt"},
	} {
		res, err := authz.Authorize(context.Background(), alice, q.action, q.resource, policy.Context{})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s %s: %s", q.action, strings.TrimPrefix(q.resource, "arn:demo:s3:::"), res.Decision)
		for _, m := range res.Statements {
			fmt.Printf(" (%s %s)", m.Policy, m.Sid)
		}
		fmt.Println()
	}
	// Output:
	// s3:PutObject home/alice@astran.io/notes.txt: Allow (user/alice@astran.io/inline/Home Home)
	// s3:PutObject home/bob@astran.io/notes.txt: ImplicitDeny
	// s3:DeleteObject home/alice@astran.io/notes.txt: ExplicitDeny (arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:policy/NoDelete NoDelete)
}

func ExampleAuthorizer_AuthorizeAssumeRole() {
	store := principal.NewMemoryStore()
	provider := arn.MustParse("arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:oidc-provider/idp.example.com/realms/acme")
	role := arn.MustParse("arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:role/marketing")
	trust, err := policy.Parse([]byte(`{"Version": "2012-10-17", "Statement": [{
	  "Effect": "Allow",
	  "Principal": {"Federated": "` + provider.String() + `"},
	  "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
	  "Condition": {"StringEquals": {"idp.example.com/realms/acme:aud": "astran"}}}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := store.PutRole(principal.Identity{ARN: role, TrustPolicy: trust}); err != nil {
		fmt.Println(err)
		return
	}
	authz := principal.NewAuthorizer(store)
	for _, aud := range []string{"astran", "someone-else"} {
		reqCtx := principal.WebIdentityContext(provider, aud, "user-123", map[string]string{"team": "blue"})
		res, err := authz.AuthorizeAssumeRole(context.Background(), role, provider, reqCtx)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("aud=%s: %s\n", aud, res.Decision)
	}
	// Output:
	// aud=astran: Allow
	// aud=someone-else: ImplicitDeny
}

func ExampleMiddleware() {
	store := principal.NewMemoryStore()
	user := arn.MustParse("arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:user/alice@astran.io")
	_ = store.PutUser(principal.Identity{ARN: user})
	_ = store.AttachPolicy(user, arn.MustParse("arn:astran:iam::astran:policy/AstranS3ReadOnlyAccess"))
	_ = store.PutSession(principal.Session{AccessKeyID: "ASIAEXAMPLE", Identity: user})

	mapper := func(r *http.Request) (string, string, error) {
		action := map[string]string{http.MethodGet: "s3:GetObject", http.MethodPut: "s3:PutObject"}[r.Method]
		return action, "arn:demo:s3:::" + strings.TrimPrefix(r.URL.Path, "/"), nil
	}
	// Behind a front that has verified the SigV4 signature.
	h := principal.Middleware(principal.NewAuthorizer(store), mapper)(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "object data") }))
	srv := httptest.NewServer(h)
	defer srv.Close()

	for _, method := range []string{http.MethodGet, http.MethodPut} {
		req, _ := http.NewRequest(method, srv.URL+"/bucket/key", nil)
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20260102/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		fmt.Println(method, resp.Status)
	}
	// Output:
	// GET 200 OK
	// PUT 403 Forbidden
}

// A service with bucket policies supplies them to the Authorizer: dave has
// no policy of his own, the bucket policy of "shared" lets him read it.
func ExampleResourcePolicyFunc() {
	const acct = "arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:"
	store := principal.NewMemoryStore()
	dave := arn.MustParse(acct + "user/dave@astran.io")
	if err := store.PutUser(principal.Identity{ARN: dave}); err != nil {
		log.Fatal(err)
	}
	doc, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
	  "Principal":{"AWS":"` + dave.String() + `"},"Action":"s3:GetObject","Resource":"arn:demo:s3:::shared/*"}]}`))
	if err != nil {
		log.Fatal(err)
	}
	bucketPolicies := map[string]*policy.Set{"shared": policy.MustCompile([]policy.Policy{{ID: "shared", Document: doc}})}
	authz := principal.NewAuthorizer(store, func(o *principal.Options) {
		o.Resources = principal.ResourcePolicyFunc(func(_ context.Context, resource string) (principal.ResourcePolicy, error) {
			a, err := arn.Parse(resource)
			if err != nil {
				return principal.ResourcePolicy{}, err
			}
			return principal.ResourcePolicy{Set: bucketPolicies[a.Bucket()]}, nil
		})
	})
	for _, r := range []string{"arn:demo:s3:::shared/a.txt", "arn:demo:s3:::private/a.txt"} {
		res, _ := authz.Authorize(context.Background(), principal.Caller{ARN: dave}, "s3:GetObject", r, policy.Context{})
		fmt.Println(r, res.Decision, res.DecidedBy)
	}
	// Output:
	// arn:demo:s3:::shared/a.txt Allow resource
	// arn:demo:s3:::private/a.txt ImplicitDeny
}
