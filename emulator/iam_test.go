package emulator_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/astran-oss/astran-go/iamclient"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
	"github.com/astran-oss/astran-go/principal/iamstore"
)

const s3ReadDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListAllMyBuckets","s3:ListBucket","s3:GetObject"],"Resource":"*"}]}`

func TestIAM_errorCodes(t *testing.T) {
	srv := newServer(t)
	ctx := t.Context()
	c := iam.NewFromConfig(srv.RootConfig())
	mustOK := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mustOK(c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob@astran.io")}))
	mustOK(c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("marketing")}))
	mustOK(c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: aws.String("bob@astran.io"), GroupName: aws.String("marketing")}))
	pol, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("s3read"), PolicyDocument: aws.String(s3ReadDoc)})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func() error
		code string
	}{
		{"duplicate user", func() error {
			_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("BOB@astran.io")})
			return err
		}, "EntityAlreadyExists"},
		{"user name not an email", func() error {
			_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")})
			return err
		}, "InvalidInput"},
		{"unknown user", func() error {
			_, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("eve@astran.io")})
			return err
		}, "NoSuchEntity"},
		{"delete group with members", func() error {
			_, err := c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("marketing")})
			return err
		}, "DeleteConflict"},
		{"delete user in group", func() error {
			_, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("bob@astran.io")})
			return err
		}, "DeleteConflict"},
		{"malformed policy", func() error {
			_, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("bad"), PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Maybe"}]}`)})
			return err
		}, "MalformedPolicyDocument"},
		{"attach unknown policy", func() error {
			_, err := c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("marketing"), PolicyArn: aws.String("arn:demo:iam::" + srv.Account() + ":policy/nope")})
			return err
		}, "NoSuchEntity"},
		{"delete built-in policy", func() error {
			_, err := c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String("arn:astran:iam::astran:policy/AstranAdmin")})
			return err
		}, "AccessDenied"},
		{"delete default version", func() error {
			_, err := c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: pol.Policy.Arn, VersionId: aws.String("v1")})
			return err
		}, "DeleteConflict"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := apiCode(tc.call()); got != tc.code {
				t.Errorf("code %q, want %q", got, tc.code)
			}
		})
	}
}

func TestIAM_policyVersions(t *testing.T) {
	srv := newServer(t)
	ctx := t.Context()
	c := iam.NewFromConfig(srv.RootConfig())
	pol, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("s3read"), PolicyDocument: aws.String(s3ReadDoc)})
	if err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= 5; i++ {
		v, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: pol.Policy.Arn, PolicyDocument: aws.String(s3ReadDoc), SetAsDefault: i == 5})
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToString(v.PolicyVersion.VersionId); got != fmt.Sprintf("v%d", i) {
			t.Errorf("version %s, want v%d", got, i)
		}
	}
	if _, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: pol.Policy.Arn, PolicyDocument: aws.String(s3ReadDoc)}); apiCode(err) != "LimitExceeded" {
		t.Fatalf("sixth version: %v, want LimitExceeded", err)
	}
	gp, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: pol.Policy.Arn})
	if err != nil || aws.ToString(gp.Policy.DefaultVersionId) != "v5" {
		t.Fatalf("GetPolicy: %+v %v", gp, err)
	}
	gv, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: pol.Policy.Arn, VersionId: aws.String("v5")})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := url.QueryUnescape(aws.ToString(gv.PolicyVersion.Document))
	if err != nil || doc != s3ReadDoc || !gv.PolicyVersion.IsDefaultVersion {
		t.Errorf("document %q (%v), default %v", doc, err, gv.PolicyVersion.IsDefaultVersion)
	}
	if _, err := c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: pol.Policy.Arn, VersionId: aws.String("v1")}); err != nil {
		t.Fatal(err)
	}
	lv, err := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: pol.Policy.Arn})
	if err != nil || len(lv.Versions) != 4 {
		t.Errorf("ListPolicyVersions: %d versions, %v", len(lv.Versions), err)
	}
}

