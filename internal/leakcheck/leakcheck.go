// Package leakcheck fails a test binary whose goroutines outlive its tests.
package leakcheck

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"
)

// Main runs the tests and exits, failing (with every goroutine's stack) when
// more goroutines are left ten seconds after the tests than before them. It
// is meant to be a package's whole TestMain. Fuzzing starts a
// signal-handling goroutine of its own, so fuzz runs are not checked.
func Main(m *testing.M) {
	before := runtime.NumGoroutine()
	code := m.Run()
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
