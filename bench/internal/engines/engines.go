// Package engines adapts our policy engine and its peers (MinIO, cedar-go,
// OPA) to one interface, so that the benchmarks evaluate the same workload
// with each of them and check that they agree before timing anything.
package engines

import (
	"fmt"
	"strings"

	"github.com/astran-oss/astran-go/bench/internal/workload"
)

// Engine compiles a workload into something that answers its requests.
type Engine interface {
	// Name is the engine's short name, used in benchmark names.
	Name() string
	// Sources returns the policy texts the engine compiles for w.
	Sources(w *workload.Workload) [][]byte
	// CompilePolicies parses and compiles srcs (as returned by Sources for
	// w) into the engine's policy set, and nothing else: workload 4 times it.
	CompilePolicies(srcs [][]byte, w *workload.Workload) (any, error)
	// Compile compiles the engine's sources for w and translates w's
	// requests into the engine's native form, ready to evaluate.
	Compile(w *workload.Workload) (Prepared, error)
}

// Prepared is a compiled workload.
type Prepared interface {
	// Evaluator returns a function that evaluates prepared request i. Each
	// goroutine takes its own evaluator (its own result scratch space); the
	// compiled policy set is shared.
	Evaluator() func(i int) workload.Decision
	// Statements is the number of compiled units (statements, Cedar
	// policies, Rego rule bodies).
	Statements() int
}

// All returns every engine: ours first, then the peers.
func All() []Engine {
	return []Engine{Astran{}, MinIO{}, Cedar{}, OPA{}}
}

// Peers returns the peer engines.
func Peers() []Engine { return []Engine{MinIO{}, Cedar{}, OPA{}} }

// Check evaluates every request of w with p and returns an error describing
// each request whose decision does not agree with the workload's expectation.
func Check(e Engine, p Prepared, w *workload.Workload) error {
	eval := p.Evaluator()
	var bad []string
	for i, r := range w.Requests {
		if got := eval(i); !workload.Agrees(r.Want, got) {
			bad = append(bad, fmt.Sprintf("%s: %s %s: got %s, want %s", r.Name, r.Action, r.Resource, got, r.Want))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("engines: %s disagrees on workload %s:\n  %s", e.Name(), w.Name, strings.Join(bad, "\n  "))
	}
	return nil
}

// Prepare compiles w with e and checks agreement on every request.
func Prepare(e Engine, w *workload.Workload) (Prepared, error) {
	p, err := e.Compile(w)
	if err != nil {
		return nil, fmt.Errorf("engines: compiling %s with %s: %w", w.Name, e.Name(), err)
	}
	if err := Check(e, p, w); err != nil {
		return nil, err
	}
	return p, nil
}