func TestIAM_builtinsInBothPartitions(t *testing.T) {
	srv := newServer(t)
	ctx := t.Context()
	c := iam.NewFromConfig(srv.RootConfig())
	for _, p := range []string{"arn:astran:iam::astran:policy/AstranAdmin", "arn:demo:iam::astran:policy/AstranAdmin"} {
		gp, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(p)})
		if err != nil || aws.ToString(gp.Policy.PolicyName) != "AstranAdmin" {
			t.Errorf("GetPolicy %s: %v", p, err)
		}
		gv, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(p), VersionId: aws.String("v1")})
		if err != nil || !strings.Contains(aws.ToString(gv.PolicyVersion.Document), "Allow") {
			t.Errorf("GetPolicyVersion %s: %v", p, err)
		}
	}
	lp, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range lp.Policies {
		names = append(names, aws.ToString(p.PolicyName))
	}
	for _, want := range []string{"AstranAdmin", "AstranKitCreator", "AstranStandardUser", "AstranIntegration", "AstranS3ReadOnlyAccess"} {
		if !strings.Contains(strings.Join(names, ","), want) {
			t.Errorf("ListPolicies(AWS) = %v, lacks %s", names, want)
		}
	}
	// Attached as arn:demo:…, detached as arn:astran:….
	if _, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("g"), PolicyArn: aws.String("arn:demo:iam::astran:policy/AstranAdmin")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String("g"), PolicyArn: aws.String("arn:astran:iam::astran:policy/AstranAdmin")}); err != nil {
		t.Fatal(err)
	}
}

func TestIAM_pagination(t *testing.T) {
	srv := newServer(t)
	ctx := t.Context()
	c := iam.NewFromConfig(srv.RootConfig())
	for i := range 7 {
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(fmt.Sprintf("u%d@astran.io", i))}); err != nil {
			t.Fatal(err)
		}
	}
	first, err := c.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(3)})
	if err != nil || !first.IsTruncated || first.Marker == nil || len(first.Users) != 3 {
		t.Fatalf("first page: %+v %v", first, err)
	}
	var all []string
	pages := 0
	for pg := iam.NewListUsersPaginator(c, &iam.ListUsersInput{MaxItems: aws.Int32(3)}); pg.HasMorePages(); pages++ {
		out, err := pg.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range out.Users {
			all = append(all, aws.ToString(u.UserName))
		}
	}
	if pages != 3 || len(all) != 7 || all[0] != "u0@astran.io" || all[6] != "u6@astran.io" {
		t.Errorf("%d pages: %v", pages, all)
	}
}

// TestIAM_authorization: a new user is denied everything; policies and
// permissions boundaries apply; root is never denied.
func TestIAM_authorization(t *testing.T) {
	srv, root := newServerWithBob(t)
	ctx := t.Context()
	bobIAM, bobS3 := clientsFor(srv, login(t, srv, "bob@astran.io", "pw"))
	for name, call := range map[string]func() error{
		"ListUsers": func() error { _, err := bobIAM.ListUsers(ctx, &iam.ListUsersInput{}); return err },
		"CreateUser": func() error {
			_, err := bobIAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("x@astran.io")})
			return err
		},
		"GetUser": func() error { _, err := bobIAM.GetUser(ctx, &iam.GetUserInput{}); return err },
		"ListBuckets": func() error {
			_, err := bobS3.ListBuckets(ctx, &s3.ListBucketsInput{})
			return err
		},
	} {
		if code := apiCode(call()); code != "AccessDenied" {
			t.Errorf("new user %s: %q, want AccessDenied", name, code)
		}
	}
	// AstranAdmin, limited by an S3 read-only boundary.
	attachUserPolicy(t, root, "bob@astran.io", "arn:astran:iam::astran:policy/AstranAdmin")
	if _, err := bobIAM.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Errorf("admin ListUsers: %v", err)
	}
	if _, err := root.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("bob@astran.io"), PermissionsBoundary: aws.String("arn:astran:iam::astran:policy/AstranS3ReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	if _, err := bobS3.ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil {
		t.Errorf("bounded ListBuckets: %v", err)
	}
	if _, err := bobS3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bounded")}); apiCode(err) != "AccessDenied" {
		t.Errorf("bounded CreateBucket: %v, want AccessDenied", err)
	}
	if _, err := bobIAM.ListUsers(ctx, &iam.ListUsersInput{}); apiCode(err) != "AccessDenied" {
		t.Errorf("bounded ListUsers: %v, want AccessDenied", err)
	}
	// A deleted user's session stops working.
	if _, err := root.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("bob@astran.io")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("bob@astran.io"), PolicyArn: aws.String("arn:astran:iam::astran:policy/AstranAdmin")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("bob@astran.io")}); err != nil {
		t.Fatal(err)
	}
	if _, err := bobS3.ListBuckets(ctx, &s3.ListBucketsInput{}); err == nil {
		t.Error("deleted user's session still works")
	}
}

