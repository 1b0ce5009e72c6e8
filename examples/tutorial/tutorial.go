package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/emulator"
	"github.com/astran-oss/astran-go/endpoint"
	"github.com/astran-oss/astran-go/iamclient"
	"github.com/astran-oss/astran-go/sts"
)

// The names the documentation uses.
const (
	defaultUsername = "bob@astran.io"
	groupName       = "marketing"
	sessionName     = "bob-session-name"
	firstBucket     = "test"
	secondBucket    = "test-2"
)

// Environment variables read besides the ASTRAN_* endpoint overrides.
const (
	envPassword  = "ASTRAN_PASSWORD"
	envUsername  = "ASTRAN_USERNAME"
	envAccessKey = "AWS_ACCESS_KEY_ID"
	envSecretKey = "AWS_SECRET_ACCESS_KEY"
	envSession   = "AWS_SESSION_TOKEN"
	envProfile   = "AWS_PROFILE"
)

const (
	// emulatorTimeout bounds a run against the embedded emulator, which
	// takes well under a second: the program can never hang.
	emulatorTimeout = time.Minute
	// partitionTimeout bounds a run against a configured partition, which
	// may wait for the new user to verify the email address.
	partitionTimeout = 15 * time.Minute
	// maxListed caps the users listed: a real partition may have many.
	maxListed = 10
)

// verifyPoll is how often a run against a partition retries the login
// while the new user has not verified the email address yet. Tests shorten
// it.
var verifyPoll = 5 * time.Second

// errUnexpected reports a step whose outcome differs from the documentation.
var errUnexpected = errors.New("outcome differs from Astran's documentation")

// target is where the tutorial runs and how it gets there.
type target struct {
	partition string
	username  string
	password  string
	// env answers the ASTRAN_* and AWS_* lookups of the library.
	env func(string) string
	// root signs the administrator's calls.
	root aws.CredentialsProvider
	// describe says where the tutorial runs, for the narration.
	describe string
	// verifyEmail, when not nil, completes the verification email of a new
	// user (the emulator's mailbox). When nil, the login step waits until
	// the user has done it.
	verifyEmail func(email, password string) (subject string, err error)
	// propagation is how long an allowed call may keep being denied after
	// a policy was attached: IAM changes may take a moment to apply.
	propagation time.Duration
	timeout     time.Duration
}

// run runs the tutorial, narrating to out. env reads the configuration
// (os.Getenv in main): with ASTRAN_PARTITION unset it starts the embedded
// emulator, else it runs against that partition.
func run(ctx context.Context, out io.Writer, env func(string) string) error {
	if env(endpoint.EnvPartition) == "" {
		return runEmulator(ctx, out)
	}
	t, err := configured(ctx, env)
	if err != nil {
		return err
	}
	return tutorial(ctx, out, t)
}

// runEmulator starts the emulator in-process, runs the tutorial
// against it and stops it.
func runEmulator(ctx context.Context, out io.Writer) error {
	srv, err := emulator.New()
	if err != nil {
		return fmt.Errorf("starting the emulator: %w", err)
	}
	defer srv.Close()

	password := rand.Text() // bob's password, set through the mailbox below
	env := envFromLines(srv.Env())
	root := srv.RootCredentials()
	return tutorial(ctx, out, target{
		partition: srv.Partition(),
		username:  defaultUsername,
		password:  password,
		env:       env,
		root:      credentials.StaticCredentialsProvider{Value: root},
		describe: fmt.Sprintf("the embedded Astran emulator (package emulator), partition %q, IAM at %s",
			srv.Partition(), srv.Endpoints().IAM),
		verifyEmail: func(email, password string) (string, error) {
			msg, ok := srv.Mailbox().Last(email)
			if !ok {
				return "", fmt.Errorf("no verification email for %s in the emulator's mailbox", email)
			}
			return msg.Subject, srv.Mailbox().Verify(msg.Link, password)
		},
		timeout: emulatorTimeout,
	})
}

