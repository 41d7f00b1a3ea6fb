#!/usr/bin/env python3
"""Times TradeScan and its peers on one file, alternating runs; prints medians and ratios.

Called by Scripts/compare-peers.sh. DuckDB and Polars run in this process (their
query time only); TradeScan runs as a subprocess (process start included).
"""
import os
import statistics
import subprocess
import sys
import time

path, runs, tradescan = sys.argv[1], int(sys.argv[2]), sys.argv[3]
size = os.path.getsize(path)

def duckdb_count():
    import duckdb
    con = duckdb.connect()
    n = con.execute(f"SELECT count(*) FROM read_csv('{path}')").fetchone()[0]
    return n

def duckdb_groupby():
    import duckdb
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT hs_code, count(*), avg(ln(declared_value / net_weight_kg)), stddev(ln(declared_value / net_weight_kg)) "
        f"FROM read_csv('{path}', types={{'hs_code': 'VARCHAR'}}) WHERE net_weight_kg > 0 AND declared_value > 0 GROUP BY hs_code").fetchall()
    return len(rows)

def polars_groupby():
    import polars as pl
    df = (pl.scan_csv(path, schema_overrides={"hs_code": pl.Utf8})
          .filter((pl.col("net_weight_kg") > 0) & (pl.col("declared_value") > 0))
          .with_columns((pl.col("declared_value") / pl.col("net_weight_kg")).log().alias("l"))
          .group_by("hs_code").agg(pl.len().alias("n"), pl.col("l").mean().alias("mean"), pl.col("l").std().alias("std"))
          .collect())
    return df.height

def tradescan_ingest():
    out = subprocess.run([tradescan, "validate", path], check=True, capture_output=True, text=True).stdout
    return out.strip().splitlines()[0]

peers = [("tradescan validate (typed ingest, all fields)", tradescan_ingest),
         ("duckdb count(*)", duckdb_count),
         ("duckdb group-by ln(USD/kg) per HS", duckdb_groupby)]
try:
    import polars  # noqa: F401
    peers.append(("polars lazy group-by ln(USD/kg) per HS", polars_groupby))
except ImportError:
    pass

with open(path, "rb") as f:           # warm the page cache
    while f.read(1 << 24):
        pass
times = {name: [] for name, _ in peers}
answers = {}
for _ in range(runs):
    for name, fn in peers:
        t0 = time.perf_counter()
        answers[name] = fn()
        times[name].append(time.perf_counter() - t0)

base = statistics.median(times[peers[0][0]])
print(f"file {path}: {size / 1e9:.2f} GB, {runs} alternating runs each, {os.cpu_count()} cores")
print(f"{'':50s} {'median s':>9s} {'GB/s':>6s} {'vs tradescan':>13s}")
for name, _ in peers:
    m = statistics.median(times[name])
    print(f"{name:50s} {m:9.2f} {size / m / 1e9:6.2f} {m / base:12.2f}x")
print()
for name, a in answers.items():
    print(f"answer of {name}: {a}")
