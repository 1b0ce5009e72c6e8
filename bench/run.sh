#!/usr/bin/env bash
# run.sh: the documented timing run of the bench/ module (not part of CI).
#
# Checks that every engine agrees on every input, runs every benchmark with
# -benchmem COUNT times, summarises the results with benchstat (pinned), and
# writes RESULTS.md, scaling.svg and README.md's results section with
# cmd/report.
#
# The COUNT repetitions are COUNT passes over all benchmarks (-count=1 each)
# rather than one -count=COUNT run: on a shared machine a burst of load then
# spreads over every benchmark instead of hitting all repetitions of one.
#
#   ./run.sh                                 # COUNT=6 passes, BENCHTIME=300ms: about 5-8 minutes on 2 cores
#   COUNT=3 BENCH='S3Set|Scaling' ./run.sh
set -euo pipefail
cd "$(dirname "$0")"

COUNT=${COUNT:-6}
BENCHTIME=${BENCHTIME:-300ms}
BENCH=${BENCH:-.}
BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

mkdir -p results
echo "== agreement checks" >&2
go test -count=1 -run . ./...
echo "== benchmarks: $COUNT passes, -benchtime=$BENCHTIME -bench '$BENCH'" >&2
go test -c -o results/bench.test .
echo "start $(cat /proc/loadavg)" > results/loadavg.txt
: > results/bench.txt
for pass in $(seq 1 "$COUNT"); do
	echo "== pass $pass/$COUNT" >&2
	./results/bench.test -test.run '^$' -test.bench "$BENCH" -test.benchmem -test.count 1 \
		-test.benchtime "$BENCHTIME" -test.timeout 60m | tee -a results/bench.txt
done
echo "end $(cat /proc/loadavg)" >> results/loadavg.txt
rm -f results/bench.test
echo "== benchstat" >&2
go run "$BENCHSTAT" -col /engine results/bench.txt > results/benchstat.txt
echo "== report" >&2
go run ./cmd/report -in results/bench.txt -benchstat results/benchstat.txt -loadavg results/loadavg.txt \
	-md RESULTS.md -svg scaling.svg -readme README.md
echo "wrote RESULTS.md, scaling.svg, README.md (results section), results/" >&2
