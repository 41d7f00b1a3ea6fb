#!/usr/bin/env bash
# Runs TradeScan's benchmarks (package-benchmark, the nested package in Benchmarks/).
#
#   Scripts/bench.sh                 run every benchmark and print the tables
#   Scripts/bench.sh --check         run them and check against the committed static
#                                    thresholds in Benchmarks/Thresholds: exit 1 on a regression
#   Scripts/bench.sh --update        run them and rewrite Benchmarks/Thresholds from this run
#                                    (commit the change, and say why in the message)
#   Scripts/bench.sh [--check|--update] REGEX   only the benchmarks whose whole name matches
#
# Tolerances (Benchmarks/Support/BenchmarkSupport.swift, `Tolerances`): malloc counts are the hard
# gate (10%); wall clock is loose (2x); peak resident memory 30%; rates (rows/s, MB/s) half.
# A run better than the thresholds passes with a note to update them.
# Data is generated on first use into Benchmarks/data (git-ignored); the first run builds for ~3 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=run
filter=()
for arg in "$@"; do
  case "$arg" in
    --check) mode=check ;;
    --update) mode=update ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    -*) echo "bench.sh: unknown option '$arg' (try --help)" >&2; exit 64 ;;
    *) filter=(--filter "$arg") ;;
  esac
done
bash Scripts/setup.sh --no-build >&2
cd Benchmarks
case "$mode" in
  run) exec swift package benchmark --no-progress "${filter[@]}" ;;
  update)
    exec swift package --allow-writing-to-package-directory benchmark thresholds update --no-progress "${filter[@]}" ;;
  check)
    # The plugin exits 1 for a regression, an improvement and a failed run alike:
    # tell them apart by what it printed.
    log=$(mktemp)
    trap 'rm -f "$log"' EXIT
    set +e
    swift package benchmark thresholds check --no-progress "${filter[@]}" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    if grep -q "WORSE than" "$log"; then
      echo "bench.sh: REGRESSION against Benchmarks/Thresholds (see the tables above)" >&2; exit 1
    elif [ "$rc" -ne 0 ] && grep -q "BETTER than" "$log"; then
      echo "bench.sh: better than the committed thresholds; run Scripts/bench.sh --update to lock the gain in"; exit 0
    elif [ "$rc" -ne 0 ]; then
      echo "bench.sh: the benchmark run failed (exit $rc)" >&2; exit 1
    fi
    echo "bench.sh: every benchmark is within its thresholds" ;;
esac
