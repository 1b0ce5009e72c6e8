#!/usr/bin/env bash
# fuzz_test.sh: tests of fuzz.sh's verdicts on recorded fuzz logs
# (testdata/fuzz-*.log) and of its retry, with a stand-in for "go test".
# .ci/run runs it before the fuzz smoke runs; it needs nothing but bash.
set -euo pipefail
cd "$(dirname "$0")"
. ./fuzz.sh

failures=0
check() { # check NAME GOT WANT
  if [ "$2" != "$3" ]; then
    echo "FAIL $1: got $2, want $3"; failures=$((failures + 1))
  else
    echo "ok   $1"
  fi
}

# fuzz_classify on recorded logs.
check "pass"                                 "$(fuzz_classify 0 testdata/fuzz-pass.log '')" pass
check "crasher written"                      "$(fuzz_classify 1 testdata/fuzz-crasher.log 'x/testdata/fuzz/FuzzCrash/81476e3145e0ed8c')" crasher
check "crasher even if the exit status is 0" "$(fuzz_classify 0 testdata/fuzz-pass.log 'x/testdata/fuzz/FuzzOK/1')" crasher
check "failing input but no new file"        "$(fuzz_classify 1 testdata/fuzz-crasher.log '')" failure
check "seed corpus failure"                  "$(fuzz_classify 1 testdata/fuzz-seed-failure.log '')" failure
check "build failure"                        "$(fuzz_classify 1 testdata/fuzz-build-failure.log '')" failure
check "coordinator race"                     "$(fuzz_classify 1 testdata/fuzz-deadline.log '')" deadline
check "deadline in a test's own message"     "$(fuzz_classify 1 testdata/fuzz-seed-deadline.log '')" failure
check "coordinator race plus a crasher"      "$(fuzz_classify 1 testdata/fuzz-deadline.log 'x/testdata/fuzz/FuzzParseRequest/1')" crasher
check "non-zero exit with an empty log"      "$(fuzz_classify 1 /dev/null '')" failure

# fuzz_target with "go" replaced by a function that replays one recorded
# log per call (and writes a crasher file for the crasher log). fuzz_target
# calls it in a subshell, so the logs still to replay are kept in a file.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go() {
  local next
  next=$(head -n 1 "$work/replay")
  sed -i 1d "$work/replay"
  cat "testdata/fuzz-$next.log"
  case "$next" in
    pass) return 0 ;;
    crasher) mkdir -p "$work/testdata/fuzz/FuzzX" && echo 'go test fuzz v1' > "$work/testdata/fuzz/FuzzX/81476e3145e0ed8c" ;;
  esac
  return 1
}
run_target() { # run_target LOG... : the status and verdict of fuzz_target
  printf '%s\n' "$@" > "$work/replay"
  rm -rf "$work/testdata"
  mkdir -p "$work/testdata/fuzz/FuzzX" && echo seed > "$work/testdata/fuzz/FuzzX/committed-seed"
  local out status=0
  out=$(fuzz_target "$work" FuzzX 5s) || status=$?
  echo "$status $(echo "$out" | tail -n 1 | cut -d' ' -f1) $(wc -l < "$work/replay")"
}
check "target: pass"                      "$(run_target pass)" "0 ok 0"
check "target: race, then pass"           "$(run_target deadline pass)" "0 ok 0"
check "target: race twice is not a failure" "$(run_target deadline deadline)" "0 ok 0"
check "target: race, then a crasher"      "$(run_target deadline crasher)" "1 FAIL 0"
check "target: crasher"                   "$(run_target crasher)" "1 FAIL 0"
check "target: seed failure, no retry"    "$(run_target seed-failure deadline)" "1 FAIL 1"
check "target: crasher verdict names it"  "$(echo crasher > "$work/replay"; rm -rf "$work/testdata"; fuzz_target "$work" FuzzX 5s | tail -n 1 | grep -o CRASHER)" CRASHER
check "target: failure verdict names it"  "$(echo seed-failure > "$work/replay"; fuzz_target "$work" FuzzX 5s | tail -n 1 | grep -o 'TEST FAILURE')" "TEST FAILURE"

if [ "$failures" -gt 0 ]; then
  echo "fuzz_test.sh: $failures failed"; exit 1
fi
echo "fuzz_test.sh: all passed"
