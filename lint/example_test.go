package lint_test

import (
	"fmt"

	"github.com/astran-oss/astran-go/lint"
)

func ExampleCheckJSON() {
	doc := []byte(`{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "Reports",
    "Effect": "Allow",
    "Action": ["s3:getobject", "s3:ListBucket"],
    "Resource": "arn:demo:s3:::reports/*"
  }]
}`)
	for _, f := range lint.CheckJSON(doc) {
		fmt.Println(f)
	}
	// Output:
	// 6:16: error ACTION_CASE Statement[0].Action[0]: Astran compares action names case-sensitively: "s3:getobject" never matches; write "s3:GetObject" (fix: "s3:getobject" → "s3:GetObject")
	// 7:17: error RESOURCE_TYPE_MISMATCH Statement[0].Resource: no action of the statement acts on "arn:demo:s3:::reports/*"; they accept s3 bucket (arn:${Partition}:s3:::${BucketName})
}

func ExampleOptions_ignore() {
	doc := []byte(`{"Version":"2012-10-17","Statement":[{"Sid":"BreakGlass","Effect":"Allow","Action":"*","Resource":"*"}]}`)
	fmt.Println(len(lint.CheckJSON(doc)))
	fs := lint.CheckJSON(doc, func(o *lint.Options) {
		o.Ignore = []lint.Ignore{{Code: "ALLOW_ALL", Sid: "BreakGlass"}}
	})
	fmt.Println(len(fs))
	// Output:
	// 1
	// 0
}
