#!/usr/bin/env bash
# fuzz.sh: the fuzz smoke runs of .ci/run, sourced by it (and by fuzz_test.sh).
#
# A fuzz run fails CI only for a real finding, and says which:
#   crasher  a new file under the target's testdata/fuzz directory (go test
#            writes one for every input that fails while fuzzing);
#   failure  any other non-zero exit: a seed corpus entry failing, a build
#            failure, a panic before fuzzing started.
# A run whose only complaint is the fuzz coordinator's own
# "context deadline exceeded" at the -fuzztime boundary, with no crasher
# written, is Go's known coordinator race (go.dev/issue/75804, fixed in Go
# 1.27), not a finding: it is retried once and, if it happens again, reported
# without failing CI.

# fuzz_classify STATUS LOG NEWFILES prints pass, crasher, failure or deadline
# for a run that exited with STATUS, printed LOG (a file) and left NEWFILES
# (newline-separated, possibly empty) under testdata/fuzz.
fuzz_classify() {
  local status=$1 log=$2 newfiles=$3
  if [ -n "$newfiles" ]; then
    echo crasher; return
  fi
  if [ "$status" -eq 0 ]; then
    echo pass; return
  fi
  # The race looks like exactly one "--- FAIL: FuzzX (…)" line followed by
  # the coordinator's bare error, and nothing else gone wrong.
  if awk '
      /^--- FAIL: / { fails++; if (getline next_line > 0 && next_line == "    context deadline exceeded") deadline++; next }
      /--- FAIL: |Failing input written to|^panic: |\[build failed\]|failure while testing seed corpus/ { other++ }
      END { exit !(fails == 1 && deadline == 1 && other == 0) }' "$log"; then
    echo deadline; return
  fi
  echo failure
}

# fuzz_files DIR TARGET lists the files of DIR/testdata/fuzz/TARGET, sorted.
fuzz_files() {
  local corpus="$1/testdata/fuzz/$2"
  if [ -d "$corpus" ]; then
    find "$corpus" -type f | LC_ALL=C sort
  fi
}

# fuzz_once DIR TARGET FUZZTIME LOG runs one fuzz smoke run, writing its
# output to LOG, and prints its class.
fuzz_once() {
  local dir=$1 target=$2 fuzztime=$3 log=$4 before after status=0
  before=$(fuzz_files "$dir" "$target")
  go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$dir" > "$log" 2>&1 < /dev/null || status=$?
  after=$(fuzz_files "$dir" "$target")
  fuzz_classify "$status" "$log" "$(LC_ALL=C comm -13 <(echo "$before") <(echo "$after") | sed '/^$/d')"
}

# fuzz_target DIR TARGET FUZZTIME runs a target's smoke run, retrying once
# after the coordinator race. It prints one verdict line (the log too when
# it fails) and returns 1 only for a crasher or a test failure.
fuzz_target() {
  local dir=$1 target=$2 fuzztime=$3 log class
  log=$(mktemp)
  class=$(fuzz_once "$dir" "$target" "$fuzztime" "$log")
  if [ "$class" = deadline ]; then
    echo "   $dir $target: context deadline exceeded with no crasher (Go's fuzz-coordinator race): retrying once"
    class=$(fuzz_once "$dir" "$target" "$fuzztime" "$log")
  fi
  case "$class" in
    pass)
      echo "ok $dir $target: $(grep '^fuzz: elapsed' "$log" | tail -n 1)" ;;
    deadline)
      echo "ok $dir $target: context deadline exceeded again with no crasher: Go's fuzz-coordinator race (go.dev/issue/75804), not a failure" ;;
    crasher)
      cat "$log"
      echo "FAIL $dir $target: CRASHER: a failing input was written under $dir/testdata/fuzz/$target (see above; commit it with the fix)" ;;
    *)
      cat "$log"
      echo "FAIL $dir $target: TEST FAILURE with no crasher written (seed corpus, build or panic; see above)" ;;
  esac
  rm -f "$log"
  case "$class" in pass | deadline) return 0 ;; esac
  return 1
}
