#!/usr/bin/env bash
# Sets up the machine, builds TradeScan in release mode and runs the main job.
# For now the main job is the numerical self-check; later steps make it
# generate-and-scan.
set -euo pipefail
cd "$(dirname "$0")/.."
bash Scripts/setup.sh --release
bin=.build/release/tradescan
echo "\$ tradescan --version"
"$bin" --version
echo
echo "\$ tradescan self-check"
"$bin" self-check
