package builtin_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/policy"
)

func TestNames(t *testing.T) {
	if got := builtin.PolicyNames(); !slices.Equal(got, []string{"AstranAdmin", "AstranKitCreator", "AstranStandardUser", "AstranIntegration", "AstranS3ReadOnlyAccess"}) {
		t.Errorf("PolicyNames = %v", got)
	}
	if got := builtin.GroupNames(); !slices.Equal(got, []string{"astran-admin-user", "astran-kit-creator-user", "astran-standard-user", "astran-integration-user", "astran-s3-read-only"}) {
		t.Errorf("GroupNames = %v", got)
	}
	builtin.PolicyNames()[0] = "changed"
	if builtin.PolicyNames()[0] != builtin.AstranAdmin {
		t.Error("PolicyNames shares its slice")
	}
}

func TestPolicyARN(t *testing.T) {
	for _, name := range builtin.PolicyNames() {
		a := builtin.PolicyARN(name)
		if a.String() != "arn:astran:iam::astran:policy/"+name || !a.IsValid() || a.Type() != arn.TypePolicy || a.Name() != name {
			t.Errorf("PolicyARN(%s) = %s", name, a)
		}
	}
	for _, name := range builtin.GroupNames() {
		a := builtin.GroupARN(name)
		if a.String() != "arn:astran:iam::astran:group/"+name || !a.IsValid() || a.Type() != arn.TypeGroup || a.Name() != name {
			t.Errorf("GroupARN(%s) = %s", name, a)
		}
	}
}

func TestIsBuiltin(t *testing.T) {
	tests := map[string]bool{
		"arn:astran:iam::astran:policy/AstranAdmin":               true,
		"arn:demo:iam::astran:policy/AstranAdmin":                 true,
		"arn:x:iam::astran:policy/AstranAdmin":                    true, // reserved, though Canonical refuses it
		"arn:astran:iam::astran:group/astran-admin-user":          true,
		"arn:astran:iam::astran:user/bob@astran.io":               true,
		"arn:demo:iam::astran:oidc-provider/astran.cloud-iam.com": true,
		"arn:demo:iam::ce09c61d:policy/AstranAdmin":               false,
		"arn:astran:s3:::astran":                                  false,
		"arn:astran:sts::astran:assumed-role/r/s":                 false,
		"arn:aws:iam::aws:policy/AdministratorAccess":             false,
	}
	for s, want := range tests {
		if got := builtin.IsBuiltin(arn.MustParse(s)); got != want {
			t.Errorf("IsBuiltin(%s) = %v, want %v", s, got, want)
		}
	}
}

func TestCanonical(t *testing.T) {
	const admin = "arn:astran:iam::astran:policy/AstranAdmin"
	tests := map[string]struct {
		in, own string
		want    string // canonical ARN; "" when refused
		err     error
		field   string
	}{
		"canonical policy":            {in: admin, own: "demo", want: admin},
		"canonical without partition": {in: admin, want: admin},
		"own partition":               {in: "arn:demo:iam::astran:policy/AstranAdmin", own: "demo", want: admin},
		"group":                       {in: "arn:demo:iam::astran:group/astran-admin-user", own: "demo", want: "arn:astran:iam::astran:group/astran-admin-user"},
		"foreign partition":           {in: "arn:x:iam::astran:policy/AstranAdmin", own: "demo", err: builtin.ErrSpelling, field: "partition"},
		"own partition not given":     {in: "arn:demo:iam::astran:policy/AstranAdmin", err: builtin.ErrSpelling, field: "partition"},
		"partition case":              {in: "arn:Astran:iam::astran:policy/AstranAdmin", own: "demo", err: builtin.ErrSpelling, field: "partition"},
		"region":                      {in: "arn:astran:iam:eu-west-1:astran:policy/AstranAdmin", err: builtin.ErrSpelling, field: "region"},
		"path":                        {in: "arn:astran:iam::astran:policy/team/AstranAdmin", err: builtin.ErrSpelling, field: "path"},
		"unknown name":                {in: "arn:astran:iam::astran:policy/AstranRoot", err: builtin.ErrUnknown, field: "name"},
		"name case":                   {in: "arn:astran:iam::astran:policy/astranadmin", err: builtin.ErrUnknown, field: "name"},
		"policy name as group":        {in: "arn:astran:iam::astran:group/AstranAdmin", err: builtin.ErrUnknown, field: "name"},
		"role":                        {in: "arn:astran:iam::astran:role/admin", err: builtin.ErrUnknown, field: "resource"},
		"customer policy":             {in: "arn:demo:iam::ce09c61d:policy/AstranAdmin", own: "demo", err: builtin.ErrNotBuiltin, field: "account"},
		"account case":                {in: "arn:astran:iam::ASTRAN:policy/AstranAdmin", err: builtin.ErrNotBuiltin, field: "account"},
		"other service":               {in: "arn:astran:s3:::astran/policy/AstranAdmin", err: builtin.ErrNotBuiltin, field: "account"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := builtin.Canonical(arn.MustParse(tc.in), tc.own)
			if tc.err == nil {
				if err != nil || got.String() != tc.want {
					t.Fatalf("Canonical = %s, %v; want %s", got, err, tc.want)
				}
				return
			}
			var ae *builtin.ARNError
			if !errors.Is(err, tc.err) || !errors.As(err, &ae) || ae.Field != tc.field || ae.ARN != tc.in {
				t.Fatalf("Canonical = %s, %v; want %v in field %s", got, err, tc.err, tc.field)
			}
			if got != (arn.ARN{}) {
				t.Fatalf("Canonical returned %s with an error", got)
			}
		})
	}
}

