package iamclient_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/astran-oss/astran-go/iamclient/iamclienttest"
	"github.com/astran-oss/astran-go/internal/motoserver"
)

var moto motoserver.Shared

func TestMain(m *testing.M) {
	code := m.Run()
	moto.Close()
	os.Exit(code)
}

// motoConfig returns an aws.Config with moto's dummy credentials.
func motoConfig() aws.Config {
	return aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", ""),
	}
}

// TestMoto runs the integration suite against a private moto_server. moto
// differs from Astran in ways iamclienttest.MotoQuirks lists.
func TestMoto(t *testing.T) {
	srv := moto.Get(t)
	iamclienttest.RunSuite(t, motoConfig(), srv.URL, iamclienttest.MotoQuirks)
}

// TestMoto_twice runs the suite twice on one server: the suite cleans up
// after itself, so it can share a server with other tests.
func TestMoto_twice(t *testing.T) {
	srv := moto.Get(t)
	for i := range 2 {
		t.Run(fmt.Sprint("run", i), func(t *testing.T) {
			iamclienttest.RunSuite(t, motoConfig(), srv.URL, iamclienttest.MotoQuirks)
		})
	}
}
