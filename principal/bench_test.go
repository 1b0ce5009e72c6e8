package principal_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
)

// benchStore returns a store with a user in 5 groups of 10 policies each.
func benchStore(b *testing.B) (*principal.MemoryStore, principal.Caller) {
	s := principal.NewMemoryStore()
	ua := arn.MustParse(acctARN + "user/bench@astran.io")
	if err := s.PutUser(principal.Identity{ARN: ua}); err != nil {
		b.Fatal(err)
	}
	for g := range 5 {
		ga := arn.MustParse(fmt.Sprintf("%sgroup/g%d", acctARN, g))
		if err := s.PutGroup(principal.Group{ARN: ga}); err != nil {
			b.Fatal(err)
		}
		if err := s.AddUserToGroup(ua, ga); err != nil {
			b.Fatal(err)
		}
		for p := range 10 {
			pa := arn.MustParse(fmt.Sprintf("%spolicy/g%dp%d", acctARN, g, p))
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
	ctx := context.Background()
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

// BenchmarkAuthorizer_rebuild measures a decision after every store change:
// resolving the caller (6 groups lookups, 51 policies) and compiling.
func BenchmarkAuthorizer_rebuild(b *testing.B) {
	s, caller := benchStore(b)
	authz := principal.NewAuthorizer(s)
	ctx := context.Background()
	var res policy.Result
	b.ReportAllocs()
	for b.Loop() {
		if err := s.PutSession(principal.Session{AccessKeyID: "ASIABUMP", Identity: caller.ARN}); err != nil { // bumps the generation
			b.Fatal(err)
		}
		if err := authz.AuthorizeInto(ctx, caller, "s3:GetObject", "arn:demo:s3:::bucket-4-9/key", policy.Context{}, &res); err != nil {
			b.Fatal(err)
		}
	}
}