// configured reads the target partition from env.
func configured(ctx context.Context, env func(string) string) (target, error) {
	t := target{
		partition:   env(endpoint.EnvPartition),
		username:    env(envUsername),
		password:    env(envPassword),
		env:         env,
		propagation: 15 * time.Second,
		timeout:     partitionTimeout,
	}
	if t.username == "" {
		t.username = defaultUsername
	}
	if t.password == "" {
		return t, fmt.Errorf("%s is set but %s is not: set it to the password %s will choose with the link Astran emails",
			endpoint.EnvPartition, envPassword, t.username)
	}
	switch {
	case env(envAccessKey) != "" && env(envSecretKey) != "":
		t.root = credentials.NewStaticCredentialsProvider(env(envAccessKey), env(envSecretKey), env(envSession))
	case env(envProfile) != "":
		cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile(env(envProfile)))
		if err != nil {
			return t, fmt.Errorf("loading the root credentials of profile %q: %w", env(envProfile), err)
		}
		t.root = cfg.Credentials
	default:
		return t, fmt.Errorf("%s is set but no root credentials are: set %s and %s, or %s",
			endpoint.EnvPartition, envAccessKey, envSecretKey, envProfile)
	}
	ep, err := endpoint.Resolve(func(o *endpoint.Options) { o.Partition, o.Getenv = t.partition, env })
	if err != nil {
		return t, err
	}
	t.describe = fmt.Sprintf("partition %q, IAM at %s", t.partition, ep.IAM)
	return t, nil
}

// envFromLines turns "NAME=value" lines into a lookup function.
func envFromLines(lines []string) func(string) string {
	m := make(map[string]string, len(lines))
	for _, l := range lines {
		if k, v, ok := strings.Cut(l, "="); ok {
			m[k] = v
		}
	}
	return func(k string) string { return m[k] }
}

