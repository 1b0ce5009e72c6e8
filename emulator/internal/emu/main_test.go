package emu_test

import (
	"testing"

	"github.com/astran-oss/astran-go/internal/leakcheck"
)

// TestMain fails the package when goroutines outlive the tests.
func TestMain(m *testing.M) { leakcheck.Main(m) }
