package iamclient_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/iamclient"
	"github.com/astran-oss/astran-go/policy"
)

// fakeAstranIAM is a tiny stand-in for Astran's IAM endpoint, so that the
// examples run. It knows CreateUser and ListUsers.
func fakeAstranIAM() *httptest.Server {
	var mu sync.Mutex
	users := map[string]bool{}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		name := r.Form.Get("UserName")
		user := `<User><Path>/</Path><UserName>` + name + `</UserName><UserId>AIDAC654348CB5834CDE8B4A2011F31CD2CB</UserId>` +
			`<Arn>arn:demo:iam::ce09c61d-afac-404f-a96b-ebbbced80013:user/` + name + `</Arn>` +
			`<CreateDate>2025-03-27T08:43:40.813640Z</CreateDate></User>`
		switch r.Form.Get("Action") {
		case "CreateUser":
			if users[name] {
				w.WriteHeader(http.StatusConflict)
				fmt.Fprint(w, `<ErrorResponse><Error><Type>Sender</Type><Code>EntityAlreadyExists</Code>`+
					`<Message>User with name `+name+` already exists.</Message></Error></ErrorResponse>`)
				return
			}
			users[name] = true
			fmt.Fprint(w, `<CreateUserResponse><CreateUserResult>`+user+`</CreateUserResult></CreateUserResponse>`)
		case "ListUsers":
			fmt.Fprint(w, `<ListUsersResponse><ListUsersResult><IsTruncated>false</IsTruncated><Users>`)
			for n := range users {
				fmt.Fprint(w, `<member><Path>/</Path><UserName>`+n+`</UserName><UserId>AIDAC654348CB5834CDE8B4A2011F31CD2CB</UserId>`+
					`<Arn>arn:demo:iam::ce09c61d-afac-404f-a96b-ebbbced80013:user/`+n+`</Arn>`+
					`<CreateDate>2025-03-27T08:43:40.813640Z</CreateDate></member>`)
			}
			fmt.Fprint(w, `</Users></ListUsersResult></ListUsersResponse>`)
		default:
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>`)
		}
	}))
}

// The first steps of Astran's "Managing users" tutorial: create
// bob@astran.io, then list the users.
func Example() {
	srv := fakeAstranIAM() // stands in for https://demo.iam.astran.io
	defer srv.Close()

	// In a program, cfg comes from the sts package (or config.LoadDefaultConfig).
	cfg := aws.Config{Credentials: credentials.NewStaticCredentialsProvider("ASIAEXAMPLE", "secret", "token")}
	c := iamclient.New(cfg, func(o *iamclient.Options) {
		o.Partition = "demo"
		o.BaseEndpoint = srv.URL // omit to use https://demo.iam.astran.io
	})
	ctx := context.Background()

	bob, err := c.CreateUser(ctx, "bob@astran.io")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("created", bob.Name, "in partition", bob.ARN.Partition, "at", bob.CreateDate.Format("2006-01-02"))

	_, err = c.CreateUser(ctx, "bob@astran.io")
	fmt.Println("again:", errors.Is(err, iamclient.ErrAlreadyExists))

	_, err = c.CreateUser(ctx, "bob")
	fmt.Println("not an email:", errors.Is(err, iamclient.ErrInvalidInput))

	for u, err := range c.Users(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("user:", u.ARN)
	}
	// Output:
	// created bob@astran.io in partition demo at 2025-03-27
	// again: true
	// not an email: true
	// user: arn:demo:iam::ce09c61d-afac-404f-a96b-ebbbced80013:user/bob@astran.io
}

// createPolicyFake implements the one IAM operation ExampleClient_CreatePolicy
// needs; the embedded nil API makes any other call panic. Unit tests fake
// IAM the same way, through Options.API.
type createPolicyFake struct{ iamclient.API }

func (createPolicyFake) CreatePolicy(_ context.Context, in *iam.CreatePolicyInput, _ ...func(*iam.Options)) (*iam.CreatePolicyOutput, error) {
	fmt.Println("sent:", *in.PolicyDocument)
	return &iam.CreatePolicyOutput{Policy: &types.Policy{
		PolicyName:       in.PolicyName,
		Arn:              aws.String("arn:demo:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/" + *in.PolicyName),
		DefaultVersionId: aws.String("v1"),
		IsAttachable:     true,
	}}, nil
}

func ExampleClient_CreatePolicy() {
	c := iamclient.New(aws.Config{}, func(o *iamclient.Options) { o.API = createPolicyFake{} })
	ctx := context.Background()

	doc, err := policy.Parse([]byte(`{
		"Version": "2012-10-17",
		"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:demo:s3:::reports/${aws:username}/*"}]
	}`))
	if err != nil {
		log.Fatal(err)
	}
	p, err := c.CreatePolicy(ctx, "read-own-reports", doc)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.ARN, p.DefaultVersionID)

	// Invalid documents and built-ins are refused before anything is sent.
	_, err = c.CreatePolicy(ctx, "empty", &policy.Document{Version: policy.Version2012})
	fmt.Println(errors.Is(err, iamclient.ErrInvalidInput))
	err = c.DeletePolicy(ctx, builtin.PolicyARN(builtin.AstranAdmin))
	fmt.Println(err)
	// Output:
	// sent: {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::reports/${aws:username}/*"}]}
	// arn:demo:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/read-own-reports v1
	// true
	// iamclient: DeletePolicy arn:astran:iam::astran:policy/AstranAdmin: built-in entities cannot be modified or deleted
}