// tutorial runs the documented steps against t.
func tutorial(ctx context.Context, out io.Writer, t target) (err error) {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()

	ep, err := endpoint.Resolve(func(o *endpoint.Options) { o.Partition, o.Getenv = t.partition, t.env })
	if err != nil {
		return err
	}
	n := &narrator{w: out}
	n.printf("Astran's \"Managing users\" tutorial, step by step.\nRunning against %s.\n", t.describe)
	// The commands shown for root: the docs' profile, and on the emulator
	// its IAM endpoint, so that they run as shown against "astran serve".
	iam := "aws --profile astran iam"
	s3mb := func(bucket string) string { return fmt.Sprintf("aws --endpoint-url %s s3 mb s3://%s", ep.S3, bucket) }
	if t.verifyEmail != nil {
		n.printf("(Set %s, root AWS credentials and %s to run it against your own partition.)\n",
			endpoint.EnvPartition, envPassword)
		n.printf("To type the commands below yourself, run them against \"astran serve\":\n")
		for _, c := range serveSetup {
			n.cmd("%s", c)
		}
		iam = `aws --profile astran --endpoint-url "$` + endpoint.EnvIAMEndpoint + `" iam`
		s3mb = func(bucket string) string {
			return `aws --endpoint-url "$` + endpoint.EnvS3Endpoint + `" s3 mb s3://` + bucket
		}
	}

	// Every client has an explicit HTTP client with a timeout.
	httpClient := &http.Client{Timeout: 30 * time.Second}
	reqOpts := func(o *sts.RequestOptions) { o.HTTPClient = httpClient }
	cfgOpts := func(o *sts.ConfigOptions) { o.HTTPClient = httpClient }
	pathStyle := func(o *s3.Options) { o.UsePathStyle = true }

	// The administrator ("aws --profile astran" in the docs) is root.
	rootCfg, err := sts.NewConfig(ep, t.root, cfgOpts)
	if err != nil {
		return fmt.Errorf("configuring the root clients: %w", err)
	}
	admin := iamclient.New(rootCfg, func(o *iamclient.Options) {
		o.Partition = t.partition
		o.Getenv = t.env
	})
	rootS3 := s3.NewFromConfig(rootCfg, pathStyle)

	// Whatever happens, remove what the run created, as root, even after
	// ctx is cancelled (Ctrl-C). The last step runs it explicitly.
	var cleanups []func(context.Context) error
	cleanup := func() error {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		var errs []error
		for i := len(cleanups) - 1; i >= 0; i-- {
			errs = append(errs, cleanups[i](cctx))
		}
		cleanups = nil
		return errors.Join(errs...)
	}
	defer func() { err = errors.Join(err, cleanup()) }()

	user := t.username

	// Creating a new user.
	n.step("root creates the user %s", user)
	n.cmd("%s create-user --user-name %s", iam, user)
	created, err := admin.CreateUser(ctx, user)
	if errors.Is(err, iamclient.ErrAlreadyExists) {
		return n.fail(fmt.Errorf("%s already exists in partition %q; the tutorial creates and deletes it: delete it or set %s: %w",
			user, t.partition, envUsername, err))
	}
	if err != nil {
		return n.fail(err)
	}
	userDeleted := false
	cleanups = append(cleanups, func(ctx context.Context) error {
		if userDeleted {
			return nil
		}
		if err := admin.DeleteUser(ctx, user, func(o *iamclient.DeleteUserOptions) { o.Cascade = true }); err != nil {
			return fmt.Errorf("cleaning up: %w", err)
		}
		return nil
	})
	n.result("created %s (UserId %s, Path %s)", created.ARN, created.ID, created.Path)
	n.result("Astran emails %s a link to verify the address and set a password", user)
	if t.verifyEmail != nil {
		subject, err := t.verifyEmail(user, t.password)
		if err != nil {
			return n.fail(err)
		}
		n.result("the emulator's mailbox got it (%q); bob follows the link and sets his password", subject)
	} else {
		n.result("open it and set the password you put in %s; the login below waits for it", envPassword)
	}

	// Listing all users.
	n.step("root lists the users")
	n.cmd("%s list-users", iam)
	users, err := admin.ListUsers(ctx)
	if err != nil {
		return n.fail(err)
	}
	found := false
	for i, u := range users {
		if i == maxListed {
			n.result("… and %d more", len(users)-maxListed)
		}
		if i < maxListed || u.Name == user {
			n.result("%s  %s", u.Name, u.ARN)
		}
		found = found || u.Name == user
	}
	if !found {
		return n.unexpected("%s is not listed", user)
	}

	// Authenticating with the new user: the password grant...
	n.step("%s logs in: OAuth2 password grant at the partition's Keycloak realm", user)
	n.cmd("curl -X POST -d client_id=%s -d grant_type=password -d username=%s -d password=… %s",
		ep.ClientID, user, ep.TokenURL())
	ts, err := sts.NewPasswordGrant(ep, user, sts.StaticPassword(t.password), func(o *sts.PasswordGrantOptions) { reqOpts(&o.RequestOptions) })
	if err != nil {
		return n.fail(err)
	}
	tok, err := waitForLogin(ctx, n, ts, t.verifyEmail == nil)
	if err != nil {
		return n.fail(err)
	}
	n.result("got a %s access token, valid for %s (refresh token: %s), scope %q",
		tok.TokenType, until(tok.Expiry), until(tok.RefreshExpiry), tok.Scope)

	// ...then LoginWithWebIdentity.
	n.step("%s exchanges the access token for temporary credentials", user)
	n.cmd("curl -X POST -d Action=LoginWithWebIdentity -d WebIdentityToken=… -d UserSessionName=%s %s",
		sessionName, ep.STS)
	n.cmd(`eval "$(astran login --partition "$%s" --username %s)"   # steps 3 and 4 in a shell: bob's keys as AWS_* variables`,
		endpoint.EnvPartition, user)
	login, err := sts.LoginWithWebIdentity(ctx, ep, tok.AccessToken, sessionName, reqOpts)
	if err != nil {
		return n.fail(err)
	}
	n.result("AccessKeyId %s, valid for %s (Expiration %s)",
		login.Credentials.AccessKeyID, login.Lifetime(time.Now()).Round(time.Second),
		login.Credentials.Expiration.UTC().Format(time.RFC3339))
	n.result("User %s (Id %s), Audience %s", login.User, login.UserID, login.Audience)
	n.result("Provider %s", login.Provider)
	n.result("SourceIdentity %s", login.SourceIdentity)
	if login.User.Name() != user {
		return n.unexpected("logged in as %s, not %s", login.User, user)
	}
	bobCfg, err := sts.NewConfig(ep, credentials.StaticCredentialsProvider{Value: login.Credentials.AWS("tutorial")}, cfgOpts)
	if err != nil {
		return n.fail(err)
	}
	bob := s3.NewFromConfig(bobCfg, pathStyle)

	deleteBucketLater := func(bucket string) {
		cleanups = append(cleanups, func(ctx context.Context) error {
			if _, err := rootS3.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)}); err != nil {
				return fmt.Errorf("cleaning up bucket %s: %w", bucket, err)
			}
			return nil
		})
	}
	createBucket := func(bucket string, wantAllowed bool) error {
		n.cmd("%s   # as %s", s3mb(bucket), user)
		var (
			err    error
			msg    string
			denied bool
		)
		// IAM changes may take a moment to apply on a real partition: an
		// allowed call denied is tried again until t.propagation has passed.
		pctx, cancel := context.WithTimeout(ctx, t.propagation)
		defer cancel()
		perr := poll(pctx, time.Second, func() bool {
			_, err = bob.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
			msg, denied = accessDenied(err)
			return !denied || !wantAllowed
		})
		if perr != nil && ctx.Err() != nil {
			return n.fail(ctx.Err())
		}
		if err == nil {
			deleteBucketLater(bucket)
		}
		switch {
		case err == nil && wantAllowed:
			n.result("make_bucket: %s", bucket)
			return nil
		case denied && !wantAllowed:
			n.result("make_bucket failed: s3://%s AccessDenied: %s", bucket, msg)
			return nil
		case err == nil:
			return n.unexpected("bucket %s was created, but the docs say AccessDenied", bucket)
		case denied:
			return n.unexpected("AccessDenied (%s), but the docs say the bucket is created", msg)
		default:
			return n.fail(err)
		}
	}

	n.step("%s tries to create the bucket %q", user, firstBucket)
	if err := createBucket(firstBucket, false); err != nil {
		return err
	}
	n.note("denied: a new user is in no group and has no policy, and what no policy allows is denied")

	// Managing groups.
	n.step("root creates the group %s", groupName)
	n.cmd("%s create-group --group-name %s", iam, groupName)
	group, err := admin.CreateGroup(ctx, groupName)
	if errors.Is(err, iamclient.ErrAlreadyExists) {
		return n.fail(fmt.Errorf("group %s already exists in partition %q; the tutorial creates it: delete it first: %w",
			groupName, t.partition, err))
	}
	if err != nil {
		return n.fail(err)
	}
	cleanups = append(cleanups, func(ctx context.Context) error {
		if err := admin.DeleteGroup(ctx, groupName, func(o *iamclient.DeleteGroupOptions) { o.Cascade = true }); err != nil {
			return fmt.Errorf("cleaning up: %w", err)
		}
		return nil
	})
	n.result("created %s (GroupId %s)", group.ARN, group.ID)

	n.step("root adds %s to %s", user, groupName)
	n.cmd("%s add-user-to-group --user-name %s --group-name %s", iam, user, groupName)
	if err := admin.AddUserToGroup(ctx, groupName, user); err != nil {
		return n.fail(err)
	}
	n.result("done (no output)")

	n.step("root lists the groups of %s", user)
	n.cmd("%s list-groups-for-user --user-name %s", iam, user)
	groups, err := admin.ListGroupsForUser(ctx, user)
	if err != nil {
		return n.fail(err)
	}
	found = false
	for _, g := range groups {
		n.result("%s  %s", g.Name, g.ARN)
		found = found || g.Name == groupName
	}
	if !found {
		return n.unexpected("%s is not in %s", user, groupName)
	}

	// Attach a policy to a group.
	adminPolicy := builtin.PolicyARN(builtin.AstranAdmin)
	n.step("root attaches the built-in policy %s to %s", builtin.AstranAdmin, groupName)
	n.cmd("%s attach-group-policy --group-name %s --policy-arn %s", iam, groupName, adminPolicy)
	if err := admin.AttachGroupPolicy(ctx, groupName, adminPolicy); err != nil {
		return n.fail(err)
	}
	n.result("done (no output)")

	n.step("%s tries again to create the bucket %q", user, firstBucket)
	if err := createBucket(firstBucket, true); err != nil {
		return err
	}
	n.note("allowed: %s is in %s, which has %s", user, groupName, builtin.AstranAdmin)

	// Detach a policy from a group.
	n.step("root detaches %s from %s", builtin.AstranAdmin, groupName)
	n.cmd("%s detach-group-policy --group-name %s --policy-arn %s", iam, groupName, adminPolicy)
	if err := admin.DetachGroupPolicy(ctx, groupName, adminPolicy); err != nil {
		return n.fail(err)
	}
	n.result("done (no output)")

	n.step("%s tries to create the bucket %q", user, secondBucket)
	if err := createBucket(secondBucket, false); err != nil {
		return err
	}
	n.note("denied again: no policy of %s or %s allows it any more", user, groupName)

	// Deleting a user.
	n.step("root deletes the user %s", user)
	n.cmd("%s remove-user-from-group --user-name %s --group-name %s", iam, user, groupName)
	n.cmd("%s delete-user --user-name %s", iam, user)
	n.note("IAM refuses to delete a user that is still in a group: iamclient's Cascade option removes the memberships first")
	if err := admin.DeleteUser(ctx, user, func(o *iamclient.DeleteUserOptions) { o.Cascade = true }); err != nil {
		return n.fail(err)
	}
	userDeleted = true
	users, err = admin.ListUsers(ctx)
	if err != nil {
		return n.fail(err)
	}
	for _, u := range users {
		if u.Name == user {
			return n.unexpected("%s is still listed after its deletion", user)
		}
	}
	n.result("deleted; list-users shows %d user(s) now", len(users))

	n.printf("\nClean-up (not in the docs): root deletes the bucket %q and the group %s.\n", firstBucket, groupName)
	if err := cleanup(); err != nil {
		return err
	}
	n.printf("Done: every step had the outcome Astran's documentation shows.\n")
	return nil
}

