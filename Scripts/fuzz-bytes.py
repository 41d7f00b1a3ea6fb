#!/usr/bin/env python3
"""Byte fuzzing of typed ingest: `tradescan validate` on generated files with bytes flipped,
inserted and deleted, read three ways that must agree.

Usage: Scripts/fuzz-bytes.py [--seeds FIRST:LAST] [--rows N] [--bin PATH] [--keep DIR]

For each seed, a generated file (N rows, default 3000) gets 1 to 40 byte edits (quotes on
odd seeds only, so that even seeds keep the quoting regular and the SIMD path reads them;
delimiters, LF, CR, a BOM, invalid UTF-8, NUL, digits, letters), and odd seeds up to five
quoted fields spanning many lines and is validated by the
parallel SIMD path (2 threads, so several chunks), by one thread, and by the scalar tokenizer
(the hidden --scalar-tokenizer) in 64 KiB pieces on three threads and in one piece (--chunk-size). Each run must exit 0 or 65 (never crash), account for every
record (records read = accepted + rejected; blank lines and the header apart) and write
rejects.csv; the four runs must print the same accounting and write the same rejects.csv.
A failing input is kept in --keep (default data/fuzz-crashers) to replay. Exits 1 on any
failure. Scripts/fuzz.sh fuzzes the tokenizer alone with libFuzzer; fuzz-feed.py the scan.
"""
import os
import random
import re
import shutil
import subprocess
import sys

import fuzzcommon

EDITS = [b'"', b",", b"\n", b"\r", b"\r\n", b"\xef\xbb\xbf", b"\xff", b"\xc3", b"\x00", b"9", b"x", b'""', b";", b" "]
ACCOUNT = re.compile(r"(\d+) records read = (\d+) accepted \+ (\d+) rejected")


def spoil(data, rng, quotes=True):
    """Edits `data`; without `quotes`, no quote is added (the quoting stays regular, so the SIMD path reads it)."""
    b = bytearray(data)
    edits = EDITS if quotes else [e for e in EDITS if b'"' not in e]
    for _ in range(rng.randint(1, 40)):
        at = rng.randrange(len(b) + 1)
        kind = rng.random()
        edit = rng.choice(edits)
        if kind < 0.4 and at < len(b):
            b[at:at + len(edit)] = edit          # overwrite
        elif kind < 0.8:
            b[at:at] = edit                       # insert
        else:
            del b[at:at + rng.randint(1, 30)]     # delete a run
    if quotes:
        # Quoted fields spanning lines (a delimiter, a quote ... a quote, a delimiter): where the
        # scalar path's guessed piece starts fall inside quotes and pieces are read again.
        for _ in range(rng.randint(0, 5)):
            start = b.find(b",", rng.randrange(len(b) + 1))
            end = b.find(b",", start + rng.randint(50, 20000)) if start >= 0 else -1
            if start < 0 or end < 0:
                continue
            # The quotes inside become apostrophes, so the field stays quoted to its end.
            b[start + 1:end] = b[start + 1:end].replace(b'"', b"'")
            b[end:end] = b'"'
            b[start + 1:start + 1] = b'"'
    return bytes(b)


def main():
    a, first, last = fuzzcommon.options(__doc__, "0:100", 3000)
    with fuzzcommon.generated(a.bin, a.rows, 8, "tradescan-fuzz-bytes-") as (work, data):
        clean = open(os.path.join(data, "declarations.csv"), "rb").read()
        failed = 0
        for seed in range(first, last):
            path = os.path.join(work, "in.csv")
            # Even seeds add no quotes, so the parallel SIMD path reads most of them.
            open(path, "wb").write(spoil(clean, random.Random(seed), quotes=seed % 2 == 1))
            runs = []
            problem = None
            # The scalar path in 64 KiB pieces on three threads (guessed record starts, checked) and in one piece.
            for name, extra in [("simd", ["--threads", "2"]), ("one thread", ["--threads", "1"]),
                                ("scalar pieces", ["--scalar-tokenizer", "--threads", "3", "--chunk-size", "65536"]),
                                ("scalar whole", ["--scalar-tokenizer", "--threads", "1", "--chunk-size", str(1 << 40)])]:
                out = os.path.join(work, "out-" + name.replace(" ", "-"))
                shutil.rmtree(out, ignore_errors=True)
                r = subprocess.run([a.bin, "validate", path, "--out", out, "--max-reject-rate", "1"] + extra,
                                   capture_output=True)
                text = r.stdout.decode("utf-8", "replace")
                if r.returncode not in (0, 65):
                    problem = f"{name}: exit {r.returncode}: {r.stderr.decode('utf-8', 'replace')[-300:]}"
                    break
                m = ACCOUNT.search(text)
                if r.returncode == 0 and (not m or int(m.group(1)) != int(m.group(2)) + int(m.group(3))):
                    problem = f"{name}: accounting does not add up: {text[:300]}"
                    break
                rejects = open(os.path.join(out, "rejects.csv"), "rb").read() if os.path.exists(os.path.join(out, "rejects.csv")) else None
                # The accounting lines, without which tokenizer read the file (the forced scalar run says so).
                account = "\n".join(re.sub(r" \((irregular quoting: \d+ records with stray quotes read by the scalar tokenizer, the rest by the SIMD path|read by the scalar tokenizer)\)", "", l)
                                    for l in text.splitlines() if "records read" in l or "rejected by reason" in l)
                runs.append((name, r.returncode, account, rejects))
            if problem is None:
                base = runs[0]
                for other in runs[1:]:
                    if other[1:] != base[1:]:
                        problem = f"{base[0]} and {other[0]} differ: {base[2]!r} vs {other[2]!r}" + (
                            "" if base[2] != other[2] or base[1] != other[1] else " (rejects.csv)")
                        break
            if problem:
                failed += 1
                kept = fuzzcommon.keep(path, a.keep, f"bytes-{seed}.csv")
                print(f"seed {seed}: {problem}; input kept as {kept}")
        print(f"{last - first} seeds, {failed} failed")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
