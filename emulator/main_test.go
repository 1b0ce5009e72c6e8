package emulator_test

import (
	"testing"

	"github.com/astran-oss/astran-go/internal/leakcheck"
)

// TestMain fails the package when goroutines outlive the tests: every
// server is closed by then, so their serving and connection goroutines,
// and the clients' connection goroutines, must have ended.
func TestMain(m *testing.M) { leakcheck.Main(m) }
