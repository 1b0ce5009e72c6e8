package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/astran-oss/astran-go/astrantest"
)

func TestIAMWhoCan(t *testing.T) {
	runCLICases(t, "iam who-can", map[string]cliCase{
		"open condition": {
			args: []string{"--fixture", "testdata/iam/tutorial.json", "s3:PutObject", "arn:demo:s3:::test/report.csv"},
			out: `arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:user/bob@astran.io (user)
  allowed by arn:astran:iam::astran:policy/AstranAdmin FullAccess (group marketing)
arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:user/dave@astran.io (user, under conditions)
  allowed by user/dave@astran.io/inline/Uploads UploadFromOffice when aws:SourceIp IpAddress 203.0.113.0/24
`,
		},
		"nobody": {
			args: []string{"--fixture", "testdata/iam/tutorial.json", "ec2:RunInstances", "*"},
			out:  "nobody may ec2:RunInstances on *\n",
		},
		"needs an account": { // a usage error
			args: []string{"s3:GetObject", "*"},
			code: 2,
			err:  `astran: iam who-can: at least one of the flags in the group [fixture profile] is required (see "astran iam who-can --help")` + "\n",
		},
		"not both": { // a usage error
			args: []string{"--fixture", "x.json", "--profile", "p", "s3:GetObject", "*"},
			code: 2,
			err:  `astran: iam who-can: if any flags in the group [fixture profile] are set none of the others can be; [fixture profile] were all set (see "astran iam who-can --help")` + "\n",
		},
		"bad format": {
			args: []string{"--format", "yaml", "--fixture", "testdata/iam/tutorial.json", "s3:GetObject", "*"},
			code: 1,
			err:  `astran: iam who-can: unknown --format "yaml" (want text or json)` + "\n",
		},
		"missing fixture": {
			args: []string{"--fixture", "testdata/iam/missing.json", "s3:GetObject", "*"},
			code: 1,
			err:  "astran: iam who-can: principal: fixture testdata/iam/missing.json: open testdata/iam/missing.json: no such file or directory\n",
		},
	})
}

func TestIAMWhoCan_JSON(t *testing.T) {
	te := newTestEnv(t, "")
	te.mustRun(t, 0, "iam", "who-can", "--format", "json", "--fixture", "testdata/iam/tutorial.json", "s3:GetObject", "arn:demo:s3:::test/k")
	var grants []struct {
		Identity string `json:"identity"`
		Kind     string `json:"kind"`
		Allow    []struct {
			Policy string `json:"policy"`
			Via    string `json:"via"`
		} `json:"allow"`
	}
	te.outJSON(t, &grants)
	if len(grants) != 3 || grants[0].Kind != "user" || !strings.HasSuffix(grants[2].Allow[0].Via, ":group/readers") {
		t.Fatalf("grants: %s", te.out)
	}
	if code := te.run("iam", "who-can", "--format", "json", "--fixture", "testdata/iam/tutorial.json", "ec2:RunInstances", "*"); code != 0 || te.out.String() != "[]\n" {
		t.Fatalf("no grant: exit %d, %q", code, te.out)
	}
}

func TestIAMEscalations(t *testing.T) {
	te := newTestEnv(t, "")
	te.mustRun(t, 0, "iam", "escalations", "--fixture", "testdata/iam/tutorial.json")
	want := `arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:user/carol@astran.io gains AstranAdmin attached to user/carol@astran.io
  1. as user/carol@astran.io: iam:AttachUserPolicy on arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:user/carol@astran.io (PolicyArn=arn:astran:iam::astran:policy/AstranAdmin UserName=carol@astran.io)
     attaches AstranAdmin to user/carol@astran.io
     allowed by user/carol@astran.io/inline/SelfService OwnKeysAndPolicies
`
	if te.out.String() != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", te.out, want)
	}
	te.mustRun(t, 0, "iam", "escalations", "--format", "json", "--fixture", "testdata/iam/tutorial.json")
	var paths []struct {
		Identity string `json:"identity"`
		Gains    string `json:"gains"`
		Steps    []struct {
			As, Action, Resource string
			Params               map[string]string
		} `json:"steps"`
	}
	te.outJSON(t, &paths)
	if len(paths) != 1 || len(paths[0].Steps) != 1 || paths[0].Steps[0].Params["PolicyArn"] != "arn:astran:iam::astran:policy/AstranAdmin" {
		t.Fatalf("paths: %s", te.out)
	}
}

// TestIAM_profile analyses a live partition (the emulator) through an AWS
// profile's credentials.
func TestIAM_profile(t *testing.T) {
	srv := astrantest.New(t)
	ctx := t.Context()
	root := iam.NewFromConfig(srv.RootConfig())
	if _, err := root.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("eve@astran.io")}); err != nil {
		t.Fatal(err)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PutUserPolicy","Resource":"` + srv.UserARN("eve@astran.io").String() + `"}]}`
	if _, err := root.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("eve@astran.io"), PolicyName: aws.String("Self"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	creds := srv.RootCredentials()
	cfgFile, credFile := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	writeTestFile(t, cfgFile, "[profile emu]\nregion = us-east-1\n")
	writeTestFile(t, credFile, "[emu]\naws_access_key_id = "+creds.AccessKeyID+"\naws_secret_access_key = "+creds.SecretAccessKey+"\n")
	te := newTestEnv(t, "")
	te.vars["AWS_CONFIG_FILE"], te.vars["AWS_SHARED_CREDENTIALS_FILE"] = cfgFile, credFile
	te.vars["ASTRAN_IAM_ENDPOINT"] = srv.Endpoints().IAM
	te.mustRun(t, 0, "iam", "escalations", "--profile", "emu")
	if !strings.HasPrefix(te.out.String(), srv.UserARN("eve@astran.io").String()+" gains an inline policy allowing everything on user/eve@astran.io\n  1. as user/eve@astran.io: iam:PutUserPolicy") {
		t.Errorf("stdout:\n%s", te.out)
	}
	if code := te.run("iam", "who-can", "--profile", "emu", "iam:PutUserPolicy", srv.UserARN("eve@astran.io").String()); code != 0 ||
		!strings.Contains(te.out.String(), "user/eve@astran.io (user)\n  allowed by user/eve@astran.io/inline/Self statement 0\n") {
		t.Errorf("who-can: exit %d\n%s%s", code, te.out, te.errOut)
	}
	delete(te.vars, "ASTRAN_IAM_ENDPOINT")
	if code := te.run("iam", "escalations", "--profile", "emu"); code != 1 || !strings.Contains(te.errOut.String(), "no IAM endpoint") {
		t.Errorf("without an endpoint: exit %d: %s", code, te.errOut)
	}
}
