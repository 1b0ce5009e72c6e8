// Command report turns the output of the bench/ benchmarks (go test -bench,
// several -count repetitions) into bench/RESULTS.md (medians of ns/op, B/op,
// allocs/op, ratios to each peer, the targets of issue 7 checked) and
// bench/scaling.svg (workload 3, log-log, one line per engine).
//
// Usage:
//
//	go run ./cmd/report -in results/bench.txt -benchstat results/benchstat.txt -md RESULTS.md -svg scaling.svg
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	in := flag.String("in", "results/bench.txt", "raw go test -bench output")
	bstat := flag.String("benchstat", "", "benchstat output to embed (optional)")
	md := flag.String("md", "RESULTS.md", "Markdown report to write")
	svg := flag.String("svg", "scaling.svg", "SVG chart to write")
	loadavg := flag.String("loadavg", "", "file with the load averages at the start and end of the run (optional)")
	readme := flag.String("readme", "", "README whose results section (between markers) to refresh (optional)")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("report: ")

	f, err := os.Open(*in)
	if err != nil {
		log.Fatal(err)
	}
	res, err := parse(f)
	f.Close()
	if err != nil {
		log.Fatal(err)
	}
	if len(res.rows) == 0 {
		log.Fatalf("no benchmark results in %s", *in)
	}
	var stat string
	if *bstat != "" {
		b, err := os.ReadFile(*bstat)
		if err != nil {
			log.Fatal(err)
		}
		stat = string(b)
	}
	mach := machine(res)
	if *loadavg != "" {
		b, err := os.ReadFile(*loadavg)
		if err != nil {
			log.Fatal(err)
		}
		mach += "; load average (1/5/15 min) " + loadNote(string(b))
	}
	if err := os.WriteFile(*md, []byte(markdown(res, mach, stat)), 0o644); err != nil {
		log.Fatal(err)
	}
	if *readme != "" {
		if err := refreshReadme(*readme, summary(res, mach)); err != nil {
			log.Fatal(err)
		}
	}
	if err := os.WriteFile(*svg, []byte(chart(res)), 0o644); err != nil {
		log.Fatal(err)
	}
}

// sample is every measurement of one benchmark, by unit.
type sample map[string][]float64

// results holds the parsed benchmarks: rows[group/case][engine].
type results struct {
	header map[string]string // goos, goarch, cpu, pkg
	order  []string          // row keys in first-seen order
	rows   map[string]map[string]sample
	count  int
}

// parse reads go test -bench output. A benchmark named
// BenchmarkGroup/case/engine=name-P becomes row "Group/case", column "name".
func parse(r io.Reader) (*results, error) {
	res := &results{header: map[string]string{}, rows: map[string]map[string]sample{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		for _, h := range []string{"goos", "goarch", "cpu", "pkg"} {
			if v, ok := strings.CutPrefix(line, h+": "); ok {
				res.header[h] = v
			}
		}
		if !strings.HasPrefix(line, "Benchmark") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 4 || len(fields)%2 != 0 {
			continue
		}
		name := fields[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		name = strings.TrimPrefix(name, "Benchmark")
		i := strings.LastIndex(name, "/engine=")
		if i < 0 {
			continue
		}
		row, engine := name[:i], name[i+len("/engine="):]
		if res.rows[row] == nil {
			res.rows[row] = map[string]sample{}
			res.order = append(res.order, row)
		}
		s := res.rows[row][engine]
		if s == nil {
			s = sample{}
			res.rows[row][engine] = s
		}
		for j := 2; j+1 < len(fields); j += 2 {
			v, err := strconv.ParseFloat(fields[j], 64)
			if err != nil {
				return nil, fmt.Errorf("parsing %q: %w", line, err)
			}
			s[fields[j+1]] = append(s[fields[j+1]], v)
		}
		res.count = max(res.count, len(s["ns/op"]))
	}
	return res, sc.Err()
}

// median returns the median of the unit's values, and false if there is none.
func (s sample) median(unit string) (float64, bool) {
	v := slices.Clone(s[unit])
	if len(v) == 0 {
		return 0, false
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2], true
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2, true
}

func (res *results) get(row, engine, unit string) (float64, bool) {
	s := res.rows[row][engine]
	if s == nil {
		return 0, false
	}
	return s.median(unit)
}

var peers = []string{"minio", "cedar", "opa"}

const us = "astran"

func machine(res *results) string {
	goarch := runtime.GOARCH
	if out, err := exec.Command("go", "env", "GOARCH").Output(); err == nil {
		goarch = strings.TrimSpace(string(out))
	}
	goversion := runtime.Version()
	if out, err := exec.Command("go", "env", "GOVERSION").Output(); err == nil {
		goversion = strings.TrimSpace(string(out))
	}
	cpu := ""
	cores := 0
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cores++
				if cpu == "" {
					cpu = strings.TrimSpace(v)
				}
			}
		}
	}
	if cpu == "" {
		cpu = res.header["cpu"] // as go test printed it
	}
	return fmt.Sprintf("%s, %d logical CPUs, GOARCH=%s, %s, %s", cpu, cores, goarch, goversion,
		time.Now().UTC().Format("2006-01-02 15:04 UTC"))
}

