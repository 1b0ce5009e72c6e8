package engines_test

import (
	"slices"
	"testing"

	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/policy"

	"github.com/astran-oss/astran-go/bench/internal/engines"
	"github.com/astran-oss/astran-go/bench/internal/workload"
)

func workloads() []*workload.Workload {
	ws := []*workload.Workload{workload.TutorialAdmin(), workload.TutorialNone(), workload.S3Set()}
	for _, n := range workload.ScalingSizes {
		ws = append(ws, workload.Scaling(n))
	}
	return ws
}

func TestPeersAgree(t *testing.T) {
	for _, e := range engines.Peers() {
		for _, w := range workloads() {
			t.Run(e.Name()+"/"+w.Name, func(t *testing.T) {
				if _, err := engines.Prepare(e, w); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// TestTutorialAdminIsBuiltin keeps the peers' copy of AstranAdmin equal to the
// built-in document our engine loads.
func TestTutorialAdminIsBuiltin(t *testing.T) {
	doc, ok := builtin.Document(builtin.AstranAdmin)
	if !ok {
		t.Fatal("no AstranAdmin built-in")
	}
	w := workload.TutorialAdmin()
	ir := w.Policies[0].Statements
	if len(doc.Statements) != len(ir) {
		t.Fatalf("built-in has %d statements, workload copy %d", len(doc.Statements), len(ir))
	}
	for i, st := range doc.Statements {
		got := ir[i]
		if st.Sid != got.Sid || (st.Effect == policy.EffectDeny) != got.Deny || !slices.Equal(st.Action, got.Actions) ||
			!slices.Equal(st.Resource, got.Resources) || len(st.NotAction) > 0 || len(st.NotResource) > 0 || len(st.Condition) > 0 {
			t.Errorf("statement %d: built-in %+v, workload copy %+v", i, st, got)
		}
	}
}
