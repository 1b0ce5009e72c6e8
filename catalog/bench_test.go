package catalog_test

import (
	"testing"

	"github.com/astran-oss/astran-go/catalog"
)

func BenchmarkLookupAction(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := catalog.LookupAction("s3:GetObject"); !ok {
			b.Fatal("not found")
		}
	}
}

func BenchmarkLookupActionFold(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := catalog.LookupActionFold("iam:createpolicyversion"); !ok {
			b.Fatal("not found")
		}
	}
}

func BenchmarkLookupConditionKey_template(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := catalog.LookupConditionKey("aws:RequestTag/team"); !ok {
			b.Fatal("not found")
		}
	}
}

func BenchmarkAction_HasConditionKey(b *testing.B) {
	a, _ := catalog.LookupAction("s3:PutObject")
	k, _ := catalog.LookupConditionKey("s3:x-amz-server-side-encryption")
	b.ReportAllocs()
	for b.Loop() {
		if !a.HasConditionKey(k) {
			b.Fatal("no")
		}
	}
}

func BenchmarkServiceActions(b *testing.B) {
	s, _ := catalog.LookupService("s3")
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for range s.Actions() {
			n++
		}
		if n == 0 {
			b.Fatal("none")
		}
	}
}

func BenchmarkResourceType_MayMatch(b *testing.B) {
	a, _ := catalog.LookupAction("s3:GetObject")
	var obj catalog.ResourceType
	for rt := range a.ResourceTypes() {
		obj = rt
	}
	b.ReportAllocs()
	for b.Loop() {
		if !obj.MayMatch("arn:demo:s3:::team-data/incoming/*") {
			b.Fatal("no")
		}
	}
}

// TestLookupsDoNotAllocate keeps the zero-allocation promise of the
// package documentation.
func TestLookupsDoNotAllocate(t *testing.T) {
	a, _ := catalog.LookupAction("s3:PutObject")
	obj := catalog.ResourceType{}
	for rt := range a.ResourceTypes() {
		obj = rt
	}
	s3, _ := catalog.LookupService("s3")
	n := testing.AllocsPerRun(100, func() {
		catalog.LookupAction("s3:GetObject")
		catalog.LookupActionFold("S3:GETOBJECT")
		catalog.LookupAWSOnlyAction("s3:PutBucketPolicy")
		k, _ := catalog.LookupConditionKey("aws:RequestTag/team")
		catalog.LookupConditionKey("idp.example.com:aud")
		a.HasConditionKey(k)
		for range s3.Actions() {
		}
		obj.MayMatch("arn:demo:s3:::team-data/incoming/*")
	})
	if n != 0 {
		t.Errorf("lookups allocate %v times", n)
	}
}
