package iamstore_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"maps"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/iamclient"
	"github.com/astran-oss/astran-go/principal"
	"github.com/astran-oss/astran-go/principal/iamstore"
)

const (
	account  = "1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f"
	acctARN  = "arn:demo:iam::" + account + ":"
	provider = acctARN + "oidc-provider/idp.example.com/realms/acme"
)

var (
	errOutage = errors.New("dial tcp: connection refused")
	fixedNow  = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
)

func user(email string) principal.Caller {
	return principal.Caller{ARN: arn.MustParse(acctARN + "user/" + email)}
}

func key(akid string) principal.Caller { return principal.Caller{AccessKeyID: akid} }

// fakeIAM is an in-memory IAM API (the operations a Store uses; the
// others are the nil embedded API). Set fail to simulate an outage.
type fakeIAM struct {
	iamclient.API
	mu       sync.Mutex
	users    map[string]types.User             // by name
	roles    map[string]types.Role             // by name
	groups   map[string][]types.Group          // user -> groups
	attached map[string][]types.AttachedPolicy // "user/x", "group/x", "role/x" -> attached
	inline   map[string]map[string]string      // same keys -> name -> document (plain JSON)
	policies map[string]string                 // ARN -> default document (plain JSON)
	calls    map[string]int                    // operation -> count

	fail    atomic.Bool
	failErr atomic.Value  // error: what a failing call returns; errOutage when unset
	block   chan struct{} // when not nil, GetUser waits on it
	started chan struct{} // when not nil, GetUser signals it
}

func newFakeIAM() *fakeIAM {
	return &fakeIAM{
		users: map[string]types.User{}, roles: map[string]types.Role{}, groups: map[string][]types.Group{},
		attached: map[string][]types.AttachedPolicy{}, inline: map[string]map[string]string{},
		policies: map[string]string{}, calls: map[string]int{},
	}
}

func (f *fakeIAM) call(op string) error {
	f.mu.Lock()
	f.calls[op]++
	f.mu.Unlock()
	if f.fail.Load() {
		if err, ok := f.failErr.Load().(error); ok {
			return err
		}
		return errOutage
	}
	return nil
}