func fmtNs(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2f ms", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.1f µs", v/1e3)
	case v >= 100:
		return fmt.Sprintf("%.0f ns", v)
	}
	return fmt.Sprintf("%.1f ns", v)
}

func fmtNum(v float64) string {
	if v == float64(int64(v)) {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func evalRows(res *results) []string {
	var rows []string
	for _, r := range res.order {
		if strings.HasPrefix(r, "Tutorial/") || strings.HasPrefix(r, "S3Set/") || strings.HasPrefix(r, "Scaling/") {
			rows = append(rows, r)
		}
	}
	return rows
}

func markdown(res *results, mach, stat string) string {
	var b strings.Builder
	b.WriteString("# Benchmark results\n\n")
	b.WriteString("Generated by `bench/run.sh` (`go run ./cmd/report`); do not edit by hand.\n\n")
	fmt.Fprintf(&b, "Machine: %s. Medians of %d passes over all benchmarks; ratios are peer time ÷ astran time, measured in the same run.\n\n", mach, res.count)

	b.WriteString("## Evaluation (workloads 1–3), time per decision\n\n")
	b.WriteString("| benchmark | astran | minio | cedar | opa |\n|---|---:|---:|---:|---:|\n")
	for _, r := range evalRows(res) {
		fmt.Fprintf(&b, "| %s |", r)
		base, ok := res.get(r, us, "ns/op")
		if ok {
			fmt.Fprintf(&b, " %s |", fmtNs(base))
		} else {
			b.WriteString(" – |")
		}
		for _, p := range peers {
			v, pok := res.get(r, p, "ns/op")
			switch {
			case !pok:
				b.WriteString(" – |")
			case ok && base > 0:
				fmt.Fprintf(&b, " %s (%.1f×) |", fmtNs(v), v/base)
			default:
				fmt.Fprintf(&b, " %s |", fmtNs(v))
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\n## Evaluation memory: B/op and allocs/op\n\n")
	b.WriteString("| benchmark | astran | minio | cedar | opa |\n|---|---:|---:|---:|---:|\n")
	for _, r := range append(evalRows(res), rowsWithPrefix(res, "Parallel/")...) {
		fmt.Fprintf(&b, "| %s |", r)
		for _, e := range append([]string{us}, peers...) {
			by, ok1 := res.get(r, e, "B/op")
			al, ok2 := res.get(r, e, "allocs/op")
			if !ok1 || !ok2 {
				b.WriteString(" – |")
				continue
			}
			fmt.Fprintf(&b, " %s B, %s allocs |", fmtNum(by), fmtNum(al))
		}
		b.WriteString("\n")
	}

	if rows := rowsWithPrefix(res, "Parallel/"); len(rows) > 0 {
		b.WriteString("\n## Concurrent evaluation (workload 5, `b.RunParallel`)\n\n")
		b.WriteString("Time per decision with all Ps evaluating at once (wall time ÷ total decisions), " +
			"and its speed-up over one goroutine evaluating the same request mix.\n\n")
		b.WriteString("| benchmark | astran | minio | cedar | opa |\n|---|---:|---:|---:|---:|\n")
		for _, r := range rows {
			writeRatioRow(&b, res, r, "ns/op", fmtNs)
			b.WriteString("| speed-up over S3Set/requests=all on one goroutine |")
			for _, e := range append([]string{us}, peers...) {
				one, ok1 := res.get("S3Set/requests=all", e, "ns/op")
				par, ok2 := res.get(r, e, "ns/op")
				if !ok1 || !ok2 || par == 0 {
					b.WriteString(" – |")
					continue
				}
				fmt.Fprintf(&b, " %.2f× |", one/par)
			}
			b.WriteString("\n")
		}
	}

	if rows := rowsWithPrefix(res, "Compile/"); len(rows) > 0 {
		writeCompile(&b, res, rows)
	}
	b.WriteString("\n## Scaling (workload 3)\n\n![ns/op against statement count, log-log](scaling.svg)\n\n")
	b.WriteString("## Targets (issue 7)\n\n")
	b.WriteString(targets(res))
	if stat != "" {
		b.WriteString("\n## benchstat\n\n`benchstat -col /engine` over the same raw results (`results/bench.txt`), " +
			"astran as the base column:\n\n<details><summary>benchstat output</summary>\n\n```\n")
		b.WriteString(strings.TrimRight(stat, "\n"))
		b.WriteString("\n```\n\n</details>\n")
	}
	return b.String()
}

func rowsWithPrefix(res *results, prefix string) []string {
	var rows []string
	for _, r := range res.order {
		if strings.HasPrefix(r, prefix) {
			rows = append(rows, r)
		}
	}
	return rows
}

func writeRatioRow(b *strings.Builder, res *results, r, unit string, f func(float64) string) {
	fmt.Fprintf(b, "| %s |", r)
	base, ok := res.get(r, us, unit)
	if ok {
		fmt.Fprintf(b, " %s |", f(base))
	} else {
		b.WriteString(" – |")
	}
	for _, p := range peers {
		v, pok := res.get(r, p, unit)
		switch {
		case !pok:
			b.WriteString(" – |")
		case ok && base > 0:
			fmt.Fprintf(b, " %s (%.1f×) |", f(v), v/base)
		default:
			fmt.Fprintf(b, " %s |", f(v))
		}
	}
	b.WriteString("\n")
}

func verdict(ok bool) string {
	if ok {
		return "**met**"
	}
	return "**missed**"
}

func targets(res *results) string {
	var b strings.Builder
	b.WriteString("| target | measured | verdict |\n|---|---|---|\n")
	for _, t := range []struct {
		peer string
		min  float64
	}{{"minio", 5}, {"cedar", 10}} {
		worst, worstRow := 0.0, ""
		var misses []string
		for _, r := range evalRows(res) {
			base, ok1 := res.get(r, us, "ns/op")
			v, ok2 := res.get(r, t.peer, "ns/op")
			if !ok1 || !ok2 || base == 0 {
				continue
			}
			ratio := v / base
			if worstRow == "" || ratio < worst {
				worst, worstRow = ratio, r
			}
			if ratio < t.min {
				misses = append(misses, fmt.Sprintf("%s %.1f×", r, ratio))
			}
		}
		m := fmt.Sprintf("lowest %.1f× (%s)", worst, worstRow)
		if len(misses) > 0 {
			m += "; below target: " + strings.Join(misses, ", ")
		}
		fmt.Fprintf(&b, "| ≥ %.0f× faster than %s on workloads 1–3 | %s | %s |\n", t.min, t.peer, m, verdict(worstRow != "" && len(misses) == 0))
	}
	// Allocations.
	var noVar, withVar []string
	okNo, okVar := true, true
	for _, r := range evalRows(res) {
		al, ok := res.get(r, us, "allocs/op")
		if !ok {
			continue
		}
		if r == "S3Set/requests=all" {
			continue // mixes both kinds; counted by its parts
		}
		if r == "S3Set/requests=var" {
			withVar = append(withVar, fmt.Sprintf("%s: %s", r, fmtNum(al)))
			okVar = okVar && al <= 1
			continue
		}
		noVar = append(noVar, fmtNum(al))
		okNo = okNo && al == 0
	}
	fmt.Fprintf(&b, "| 0 allocs/eval without variables | %s allocs/op over %d benchmarks | %s |\n", strings.Join(uniq(noVar), ", "), len(noVar), verdict(okNo && len(noVar) > 0))
	fmt.Fprintf(&b, "| ≤ 1 alloc/eval with variables | %s allocs/op | %s |\n", strings.Join(withVar, "; "), verdict(okVar && len(withVar) > 0))
	// Scaling.
	small, ok1 := res.get("Scaling/statements=10", us, "ns/op")
	big, ok2 := res.get("Scaling/statements=10000", us, "ns/op")
	if ok1 && ok2 {
		fmt.Fprintf(&b, "| 10,000 statements < 10× the 10-statement time | %s vs %s: %.1f× | %s |\n", fmtNs(big), fmtNs(small), big/small, verdict(big/small < 10))
	}
	// Compile.
	var rates []string
	okC := true
	for _, r := range rowsWithPrefix(res, "Compile/") {
		if v, ok := res.get(r, us, "MB/s"); ok {
			rates = append(rates, fmt.Sprintf("%s: %.1f MB/s", r, v))
			okC = okC && v >= 50
		}
	}
	if len(rates) == 0 {
		b.WriteString("| compile ≥ 50 MB/s of compact policy JSON | – | not measured |\n")
	} else {
		fmt.Fprintf(&b, "| compile ≥ 50 MB/s of compact policy JSON | %s | %s |\n", strings.Join(rates, "; "), verdict(okC))
	}
	return b.String()
}

func uniq(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

func writeCompile(b *strings.Builder, res *results, rows []string) {
	b.WriteString("\n## Parse + compile (workload 4)\n\n")
	b.WriteString("Throughput over each engine's own policy text (IAM JSON for astran and minio, Cedar, Rego), " +
		"statements compiled per second, and heap retained per compiled statement (heapB/stmt).\n\n")
	b.WriteString("| benchmark | engine | time/op | MB/s | stmts/s | heapB/stmt | B/op | allocs/op |\n|---|---|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		for _, e := range append([]string{us}, peers...) {
			s := res.rows[r][e]
			if s == nil {
				continue
			}
			ns, _ := s.median("ns/op")
			mbs, _ := s.median("MB/s")
			sps, _ := s.median("stmts/s")
			hb, _ := s.median("heapB/stmt")
			by, _ := s.median("B/op")
			al, _ := s.median("allocs/op")
			fmt.Fprintf(b, "| %s | %s | %s | %.1f | %.0f | %.0f | %s | %s |\n", r, e, fmtNs(ns), mbs, sps, hb, fmtNum(by), fmtNum(al))
		}
	}

}

// Markers delimiting the generated section of README.md.
const (
	beginMarker = "<!-- results:begin (generated by cmd/report) -->"
	endMarker   = "<!-- results:end -->"
)

// summary is the README's results section: machine, headline table, targets.
func summary(res *results, mach string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured on %s; medians of %d passes. Full tables: [RESULTS.md](RESULTS.md).\n\n", mach, res.count)
	b.WriteString("| benchmark | astran | minio | cedar | opa |\n|---|---:|---:|---:|---:|\n")
	for _, r := range append(evalRows(res), rowsWithPrefix(res, "Parallel/")...) {
		writeRatioRow(&b, res, r, "ns/op", fmtNs)
	}
	b.WriteString("\n![Workload 3: ns/op against statement count, log-log](scaling.svg)\n\n")
	b.WriteString(targets(res))
	return b.String()
}

// refreshReadme replaces the text between the markers in path with section.
func refreshReadme(path, section string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(b)
	i, j := strings.Index(s, beginMarker), strings.Index(s, endMarker)
	if i < 0 || j < i {
		return fmt.Errorf("%s: results markers not found", path)
	}
	s = s[:i+len(beginMarker)] + "\n" + section + s[j:]
	return os.WriteFile(path, []byte(s), 0o644)
}

// loadNote turns run.sh's "start a b c …" / "end a b c …" lines into
// "a/b/c at the start, … at the end".
func loadNote(s string) string {
	var parts []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		f := strings.Fields(l)
		if len(f) >= 4 {
			parts = append(parts, fmt.Sprintf("%s/%s/%s at the %s", f[1], f[2], f[3], f[0]))
		}
	}
	return strings.Join(parts, ", ")
}
