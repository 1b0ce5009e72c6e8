package main

import (
	"strings"
	"testing"
)

// TestRun: carol is denied until both the bucket policy (account A) and
// her own account's policy (account B) allow her.
func TestRun(t *testing.T) {
	var out strings.Builder
	if err := run(t.Context(), &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{"", "AccessDenied", "AccessDenied", `"revenue up\n"`}
	if len(lines) != len(want) {
		t.Fatalf("output:\n%s", out.String())
	}
	for i, w := range want[1:] {
		if !strings.HasSuffix(lines[i+1], ": "+w) {
			t.Errorf("line %d = %q, want it to end with %q", i+1, lines[i+1], w)
		}
	}
}