func (f *fakeIAM) count(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

func noSuchEntity(what string) error {
	return &types.NoSuchEntityException{Message: aws.String(what + " not found")}
}

func (f *fakeIAM) GetUser(ctx context.Context, in *iam.GetUserInput, _ ...func(*iam.Options)) (*iam.GetUserOutput, error) {
	if f.started != nil {
		f.started <- struct{}{}
	}
	if f.block != nil {
		<-f.block
	}
	u, err := lookup(f, "GetUser", "user", &f.users, aws.ToString(in.UserName))
	if err != nil {
		return nil, err
	}
	return &iam.GetUserOutput{User: u}, nil
}

// read counts a call of op, then returns get's answer, read under f.mu.
func read[T any](f *fakeIAM, op string, get func() (T, error)) (T, error) {
	if err := f.call(op); err != nil {
		var zero T
		return zero, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return get()
}

// lookup counts a call of op, then returns a copy of (*m)[key] read under
// f.mu, or NoSuchEntity for what.
func lookup[T any](f *fakeIAM, op, what string, m *map[string]T, key string) (*T, error) {
	return read(f, op, func() (*T, error) {
		v, ok := (*m)[key]
		if !ok {
			return nil, noSuchEntity(what)
		}
		return &v, nil
	})
}

func (f *fakeIAM) GetRole(ctx context.Context, in *iam.GetRoleInput, _ ...func(*iam.Options)) (*iam.GetRoleOutput, error) {
	r, err := lookup(f, "GetRole", "role", &f.roles, aws.ToString(in.RoleName))
	if err != nil {
		return nil, err
	}
	return &iam.GetRoleOutput{Role: r}, nil
}

func (f *fakeIAM) ListGroupsForUser(ctx context.Context, in *iam.ListGroupsForUserInput, _ ...func(*iam.Options)) (*iam.ListGroupsForUserOutput, error) {
	return read(f, "ListGroupsForUser", func() (*iam.ListGroupsForUserOutput, error) {
		gs := f.groups[aws.ToString(in.UserName)]
		// Two pages, to exercise pagination.
		if in.Marker == nil && len(gs) > 1 {
			return &iam.ListGroupsForUserOutput{Groups: gs[:1], IsTruncated: true, Marker: aws.String("p2")}, nil
		}
		if in.Marker != nil {
			gs = gs[1:]
		}
		return &iam.ListGroupsForUserOutput{Groups: gs}, nil
	})
}

func (f *fakeIAM) attachedOf(key string) ([]types.AttachedPolicy, error) {
	return read(f, "ListAttached", func() ([]types.AttachedPolicy, error) { return f.attached[key], nil })
}

func (f *fakeIAM) ListAttachedUserPolicies(ctx context.Context, in *iam.ListAttachedUserPoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedUserPoliciesOutput, error) {
	a, err := f.attachedOf("user/" + aws.ToString(in.UserName))
	return &iam.ListAttachedUserPoliciesOutput{AttachedPolicies: a}, err
}

func (f *fakeIAM) ListAttachedGroupPolicies(ctx context.Context, in *iam.ListAttachedGroupPoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedGroupPoliciesOutput, error) {
	a, err := f.attachedOf("group/" + aws.ToString(in.GroupName))
	return &iam.ListAttachedGroupPoliciesOutput{AttachedPolicies: a}, err
}

func (f *fakeIAM) ListAttachedRolePolicies(ctx context.Context, in *iam.ListAttachedRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error) {
	a, err := f.attachedOf("role/" + aws.ToString(in.RoleName))
	return &iam.ListAttachedRolePoliciesOutput{AttachedPolicies: a}, err
}

func (f *fakeIAM) inlineNames(key string) ([]string, error) {
	return read(f, "ListInline", func() ([]string, error) { return slices.Collect(maps.Keys(f.inline[key])), nil })
}

func (f *fakeIAM) ListUserPolicies(ctx context.Context, in *iam.ListUserPoliciesInput, _ ...func(*iam.Options)) (*iam.ListUserPoliciesOutput, error) {
	n, err := f.inlineNames("user/" + aws.ToString(in.UserName))
	return &iam.ListUserPoliciesOutput{PolicyNames: n}, err
}

func (f *fakeIAM) ListGroupPolicies(ctx context.Context, in *iam.ListGroupPoliciesInput, _ ...func(*iam.Options)) (*iam.ListGroupPoliciesOutput, error) {
	n, err := f.inlineNames("group/" + aws.ToString(in.GroupName))
	return &iam.ListGroupPoliciesOutput{PolicyNames: n}, err
}

func (f *fakeIAM) ListRolePolicies(ctx context.Context, in *iam.ListRolePoliciesInput, _ ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error) {
	n, err := f.inlineNames("role/" + aws.ToString(in.RoleName))
	return &iam.ListRolePoliciesOutput{PolicyNames: n}, err
}

func (f *fakeIAM) inlineDoc(key, name string) (*string, error) {
	return read(f, "GetInline", func() (*string, error) {
		d, ok := f.inline[key][name]
		if !ok {
			return nil, noSuchEntity("inline policy")
		}
		return aws.String(url.PathEscape(d)), nil
	})
}

func (f *fakeIAM) GetUserPolicy(ctx context.Context, in *iam.GetUserPolicyInput, _ ...func(*iam.Options)) (*iam.GetUserPolicyOutput, error) {
	d, err := f.inlineDoc("user/"+aws.ToString(in.UserName), aws.ToString(in.PolicyName))
	return &iam.GetUserPolicyOutput{PolicyDocument: d}, err
}

func (f *fakeIAM) GetGroupPolicy(ctx context.Context, in *iam.GetGroupPolicyInput, _ ...func(*iam.Options)) (*iam.GetGroupPolicyOutput, error) {
	d, err := f.inlineDoc("group/"+aws.ToString(in.GroupName), aws.ToString(in.PolicyName))
	return &iam.GetGroupPolicyOutput{PolicyDocument: d}, err
}

func (f *fakeIAM) GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput, _ ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error) {
	d, err := f.inlineDoc("role/"+aws.ToString(in.RoleName), aws.ToString(in.PolicyName))
	return &iam.GetRolePolicyOutput{PolicyDocument: d}, err
}

func (f *fakeIAM) GetAccessKeyLastUsed(ctx context.Context, in *iam.GetAccessKeyLastUsedInput, _ ...func(*iam.Options)) (*iam.GetAccessKeyLastUsedOutput, error) {
	if err := f.call("GetAccessKeyLastUsed"); err != nil {
		return nil, err
	}
	if aws.ToString(in.AccessKeyId) != "AKIAALICE" {
		return nil, noSuchEntity("access key")
	}
	return &iam.GetAccessKeyLastUsedOutput{UserName: aws.String("alice@astran.io")}, nil
}

func (f *fakeIAM) GetPolicy(ctx context.Context, in *iam.GetPolicyInput, _ ...func(*iam.Options)) (*iam.GetPolicyOutput, error) {
	if _, err := lookup(f, "GetPolicy", "policy", &f.policies, aws.ToString(in.PolicyArn)); err != nil {
		return nil, err
	}
	return &iam.GetPolicyOutput{Policy: &types.Policy{Arn: in.PolicyArn, DefaultVersionId: aws.String("v1")}}, nil
}

func (f *fakeIAM) GetPolicyVersion(ctx context.Context, in *iam.GetPolicyVersionInput, _ ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error) {
	d, err := lookup(f, "GetPolicyVersion", "policy", &f.policies, aws.ToString(in.PolicyArn))
	if err != nil {
		return nil, err
	}
	// Form-style encoding (spaces as "+"), which the store also accepts.
	return &iam.GetPolicyVersionOutput{PolicyVersion: &types.PolicyVersion{Document: aws.String(url.QueryEscape(*d)), VersionId: in.VersionId}}, nil
}

// seed fills f with alice (admin-like user policy, group deny on delete,
// inline policy) and a role.
func (f *fakeIAM) seed() {
	f.users["alice@astran.io"] = types.User{Arn: aws.String(acctARN + "user/alice@astran.io"), UserName: aws.String("alice@astran.io"),
		UserId: aws.String("AIDAALICE"), Path: aws.String("/"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}}
	f.groups["alice@astran.io"] = []types.Group{
		{Arn: aws.String(acctARN + "group/readers"), GroupName: aws.String("readers"), GroupId: aws.String("AGPAR"), Path: aws.String("/")},
		{Arn: aws.String(acctARN + "group/no-delete"), GroupName: aws.String("no-delete"), GroupId: aws.String("AGPAN"), Path: aws.String("/")},
	}
	f.policies[acctARN+"policy/AdminLike"] = `{"Version": "2012-10-17", "Statement": [{"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"}]}`
	f.policies[acctARN+"policy/DenyDelete"] = `{"Version": "2012-10-17", "Statement": [{"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]}`
	f.attached["user/alice@astran.io"] = []types.AttachedPolicy{{PolicyArn: aws.String(acctARN + "policy/AdminLike")}}
	f.attached["group/no-delete"] = []types.AttachedPolicy{{PolicyArn: aws.String(acctARN + "policy/DenyDelete")}}
	f.attached["group/readers"] = []types.AttachedPolicy{{PolicyArn: aws.String("arn:astran:iam::astran:policy/AstranS3ReadOnlyAccess")}}
	f.inline["group/readers"] = map[string]string{"NoBuckets": `{"Version": "2012-10-17", "Statement": [{"Sid": "NoBuckets", "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]}`}
	f.roles["ci"] = types.Role{Arn: aws.String(acctARN + "role/ci"), RoleName: aws.String("ci"), RoleId: aws.String("AROACI"),
		AssumeRolePolicyDocument: aws.String(url.PathEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + provider + `"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`)),
		PermissionsBoundary:      &types.AttachedPermissionsBoundary{PermissionsBoundaryArn: aws.String(acctARN + "policy/DenyDelete")}}
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// clientFor returns an IAM client over f.
func clientFor(f *fakeIAM) *iamclient.Client {
	return iamclient.New(aws.Config{}, func(o *iamclient.Options) { o.API = f })
}

func newIAMStore(f *fakeIAM, c *clock, log *bytes.Buffer) *iamstore.Store {
	return iamstore.New(clientFor(f), func(o *iamstore.Options) {
		o.TTL = time.Minute
		o.RetryInterval = 10 * time.Second
		o.Now = c.Now
		if log != nil {
			o.Logger = slog.New(slog.NewTextHandler(log, nil))
		}
	})
}

// seeded returns a seeded fake IAM, a clock at fixedNow and a store over
// them, logging to log when it is not nil.
func seeded(log *bytes.Buffer) (*fakeIAM, *clock, *iamstore.Store) {
	f := newFakeIAM()
	f.seed()
	c := &clock{now: fixedNow}
	return f, c, newIAMStore(f, c, log)
}

// authorizerAt returns an authorizer over s on the clock c.
func authorizerAt(s principal.Store, c *clock) *principal.Authorizer {
	return principal.NewAuthorizer(s, func(o *principal.Options) { o.Now = c.Now })
}
