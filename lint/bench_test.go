package lint_test

import (
	"os"
	"testing"

	"github.com/astran-oss/astran-go/lint"
	"github.com/astran-oss/astran-go/policy"
)

// BenchmarkCheck_S3Set20 lints the realistic 20-statement S3 policy of
// the policy package's benchmarks (target: under 50 µs).
func BenchmarkCheck_S3Set20(b *testing.B) {
	data, err := os.ReadFile("testdata/s3set20.json")
	if err != nil {
		b.Fatal(err)
	}
	doc, err := policy.Parse(data, func(o *policy.ParseOptions) { o.MaxSize = -1 })
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		lint.Check(doc)
	}
}

// BenchmarkCheckJSON_S3Set20 includes parsing and locating the findings.
func BenchmarkCheckJSON_S3Set20(b *testing.B) {
	data, err := os.ReadFile("testdata/s3set20.json")
	if err != nil {
		b.Fatal(err)
	}
	opt := func(o *lint.Options) { o.MaxSize = -1 }
	b.ReportAllocs()
	for b.Loop() {
		lint.CheckJSON(data, opt)
	}
}