// waitForLogin runs the password grant. When wait is set and the account is
// not set up yet (the user has not followed the verification link), it
// retries every verifyPoll until ctx ends.
func waitForLogin(ctx context.Context, n *narrator, ts *sts.PasswordGrant, wait bool) (tok *sts.Token, err error) {
	waiting := false
	perr := poll(ctx, verifyPoll, func() bool {
		tok, err = ts.Token(ctx)
		if !wait || !errors.Is(err, sts.ErrAccountNotSetUp) {
			return true
		}
		if !waiting {
			n.result("the account is not set up yet: waiting for the email address to be verified (Ctrl-C to stop)")
			waiting = true
		}
		return false
	})
	if perr != nil {
		return nil, fmt.Errorf("waiting for the email verification: %w", errors.Join(perr, err))
	}
	return tok, err
}

// poll calls try, and again every interval while it returns false, until
// ctx ends.
func poll(ctx context.Context, interval time.Duration, try func() (done bool)) error {
	if try() {
		return nil
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ticker.C:
		}
		if try() {
			return nil
		}
	}
}

// accessDenied reports whether err is S3's AccessDenied, with its message.
func accessDenied(err error) (string, bool) {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == "AccessDenied" {
		return ae.ErrorMessage(), true
	}
	return "", false
}

