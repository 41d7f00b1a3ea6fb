#!/usr/bin/env bash
# Times two (or more) tradescan builds on the same scan, alternating, and prints
# each run's wall clock and the stage lines of its summary.md. This machine's
# speed swings within minutes, so compare the runs that sit next to each other.
#
#   Scripts/compare-builds.sh [--validate] ROUNDS DATA_DIR BINARY...
#   e.g. cp .build/release/tradescan /tmp/ts-old   (before the change; rebuild after it)
#        Scripts/compare-builds.sh 3 data/g10m /tmp/ts-old .build/release/tradescan
#
# --validate times `tradescan validate --threads 2` (typed ingest alone) instead,
# and prints each run's wall, user and system seconds, then every binary's medians.
# DATA_DIR holds declarations.csv and restricted_parties.csv (`tradescan generate`); the
# file is read once, untimed, before the first round so that it starts in the page cache.
set -euo pipefail
validate=0
if [ "${1:-}" = "--validate" ]; then validate=1; shift; fi
if [ $# -lt 3 ]; then sed -n '2,13p' "$0"; exit 64; fi
rounds=$1; data=$2; shift 2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# One untimed read first, so the first timed run does not read the file from disk (this VM
# keeps about 4 GB of page cache: a run on another large file can push this one out).
cat "$data/declarations.csv" > /dev/null
if [ "$validate" -eq 1 ]; then
  for _ in $(seq 1 "$rounds"); do
    for b in "$@"; do
      /usr/bin/time -o "$out/time" -f "%e %U %S" "$b" validate "$data/declarations.csv" --out "$out/validate" --quiet --threads 2 \
        >/dev/null 2>"$out/stderr" || { cat "$out/stderr" >&2; exit 1; }
      read -r wall user sys < "$out/time"
      printf "%-28s wall %6.2f s  user %6.2f s  sys %5.2f s\n" "$b" "$wall" "$user" "$sys"
      echo "$b $wall $user" >> "$out/all"
    done
  done
  median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
  for b in "$@"; do
    printf "%-28s median wall %6.2f s  median user %6.2f s\n" "$b" \
      "$(awk -v b="$b" '$1 == b { print $2 }' "$out/all" | median)" "$(awk -v b="$b" '$1 == b { print $3 }' "$out/all" | median)"
  done
  exit 0
fi
for _ in $(seq 1 "$rounds"); do
  for b in "$@"; do
    rm -rf "$out/scan"
    start=$(date +%s.%N)
    "$b" scan "$data/declarations.csv" --parties "$data/restricted_parties.csv" --out "$out/scan" --quiet
    end=$(date +%s.%N)
    printf "%-28s wall %6.2f s " "$b" "$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')"
    sed -n '/^| stage | seconds/,/^$/p' "$out/scan/summary.md" | grep -E "^\| (ingest|fit |score |rank |write )" \
      | awk -F'|' '{gsub(/^ +| +$/, "", $2); gsub(/ /, "", $3); printf "| %s %s ", $2, $3}'
    echo
  done
done
