package access_test

import (
	"testing"

	"github.com/astran-oss/astran-go/internal/leakcheck"
)

// TestMain fails the package when goroutines outlive the tests (the
// emulators the tests start are closed by then).
func TestMain(m *testing.M) { leakcheck.Main(m) }
