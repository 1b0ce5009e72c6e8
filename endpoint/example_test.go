package endpoint_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/astran-oss/astran-go/endpoint"
)

// Options win over the ASTRAN_* variables, which win over Astran's
// defaults for the partition.
func ExampleResolve() {
	env := map[string]string{"ASTRAN_PARTITION": "demo", "ASTRAN_STS_ENDPOINT": "http://127.0.0.1:8081"}
	ep, err := endpoint.Resolve(func(o *endpoint.Options) {
		o.IAM = "http://127.0.0.1:8082"
		o.Getenv = func(k string) string { return env[k] }
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("issuer:", ep.Issuer)
	fmt.Println("client:", ep.ClientID)
	fmt.Println("STS:", ep.STS)
	fmt.Println("IAM:", ep.IAM)
	fmt.Println("S3:", ep.S3)
	fmt.Println("token URL:", ep.TokenURL())

	_, err = endpoint.Resolve(func(o *endpoint.Options) { o.Partition = "evil.example/x" })
	fmt.Println(err)
	// Output:
	// issuer: https://astran.cloud-iam.com/auth/realms/demo
	// client: s5
	// STS: http://127.0.0.1:8081
	// IAM: http://127.0.0.1:8082
	// S3: https://demo.s3.astran.io
	// token URL: https://astran.cloud-iam.com/auth/realms/demo/protocol/openid-connect/token
	// endpoint: partition "evil.example/x" (from option): invalid partition name
}

// AWSConfig gives every aws-sdk-go-v2 service client its own endpoint.
func ExampleEndpoints_AWSConfig() {
	ep, _ := endpoint.Resolve(func(o *endpoint.Options) {
		o.Partition = "demo"
		o.Getenv = func(string) string { return "" }
	})
	cfg := ep.AWSConfig(aws.AnonymousCredentials{})
	for _, id := range []string{"S3", "IAM", "STS"} {
		u, _, _ := cfg.ConfigSources[0].(endpoint.Endpoints).GetServiceBaseEndpoint(context.Background(), id)
		fmt.Println(id, u)
	}
	fmt.Println("region:", cfg.Region)
	// Output:
	// S3 https://demo.s3.astran.io
	// IAM https://demo.iam.astran.io
	// STS https://demo.sts.astran.io
	// region: us-east-1
}

// Environ exports the endpoints to a child process or a shell, for this
// library, the aws CLI and the SDKs alike.
func ExampleEndpoints_Environ() {
	ep := endpoint.Endpoints{Partition: "demo", STS: "http://127.0.0.1:8081", Region: "us-east-1"}
	for _, kv := range ep.Environ() {
		fmt.Println(kv)
	}
	// Output:
	// ASTRAN_PARTITION=demo
	// ASTRAN_STS_ENDPOINT=http://127.0.0.1:8081
	// AWS_ENDPOINT_URL_STS=http://127.0.0.1:8081
	// AWS_REGION=us-east-1
}
