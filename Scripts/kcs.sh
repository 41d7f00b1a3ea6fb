#!/usr/bin/env bash
# Learning from inspection outcomes on the Korea Customs Service data (../shared/datasets/kcs):
# fit on 2020 (df_syn_train_eng.csv, with its Fraud column), score 2021-Q1 (df_syn_valid_eng.csv with its
# Fraud and Critical Fraud columns removed, as today's feed would arrive) and evaluate the ranking against
# the held-back outcomes; then the same split through `evaluate --split-date`. Outputs go to data/kcs (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
kcs=${KCS_DIR:-../shared/datasets/kcs}
[ -f "$kcs/df_syn_train_eng.csv" ] || { echo "error: $kcs/df_syn_train_eng.csv not found; set KCS_DIR to the folder holding the KCS files" >&2; exit 66; }
bash Scripts/setup.sh --release
bin=.build/release/tradescan
mapping=Fixtures/mappings/kcs-imports.json
mkdir -p data/kcs
# Today's feed has no outcome: drop the last two columns (Fraud, Critical Fraud).
awk -F, 'BEGIN { OFS = "," } { NF -= 2; print }' "$kcs/df_syn_valid_eng.csv" > data/kcs/valid-unlabelled.csv
echo "\$ tradescan fit $kcs/df_syn_train_eng.csv --mapping $mapping --model data/kcs/model.json"
"$bin" fit "$kcs/df_syn_train_eng.csv" --mapping "$mapping" --model data/kcs/model.json
echo
echo "\$ tradescan score data/kcs/valid-unlabelled.csv --mapping $mapping --model data/kcs/model.json --out data/kcs/scan --inspect-rate 0.05"
"$bin" score data/kcs/valid-unlabelled.csv --mapping "$mapping" --model data/kcs/model.json --out data/kcs/scan --inspect-rate 0.05
echo
echo "\$ tradescan evaluate --ranked data/kcs/scan/ranked.csv --labels $kcs/df_syn_valid_eng.csv"
"$bin" evaluate --ranked data/kcs/scan/ranked.csv --labels "$kcs/df_syn_valid_eng.csv"
echo
echo "\$ tradescan evaluate --split-date 2021-01-01 $kcs/df_syn_train_eng.csv $kcs/df_syn_valid_eng.csv --mapping $mapping --quiet"
"$bin" evaluate --split-date 2021-01-01 "$kcs/df_syn_train_eng.csv" "$kcs/df_syn_valid_eng.csv" --mapping "$mapping" --quiet
echo
echo "report folder: data/kcs/scan (report.html, ranked.csv, ...)"
