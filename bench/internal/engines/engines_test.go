package engines_test

import (
	"testing"

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