func TestIAM_getUserAsRoot(t *testing.T) {
	srv := newServer(t)
	out, err := iam.NewFromConfig(srv.RootConfig()).GetUser(t.Context(), &iam.GetUserInput{})
	if err != nil || aws.ToString(out.User.Arn) != srv.RootARN().String() || aws.ToString(out.User.UserId) != srv.Account() {
		t.Errorf("GetUser as root: %+v %v", out, err)
	}
}

func TestIAM_userAccessKey(t *testing.T) {
	srv, root := newServerWithUser(t, "ci@astran.io")
	ctx := t.Context()
	attachUserPolicy(t, root, "ci@astran.io", "arn:astran:iam::astran:policy/AstranS3ReadOnlyAccess")
	key, err := root.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ci@astran.io")})
	if err != nil {
		t.Fatal(err)
	}
	_, s3c := clientsFor(srv, aws.Credentials{AccessKeyID: *key.AccessKey.AccessKeyId, SecretAccessKey: *key.AccessKey.SecretAccessKey})
	if _, err := s3c.ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil {
		t.Errorf("ListBuckets with a user key: %v", err)
	}
	lu, err := root.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: key.AccessKey.AccessKeyId})
	if err != nil || aws.ToString(lu.UserName) != "ci@astran.io" || aws.ToString(lu.AccessKeyLastUsed.ServiceName) != "s3" {
		t.Errorf("GetAccessKeyLastUsed: %+v %v", lu, err)
	}
	// principal.IAMStore resolves the key to its user through the emulator's IAM.
	authz := principal.NewAuthorizer(iamstore.New(iamclient.New(aws.Config{}, func(o *iamclient.Options) { o.API = root })))
	res, err := authz.Authorize(ctx, principal.Caller{AccessKeyID: *key.AccessKey.AccessKeyId}, "s3:GetObject", "arn:demo:s3:::b/k", policy.Context{})
	if err != nil || !res.Allowed() {
		t.Errorf("IAMStore decision for the key: %v %v", res.Decision, err)
	}
	if _, err := root.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("ci@astran.io")}); apiCode(err) != "DeleteConflict" {
		t.Errorf("DeleteUser with key: %v", err)
	}
}

