#!/usr/bin/env bash
# Runs the libFuzzer targets of a GAUNTLET_FUZZ build (make fuzz) for SECONDS each, PARALLEL at a
# time, each from its seed corpus (fuzz/corpus/<name>) and past crashes (fuzz/crashes/<name>), with
# a 10 s per-input timeout and a 2 GiB memory limit. New corpus entries and any crash, timeout or
# out-of-memory input go under BUILD/fuzz-work/<name>/; copy a crash into fuzz/crashes/<name>/ once
# fixed so `make test` replays it. Prints one line per target (executions, coverage, findings) and
# fails when any target found something.
# Usage: scripts/run_fuzzers.sh BUILD SECONDS [PARALLEL] [TARGET...]
set -uo pipefail
build=${1:?build directory}; seconds=${2:?seconds per target}; parallel=${3:-1}
shift $(( $# < 3 ? $# : 3 ))
root=$(cd "$(dirname "$0")/.." && pwd)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for bin in "$build"/fuzz/fuzz_*; do targets+=("${bin##*/fuzz_}"); done
fi

run_one() {
  local name=$1 work="$build/fuzz-work/$1"
  mkdir -p "$work/corpus" "$work/artifacts"
  # libFuzzer refuses a corpus directory that does not exist; a target may have no past crashes.
  local dirs=("$work/corpus" "$root/fuzz/corpus/$name")
  [ -d "$root/fuzz/crashes/$name" ] && dirs+=("$root/fuzz/crashes/$name")
  "$build/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=32768 \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/" "${dirs[@]}" > "$work/log" 2>&1
  echo $? > "$work/status"
}

running=0
for name in "${targets[@]}"; do
  run_one "$name" &
  running=$((running + 1))
  if [ "$running" -ge "$parallel" ]; then wait -n; running=$((running - 1)); fi
done
wait

failed=0
printf "%-20s %12s %8s %8s %7s %s\n" target executions exec/s cov features findings
for name in "${targets[@]}"; do
  work="$build/fuzz-work/$name"
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$' | tail -1)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$work/log" | grep -o '[0-9]*$' | tail -1)
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$work/log" | tail -1)
  findings=$(find "$work/artifacts" -type f | wc -l)
  status=$(cat "$work/status" 2>/dev/null || echo "?")
  [ "$findings" -gt 0 ] || [ "$status" != 0 ] && failed=1
  printf "%-20s %12s %8s %8s %7s %s\n" "$name" "${execs:-?}" "${rate:-?}" "$(echo "$cov" | awk '{print $2}')" \
    "$(echo "$cov" | awk '{print $4}')" "$findings (exit $status)"
done
exit $failed
