#!/usr/bin/env bash
# Times two (or more) tradescan builds on the same scan, alternating, and prints
# each run's wall clock and the stage lines of its summary.md. This machine's
# speed swings within minutes, so compare the runs that sit next to each other.
#
#   Scripts/compare-builds.sh ROUNDS DATA_DIR BINARY...
#   e.g. cp .build/release/tradescan /tmp/ts-old   (before the change; rebuild after it)
#        Scripts/compare-builds.sh 3 data/g10m /tmp/ts-old .build/release/tradescan
#
# DATA_DIR holds declarations.csv and restricted_parties.csv (`tradescan generate`).
set -euo pipefail
if [ $# -lt 3 ]; then sed -n '2,10p' "$0"; exit 64; fi
rounds=$1; data=$2; shift 2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for _ in $(seq 1 "$rounds"); do
  for b in "$@"; do
    rm -rf "$out/scan"
    start=$(date +%s.%N)
    "$b" scan "$data/declarations.csv" --parties "$data/restricted_parties.csv" --out "$out/scan" --quiet
    end=$(date +%s.%N)
    printf "%-28s wall %6.2f s " "$b" "$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')"
    sed -n '/^| stage | seconds/,/^$/p' "$out/scan/summary.md" | grep -E '^\| (ingest|fit |score |rank |write )' \
      | awk -F'|' '{gsub(/^ +| +$/, "", $2); gsub(/ /, "", $3); printf "| %s %s ", $2, $3}'
    echo
  done
done
