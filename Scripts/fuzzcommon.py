"""What Scripts/fuzz-feed.py and Scripts/fuzz-bytes.py share: their options, a generated
data set in a temporary folder, and keeping a failing input to replay."""
import argparse
import contextlib
import os
import shutil
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def options(doc, seeds, rows):
    """--seeds FIRST:LAST, --rows, --bin and --keep, parsed; returns (args, first, last)."""
    p = argparse.ArgumentParser(description=doc.split("\n")[0])
    p.add_argument("--seeds", default=seeds, help=f"FIRST:LAST, LAST excluded (default {seeds})")
    p.add_argument("--rows", type=int, default=rows)
    p.add_argument("--bin", default=os.path.join(ROOT, ".build/release/tradescan"))
    p.add_argument("--keep", default=os.path.join(ROOT, "data/fuzz-crashers"))
    a = p.parse_args()
    first, last = (int(x) for x in a.seeds.split(":"))
    return a, first, last


@contextlib.contextmanager
def generated(binary, rows, seed, prefix):
    """A temporary folder (removed after) holding `tradescan generate`'s files in `data/`: yields (folder, data)."""
    work = tempfile.mkdtemp(prefix=prefix)
    try:
        data = os.path.join(work, "data")
        subprocess.run([binary, "generate", "--rows", str(rows), "--seed", str(seed), "--out", data], check=True,
                       stderr=subprocess.DEVNULL)
        yield work, data
    finally:
        shutil.rmtree(work, ignore_errors=True)


def keep(path, folder, name):
    """Copies a failing input to `folder`/`name` and returns where it went."""
    os.makedirs(folder, exist_ok=True)
    kept = os.path.join(folder, name)
    shutil.copy(path, kept)
    return kept
