#!/usr/bin/env bash
# run.sh: the documented timing run of the bench/ module (not part of CI).
#
# Checks that every engine agrees on every input, runs every benchmark with
# -benchmem and -count repetitions, summarises them with benchstat (pinned),
# and writes RESULTS.md and scaling.svg with cmd/report.
#
#   COUNT=5 BENCHTIME=300ms ./run.sh      # defaults; about 6-8 minutes on 2 cores
#   BENCH='S3Set|Scaling' COUNT=3 ./run.sh
set -euo pipefail
cd "$(dirname "$0")"

COUNT=${COUNT:-5}
BENCHTIME=${BENCHTIME:-300ms}
BENCH=${BENCH:-.}
BENCHSTAT=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

mkdir -p results
echo "== agreement checks" >&2
go test -count=1 -run . ./...
echo "== benchmarks: -count=$COUNT -benchtime=$BENCHTIME -bench '$BENCH'" >&2
go test -run '^$' -bench "$BENCH" -benchmem -count "$COUNT" -benchtime "$BENCHTIME" -timeout 60m . | tee results/bench.txt
echo "== benchstat" >&2
go run "$BENCHSTAT" -col /engine results/bench.txt > results/benchstat.txt
echo "== report" >&2
go run ./cmd/report -in results/bench.txt -benchstat results/benchstat.txt -md RESULTS.md -svg scaling.svg -readme README.md
echo "wrote RESULTS.md, scaling.svg, README.md (results section), results/bench.txt, results/benchstat.txt" >&2
