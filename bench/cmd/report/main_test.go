package main

import (
	"strings"
	"testing"
)

const sampleOutput = `goos: linux
goarch: amd64
pkg: github.com/astran-oss/astran-go/bench
cpu: Test CPU
BenchmarkScaling/statements=10/engine=astran-2     	1000	       100.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkScaling/statements=10/engine=astran-2     	1000	       120.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkScaling/statements=10/engine=astran-2     	1000	       900.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkScaling/statements=10/engine=minio-2      	1000	      1000 ns/op	       0 B/op	       0 allocs/op
BenchmarkScaling/statements=10000/engine=astran-2  	1000	       500.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkScaling/statements=10000/engine=minio-2   	1000	    100000 ns/op	       0 B/op	       0 allocs/op
BenchmarkCompile/workload=s3set/engine=astran-2    	10	    100000 ns/op	  60.00 MB/s	  100.0 heapB/stmt	  200000 stmts/s	  1000 B/op	  10 allocs/op
PASS
`

func TestParse(t *testing.T) {
	res, err := parse(strings.NewReader(sampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(res.order, ","), "Scaling/statements=10,Scaling/statements=10000,Compile/workload=s3set"; got != want {
		t.Errorf("rows = %s, want %s", got, want)
	}
	if res.count != 3 {
		t.Errorf("count = %d, want 3", res.count)
	}
	if v, _ := res.get("Scaling/statements=10", "astran", "ns/op"); v != 120 {
		t.Errorf("median ns/op = %v, want 120", v)
	}
	if v, _ := res.get("Compile/workload=s3set", "astran", "MB/s"); v != 60 {
		t.Errorf("MB/s = %v, want 60", v)
	}
	if res.header["cpu"] != "Test CPU" {
		t.Errorf("cpu = %q", res.header["cpu"])
	}
}

func TestTargets(t *testing.T) {
	res, err := parse(strings.NewReader(sampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	got := targets(res)
	for _, want := range []string{
		"| ≥ 5× faster than minio on workloads 1–3 | lowest 8.3× (Scaling/statements=10) | **met** |",
		"500 ns vs 120 ns: 4.2× | **met** |",
		"Compile/workload=s3set: 60.0 MB/s | **met** |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("targets table lacks %q:\n%s", want, got)
		}
	}
}

func TestChart(t *testing.T) {
	res, err := parse(strings.NewReader(sampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	svg := chart(res)
	for _, want := range []string{"<svg", "</svg>", "<polyline", ">astran<", ">minio<", ">10,000<", ">100 ns<"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
}

func TestFmtDecade(t *testing.T) {
	for e, want := range map[float64]string{1: "10 ns", 3: "1 µs", 5: "100 µs", 7: "10 ms", 9: "1 s"} {
		if got := fmtDecade(e); got != want {
			t.Errorf("fmtDecade(%v) = %q, want %q", e, got, want)
		}
	}
}

func TestLoadNote(t *testing.T) {
	got := loadNote("start 3.50 6.99 5.59 2/300 123\nend 1.00 2.00 3.00 1/200 456\n")
	if want := "3.50/6.99/5.59 at the start, 1.00/2.00/3.00 at the end"; got != want {
		t.Errorf("loadNote = %q, want %q", got, want)
	}
}