// TestIAM_tagsAndBoundaries: users and roles are tagged, untagged and given
// a permissions boundary through the same operations.
func TestIAM_tagsAndBoundaries(t *testing.T) {
	srv, root := newServerWithBob(t)
	ctx := t.Context()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:demo:iam::astran:oidc-provider/idp.example"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`
	createRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("ci"), AssumeRolePolicyDocument: aws.String(trust)})
	admin := "arn:demo:iam::astran:policy/AstranAdmin"
	const canonicalAdmin = "arn:astran:iam::astran:policy/AstranAdmin"
	missing := "arn:demo:iam::" + srv.Account() + ":policy/nope"
	tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	tagKeys := func(tags []types.Tag) string {
		var ks []string
		for _, tg := range tags {
			ks = append(ks, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
		}
		return strings.Join(ks, ",")
	}
	for _, tc := range []struct {
		kind           string
		name, unknown  string // an existing entity and a name no entity has
		tag            func(name string, tags []types.Tag) error
		untag          func(name string, keys ...string) error
		listTags       func(name string) ([]types.Tag, error)
		putBoundary    func(name, policyARN string) error
		deleteBoundary func(name string) error
		boundary       func(name string) (string, error)
	}{
		{
			kind: "user", name: "bob@astran.io", unknown: "eve@astran.io",
			tag: func(name string, tags []types.Tag) error {
				_, err := root.TagUser(ctx, &iam.TagUserInput{UserName: aws.String(name), Tags: tags})
				return err
			},
			untag: func(name string, keys ...string) error {
				_, err := root.UntagUser(ctx, &iam.UntagUserInput{UserName: aws.String(name), TagKeys: keys})
				return err
			},
			listTags: func(name string) ([]types.Tag, error) {
				out, err := root.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String(name)})
				if err != nil {
					return nil, err
				}
				return out.Tags, nil
			},
			putBoundary: func(name, p string) error {
				_, err := root.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String(name), PermissionsBoundary: aws.String(p)})
				return err
			},
			deleteBoundary: func(name string) error {
				_, err := root.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String(name)})
				return err
			},
			boundary: func(name string) (string, error) {
				out, err := root.GetUser(ctx, &iam.GetUserInput{UserName: aws.String(name)})
				if err != nil || out.User.PermissionsBoundary == nil {
					return "", err
				}
				return aws.ToString(out.User.PermissionsBoundary.PermissionsBoundaryArn), nil
			},
		},
		{
			kind: "role", name: "ci", unknown: "nope",
			tag: func(name string, tags []types.Tag) error {
				_, err := root.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String(name), Tags: tags})
				return err
			},
			untag: func(name string, keys ...string) error {
				_, err := root.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String(name), TagKeys: keys})
				return err
			},
			listTags: func(name string) ([]types.Tag, error) {
				out, err := root.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String(name)})
				if err != nil {
					return nil, err
				}
				return out.Tags, nil
			},
			putBoundary: func(name, p string) error {
				_, err := root.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String(name), PermissionsBoundary: aws.String(p)})
				return err
			},
			deleteBoundary: func(name string) error {
				_, err := root.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String(name)})
				return err
			},
			boundary: func(name string) (string, error) {
				out, err := root.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
				if err != nil || out.Role.PermissionsBoundary == nil {
					return "", err
				}
				return aws.ToString(out.Role.PermissionsBoundary.PermissionsBoundaryArn), nil
			},
		},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			if err := tc.tag(tc.name, []types.Tag{tag("team", "blue"), tag("env", "dev")}); err != nil {
				t.Fatal(err)
			}
			if err := tc.tag(tc.name, []types.Tag{tag("team", "red")}); err != nil {
				t.Fatal(err)
			}
			if err := tc.untag(tc.name, "env"); err != nil {
				t.Fatal(err)
			}
			if tags, err := tc.listTags(tc.name); err != nil || tagKeys(tags) != "team=red" {
				t.Errorf("tags %v %v, want team=red", tagKeys(tags), err)
			}
			many := make([]types.Tag, 50)
			for i := range many {
				many[i] = tag(fmt.Sprintf("k%d", i), "v")
			}
			if err := tc.tag(tc.name, many); apiCode(err) != "LimitExceeded" {
				t.Errorf("51 tags: %v, want LimitExceeded", err)
			}
			if err := tc.putBoundary(tc.name, missing); apiCode(err) != "NoSuchEntity" {
				t.Errorf("unknown boundary policy: %v, want NoSuchEntity", err)
			}
			if err := tc.putBoundary(tc.unknown, admin); apiCode(err) != "NoSuchEntity" {
				t.Errorf("boundary of an unknown %s: %v, want NoSuchEntity", tc.kind, err)
			}
			if err := tc.putBoundary(tc.name, admin); err != nil {
				t.Fatal(err)
			}
			// The partition's spelling is stored canonically.
			if b, err := tc.boundary(tc.name); err != nil || b != canonicalAdmin {
				t.Errorf("boundary %q %v, want %s", b, err, canonicalAdmin)
			}
			if err := tc.deleteBoundary(tc.name); err != nil {
				t.Fatal(err)
			}
			if b, err := tc.boundary(tc.name); err != nil || b != "" {
				t.Errorf("boundary after delete %q %v, want none", b, err)
			}
		})
	}
}
