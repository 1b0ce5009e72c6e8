package bench_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"testing"

	"github.com/astran-oss/astran-go/bench/internal/engines"
	"github.com/astran-oss/astran-go/bench/internal/workload"
)

// prepared caches compiled workloads across the repeated calls that the
// testing package makes to one benchmark function while it sizes b.N (OPA
// takes seconds to compile 10,000 rules). The agreement check still runs on
// every call.
var prepared = map[string]engines.Prepared{}

func prepare(tb testing.TB, e engines.Engine, w *workload.Workload) engines.Prepared {
	tb.Helper()
	key := e.Name() + "\x00" + w.Name
	p, ok := prepared[key]
	if !ok {
		var err error
		if p, err = engines.Prepare(e, w); err != nil {
			tb.Fatal(err)
		}
		prepared[key] = p
		return p
	}
	if err := engines.Check(e, p, w); err != nil {
		tb.Fatal(err)
	}
	return p
}

var sink workload.Decision

// benchEval times one evaluation per op, cycling through w's requests.
func benchEval(e engines.Engine, w *workload.Workload) func(*testing.B) {
	return func(b *testing.B) {
		p := prepare(b, e, w)
		eval := p.Evaluator()
		n := len(w.Requests)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			sink = eval(i % n)
		}
	}
}

func s3Subsets() []*workload.Workload {
	w := workload.S3Set()
	return []*workload.Workload{
		w.Subset("s3set-all", func(workload.Request) bool { return true }),
		w.Subset("s3set-novar", func(r workload.Request) bool { return !r.Vars }),
		w.Subset("s3set-var", func(r workload.Request) bool { return r.Vars }),
	}
}

// TestAgreement checks, for every workload, that our engine reaches the
// expected decision on every request and that every peer agrees.
func TestAgreement(t *testing.T) {
	ws := []*workload.Workload{workload.TutorialAdmin(), workload.TutorialNone(), workload.S3Set()}
	for _, n := range workload.ScalingSizes {
		ws = append(ws, workload.Scaling(n))
	}
	for _, w := range ws {
		for _, e := range engines.All() {
			t.Run(w.Name+"/"+e.Name(), func(t *testing.T) {
				if testing.Short() && e.Name() == "opa" && w.Statements() > 1000 {
					t.Skip("OPA compiles 10,000 rules slowly")
				}
				prepare(t, e, w)
			})
		}
	}
}

// BenchmarkTutorial is workload 1: the tutorial's user, whose group holds
// AstranAdmin (allow) or nothing (implicit deny).
func BenchmarkTutorial(b *testing.B) {
	for _, w := range []*workload.Workload{workload.TutorialAdmin(), workload.TutorialNone()} {
		for _, e := range engines.All() {
			b.Run("policy="+w.Name+"/engine="+e.Name(), benchEval(e, w))
		}
	}
}

// BenchmarkS3Set is workload 2: the realistic 20-statement S3 set over all of
// its requests, then split into requests that expand no policy variable and
// requests that expand one.
func BenchmarkS3Set(b *testing.B) {
	for _, w := range s3Subsets() {
		for _, e := range engines.All() {
			b.Run("requests="+w.Name[len("s3set-"):]+"/engine="+e.Name(), benchEval(e, w))
		}
	}
}

// BenchmarkScaling is workload 3: 10 to 10,000 statements over distinct
// actions and resources.
func BenchmarkScaling(b *testing.B) {
	for _, n := range workload.ScalingSizes {
		w := workload.Scaling(n)
		for _, e := range engines.All() {
			b.Run(fmt.Sprintf("statements=%d/engine=%s", n, e.Name()), benchEval(e, w))
		}
	}
}

// BenchmarkCompile is workload 4: parse and compile each engine's policy text
// (Engine.CompilePolicies: no request preparation). MB/s is the throughput
// over that text counted compact: JSON (IAM policies) without whitespace
// outside strings, the size IAM's document limit counts, though the text
// parsed is indented; Cedar and Rego as written. The size differs per engine
// (IAM JSON, Cedar, Rego), so stmts/s compares engines; heapB/stmt is the
// heap retained by one compiled set per statement, measured once after the
// loop.
func BenchmarkCompile(b *testing.B) {
	for _, w := range []*workload.Workload{workload.S3Set(), workload.Scaling(1000)} {
		name := w.Name
		if name != "s3set" {
			name = fmt.Sprintf("scaling%d", w.Statements())
		}
		for _, e := range engines.All() {
			b.Run("workload="+name+"/engine="+e.Name(), func(b *testing.B) {
				prepare(b, e, w) // the agreement check
				srcs := e.Sources(w)
				size := 0
				for _, s := range srcs {
					size += compactSize(s)
				}
				b.SetBytes(int64(size))
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if _, err := e.CompilePolicies(srcs, w); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				b.ReportMetric(float64(w.Statements())*float64(b.N)/b.Elapsed().Seconds(), "stmts/s")
				b.ReportMetric(retained(func() any { v, _ := e.CompilePolicies(srcs, w); return v })/float64(w.Statements()), "heapB/stmt")
			})
		}
	}
}

// compactSize returns the size of src without whitespace outside strings
// if src is JSON, else its length.
func compactSize(src []byte) int {
	var buf bytes.Buffer
	if json.Compact(&buf, src) != nil {
		return len(src)
	}
	return buf.Len()
}

// retained returns the live heap bytes held by one value that build returns,
// averaged over several values kept alive together. Two GCs before each
// reading also empty sync.Pools (MinIO uses them), whose release would
// otherwise show as negative growth.
func retained(build func() any) float64 {
	const copies = 8
	var before, after runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&before)
	vs := make([]any, copies)
	for i := range vs {
		vs[i] = build()
	}
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(vs)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / copies
}

// BenchmarkParallel is workload 5: the S3 set evaluated from all Ps at once
// (b.RunParallel), each goroutine with its own result scratch.
func BenchmarkParallel(b *testing.B) {
	w := workload.S3Set()
	for _, e := range engines.All() {
		b.Run("workload=s3set/engine="+e.Name(), func(b *testing.B) {
			p := prepare(b, e, w)
			n := len(w.Requests)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				eval := p.Evaluator()
				var d workload.Decision
				for i := 0; pb.Next(); i++ {
					d = eval(i % n)
				}
				_ = d
			})
		})
	}
}
