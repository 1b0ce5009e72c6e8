package principal_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
)

// benchStore returns a store with a user in 5 groups of 10 policies each.
func benchStore(b *testing.B) (*principal.MemoryStore, principal.Caller) {
	s := principal.NewMemoryStore()
	ua := iamARN("user/bench@astran.io")
	if err := s.PutUser(principal.Identity{ARN: ua}); err != nil {
		b.Fatal(err)
	}
	for g := range 5 {
		ga := iamARN(fmt.Sprintf("group/g%d", g))
		if err := s.PutGroup(principal.Group{ARN: ga}); err != nil {
			b.Fatal(err)
		}
		if err := s.AddUserToGroup(ua, ga); err != nil {
			b.Fatal(err)
		}
		for p := range 10 {
			pa := iamARN(fmt.Sprintf("policy/g%dp%d", g, p))
			doc, err := policy.Parse(fmt.Appendf(nil, `{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:demo:s3:::bucket-%d-%d/*"},
				{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"arn:demo:s3:::prod-%d-%d"}]}`, g, p, g, p))
			if err != nil {
				b.Fatal(err)
			}
			if err := s.PutPolicy(pa, doc); err != nil {
				b.Fatal(err)
			}
			if err := s.AttachPolicy(ga, pa); err != nil {
				b.Fatal(err)
			}
		}
	}
	return s, principal.Caller{ARN: ua}
}

func BenchmarkAuthorizer_Authorize(b *testing.B) {
	s, caller := benchStore(b)
	authz := principal.NewAuthorizer(s)
	ctx := b.Context()
	for _, bc := range []struct{ name, resource string }{
		{"allow", "arn:demo:s3:::bucket-4-9/key"},
		{"deny", "arn:demo:s3:::other/key"},
	} {
		b.Run(bc.name+"/Into", func(b *testing.B) {
			var res policy.Result
			b.ReportAllocs()
			for b.Loop() {
				if err := authz.AuthorizeInto(ctx, caller, "s3:GetObject", bc.resource, policy.Context{}, &res); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := authz.Authorize(ctx, caller, "s3:GetObject", bc.resource, policy.Context{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("requestContext/Into", func(b *testing.B) {
		var rc policy.Context
		rc.Set("aws:SourceIp", "10.0.0.1")
		rc.Set("aws:SecureTransport", "true")
		var res policy.Result
		b.ReportAllocs()
		for b.Loop() {
			if err := authz.AuthorizeInto(ctx, caller, "s3:GetObject", "arn:demo:s3:::bucket-4-9/key", rc, &res); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The policy engine alone on the same 51 policies, with the context the
	// authorizer derives: the floor of a cached decision.
	b.Run("engineOnly/Into", func(b *testing.B) {
		var pols []policy.Policy
		groups, _ := s.Groups(ctx, caller.ARN)
		for _, g := range groups {
			gp, _ := s.Policies(ctx, g.ARN)
			pols = append(pols, gp...)
		}
		set := policy.MustCompile(pols)
		id, _ := s.Identity(ctx, caller.ARN)
		req := policy.Request{Principal: caller.ARN.String(), Action: "s3:GetObject", Resource: "arn:demo:s3:::bucket-4-9/key", Context: principal.DerivedContext(id, nil)}
		req.Context.Set(principal.KeyCurrentTime, "2026-01-02T03:04:05Z")
		req.Context.Set(principal.KeyEpochTime, "1767323045")
		var res policy.Result
		b.ReportAllocs()
		for b.Loop() {
			set.EvaluateInto(&req, &res)
		}
	})
	// With a 5-statement bucket policy from a ResourcePolicySource.
	b.Run("bucketPolicy/Into", func(b *testing.B) {
		var stmts []string
		for i := range 5 {
			stmts = append(stmts, fmt.Sprintf(`{"Effect":"Allow","Principal":{"AWS":%q},"Action":"s3:GetObject","Resource":"arn:demo:s3:::bucket-4-9/p%d/*"}`, caller.ARN.String(), i))
		}
		doc, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`))
		if err != nil {
			b.Fatal(err)
		}
		rp := principal.ResourcePolicy{Set: policy.MustCompile([]policy.Policy{{ID: "bucket", Document: doc}})}
		withBucket := principal.NewAuthorizer(s, func(o *principal.Options) {
			o.Resources = principal.ResourcePolicyFunc(func(context.Context, string) (principal.ResourcePolicy, error) { return rp, nil })
		})
		var res policy.Result
		b.ReportAllocs()
		for b.Loop() {
			if err := withBucket.AuthorizeInto(ctx, caller, "s3:GetObject", "arn:demo:s3:::bucket-4-9/key", policy.Context{}, &res); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel/Into", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			var res policy.Result
			for pb.Next() {
				if err := authz.AuthorizeInto(ctx, caller, "s3:GetObject", "arn:demo:s3:::bucket-4-9/key", policy.Context{}, &res); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkAuthorizer_rebuild measures a decision after every change of
// the caller's own data: resolving the caller (6 groups lookups, 51
// policies) and compiling.
func BenchmarkAuthorizer_rebuild(b *testing.B) {
	s, caller := benchStore(b)
	authz := principal.NewAuthorizer(s)
	ctx := b.Context()
	doc := mustDoc(b, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`)
	var res policy.Result
	b.ReportAllocs()
	for b.Loop() {
		if err := s.PutInlinePolicy(caller.ARN, "bump", doc); err != nil { // changes the caller
			b.Fatal(err)
		}
		if err := authz.AuthorizeInto(ctx, caller, "s3:GetObject", "arn:demo:s3:::bucket-4-9/key", policy.Context{}, &res); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthorizer_afterUnrelatedChange measures a decision after each
// store change that does not touch the caller (another identity's login):
// the cached entry is revalidated, not rebuilt. Compare with
// BenchmarkAuthorizer_Authorize/allow/Into. Only the decision is timed.
func BenchmarkAuthorizer_afterUnrelatedChange(b *testing.B) {
	s, caller := benchStore(b)
	other := iamARN("user/other@astran.io")
	if err := s.PutUser(principal.Identity{ARN: other}); err != nil {
		b.Fatal(err)
	}
	authz := principal.NewAuthorizer(s)
	ctx := b.Context()
	var res policy.Result
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		if err := s.PutSession(principal.Session{AccessKeyID: "ASIAOTHER", Identity: other}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := authz.AuthorizeInto(ctx, caller, "s3:GetObject", "arn:demo:s3:::bucket-4-9/key", policy.Context{}, &res); err != nil {
			b.Fatal(err)
		}
	}
}
