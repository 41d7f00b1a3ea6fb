#!/usr/bin/env bash
# Builds the libFuzzer target that compares the SIMD and scalar tokenizers on
# arbitrary bytes, and runs it.
#
#   Scripts/fuzz.sh [SECONDS]       default 600; corpus in .build-fuzz/corpus
#
# Crashes are written to .build-fuzz/crash-*; minimise one with
#   .build-fuzz/tokenizer-fuzzer -minimize_crash=1 -runs=100000 CRASH
# and commit it under Fixtures/fuzz/tokenizer/ (the unit test FuzzReplayTests
# replays every file there through both paths).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
out=.build-fuzz
mkdir -p "$out/module" "$out/corpus"
cat > "$out/module/module.modulemap" <<MAP
module CSVKernelsC {
    header "$(pwd)/Sources/CSVKernelsC/include/csv_kernels.h"
    export *
}
MAP
swiftc -sanitize=fuzzer,address -O -parse-as-library -module-name CSVCoreFuzz \
  -I "$out/module" \
  Sources/CSVCore/*.swift Sources/CSVCore/Kernels/*.swift Tests/Fuzz/TokenizerFuzzer.swift \
  -o "$out/tokenizer-fuzzer"
# Seed the corpus with the committed fixtures and a few well-formed records.
cp Fixtures/fuzz/tokenizer/* "$out/corpus/" 2>/dev/null || true
printf '\x00a,b\n"c,d","e""f"\r\n\n' > "$out/corpus/seed-basic"
printf '\x04\x05\x00id,"multi\nline",x\n1,2,3' > "$out/corpus/seed-split"
cd "$out"
./tokenizer-fuzzer -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 corpus
