#!/usr/bin/env bash
# Builds Posture's libFuzzer targets (clang++, AddressSanitizer and
# UndefinedBehaviorSanitizer, a build of their own in build-fuzz/, or the
# build FUZZ_BUILD_DIR names when that one is already configured with
# -DPOSTURE_FUZZ=ON, as CI's sanitizer build is) and runs each for N seconds
# (default 60), starting from its committed seed corpus in
# tests/fuzz/corpus/<target>/. Inputs that reach new code are kept in
# build-fuzz/corpus/<target>/ for the next run. A crash, a leak, undefined
# behaviour or a broken invariant stops that target with its input saved in
# build-fuzz/artifacts/; the script then exits non-zero after printing how to
# replay it. Usage: scripts/fuzz.sh [SECONDS] (FUZZ_TARGETS="query import" to
# choose targets).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=${FUZZ_BUILD_DIR:-build-fuzz}
targets=${FUZZ_TARGETS:-"query import arm_response"}

./scripts/install-deps.sh
# A build that already has the fuzzers keeps its own configuration (CI builds
# them inside its sanitizer build instead of a third build).
if ! grep -qx 'POSTURE_FUZZ:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
  cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPOSTURE_FUZZ=ON -DPOSTURE_BENCHMARKS=OFF >/dev/null
fi
cmake --build "$build" -j"${JOBS:-2}" --target fuzzers

mkdir -p "$build/artifacts" "$build/logs"
failed=()
for target in $targets; do
  extra=()
  case $target in
    query) extra=(-max_len=4096 -dict=tests/fuzz/query.dict) ;;
    *) extra=(-max_len=16384) ;;
  esac
  mkdir -p "$build/corpus/$target"
  log="$build/logs/$target.log"
  status=0
  "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/artifacts/$target-" "${extra[@]}" \
    "$build/corpus/$target" "tests/fuzz/corpus/$target" >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  printf 'fuzz_%-13s %4ss  %9s runs  %6s exec/s  %s  corpus %s files\n' "$target" "$seconds" \
    "${runs:-?}" "${rate:-?}" "${cov:-cov: ?}" "$(ls "$build/corpus/$target" | wc -l)"
  if [ "$status" -ne 0 ]; then
    failed+=("$target")
    echo "fuzz_$target FAILED (exit $status); the end of $log:" >&2
    grep -v '^#' "$log" | tail -40 >&2
    echo "replay: $build/tests/fuzz/fuzz_$target $(ls -t "$build"/artifacts/"$target"-* 2>/dev/null | head -1)" >&2
  fi
done
[ ${#failed[@]} -eq 0 ] || { echo "fuzzing found problems in: ${failed[*]}" >&2; exit 1; }
