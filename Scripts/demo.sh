#!/usr/bin/env bash
# Sets up the machine, builds TradeScan in release mode and runs the main job on
# generated data: the numerical self-check, then 200,000 seeded export
# declarations with planted evasion patterns and bad rows (into data/demo, which
# git ignores). Later steps add the scan and the report.
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
sed -n '/^## Planted patterns/,/^Planted rows are/p' data/demo/README.md
echo
echo "files: $(ls data/demo | tr '\n' ' ')"
echo "read data/demo/README.md for how the data was made"
