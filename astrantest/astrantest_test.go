package astrantest_test

import (
	"errors"
	"net"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/astran-oss/astran-go/astrantest"
	"github.com/astran-oss/astran-go/emulator"
	"github.com/astran-oss/astran-go/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }

// TestNew_closesOnCleanup checks that the server works during the test and
// no longer listens once the test's cleanups ran.
func TestNew_closesOnCleanup(t *testing.T) {
	var srv *emulator.Server
	t.Run("test", func(t *testing.T) {
		srv = astrantest.New(t, emulator.WithPartition("acme"))
		if srv.Partition() != "acme" {
			t.Fatalf("partition = %q, want the option's", srv.Partition())
		}
		if _, err := iam.NewFromConfig(srv.RootConfig()).ListUsers(t.Context(), &iam.ListUsersInput{}); err != nil {
			t.Fatal(err)
		}
	})
	client := &http.Client{Timeout: 5 * time.Second}
	_, err := client.Get(srv.Endpoints().IAM)
	var opErr *net.OpError
	if !errors.As(err, &opErr) {
		t.Fatalf("GET after cleanup: err = %v, want a connection error", err)
	}
}

// TestNew_failsTheTest checks that a server that cannot start fails the
// test instead of returning nil.
func TestNew_failsTheTest(t *testing.T) {
	ft := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		astrantest.New(ft, func(o *emulator.Options) { o.Addr = "nonsense" })
	}()
	<-done
	if !ft.failed {
		t.Fatal("New with a bad address did not fail the test")
	}
}

// fatalRecorder records Fatalf and ends the goroutine like testing does.
type fatalRecorder struct {
	testing.TB
	failed bool
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(string, ...any) {
	f.failed = true
	runtime.Goexit()
}
