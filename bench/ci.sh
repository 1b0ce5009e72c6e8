#!/usr/bin/env bash
# ci.sh: the CI guard for bench/. Runs the agreement tests and every benchmark
# once (-benchtime=1x), so that the benchmarks keep compiling and every peer
# keeps agreeing with our engine. Timing runs are run.sh, not CI.
set -euo pipefail
cd "$(dirname "$0")"
go vet ./...
go test -count=1 -run . -bench . -benchtime=1x ./...
