package access_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"

	"github.com/astran-oss/astran-go/access"
	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/astrantest"
	"github.com/astran-oss/astran-go/emulator"
	"github.com/astran-oss/astran-go/iamclient"
	"github.com/astran-oss/astran-go/principal/iamstore"
)

const emulatorPassword = "correct horse battery staple"

func mustIAM(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func createUser(t *testing.T, root *iam.Client, email, inline string) {
	t.Helper()
	ctx := t.Context()
	_, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(email)})
	mustIAM(t, err)
	if inline != "" {
		_, err = root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(email), PolicyName: aws.String("Granted"), PolicyDocument: aws.String(inline)})
		mustIAM(t, err)
	}
}

func denied(err error) bool {
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorCode() == "AccessDenied"
}

// TestEscalations_emulator finds the paths of a live partition through its
// IAM API, then replays each path's calls as the identities it names and
// checks that the path's identity really ends with administrator access
// (creating a user, which it could not do before).
func TestEscalations_emulator(t *testing.T) {
	ctx := t.Context()
	srv := astrantest.New(t, emulator.WithUserPassword(emulatorPassword))
	root := iam.NewFromConfig(srv.RootConfig())
	self := func(email string) string { return srv.UserARN(email).String() }
	createUser(t, root, "reader@astran.io", "")
	_, err := root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("reader@astran.io"), PolicyArn: aws.String("arn:astran:iam::astran:policy/AstranS3ReadOnlyAccess")})
	mustIAM(t, err)
	createUser(t, root, "eve@astran.io", fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:AttachUserPolicy","Resource":%q}]}`, self("eve@astran.io")))

	dir := access.NewIAMDirectory(root, iamstore.New(iamclient.New(aws.Config{}, func(o *iamclient.Options) { o.API = root })))
	// Only eve escalates, by herself.
	paths, err := access.New(dir).Escalations(ctx)
	mustIAM(t, err)
	if len(paths) != 1 || paths[0].Identity != srv.UserARN("eve@astran.io") || len(paths[0].Steps) != 1 {
		t.Fatalf("paths = %s", pathLines(paths))
	}

	// judy may create eve's access keys: her path goes through eve.
	createUser(t, root, "judy@astran.io", fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":%q}]}`, self("eve@astran.io")))
	paths, err = access.New(dir, nil).Escalations(ctx)
	mustIAM(t, err)
	var judy *access.Path
	for i := range paths {
		if paths[i].Identity == srv.UserARN("judy@astran.io") {
			judy = &paths[i]
		}
	}
	if len(paths) != 2 || judy == nil || len(judy.Steps) != 2 {
		t.Fatalf("paths = %s", pathLines(paths))
	}

	cfg, err := srv.UserConfig(ctx, "judy@astran.io", emulatorPassword)
	mustIAM(t, err)
	judyIAM := iam.NewFromConfig(cfg)
	if _, err := judyIAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("before@astran.io")}); !denied(err) {
		t.Fatalf("judy creates a user before escalating: %v", err)
	}
	clients := map[arn.ARN]*iam.Client{judy.Identity: judyIAM}
	replay(t, srv, clients, judy.Steps)
	last := clients[judy.Steps[len(judy.Steps)-1].As]
	if _, err := last.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("after@astran.io")}); err != nil {
		t.Fatalf("after the path (%s), creating a user: %v", judy.Gains, err)
	}
}

// replay makes the calls of steps, each as its identity; clients holds a
// client per identity, and gains those whose credentials a step creates.
func replay(t *testing.T, srv interface {
	Config(aws.CredentialsProvider) aws.Config
}, clients map[arn.ARN]*iam.Client, steps []access.Step) {
	t.Helper()
	ctx := t.Context()
	for i, s := range steps {
		c := clients[s.As]
		if c == nil {
			t.Fatalf("step %d: no credentials for %s", i+1, s.As)
		}
		p := func(k string) *string { return aws.String(s.Params[k]) }
		var err error
		switch s.Action {
		case "iam:AttachUserPolicy":
			_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: p("UserName"), PolicyArn: p("PolicyArn")})
		case "iam:PutUserPolicy":
			_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: p("UserName"), PolicyName: p("PolicyName"), PolicyDocument: p("PolicyDocument")})
		case "iam:SetDefaultPolicyVersion":
			_, err = c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: p("PolicyArn"), VersionId: p("VersionId")})
		case "iam:CreatePolicyVersion":
			_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: p("PolicyArn"), PolicyDocument: p("PolicyDocument"), SetAsDefault: s.Params["SetAsDefault"] == "true"})
		case "iam:CreateAccessKey":
			var out *iam.CreateAccessKeyOutput
			out, err = c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: p("UserName")})
			if err == nil {
				target, perr := arn.Parse(s.Resource)
				mustIAM(t, perr)
				creds := credentials.NewStaticCredentialsProvider(aws.ToString(out.AccessKey.AccessKeyId), aws.ToString(out.AccessKey.SecretAccessKey), "")
				clients[target] = iam.NewFromConfig(srv.Config(creds))
			}
		default:
			t.Fatalf("step %d: replaying %s is not implemented in this test", i+1, s.Action)
		}
		if err != nil {
			t.Fatalf("step %d (%s as %s): %v", i+1, s.Action, s.As, err)
		}
	}
}

