package interop

import (
	"os"
	"testing"
)

func TestAWSCLI(t *testing.T) {
	enabled := os.Getenv("CI") == "true" || os.Getenv("ASTRAN_INTEROP") != ""
	skipped := true
	t.Run("gate", func(t *testing.T) {
		bin := AWSCLI(t)
		skipped = false
		if bin == "" {
			t.Error("no path")
		}
	})
	if !enabled && !skipped {
		t.Error("ran without CI=true or ASTRAN_INTEROP")
	}
}