// until describes the time left before t.
func until(t time.Time) string {
	if t.IsZero() {
		return "no expiry"
	}
	return time.Until(t).Round(time.Second).String()
}

// serveSetup are the shell commands that prepare a terminal for the
// tutorial's commands against "astran serve": root's keys and the
// endpoints from the file serve writes, and the docs' "astran" profile for
// root, in files of their own.
var serveSetup = []string{
	"astran serve --env-file /tmp/astran.env --user-password bob-password   # in a second terminal",
	". /tmp/astran.env   # root's keys and the ASTRAN_* endpoints",
	"export AWS_CONFIG_FILE=/tmp/astran-aws-config AWS_SHARED_CREDENTIALS_FILE=/tmp/astran-aws-credentials",
	`aws configure set aws_access_key_id "$AWS_ACCESS_KEY_ID" --profile astran`,
	`aws configure set aws_secret_access_key "$AWS_SECRET_ACCESS_KEY" --profile astran`,
}

// narrator prints the numbered steps and their results.
type narrator struct {
	w    io.Writer
	num  int
	what string
}

func (n *narrator) printf(format string, args ...any) {
	fmt.Fprintf(n.w, format, args...)
}

// step starts the next step.
func (n *narrator) step(format string, args ...any) {
	n.num++
	n.what = fmt.Sprintf(format, args...)
	n.printf("\n%d. %s\n", n.num, n.what)
}

// cmd shows the documentation's command for the step.
func (n *narrator) cmd(format string, args ...any) {
	n.printf("   $ "+format+"\n", args...)
}

// result reports an outcome.
func (n *narrator) result(format string, args ...any) {
	n.printf("   -> "+format+"\n", args...)
}

// note explains an outcome.
func (n *narrator) note(format string, args ...any) {
	n.printf("   (%s)\n", fmt.Sprintf(format, args...))
}

// fail reports a step that could not be done.
func (n *narrator) fail(err error) error {
	n.result("FAILED: %v", err)
	return fmt.Errorf("step %d (%s): %w", n.num, n.what, err)
}

// unexpected reports a step whose outcome differs from the docs.
func (n *narrator) unexpected(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	n.result("UNEXPECTED: %s", msg)
	return fmt.Errorf("step %d (%s): %s: %w", n.num, n.what, msg, errUnexpected)
}
