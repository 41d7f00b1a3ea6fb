#!/usr/bin/env bash
# Runs TradeScan and its peers on the same generated file, alternating, and
# prints median wall times and ratios.
#
#   Scripts/compare-peers.sh [ROWS] [RUNS]     default 10000000 rows, 3 runs each
#
# Peers (installed with pip when missing): DuckDB (SELECT count(*) FROM
# read_csv(...), and a per-HS group-by of count, mean and stddev of ln(USD/kg)),
# and Polars (lazy scan, the same group-by) when it installs. TradeScan: the whole
# scan (every detector, the full report, with the generated party list) and typed
# ingest alone (tradescan validate), with peak resident memory (GB of 10^9 bytes; before
# 2026-11-30's thirteenth session the script printed KiB / 10^6 under "GB", 2.4% less).
# Data goes to data/peers-ROWS (git-ignored).
# Page cache is warmed by one untimed read first. Each timed scan writes into an
# empty place: the last run's report is removed (untimed) before it.
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-10000000}"
runs="${2:-3}"
bash Scripts/setup.sh --release >&2
python3 -c "import duckdb" 2>/dev/null || pip install -q duckdb >&2
python3 -c "import polars" 2>/dev/null || pip install -q polars >&2 || echo "polars not installed; skipping it" >&2
dir="data/peers-$rows"
if [ ! -f "$dir/declarations.csv" ]; then
  mkdir -p data
  .build/release/tradescan generate --rows "$rows" --seed 1 --out "$dir"
fi
exec python3 Scripts/compare_peers.py "$dir/declarations.csv" "$runs" .build/release/tradescan "$dir/restricted_parties.csv"
