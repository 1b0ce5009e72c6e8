// Package astrantest starts the Astran emulator (package emulator) for a
// test, the way net/http/httptest starts an HTTP server: on loopback ports,
// closed when the test ends.
//
//	srv := astrantest.New(t, emulator.WithUserPassword("pw")) // closed by t.Cleanup
//	iamc := iam.NewFromConfig(srv.RootConfig())              // endpoints already set
//
// Everything else (users, logins, the mailbox, the clock) is the
// [emulator.Server]'s API.
package astrantest

import (
	"testing"

	"github.com/astran-oss/astran-go/emulator"
)

// New starts an emulator configured by optFns and closes it with
// t.Cleanup. It fails the test if the server cannot start.
func New(t testing.TB, optFns ...func(*emulator.Options)) *emulator.Server {
	t.Helper()
	s, err := emulator.New(optFns...)
	if err != nil {
		t.Fatalf("astrantest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}
