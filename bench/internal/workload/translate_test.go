package workload_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/astran-oss/astran-go/bench/internal/workload"
)

var update = flag.Bool("update", false, "rewrite the golden translations in testdata/")

// TestTranslationsGolden keeps the translations of the S3 workload under
// review: testdata/ holds the IAM JSON, Cedar and Rego that the engines
// compile. Regenerate with `go test ./internal/workload -update`.
func TestTranslationsGolden(t *testing.T) {
	w := workload.S3Set()
	files := map[string][]byte{
		"s3set.cedar": workload.Cedar(w),
		"s3set.rego":  workload.Rego(w),
	}
	for _, p := range w.Policies {
		files["s3set-"+filepath.Base(p.ID)+".json"] = workload.IAMJSON(p)
	}
	for name, got := range files {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go test ./internal/workload -update and review the diff", path)
		}
	}
}

func TestAgrees(t *testing.T) {
	tests := []struct {
		want, got workload.Decision
		ok        bool
	}{
		{workload.Allow, workload.Allow, true},
		{workload.ImplicitDeny, workload.Deny, true},
		{workload.ExplicitDeny, workload.Deny, true},
		{workload.Allow, workload.Deny, false},
		{workload.ImplicitDeny, workload.ExplicitDeny, false},
		{workload.ExplicitDeny, workload.ImplicitDeny, false},
	}
	for _, tt := range tests {
		if got := workload.Agrees(tt.want, tt.got); got != tt.ok {
			t.Errorf("Agrees(%s, %s) = %v, want %v", tt.want, tt.got, got, tt.ok)
		}
	}
}

func TestScalingShape(t *testing.T) {
	for _, n := range workload.ScalingSizes {
		w := workload.Scaling(n)
		if got := w.Statements(); got != n {
			t.Errorf("Scaling(%d) has %d statements", n, got)
		}
	}
}
