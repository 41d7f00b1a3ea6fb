#!/usr/bin/env python3
"""Feed fuzzing: a whole `tradescan scan` over generated declarations spoiled at random.

Usage: Scripts/fuzz-feed.py [--seeds FIRST:LAST] [--rows N] [--bin PATH] [--keep DIR]

Generates N rows (default 4000) with the project's seeded generator, then for each seed
scatters absurd values over them (numbers of 1e308 and 1e-300, zero and negative zero
weights, boundary dates, huge item numbers, unknown countries, odd tariff codes, empty,
formula-like, very long and non-Latin text, a whole tariff line with zero weights) and
scans the result with every row explained (even seeds), or scores it with a model fitted
on the clean rows (odd seeds: the nightly path). A run may reject rows (exit 65 past the reject
rate is allowed here: --max-reject-rate 1) but must not crash: any other exit status is a
failure, and its input is kept in --keep (default data/fuzz-crashers) to replay with

    tradescan scan DIR/crash-SEED.csv --out /tmp/x --explain all --max-reject-rate 1

Exits 1 when any seed failed. The tokenizer has its own libFuzzer target (Tests/Fuzz).
"""
import csv
import os
import random
import shutil
import subprocess
import sys

import fuzzcommon

NUMBERS = ["declared_value", "net_weight_kg", "gross_weight_kg", "quantity"]
# Numbers of 10^15 or more are rejected at ingest; the ones just below are read and scored.
ABSURD = ["1e308", "1e-300", "0", "-0", "0.0000001", "99999999999999999999", "4.9e-324", "999999999999999",
          "9.99e14", "1.7976931348623157e308", "", "2.5", "1e15", "123456789.123456789"]
DATES = ["1990-01-01", "2035-12-31", "2024-02-29", "1999-12-31", "2023-01-01"]
TEXTS = ["", " ", '"', "x" * 5000, "=1+1", "\t", "\u00e9" * 100, "ZZ", "A,B", "null", "0", "\u9553\u952d"]
COUNTRIES = ["", "ZZ", "US", "KP", "IR", "RU", "CN", "XK", "United States", "USA"]
CODES = ["28046100", "0000000000", "99999999", "281219", "8112.92.90"]


def spoil(header, body, rng):
    rows = [list(r) for r in body]
    for _ in range(rng.randint(5, 200)):
        r = rng.randrange(len(rows))
        name = rng.choice(header)
        i = header.index(name)
        if name in NUMBERS:
            rows[r][i] = rng.choice(ABSURD)
        elif name.endswith("_date"):
            rows[r][i] = rng.choice(DATES)
        elif name == "item_no":
            rows[r][i] = rng.choice(["1", "2147483647", "0", "-1", "99"])
        elif "country" in name:
            rows[r][i] = rng.choice(COUNTRIES)
        elif name == "hs_code":
            rows[r][i] = rng.choice(CODES)
        elif name == "currency":
            rows[r][i] = rng.choice(["USD", "RMB", "EUR", "KRW", "VND"])
        else:
            rows[r][i] = rng.choice(TEXTS)
    if rng.random() < 0.3:  # a whole tariff line with zero weights
        hs, net = header.index("hs_code"), header.index("net_weight_kg")
        code = rng.choice(rows)[hs]
        for row in rows:
            if row[hs] == code:
                row[net] = "0"
    return rows


def main():
    a, first, last = fuzzcommon.options(__doc__, "0:40", 4000)
    with fuzzcommon.generated(a.bin, a.rows, 6, "tradescan-fuzz-feed-") as (work, data):
        with open(os.path.join(data, "declarations.csv"), newline="", encoding="utf-8") as f:
            src = list(csv.reader(f))
        header, body = src[0], src[1:]
        # A model fitted on the clean rows, for the nightly path (fit on history, score today's feed).
        model = os.path.join(work, "model.json")
        subprocess.run([a.bin, "fit", os.path.join(data, "declarations.csv"), "--parties", os.path.join(data, "restricted_parties.csv"),
                        "--model", model, "--quiet"], check=True, stderr=subprocess.DEVNULL)
        failed = 0
        for seed in range(first, last):
            rows = spoil(header, body, random.Random(seed))
            path = os.path.join(work, "in.csv")
            with open(path, "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(header)
                w.writerows(rows)
            out = os.path.join(work, "out")
            shutil.rmtree(out, ignore_errors=True)
            # Every other seed scores the spoiled feed with the clean model instead of fitting on it.
            command = ["scan"] if seed % 2 == 0 else ["score", "--model", model]
            r = subprocess.run([a.bin] + command + [path, "--parties", os.path.join(data, "restricted_parties.csv"), "--out", out,
                                "--explain", "all", "--quiet", "--max-reject-rate", "1"], capture_output=True, text=True)
            if r.returncode not in (0, 65):
                failed += 1
                kept = fuzzcommon.keep(path, a.keep, f"crash-{seed}.csv")
                lines = [l for l in r.stderr.splitlines() if "failure" in l or "error" in l or "Fatal" in l]
                print(f"seed {seed}: exit {r.returncode}; input kept as {kept}; {' | '.join(lines[:3])}")
        print(f"{last - first} seeds, {failed} failed")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
