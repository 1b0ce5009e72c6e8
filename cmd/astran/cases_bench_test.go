package main

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

// BenchmarkPolicyTest runs 1,000 cases that share their policies (the
// compiled-set cache hits) and 1,000 that each carry their own (it misses,
// and stays bounded); ns/op and allocs/op are per case.
func BenchmarkPolicyTest(b *testing.B) {
	for _, distinct := range []bool{false, true} {
		name := "shared"
		if distinct {
			name = "distinct"
		}
		var in strings.Builder
		const cases = 1000
		for i := range cases {
			bucket := "reports"
			if distinct {
				bucket = fmt.Sprintf("reports-%d", i)
			}
			fmt.Fprintf(&in, `{"name":"case %d","policies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:demo:s3:::%s","arn:demo:s3:::%s/*"]},{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}],"request":{"action":"s3:GetObject","resource":"arn:demo:s3:::%s/k","context":{"aws:SourceIp":"203.0.113.7"}},"expected":"Allow"}`+"\n", i, bucket, bucket, bucket)
		}
		data := in.String()
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				n, err := runCases(strings.NewReader(data), io.Discard, newCaseRunner(nil, nil, 0), "bench")
				if err != nil || n.passed != cases {
					b.Fatalf("%+v, %v", n, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*cases), "ns/case")
		})
	}
}
