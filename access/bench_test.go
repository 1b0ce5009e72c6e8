package access_test

import (
	"fmt"
	"testing"

	"github.com/astran-oss/astran-go/access"
	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
)

const benchAccount = "123456789012"

// benchStore returns an account of users, groups and customer policies:
// every group has three policies, every user is in two groups and has one
// policy of its own; one user in 50 may attach policies to itself, one
// in 100 may create the access keys of the next user.
func benchStore(b *testing.B, users, groups, policies int) *principal.MemoryStore {
	b.Helper()
	s := principal.NewMemoryStore()
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	pol := func(i int) arn.ARN { return arn.MustParse(fmt.Sprintf("arn:demo:iam::%s:policy/P%d", benchAccount, i)) }
	user := func(i int) arn.ARN {
		return arn.MustParse(fmt.Sprintf("arn:demo:iam::%s:user/u%d@astran.io", benchAccount, i))
	}
	for i := 0; i < policies; i++ {
		st := policy.Statement{Effect: policy.EffectAllow, Action: []string{"s3:GetObject", "s3:PutObject"},
			Resource: []string{fmt.Sprintf("arn:demo:s3:::bucket-%d/*", i)}}
		switch i % 5 {
		case 1:
			st.Action = []string{"s3:List*"}
		case 2:
			st.Condition = policy.Condition{"IpAddress": {"aws:SourceIp": {"10.0.0.0/8"}}}
		case 3:
			st.Effect = policy.EffectDeny
			st.Action = []string{"s3:DeleteObject"}
		}
		must(s.PutPolicy(pol(i), &policy.Document{Version: policy.Version2012, Statements: []policy.Statement{st}}))
	}
	for g := 0; g < groups; g++ {
		ga := arn.MustParse(fmt.Sprintf("arn:demo:iam::%s:group/g%d", benchAccount, g))
		must(s.PutGroup(principal.Group{ARN: ga}))
		for k := 0; k < 3; k++ {
			must(s.AttachPolicy(ga, pol((g*3+k)%policies)))
		}
	}
	must(s.PutGroup(principal.Group{ARN: arn.MustParse(fmt.Sprintf("arn:demo:iam::%s:group/admins", benchAccount))}))
	must(s.AttachPolicy(arn.MustParse(fmt.Sprintf("arn:demo:iam::%s:group/admins", benchAccount)), builtin.PolicyARN(builtin.AstranAdmin)))
	for u := 0; u < users; u++ {
		ua := user(u)
		must(s.PutUser(principal.Identity{ARN: ua}))
		for k := 0; k < 2; k++ {
			must(s.AddUserToGroup(ua, arn.MustParse(fmt.Sprintf("arn:demo:iam::%s:group/g%d", benchAccount, (u+k*37)%groups))))
		}
		must(s.AttachPolicy(ua, pol(u%policies)))
		var grant *policy.Statement
		switch {
		case u%50 == 7:
			grant = &policy.Statement{Effect: policy.EffectAllow, Action: []string{"iam:AttachUserPolicy"}, Resource: []string{ua.String()}}
		case u%100 == 13:
			grant = &policy.Statement{Effect: policy.EffectAllow, Action: []string{"iam:CreateAccessKey"}, Resource: []string{user(u - 6).String()}}
		}
		if grant != nil {
			must(s.PutInlinePolicy(ua, "Grant", &policy.Document{Version: policy.Version2012, Statements: []policy.Statement{*grant}}))
		}
	}
	return s
}

func BenchmarkEscalations(b *testing.B) {
	store := benchStore(b, 1000, 100, 500)
	ctx := b.Context()
	paths, err := access.New(store).Escalations(ctx)
	if err != nil || len(paths) != 30 {
		b.Fatalf("%d paths, %v", len(paths), err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := access.New(store).Escalations(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(paths)), "paths")
}

func BenchmarkWhoCan(b *testing.B) {
	store := benchStore(b, 1000, 100, 500)
	ctx := b.Context()
	a := access.New(store)
	grants, err := a.WhoCan(ctx, "s3:GetObject", "arn:demo:s3:::bucket-5/k")
	if err != nil || len(grants) == 0 {
		b.Fatalf("%d grants, %v", len(grants), err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.WhoCan(ctx, "s3:GetObject", "arn:demo:s3:::bucket-5/k"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(grants)), "grants")
}
