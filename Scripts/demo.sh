#!/usr/bin/env bash
# Sets up the machine, builds TradeScan in release mode and runs the main job on
# generated data: the numerical self-check; 200,000 seeded export declarations
# with planted evasion patterns and bad rows (into data/demo, git-ignored); a
# scan of them into the report folder data/demo-scan; its summary; an evaluation
# of the ranking against the planted ground truth; and the path of report.html.
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
echo "\$ cat data/demo-scan/summary.md"
cat data/demo-scan/summary.md
echo
echo "\$ tradescan evaluate --ranked data/demo-scan/ranked.csv --labels data/demo/labels.csv"
"$bin" evaluate --ranked data/demo-scan/ranked.csv --labels data/demo/labels.csv
echo
echo "report folder: data/demo-scan (report.html, ranked.csv, ranked.jsonl, parties.csv, corridors.csv, summary.md, rejects.csv)"
echo "open in a browser: $(pwd)/data/demo-scan/report.html"
