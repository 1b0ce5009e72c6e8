// Package bench holds side-by-side benchmarks of the astran-go policy engine
// against its peers (MinIO's policy package, cedar-go and OPA). It is its own
// module so that the library's go.mod never depends on the peers.
//
// The benchmarks live in bench_test.go; run.sh runs them and writes
// RESULTS.md and scaling.svg; see README.md.
package bench
