package emulator_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/astran-oss/astran-go/emulator"
)

func TestServer_Login(t *testing.T) {
	srv, _ := newServerWithBob(t)
	ctx := t.Context()
	cfg, err := srv.UserConfig(ctx, "bob@astran.io", "pw")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s3.NewFromConfig(cfg).ListBuckets(ctx, &s3.ListBucketsInput{}); apiCode(err) != "AccessDenied" {
		t.Errorf("new user ListBuckets: %v", err)
	}
	_, err = srv.Login(ctx, "bob@astran.io", "wrong-password-xyz")
	if !errors.Is(err, emulator.ErrLogin) || !strings.Contains(err.Error(), "Invalid user credentials") || strings.Contains(err.Error(), "wrong-password-xyz") {
		t.Errorf("bad password: %v", err)
	}
}
