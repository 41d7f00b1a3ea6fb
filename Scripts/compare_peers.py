#!/usr/bin/env python3
"""Times TradeScan and its peers on one file, alternating runs; prints medians and ratios.

Called by Scripts/compare-peers.sh. DuckDB and Polars run in this process (their
query time only, after import); TradeScan runs as a subprocess (process start
included), and its peak resident memory is read from the kernel (wait4).

    compare_peers.py FILE RUNS TRADESCAN [PARTIES]
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

path, runs, tradescan = sys.argv[1], int(sys.argv[2]), sys.argv[3]
parties = sys.argv[4] if len(sys.argv) > 4 else None
size = os.path.getsize(path)
out_dir = tempfile.mkdtemp(prefix="tradescan-peers-")
peak_kb = {}


def run_child(name, argv):
    """Runs argv; returns its stderr's last line; records its peak RSS (KiB)."""
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"{name} failed (exit {p.returncode}): {err[-2000:]}")
    peak_kb[name] = max(peak_kb.get(name, 0), usage.ru_maxrss)
    return err


def duckdb_count():
    import duckdb
    con = duckdb.connect()
    return con.execute(f"SELECT count(*) FROM read_csv('{path}')").fetchone()[0]


def duckdb_groupby():
    import duckdb
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT hs_code, count(*), avg(ln(declared_value / net_weight_kg)), stddev(ln(declared_value / net_weight_kg)) "
        f"FROM read_csv('{path}', types={{'hs_code': 'VARCHAR'}}) WHERE net_weight_kg > 0 AND declared_value > 0 GROUP BY hs_code").fetchall()
    return f"{len(rows)} HS groups"


def polars_groupby():
    import polars as pl
    df = (pl.scan_csv(path, schema_overrides={"hs_code": pl.Utf8})
          .filter((pl.col("net_weight_kg") > 0) & (pl.col("declared_value") > 0))
          .with_columns((pl.col("declared_value") / pl.col("net_weight_kg")).log().alias("l"))
          .group_by("hs_code").agg(pl.len().alias("n"), pl.col("l").mean().alias("mean"), pl.col("l").std().alias("std"))
          .collect())
    return f"{df.height} HS groups"


SCAN = "tradescan scan (every detector, full report)"
VALIDATE = "tradescan validate (typed ingest, all fields)"


SCAN_OUT = os.path.join(out_dir, "scan")


def clear_scan_output():
    """Removes the last scan's report before the next timed scan, outside its time:
    every scan then writes into an empty place, as a nightly run into a new dated
    folder does, instead of the first run doing so and the later ones also
    deleting a 2.7 GB report (0.3 s where the disk is mounted with discard)."""
    shutil.rmtree(SCAN_OUT, ignore_errors=True)
    os.sync()


def tradescan_scan():
    out = SCAN_OUT
    argv = [tradescan, "scan", path, "--out", out, "--quiet"] + (["--parties", parties] if parties else [])
    run_child(SCAN, argv)
    with open(os.path.join(out, "summary.md"), encoding="utf-8") as f:
        accepted = next(line for line in f if line.startswith("| accepted |")).split("|")[2].strip()
    return f"{accepted} rows scored and ranked"


def tradescan_validate():
    p = subprocess.run([tradescan, "validate", path], check=True, capture_output=True, text=True)
    return p.stdout.strip().splitlines()[0]


peers = [(SCAN, tradescan_scan), (VALIDATE, tradescan_validate),
         ("duckdb count(*)", duckdb_count),
         ("duckdb group-by ln(USD/kg) per HS", duckdb_groupby)]
try:
    import polars  # noqa: F401
    peers.append(("polars lazy group-by ln(USD/kg) per HS", polars_groupby))
except ImportError:
    print("polars is not installed: left out", file=sys.stderr)
try:
    import duckdb  # noqa: F401
except ImportError:
    peers = [p for p in peers if not p[0].startswith("duckdb")]
    print("duckdb is not installed: left out", file=sys.stderr)

with open(path, "rb") as f:           # warm the page cache
    while f.read(1 << 24):
        pass
times = {name: [] for name, _ in peers}
answers = {}
for _ in range(runs):
    for name, fn in peers:
        if name == SCAN:
            clear_scan_output()
        t0 = time.perf_counter()
        answers[name] = fn()
        times[name].append(time.perf_counter() - t0)
shutil.rmtree(out_dir, ignore_errors=True)

base = statistics.median(times[SCAN])
print(f"file {path}: {size / 1e9:.2f} GB, {runs} alternating runs each, {os.cpu_count()} cores, page cache warm")
print(f"{'':48s} {'median s':>9s} {'GB/s':>6s} {'scan time / this':>17s} {'peak RSS':>9s}")
for name, _ in peers:
    m = statistics.median(times[name])
    # ru_maxrss is in KiB; GB here are 10^9 bytes.
    rss = f"{peak_kb[name] * 1024 / 1e9:.3f} GB" if name in peak_kb else ""
    print(f"{name:48s} {m:9.2f} {size / m / 1e9:6.2f} {base / m:16.2f}x {rss:>9s}")
print()
print("scan time / this: how many times longer the whole tradescan scan takes than this run (1.00x or less: scan is as fast)")
for name, a in answers.items():
    print(f"answer of {name}: {a}")
