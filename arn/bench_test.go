package arn_test

import (
	"testing"

	"github.com/astran-oss/astran-go/arn"
)

var (
	sinkARN  arn.ARN
	sinkBool bool
)

func BenchmarkParse(b *testing.B) {
	in := "arn:demo:iam::ce09c61d-afac-404f-a96b-ebbbced80013:user/division/team/bob@astran.io"
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		a, err := arn.Parse(in)
		if err != nil {
			b.Fatal(err)
		}
		sinkARN = a
	}
}

func BenchmarkARN_String(b *testing.B) {
	a := arn.MustParse("arn:demo:s3:::marketing-docs/reports/2025/q1.pdf")
	b.ReportAllocs()
	for b.Loop() {
		_ = a.String()
	}
}

var benchMatch = []struct{ name, pattern, value string }{
	{"literal", "arn:demo:s3:::marketing-docs/reports/2025/q1.pdf", "arn:demo:s3:::marketing-docs/reports/2025/q1.pdf"},
	{"prefix", "arn:demo:s3:::marketing-docs/*", "arn:demo:s3:::marketing-docs/reports/2025/q1.pdf"},
	{"action", "s3:Get*", "s3:GetObjectVersion"},
	{"multi", "arn:*:iam::*:user/*/bob?astran.io", "arn:demo:iam::ce09c61d-afac-404f-a96b-ebbbced80013:user/division/team/bob@astran.io"},
	{"miss", "arn:demo:s3:::other-bucket/*", "arn:demo:s3:::marketing-docs/reports/2025/q1.pdf"},
}

func BenchmarkMatch(b *testing.B) {
	for _, bm := range benchMatch {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkBool = arn.Match(bm.pattern, bm.value)
			}
		})
	}
}

func BenchmarkMatchARN(b *testing.B) {
	for _, bm := range benchMatch {
		if !arn.IsARN(bm.value) {
			continue // "action": MatchARN matches ARNs only
		}
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkBool = arn.MatchARN(bm.pattern, bm.value)
			}
		})
	}
}
