package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/astran-oss/astran-go/astrantest"
	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/emulator"
	"github.com/astran-oss/astran-go/iamclient"
	"github.com/astran-oss/astran-go/sts"
)

const password = "correct horse battery staple"

// partition starts an emulator with a user bob@astran.io (password
// above), attaches policies to him and creates buckets as root. It returns
// the emulator and the environment a user would set for it.
func partition(t *testing.T, policies []string, buckets ...string) (*emulator.Server, func(string) string) {
	t.Helper()
	srv := astrantest.New(t, emulator.WithUserPassword(password))
	admin := iamclient.New(srv.RootConfig(), func(o *iamclient.Options) { o.BaseEndpoint = srv.Endpoints().IAM })
	if _, err := admin.CreateUser(t.Context(), "bob@astran.io"); err != nil {
		t.Fatal(err)
	}
	for _, p := range policies {
		if err := admin.AttachUserPolicy(t.Context(), "bob@astran.io", builtin.PolicyARN(p)); err != nil {
			t.Fatal(err)
		}
	}
	rootS3 := s3.NewFromConfig(srv.RootConfig(), func(o *s3.Options) { o.UsePathStyle = true })
	for _, b := range buckets {
		if _, err := rootS3.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	vars := map[string]string{"ASTRAN_USERNAME": "bob@astran.io", "ASTRAN_PASSWORD": password}
	for _, l := range srv.Env() {
		k, v, _ := strings.Cut(l, "=")
		vars[k] = v
	}
	return srv, func(k string) string { return vars[k] }
}

func TestRun_partition(t *testing.T) {
	_, env := partition(t, []string{builtin.AstranS3ReadOnlyAccess}, "invoices", "logs")
	var out bytes.Buffer
	if err := run(t.Context(), &out, env); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"Buckets visible to bob@astran.io in partition demo:\n",
		"  invoices  (created ",
		"  logs  (created ",
		"Signed with temporary credentials ASIA",
		"(" + sts.ProviderName + ")",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), password) {
		t.Error("output shows the password")
	}
}

func TestRun_emptyPartition(t *testing.T) {
	_, env := partition(t, []string{builtin.AstranS3ReadOnlyAccess})
	var out bytes.Buffer
	if err := run(t.Context(), &out, env); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "  (none)\n") {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestRun_errors(t *testing.T) {
	t.Run("no policy", func(t *testing.T) {
		_, env := partition(t, nil, "invoices")
		err := run(t.Context(), &bytes.Buffer{}, env)
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
			t.Fatalf("run = %v, want S3 AccessDenied", err)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		_, env := partition(t, []string{builtin.AstranS3ReadOnlyAccess})
		wrong := func(k string) string {
			if k == "ASTRAN_PASSWORD" {
				return "wrong"
			}
			return env(k)
		}
		err := run(t.Context(), &bytes.Buffer{}, wrong)
		if !errors.Is(err, sts.ErrBadCredentials) {
			t.Fatalf("run = %v, want sts.ErrBadCredentials", err)
		}
		if strings.Contains(err.Error(), "wrong") {
			t.Errorf("error shows the password: %v", err)
		}
	})
	t.Run("no username", func(t *testing.T) {
		err := run(t.Context(), &bytes.Buffer{}, func(k string) string {
			if k == "ASTRAN_PARTITION" {
				return "demo"
			}
			return ""
		})
		if err == nil || !strings.Contains(err.Error(), "ASTRAN_USERNAME") {
			t.Fatalf("run = %v, want an error naming ASTRAN_USERNAME", err)
		}
	})
}

// TestRun_emulator is `go run ./examples/credentials` with no configuration.
func TestRun_emulator(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out, func(string) string { return "" }); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"embedded Astran emulator", "  photos  (created ", "  reports  (created "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
