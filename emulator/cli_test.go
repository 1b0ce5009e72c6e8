package emulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/astran-oss/astran-go/emulator"
	"github.com/astran-oss/astran-go/internal/interop"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// awsCLI runs the real aws CLI (v1) against the emulator, with a private
// HOME and config files so the developer's own configuration never leaks in.
type awsCLI struct {
	t    *testing.T
	bin  string
	home string
	env  []string
}

// newAWSCLI starts an emulator and returns it with the aws CLI set up for
// its root, or skips the test. Each aws invocation starts a Python
// interpreter (about a second of CPU), so these tests are opt-in: they run
// under CI=true or ASTRAN_INTEROP=1 (.ci/run sets it) and skip otherwise,
// keeping a plain "go test ./..." fast. newAWSCLI marks the test parallel:
// the tests share nothing (each has its own emulator and HOME), so the
// package's interop time is that of the longest test, not their sum.
func newAWSCLI(t *testing.T) (*emulator.Server, *awsCLI) {
	t.Helper()
	t.Parallel()
	bin := interop.AWSCLI(t)
	srv := newServer(t)
	home := t.TempDir()
	root := srv.RootCredentials()
	// The tutorial uses a profile named "astran" for root.
	config := "[profile astran]\nregion = " + srv.Endpoints().Region + "\n"
	creds := "[astran]\naws_access_key_id = " + root.AccessKeyID + "\naws_secret_access_key = " + root.SecretAccessKey + "\n"
	for name, body := range map[string]string{"config": config, "credentials": creds} {
		if err := os.WriteFile(filepath.Join(home, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{
		"HOME=" + home,
		"PATH=" + os.Getenv("PATH"),
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
		"AWS_DEFAULT_REGION=" + srv.Endpoints().Region,
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
	}
	return srv, &awsCLI{t: t, bin: bin, home: home, env: env}
}

// run runs aws with args and extra environment; it returns stdout, stderr
// and whether the command succeeded.
func (c *awsCLI) run(extraEnv []string, args ...string) (string, string, bool) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Env = append(append([]string(nil), c.env...), extraEnv...)
	cmd.Dir = c.home
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		c.t.Fatalf("aws %s: timed out", strings.Join(args, " "))
	}
	return stdout.String(), stderr.String(), err == nil
}

// root runs a tutorial command as root ("aws --profile astran ...").
func (c *awsCLI) root(endpoint string, args ...string) string {
	c.t.Helper()
	full := append([]string{"--profile", "astran", "--endpoint-url", endpoint}, args...)
	out, errOut, ok := c.run(nil, full...)
	if !ok {
		c.t.Fatalf("aws %s failed: %s%s", strings.Join(full, " "), out, errOut)
	}
	return out
}

func TestCLI_tutorial(t *testing.T) {
	srv, cli := newAWSCLI(t)
	ep := srv.Endpoints()

	// Creating a new user.
	out := cli.root(ep.IAM, "iam", "create-user", "--user-name", "bob@astran.io")
	var created struct {
		User struct{ Path, UserName, UserId, Arn, CreateDate string }
	}
	if err := json.Unmarshal([]byte(out), &created); err != nil {
		t.Fatalf("create-user output %q: %v", out, err)
	}
	u := created.User
	if u.Path != "/" || u.UserName != "bob@astran.io" || !strings.HasPrefix(u.UserId, "AIDA") || len(u.UserId) != 36 ||
		u.Arn != "arn:demo:iam::"+srv.Account()+":user/bob@astran.io" || !strings.HasSuffix(u.CreateDate, "+00:00") {
		t.Errorf("create-user: %+v", u)
	}

	// "An email will also be send to bob@astran.io to verify the email and
	// set the password": follow the link through the admin HTTP endpoint.
	msg, ok := srv.Mailbox().Last("bob@astran.io")
	if !ok {
		t.Fatal("no verification message")
	}
	if status, body := postForm(t, msg.Link, url.Values{"password": {"bob-password"}}); status != http.StatusOK {
		t.Fatalf("verification link: %d %s", status, body)
	}

	// Authenticating with the new user: the tutorial's two curl calls.
	bob := login(t, srv, "bob@astran.io", "bob-password")
	bobEnv := []string{"AWS_ACCESS_KEY_ID=" + bob.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + bob.SecretAccessKey, "AWS_SESSION_TOKEN=" + bob.SessionToken}
	mb := func(bucket string) (string, bool) {
		out, errOut, ok := cli.run(bobEnv, "--endpoint-url", ep.S3, "s3", "mb", "s3://"+bucket)
		return strings.TrimSpace(out + errOut), ok
	}
	denied := func(bucket string) {
		t.Helper()
		out, ok := mb(bucket)
		want := "make_bucket failed: s3://" + bucket + " An error occurred (AccessDenied) when calling the CreateBucket operation: You don't have permission to access this resource"
		if ok || out != want {
			t.Errorf("s3 mb s3://%s: ok=%v\n got: %s\nwant: %s", bucket, ok, out, want)
		}
	}
	denied("test")

	// Listing all users.
	out = cli.root(ep.IAM, "iam", "list-users")
	var users struct {
		Users []struct{ Path, UserName, UserId, Arn, CreateDate string }
	}
	if err := json.Unmarshal([]byte(out), &users); err != nil || len(users.Users) != 1 || users.Users[0].UserName != "bob@astran.io" || users.Users[0].UserId != u.UserId {
		t.Errorf("list-users: %s (%v)", out, err)
	}

	// Managing groups.
	out = cli.root(ep.IAM, "iam", "create-group", "--group-name", "marketing")
	var group struct {
		Group struct{ Path, GroupName, GroupId, Arn, CreateDate string }
	}
	if err := json.Unmarshal([]byte(out), &group); err != nil || group.Group.GroupName != "marketing" ||
		!strings.HasPrefix(group.Group.GroupId, "AGPA") || group.Group.Arn != "arn:demo:iam::"+srv.Account()+":group/marketing" {
		t.Errorf("create-group: %s (%v)", out, err)
	}
	if out := cli.root(ep.IAM, "iam", "add-user-to-group", "--user-name", "bob@astran.io", "--group-name", "marketing"); out != "" {
		t.Errorf("add-user-to-group printed %q, want nothing", out)
	}
	out = cli.root(ep.IAM, "iam", "list-groups-for-user", "--user-name", "bob@astran.io")
	var groups struct {
		Groups []struct{ GroupName, GroupId string }
	}
	if err := json.Unmarshal([]byte(out), &groups); err != nil || len(groups.Groups) != 1 || groups.Groups[0].GroupId != group.Group.GroupId {
		t.Errorf("list-groups-for-user: %s (%v)", out, err)
	}

	// Attach a policy to a group, then bob may create the bucket.
	cli.root(ep.IAM, "iam", "attach-group-policy", "--group-name", "marketing", "--policy-arn", "arn:astran:iam::astran:policy/AstranAdmin")
	if out, ok := mb("test"); !ok || out != "make_bucket: test" {
		t.Errorf("s3 mb s3://test after attach: ok=%v %q", ok, out)
	}

	// Detach it: denied again.
	cli.root(ep.IAM, "iam", "detach-group-policy", "--group-name", "marketing", "--policy-arn", "arn:astran:iam::astran:policy/AstranAdmin")
	denied("test-2")

	// Deleting a user: IAM refuses while bob is in a group.
	if _, errOut, ok := cli.run(nil, "--profile", "astran", "--endpoint-url", ep.IAM, "iam", "delete-user", "--user-name", "bob@astran.io"); ok || !strings.Contains(errOut, "DeleteConflict") {
		t.Errorf("delete-user of a group member: ok=%v %s", ok, errOut)
	}
	cli.root(ep.IAM, "iam", "remove-user-from-group", "--user-name", "bob@astran.io", "--group-name", "marketing")
	cli.root(ep.IAM, "iam", "delete-user", "--user-name", "bob@astran.io")
	out = cli.root(ep.IAM, "iam", "list-users")
	if strings.Contains(out, "bob@astran.io") {
		t.Errorf("list-users after delete: %s", out)
	}
}

// TestCLI_s3 drives more of the S3 gate with the aws CLI as root: cp up and
// down, ls, rm, rb, and sts get-caller-identity.
func TestCLI_s3(t *testing.T) {
	srv, cli := newAWSCLI(t)
	ep := srv.Endpoints()
	src := filepath.Join(cli.home, "hello.txt")
	if err := os.WriteFile(src, []byte("hello from the CLI\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cli.root(ep.S3, "s3", "mb", "s3://cli-bucket")
	if out := cli.root(ep.S3, "s3", "cp", src, "s3://cli-bucket/dir/hello world.txt"); !strings.Contains(out, "upload:") {
		t.Errorf("cp up: %q", out)
	}
	if out := cli.root(ep.S3, "s3", "ls", "s3://cli-bucket/dir/"); !strings.Contains(out, "hello world.txt") {
		t.Errorf("ls: %q", out)
	}
	if out := cli.root(ep.S3, "s3", "cp", "s3://cli-bucket/dir/hello world.txt", "-"); out != "hello from the CLI\n" {
		t.Errorf("cp down: %q", out)
	}
	// Above the CLI's 8 MiB threshold: a multipart upload.
	big := filepath.Join(cli.home, "big.bin")
	if err := os.WriteFile(big, bytes.Repeat([]byte("0123456789abcdef"), 9<<16), 0o600); err != nil {
		t.Fatal(err)
	}
	cli.root(ep.S3, "s3", "cp", big, "s3://cli-bucket/big.bin")
	if out := cli.root(ep.S3, "s3api", "head-object", "--bucket", "cli-bucket", "--key", "big.bin"); !strings.Contains(out, `"ContentLength": 9437184`) || !strings.Contains(out, `-2\"`) {
		t.Errorf("head-object of the multipart upload: %s", out)
	}
	cli.root(ep.S3, "s3", "rm", "s3://cli-bucket/big.bin")
	cli.root(ep.S3, "s3", "rm", "s3://cli-bucket/dir/hello world.txt")
	cli.root(ep.S3, "s3", "rb", "s3://cli-bucket")
	if out := cli.root(ep.S3, "s3", "ls"); strings.Contains(out, "cli-bucket") {
		t.Errorf("bucket still listed: %q", out)
	}
	out := cli.root(ep.STS, "sts", "get-caller-identity")
	if !strings.Contains(out, srv.RootARN().String()) {
		t.Errorf("get-caller-identity: %s", out)
	}
}

// TestCLI_policyDocuments: the CLI URL-decodes and parses the policy
// documents IAM returns, so the emulator's encoding must round-trip.
func TestCLI_policyDocuments(t *testing.T) {
	srv, cli := newAWSCLI(t)
	ep := srv.Endpoints()
	doc := `{"Version": "2012-10-17", "Statement": [{"Sid": "Home + more", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:demo:s3:::user-buckets/${aws:username}/*"}]}`
	out := cli.root(ep.IAM, "iam", "create-policy", "--policy-name", "home", "--policy-document", doc)
	var created struct{ Policy struct{ Arn string } }
	if err := json.Unmarshal([]byte(out), &created); err != nil {
		t.Fatalf("create-policy: %s (%v)", out, err)
	}
	out = cli.root(ep.IAM, "iam", "get-policy-version", "--policy-arn", created.Policy.Arn, "--version-id", "v1")
	var got struct {
		PolicyVersion struct {
			Document struct {
				Statement []struct{ Sid, Resource string }
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got.PolicyVersion.Document.Statement) != 1 ||
		got.PolicyVersion.Document.Statement[0].Sid != "Home + more" ||
		got.PolicyVersion.Document.Statement[0].Resource != "arn:demo:s3:::user-buckets/${aws:username}/*" {
		t.Errorf("get-policy-version: %s (%v)", out, err)
	}
	out = cli.root(ep.IAM, "iam", "get-policy", "--policy-arn", "arn:astran:iam::astran:policy/AstranAdmin")
	if !strings.Contains(out, `"PolicyName": "AstranAdmin"`) {
		t.Errorf("get-policy of a built-in: %s", out)
	}
}

// TestCLI_endpointVariables: with only the variables of Server.Env (what
// `astran serve` prints) in the environment, `aws s3 ls`, `aws iam
// list-users` and `aws sts get-caller-identity` reach the emulator with no
// --endpoint-url and no profile.
func TestCLI_endpointVariables(t *testing.T) {
	srv, cli := newAWSCLI(t)
	if _, err := s3.NewFromConfig(srv.RootConfig()).CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("env-bucket")}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"s3", "ls"}, "env-bucket"},
		{[]string{"iam", "list-users"}, `"Users": []`},
		{[]string{"sts", "get-caller-identity"}, srv.RootARN().String()},
	} {
		out, errOut, ok := cli.run(srv.Env(), tc.args...)
		if !ok || !strings.Contains(out, tc.want) {
			t.Errorf("aws %s with the serve variables: %q %q, want %q", strings.Join(tc.args, " "), out, errOut, tc.want)
		}
	}
}

// TestCLI_bucketPolicy: aws s3api put/get/delete-bucket-policy, a malformed
// policy refused, and an unsigned read (--no-sign-request) served only
// while the bucket policy allows "*".
func TestCLI_bucketPolicy(t *testing.T) {
	srv, cli := newAWSCLI(t)
	env := srv.Env()
	run := func(args ...string) (string, string, bool) { return cli.run(env, args...) }
	mustRun := func(args ...string) string {
		t.Helper()
		out, errOut, ok := run(args...)
		if !ok {
			t.Fatalf("aws %s: %s%s", strings.Join(args, " "), out, errOut)
		}
		return out
	}
	src := filepath.Join(cli.home, "page.html")
	if err := os.WriteFile(src, []byte("<h1>public</h1>"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun("s3", "mb", "s3://site")
	mustRun("s3", "cp", src, "s3://site/index.html")
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:` +
		srv.Partition() + `:s3:::site/*"}]}`
	if _, errOut, ok := run("s3api", "put-bucket-policy", "--bucket", "site", "--policy", `{"Statement":[{"Effect":"Allow"}]}`); ok || !strings.Contains(errOut, "MalformedPolicy") {
		t.Errorf("malformed policy: ok=%v %s, want MalformedPolicy", ok, errOut)
	}
	anonymous := []string{"s3", "cp", "--no-sign-request", "s3://site/index.html", "-"}
	if out, _, ok := run(anonymous...); ok {
		t.Errorf("unsigned read without a bucket policy succeeded: %q", out)
	}
	mustRun("s3api", "put-bucket-policy", "--bucket", "site", "--policy", doc)
	if out := mustRun("s3api", "get-bucket-policy", "--bucket", "site"); !strings.Contains(out, `s3:GetObject`) {
		t.Errorf("get-bucket-policy: %s", out)
	}
	if out := mustRun(anonymous...); out != "<h1>public</h1>" {
		t.Errorf("unsigned read allowed by the bucket policy: %q", out)
	}
	mustRun("s3api", "delete-bucket-policy", "--bucket", "site")
	if _, errOut, ok := run("s3api", "get-bucket-policy", "--bucket", "site"); ok || !strings.Contains(errOut, "NoSuchBucketPolicy") {
		t.Errorf("get-bucket-policy after delete: ok=%v %s", ok, errOut)
	}
}
