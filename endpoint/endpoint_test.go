package endpoint_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/astran-oss/astran-go/endpoint"
	"github.com/aws/aws-sdk-go-v2/aws"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// demo is the resolution of partition "demo" with nothing else set.
var demo = endpoint.Endpoints{
	Partition: "demo",
	Issuer:    "https://astran.cloud-iam.com/auth/realms/demo",
	ClientID:  "s5",
	STS:       "https://demo.sts.astran.io",
	IAM:       "https://demo.iam.astran.io",
	S3:        "https://demo.s3.astran.io",
	Region:    "us-east-1",
}

func TestResolve(t *testing.T) {
	const kc = "https://astran.cloud-iam.com/auth/realms/"
	tests := []struct {
		name string
		opts endpoint.Options
		env  map[string]string
		// edit turns demo into the expected endpoints.
		edit func(*endpoint.Endpoints)
	}{
		{name: "defaults", opts: endpoint.Options{Partition: "demo"}},
		{name: "partition from env", env: map[string]string{"ASTRAN_PARTITION": "demo"}},
		{name: "option beats env partition", opts: endpoint.Options{Partition: "demo"}, env: map[string]string{"ASTRAN_PARTITION": "other"}},
		{name: "no partition", edit: func(e *endpoint.Endpoints) { *e = endpoint.Endpoints{ClientID: "s5", Region: "us-east-1"} }},
		{name: "env endpoints",
			opts: endpoint.Options{Partition: "demo"},
			env: map[string]string{"ASTRAN_OIDC_ISSUER": "http://127.0.0.1:1/realms/demo", "ASTRAN_CLIENT_ID": "c",
				"ASTRAN_STS_ENDPOINT": "http://127.0.0.1:2", "ASTRAN_IAM_ENDPOINT": "http://127.0.0.1:3", "ASTRAN_S3_ENDPOINT": "http://127.0.0.1:4"},
			edit: func(e *endpoint.Endpoints) {
				e.Issuer, e.ClientID, e.STS, e.IAM, e.S3 = "http://127.0.0.1:1/realms/demo", "c", "http://127.0.0.1:2", "http://127.0.0.1:3", "http://127.0.0.1:4"
			}},
		{name: "options beat env",
			opts: endpoint.Options{Partition: "demo", Issuer: "https://idp.example/realms/x", ClientID: "mine", STS: "https://sts.example", Region: "eu-west-3"},
			env:  map[string]string{"ASTRAN_OIDC_ISSUER": "http://127.0.0.1:1/realms/demo", "ASTRAN_CLIENT_ID": "c", "ASTRAN_STS_ENDPOINT": "http://127.0.0.1:2", "AWS_REGION": "r"},
			edit: func(e *endpoint.Endpoints) {
				e.Issuer, e.ClientID, e.STS, e.Region = "https://idp.example/realms/x", "mine", "https://sts.example", "eu-west-3"
			}},
		{name: "AWS_REGION beats AWS_DEFAULT_REGION", opts: endpoint.Options{Partition: "demo"},
			env: map[string]string{"AWS_REGION": "a", "AWS_DEFAULT_REGION": "b"}, edit: func(e *endpoint.Endpoints) { e.Region = "a" }},
		{name: "AWS_DEFAULT_REGION", opts: endpoint.Options{Partition: "demo"},
			env: map[string]string{"AWS_DEFAULT_REGION": "b"}, edit: func(e *endpoint.Endpoints) { e.Region = "b" }},
		{name: "root", opts: endpoint.Options{Partition: "demo", Root: true},
			edit: func(e *endpoint.Endpoints) { e.Root, e.Issuer, e.ClientID = true, kc+"root-accounts", "root-client" }},
		{name: "root replaces the realm of the env issuer and ignores the env client",
			opts: endpoint.Options{Partition: "demo", Root: true},
			env:  map[string]string{"ASTRAN_OIDC_ISSUER": "http://127.0.0.1:1/realms/demo", "ASTRAN_CLIENT_ID": "s5"},
			edit: func(e *endpoint.Endpoints) {
				e.Root, e.Issuer, e.ClientID = true, "http://127.0.0.1:1/realms/root-accounts", "root-client"
			}},
		{name: "root keeps an issuer option", opts: endpoint.Options{Partition: "demo", Root: true, Issuer: "https://idp.example/realms/x"},
			edit: func(e *endpoint.Endpoints) {
				e.Root, e.Issuer, e.ClientID = true, "https://idp.example/realms/x", "root-client"
			}},
		{name: "realm", opts: endpoint.Options{Partition: "demo", Realm: "staff"},
			edit: func(e *endpoint.Endpoints) { e.Issuer = kc + "staff" }},
		{name: "aws.Config endpoints after env",
			opts: endpoint.Options{Partition: "demo", Config: &aws.Config{Region: "cfg", ConfigSources: []any{endpoint.Endpoints{IAM: "http://cfg-iam"}}, BaseEndpoint: aws.String("http://cfg-base")}},
			env:  map[string]string{"ASTRAN_STS_ENDPOINT": "http://env-sts"},
			edit: func(e *endpoint.Endpoints) {
				e.STS, e.IAM, e.S3, e.Region = "http://env-sts", "http://cfg-iam", "http://cfg-base", "cfg"
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := demo
			if tt.edit != nil {
				tt.edit(&want)
			}
			got, err := endpoint.Resolve(func(o *endpoint.Options) { *o = tt.opts; o.Getenv = envOf(tt.env) })
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestResolve_errors(t *testing.T) {
	tests := []struct {
		name   string
		opts   endpoint.Options
		env    map[string]string
		err    error
		field  string
		source string
	}{
		{name: "partition with a slash", opts: endpoint.Options{Partition: "evil.example/x"}, err: endpoint.ErrInvalidPartition, field: "partition", source: "option"},
		{name: "partition with a space from env", env: map[string]string{"ASTRAN_PARTITION": "de mo"}, err: endpoint.ErrInvalidPartition, field: "partition", source: "$ASTRAN_PARTITION"},
		{name: "partition too long", opts: endpoint.Options{Partition: string(make([]byte, 64))}, err: endpoint.ErrInvalidPartition, field: "partition", source: "option"},
		{name: "issuer not a URL", opts: endpoint.Options{Partition: "demo", Issuer: "idp.example"}, err: endpoint.ErrInvalidURL, field: "issuer", source: "option"},
		{name: "STS scheme", env: map[string]string{"ASTRAN_STS_ENDPOINT": "ftp://x"}, err: endpoint.ErrInvalidURL, field: "STS endpoint", source: "$ASTRAN_STS_ENDPOINT"},
		{name: "IAM with user info", opts: endpoint.Options{IAM: "https://u:p@iam.example"}, err: endpoint.ErrInvalidURL, field: "IAM endpoint", source: "option"},
		{name: "S3 without host", opts: endpoint.Options{S3: "http://"}, err: endpoint.ErrInvalidURL, field: "S3 endpoint", source: "option"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := endpoint.Resolve(func(o *endpoint.Options) { *o = tt.opts; o.Getenv = envOf(tt.env) })
			var e *endpoint.Error
			if !errors.Is(err, tt.err) || !errors.As(err, &e) {
				t.Fatalf("err = %v, want %v as *endpoint.Error", err, tt.err)
			}
			if e.Field != tt.field || e.Source != tt.source {
				t.Errorf("field, source = %q, %q; want %q, %q", e.Field, e.Source, tt.field, tt.source)
			}
		})
	}
}

func TestEndpoints_AWSConfig(t *testing.T) {
	creds := aws.AnonymousCredentials{}
	cfg := demo.AWSConfig(creds)
	if cfg.Region != "us-east-1" || cfg.Credentials != creds || cfg.BaseEndpoint != nil {
		t.Errorf("cfg = %+v", cfg)
	}
	if cfg.RequestChecksumCalculation != aws.RequestChecksumCalculationWhenRequired ||
		cfg.ResponseChecksumValidation != aws.ResponseChecksumValidationWhenRequired {
		t.Error("checksums are not WhenRequired")
	}
	// A resolution from the config finds the same endpoints.
	got, err := endpoint.Resolve(func(o *endpoint.Options) { o.Config = &cfg; o.Getenv = envOf(nil) })
	if err != nil {
		t.Fatal(err)
	}
	if got.STS != demo.STS || got.IAM != demo.IAM || got.S3 != demo.S3 {
		t.Errorf("endpoints from the config: %+v", got)
	}
	for id, want := range map[string]string{"STS": demo.STS, "IAM": demo.IAM, "S3": demo.S3, "DynamoDB": ""} {
		u, found, err := demo.GetServiceBaseEndpoint(t.Context(), id)
		if u != want || found != (want != "") || err != nil {
			t.Errorf("GetServiceBaseEndpoint(%s) = %q, %v, %v", id, u, found, err)
		}
	}
}

func TestEndpoints_Environ(t *testing.T) {
	got := demo.Environ()
	want := []string{
		"ASTRAN_PARTITION=demo",
		"ASTRAN_OIDC_ISSUER=https://astran.cloud-iam.com/auth/realms/demo",
		"ASTRAN_CLIENT_ID=s5",
		"ASTRAN_STS_ENDPOINT=https://demo.sts.astran.io",
		"ASTRAN_IAM_ENDPOINT=https://demo.iam.astran.io",
		"ASTRAN_S3_ENDPOINT=https://demo.s3.astran.io",
		"AWS_ENDPOINT_URL_STS=https://demo.sts.astran.io",
		"AWS_ENDPOINT_URL_IAM=https://demo.iam.astran.io",
		"AWS_ENDPOINT_URL_S3=https://demo.s3.astran.io",
		"AWS_REGION=us-east-1",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Environ() =\n%q\nwant\n%q", got, want)
	}
	root := demo
	root.Root = true
	for _, kv := range root.Environ() {
		if kv[:len("ASTRAN_OIDC_ISSUER")] == "ASTRAN_OIDC_ISSUER" || kv[:len("ASTRAN_CLIENT")] == "ASTRAN_CLIENT" {
			t.Errorf("root Environ() has %s", kv)
		}
	}
	// What Environ exports, Resolve reads back.
	env := map[string]string{}
	for _, kv := range got {
		for i := range kv {
			if kv[i] == '=' {
				env[kv[:i]] = kv[i+1:]
				break
			}
		}
	}
	back, err := endpoint.Resolve(func(o *endpoint.Options) { o.Getenv = envOf(env) })
	if err != nil || back != demo {
		t.Errorf("Resolve(Environ()) = %+v, %v", back, err)
	}
}

func TestTokenURL(t *testing.T) {
	if got := demo.TokenURL(); got != "https://astran.cloud-iam.com/auth/realms/demo/protocol/openid-connect/token" {
		t.Errorf("TokenURL() = %q", got)
	}
	if got := (endpoint.Endpoints{}).TokenURL(); got != "" {
		t.Errorf("TokenURL() without issuer = %q", got)
	}
}

func FuzzResolve(f *testing.F) {
	f.Add("demo", "https://idp.example/realms/demo", "http://127.0.0.1:1", false)
	f.Add("", "", "ftp://x", true)
	f.Fuzz(func(t *testing.T, partition, issuer, sts string, root bool) {
		e, err := endpoint.Resolve(func(o *endpoint.Options) {
			o.Partition, o.Issuer, o.STS, o.Root = partition, issuer, sts, root
			o.Getenv = envOf(nil)
		})
		if err != nil {
			var ee *endpoint.Error
			if !errors.As(err, &ee) {
				t.Fatalf("error %v is not an *endpoint.Error", err)
			}
			return
		}
		for _, u := range []string{e.Issuer, e.STS, e.IAM, e.S3} {
			if u != "" && !endpoint.ValidURL(u) {
				t.Fatalf("resolved an invalid URL %q", u)
			}
		}
	})
}
