package catalog_test

import (
	"fmt"

	"github.com/astran-oss/astran-go/catalog"
)

func ExampleLookupAction() {
	if _, ok := catalog.LookupAction("s3:getobject"); !ok {
		a, _ := catalog.LookupActionFold("s3:getobject")
		fmt.Println("unknown in Astran; did you mean", a.Name())
	}
	a, _ := catalog.LookupAction("s3:GetObject")
	for rt := range a.ResourceTypes() {
		fmt.Println(a.AccessLevel(), rt.Name(), rt.ARNFormat())
	}
	// Output:
	// unknown in Astran; did you mean s3:GetObject
	// Read object arn:${Partition}:s3:::${BucketName}/${ObjectName}
}

func ExampleLookupConditionKey() {
	k, _ := catalog.LookupConditionKey("aws:RequestTag/team")
	fmt.Println(k.Name(), k.Type(), k.Multivalued())
	// Output:
	// aws:RequestTag/${TagKey} String false
}
