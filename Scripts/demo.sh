#!/usr/bin/env bash
# Sets up the machine, builds TradeScan in release mode and runs the main job on
# generated data: the numerical self-check; 200,000 seeded export declarations
# with planted evasion patterns and bad rows (into data/demo, git-ignored); a
# scan of them (data/demo-scan); and an evaluation of the ranking against the
# planted ground truth.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh --release
bin=.build/release/tradescan
echo "\$ tradescan --version"
"$bin" --version
echo
echo "\$ tradescan self-check"
"$bin" self-check
echo
mkdir -p data
echo "\$ tradescan generate --rows 200000 --seed 7 --dirty --out data/demo"
"$bin" generate --rows 200000 --seed 7 --dirty --out data/demo
echo
echo "\$ tradescan scan data/demo/declarations.csv --parties data/demo/restricted_parties.csv --out data/demo-scan"
"$bin" scan data/demo/declarations.csv --parties data/demo/restricted_parties.csv --out data/demo-scan
echo
echo "Top 10 of data/demo-scan/ranked.csv:"
head -11 data/demo-scan/ranked.csv | cut -c1-220
echo
echo "\$ tradescan evaluate --ranked data/demo-scan/ranked.csv --labels data/demo/labels.csv"
"$bin" evaluate --ranked data/demo-scan/ranked.csv --labels data/demo/labels.csv
echo
echo "report folder: data/demo-scan (ranked.csv, rejects.csv, summary.md); data set: data/demo/README.md"