func TestDocument(t *testing.T) {
	if _, ok := builtin.Document("Nope"); ok {
		t.Fatal("unknown built-in document")
	}
	if _, ok := builtin.Policy("Nope"); ok {
		t.Fatal("unknown built-in policy")
	}
	// The copy is the caller's.
	d, _ := builtin.Document(builtin.AstranAdmin)
	d.Statements[0].Action[0] = "changed"
	if d2, _ := builtin.Document(builtin.AstranAdmin); d2.Statements[0].Action[0] == "changed" {
		t.Fatal("Document shares its document")
	}
}

// TestPolicy_decisions checks what each built-in allows, against the
// published description of its purpose.
func TestPolicy_decisions(t *testing.T) {
	allow := map[string][]string{
		builtin.AstranAdmin:            {"s3:DeleteBucket", "iam:CreateUser", "sts:AssumeRole", "ck:DeleteKit"},
		builtin.AstranKitCreator:       {"ck:CreateKit", "ck:UpdateKit", "s3:PutObject"},
		builtin.AstranStandardUser:     {"ck:GetKit", "s3:GetObject", "ck:UploadChecklistData"},
		builtin.AstranIntegration:      {"s3:PutObject"},
		builtin.AstranS3ReadOnlyAccess: {"s3:GetObject", "s3:ListBucket", "s3:ListAllMyBuckets"},
	}
	deny := map[string][]string{
		builtin.AstranAdmin:            {"ec2:RunInstances"},
		builtin.AstranKitCreator:       {"ck:DeleteKit", "s3:DeleteObject", "iam:CreateUser"},
		builtin.AstranStandardUser:     {"s3:PutObject", "ck:UpdateKit", "s3:DeleteObject"},
		builtin.AstranIntegration:      {"iam:DeleteAccessKey", "s3:DeleteObject"},
		builtin.AstranS3ReadOnlyAccess: {"s3:PutObject", "ck:GetKit"},
	}
	for _, name := range builtin.PolicyNames() {
		p, ok := builtin.Policy(name)
		if !ok || p.ID != builtin.PolicyARN(name).String() {
			t.Fatalf("Policy(%s) = %+v", name, p)
		}
		if err := p.Document.Validate(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		set := policy.MustCompile([]policy.Policy{p})
		check := func(actions []string, want string) {
			for _, action := range actions {
				got := set.Evaluate(&policy.Request{Action: action, Resource: "arn:demo:s3:::bucket/key"}).Decision
				if got.String() != want {
					t.Errorf("%s %s: %v, want %s", name, action, got, want)
				}
			}
		}
		check(allow[name], "Allow")
		check(deny[name], "ImplicitDeny")
	}
}

func TestResolvePolicy(t *testing.T) {
	p, err := builtin.ResolvePolicy(arn.MustParse("arn:demo:iam::astran:policy/AstranAdmin"), "demo")
	if err != nil || p.ID != "arn:astran:iam::astran:policy/AstranAdmin" || p.Document == nil {
		t.Fatalf("ResolvePolicy = %+v, %v", p, err)
	}
	for in, want := range map[string]error{
		"arn:x:iam::astran:policy/AstranAdmin":           builtin.ErrSpelling,
		"arn:astran:iam::astran:group/astran-admin-user": builtin.ErrUnknown,
		"arn:demo:iam::1234:policy/AstranAdmin":          builtin.ErrNotBuiltin,
	} {
		if _, err := builtin.ResolvePolicy(arn.MustParse(in), "demo"); !errors.Is(err, want) {
			t.Errorf("ResolvePolicy(%s) = %v, want %v", in, err, want)
		}
	}
}

// TestAstranIntegration_ownKeysOnly: AstranIntegration manages the access
// keys of the caller's own user, not those of any user (which would let an
// integration mint an administrator's keys).
func TestAstranIntegration_ownKeysOnly(t *testing.T) {
	p, _ := builtin.Policy(builtin.AstranIntegration)
	set := policy.MustCompile([]policy.Policy{p})
	const acct = "arn:demo:iam::1b7c6d1e-5f3a-4c2b-9e8d-0a1b2c3d4e5f:"
	tests := map[string]struct {
		resource string
		want     string
	}{
		"own user":              {acct + "user/ci@astran.io", "Allow"},
		"own user under a path": {acct + "user/integrations/ci@astran.io", "Allow"},
		"an administrator":      {acct + "user/admin@astran.io", "ImplicitDeny"},
		"a name ending in hers": {acct + "user/x-ci@astran.io", "ImplicitDeny"},
	}
	for name, tc := range tests {
		for _, action := range []string{"iam:CreateAccessKey", "iam:ListAccessKeys", "iam:UpdateAccessKey"} {
			req := &policy.Request{Action: action, Resource: tc.resource}
			req.Context.Set("aws:username", "ci@astran.io")
			if got := set.Evaluate(req).Decision.String(); got != tc.want {
				t.Errorf("%s: %s: %s, want %s", name, action, got, tc.want)
			}
		}
	}
}