// TestEscalations_emulatorNone: a live partition where nobody escalates
// reports no path (an administrator, a reader, a user managing only her
// own access keys).
func TestEscalations_emulatorNone(t *testing.T) {
	ctx := t.Context()
	srv := astrantest.New(t)
	root := iam.NewFromConfig(srv.RootConfig())
	createUser(t, root, "boss@astran.io", "")
	_, err := root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("boss@astran.io"), PolicyArn: aws.String("arn:astran:iam::astran:policy/AstranAdmin")})
	mustIAM(t, err)
	createUser(t, root, "reader@astran.io", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}]}`)
	createUser(t, root, "pat@astran.io", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateAccessKey","iam:ListAccessKeys"],"Resource":"arn:demo:iam::*:user/${aws:username}"}]}`)
	paths, err := access.New(access.NewIAMDirectory(root, iamstore.New(iamclient.New(aws.Config{}, func(o *iamclient.Options) { o.API = root })))).Escalations(ctx)
	mustIAM(t, err)
	if len(paths) != 0 {
		t.Fatalf("paths = %s", pathLines(paths))
	}
}

// TestEscalations_emulatorPolicyVersions: through the emulator's IAM API,
// a user allowed to choose the default version of his own policy, and one
// allowed to write a new version of it, are found and their paths work.
func TestEscalations_emulatorPolicyVersions(t *testing.T) {
	ctx := t.Context()
	srv := astrantest.New(t, emulator.WithUserPassword(emulatorPassword))
	root := iam.NewFromConfig(srv.RootConfig())
	everything := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	for _, u := range []struct{ email, action string }{{"sam@astran.io", "iam:SetDefaultPolicyVersion"}, {"hank@astran.io", "iam:CreatePolicyVersion"}} {
		createUser(t, root, u.email, "")
		name := strings.Split(u.email, "@")[0]
		created, err := root.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(everything)})
		mustIAM(t, err)
		own := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":%q,"Resource":%q}]}`, u.action, aws.ToString(created.Policy.Arn))
		_, err = root.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: created.Policy.Arn, PolicyDocument: aws.String(own), SetAsDefault: true})
		mustIAM(t, err)
		_, err = root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(u.email), PolicyArn: created.Policy.Arn})
		mustIAM(t, err)
	}
	paths, err := access.New(access.NewIAMDirectory(root, iamstore.New(iamclient.New(aws.Config{}, func(o *iamclient.Options) { o.API = root })))).Escalations(ctx)
	mustIAM(t, err)
	if len(paths) != 2 || paths[0].Steps[0].Action != "iam:CreatePolicyVersion" || paths[1].Steps[0].Action != "iam:SetDefaultPolicyVersion" {
		t.Fatalf("paths = %s", pathLines(paths))
	}
	for i, email := range []string{"hank@astran.io", "sam@astran.io"} {
		cfg, err := srv.UserConfig(ctx, email, emulatorPassword)
		mustIAM(t, err)
		c := iam.NewFromConfig(cfg)
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("before-" + email)}); !denied(err) {
			t.Fatalf("%s creates a user before escalating: %v", email, err)
		}
		replay(t, srv, map[arn.ARN]*iam.Client{paths[i].Identity: c}, paths[i].Steps)
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("after-" + email)}); err != nil {
			t.Fatalf("%s after the path (%s): %v", email, paths[i].Gains, err)
		}
	}
}
