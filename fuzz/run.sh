#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS against its seed corpus and prints, per target, the
# executions and the crashes found (a crash, leak, timeout or out-of-memory input is saved to
# OUT/artifacts/<target>-…; replay one with `build/fuzz/fuzz/fuzz_<target> <file>`).
#   fuzz/run.sh BUILD_FUZZ_DIR SECONDS TARGET…
# New inputs the fuzzer finds go to BUILD_FUZZ_DIR/corpus/<target> (the seeds in the repo stay
# as they are). Exit status 1 when any target crashed.
set -u
dir=$1 seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
out=$dir/run
mkdir -p "$out/artifacts"
summary=()
failed=0
for t in "$@"; do
  bin=$dir/fuzz/fuzz_$t
  work=$dir/corpus/$t
  mkdir -p "$work"
  log=$out/$t.log
  rm -f "$out/artifacts/$t-"*
  echo "== $t: ${seconds}s" >&2
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/$t-" "$work" "$here/corpus/$t" >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  crashes=$(ls "$out/artifacts" 2>/dev/null | grep -c "^$t-")
  [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ] && crashes=1
  [ "$crashes" -ne 0 ] && failed=1
  summary+=("$(printf '%-16s %12s executions %3s crashes' "$t" "${execs:-?}" "$crashes")")
done
echo
echo "fuzzing, ${seconds}s per target:"
printf '  %s\n' "${summary[@]}"
[ "$failed" -eq 0 ] || echo "crash inputs: $out/artifacts (logs: $out/<target>.log)"
exit $failed
