package policy_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/astran-oss/astran-go/policy"
)

// s3Set20v2 is a second version of s3Set20: one grant widened, one
// condition dropped, one statement added.
var s3Set20v2 = strings.NewReplacer(
	`"Action":["s3:PutObject","s3:AbortMultipartUpload"],"Resource":"arn:demo:s3:::team-data/incoming/*"`,
	`"Action":["s3:PutObject","s3:AbortMultipartUpload"],"Resource":"arn:demo:s3:::team-data/*"`,
	`{"Sid":"ListAll",`,
	`{"Sid":"NewDelete","Effect":"Allow","Action":"s3:DeleteObject","Resource":"arn:demo:s3:::team-data/tmp/*"},{"Sid":"ListAll",`,
).Replace(s3Set20)

func BenchmarkDiff_S3Set20(b *testing.B) {
	benchDiff(b, mustSet(b, s3Set20), mustSet(b, s3Set20v2))
}

func benchDiff(b *testing.B, before, after *policy.Set) {
	rs, err := policy.Diff(before, after)
	if err != nil || len(rs) == 0 {
		b.Fatalf("Diff: %d regions, %v", len(rs), err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := policy.Diff(before, after); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(rs)), "regions")
}

// BenchmarkDiff_scaling diffs sets of n statements over few actions and
// distinct resources against a version where one statement in 100 changed
// its resource.
func BenchmarkDiff_scaling(b *testing.B) {
	for _, n := range []int{10, 100, 1000, 3000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ps := resourceScaledPolicies(n)
			before := policy.MustCompile(ps)
			changed := make([]policy.Policy, len(ps))
			k := 0
			for i, p := range ps {
				d := p.Document.Clone()
				for j := range d.Statements {
					if k%100 == 7 {
						d.Statements[j].Resource = []string{fmt.Sprintf("arn:aws:s3:::bucket-%05d/*", k)}
					}
					k++
				}
				changed[i] = policy.Policy{ID: p.ID, Document: d}
			}
			benchDiff(b, before, policy.MustCompile(changed))
		})
	}
}
