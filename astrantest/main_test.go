package astrantest_test

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"
)

// TestMain fails the package when goroutines outlive the tests: every
// server is closed by then, so their serving and connection goroutines,
// and the clients' connection goroutines, must have ended.
func TestMain(m *testing.M) {
	before := runtime.NumGoroutine()
	code := m.Run()
	// Fuzzing starts a signal-handling goroutine of its own: check only
	// plain test runs.
	if f := flag.Lookup("test.fuzz"); code == 0 && (f == nil || f.Value.String() == "") {
		deadline := time.Now().Add(10 * time.Second)
		for runtime.NumGoroutine() > before {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				fmt.Fprintf(os.Stderr, "goroutine leak: %d goroutines after the tests, %d before\n%s",
					runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
				code = 1
				break
			}
			runtime.Gosched()
		}
	}
	os.Exit(code)
}
