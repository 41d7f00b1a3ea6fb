#!/usr/bin/env python3
"""Re-tunes the risk model's default weights (RiskModel.defaultWeights) on scans
of generated data, the way they were first chosen: a coordinate search for
precision at the top 1% with every planted pattern's recall@1% at least 0.85
on the training seeds, checked on the others.

    Scripts/tune-weights.py --train SCAN,LABELS [--train ...] [--check SCAN,LABELS ...]
        [--start unit_value=1.308,goods_code=0.547,...] [--floor 0.85]

SCAN is a scan's report folder (its ranked.csv holds every detector's raw score);
LABELS the generator's labels.csv (declaration_id,item_no,pattern); a file of
declaration_id[,pattern] marks every item row of each listed declaration (the
figures here stay per row, where `tradescan evaluate` ranks declarations then). The risk is recomputed as the scan computes it
(RiskModel: risk = sum of w * max(0, s - b), b each score column's 99th
percentile over the rows), ranked by risk, then declaration_id and item_no, and
cut at 1% of rows. Scores come from ranked.csv, rounded to 4 places there, so the
figures can differ from the tool's in the last rank or two: confirm the weights
with `tradescan scan --weight NAME=W ...` and `tradescan evaluate`.

e.g.  for s in 7 11 3; do tradescan generate --rows 1000000 --seed $s --out /tmp/g$s
        tradescan scan /tmp/g$s/declarations.csv --parties /tmp/g$s/restricted_parties.csv --out /tmp/sc$s; done
      Scripts/tune-weights.py --train /tmp/sc7,/tmp/g7/labels.csv --train /tmp/sc11,/tmp/g11/labels.csv \\
        --check /tmp/sc3,/tmp/g3/labels.csv
"""
import argparse
import csv
import math
import random
import sys

import numpy as np

DETECTORS = ["unit_value", "goods_code", "licence", "routing", "diversion", "new_party", "split_shipments",
             "restricted_party"]
DEFAULT = {"unit_value": 1.308, "goods_code": 0.547, "licence": 0.93, "routing": 0.57, "diversion": 0.529,
           "new_party": 0.323, "split_shipments": 0.75, "restricted_party": 0.263}
LARGEST = 1e6  # RiskModel.largestScore bounds infinite scores; none occur in generated data


class Scan:
    def __init__(self, folder, labels):
        self.name = folder
        # Labels name rows by declaration_id and item_no, or by declaration_id alone (every item of it).
        planted, by_id = {}, False
        with open(labels, newline="") as f:
            reader = csv.DictReader(f)
            by_id = "item_no" not in (reader.fieldnames or [])
            for row in reader:
                planted[(row["declaration_id"], "" if by_id else row["item_no"])] = row.get("pattern") or "planted"
        with open(folder + "/ranked.csv", newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            cols = {name: header.index(name) for name in DETECTORS if name in header}
            idc, itemc = header.index("declaration_id"), header.index("item_no")
            ids, items, scores, pattern = [], [], [], []
            for row in reader:
                ids.append(row[idc])
                items.append(int(row[itemc]))
                scores.append([float(row[c]) if row[c] else 0.0 for c in cols.values()])
                pattern.append(planted.get((row[idc], "" if by_id else row[itemc]), ""))
        self.detectors = list(cols)
        self.scores = np.minimum(np.array(scores), LARGEST)
        n = len(ids)
        k = min(n - 1, int(round((n - 1) * 0.99)))
        self.background = np.array([np.partition(self.scores[:, d], k)[k] for d in range(len(self.detectors))])
        self.excess = np.maximum(0.0, self.scores - self.background)
        # Ties in risk go by declaration_id, then item_no, as the tool ranks them.
        order = sorted(range(n), key=lambda r: (ids[r], items[r]))
        self.tiebreak = np.empty(n, dtype=np.int64)
        self.tiebreak[order] = np.arange(n)
        self.patterns = sorted({p for p in pattern if p})
        self.pattern = np.array([self.patterns.index(p) if p else -1 for p in pattern])
        self.totals = np.array([(self.pattern == i).sum() for i in range(len(self.patterns))])
        self.budget = n // 100

    def measure(self, weights):
        w = np.array([weights.get(d, 1.0) for d in self.detectors])
        risk = self.excess @ w
        top = np.lexsort((self.tiebreak, -risk))[: self.budget]
        hit = self.pattern[top]
        precision = (hit >= 0).mean()
        recall = np.array([(hit == i).sum() for i in range(len(self.patterns))]) / self.totals
        return precision, dict(zip(self.patterns, recall))


def objective(scans, weights, floor):
    """Lowest precision@1% over the scans when every recall reaches the floor; else minus the shortfall."""
    worst, shortfall = 1.0, 0.0
    for s in scans:
        p, recall = s.measure(weights)
        worst = min(worst, p)
        shortfall += sum(max(0.0, floor - r) for r in recall.values())
    return worst if shortfall == 0 else -shortfall


def report(label, scans, weights):
    for s in scans:
        p, recall = s.measure(weights)
        low = min(recall.values())
        print(f"  {label} {s.name}: precision@1% {p:.3f}, lowest recall@1% {low:.3f} "
              + " ".join(f"{k}={v:.3f}" for k, v in recall.items()))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", action="append", required=True, help="SCAN_FOLDER,LABELS")
    ap.add_argument("--check", action="append", default=[], help="SCAN_FOLDER,LABELS")
    ap.add_argument("--start", default="", help="NAME=W,... (default: the shipped weights)")
    ap.add_argument("--floor", type=float, default=0.85)
    ap.add_argument("--rounds", type=int, default=12)
    ap.add_argument("--random", type=int, default=0, metavar="N",
                    help="then N steps of a seeded random search (log-normal steps on 1-3 weights at a time) for the "
                         "largest margin over both bars on every --train scan: min(precision - 0.9, lowest recall - floor)")
    ap.add_argument("--seed", type=int, default=1, help="the random search's seed")
    a = ap.parse_args()

    def scan(arg):
        """A --train/--check pair, or a message naming what is wrong and how to fix it."""
        parts = arg.split(",")
        if len(parts) != 2:
            sys.exit(f"tune-weights: '{arg}': expected SCAN_FOLDER,LABELS (a scan's report folder and its labels.csv)")
        folder, labels = parts
        try:
            return Scan(folder, labels)
        except FileNotFoundError as e:
            sys.exit(f"tune-weights: {e.filename}: no such file (run `tradescan scan ... --out {folder}` first; labels from `tradescan generate`)")
        except (KeyError, ValueError) as e:
            sys.exit(f"tune-weights: {folder}/ranked.csv or {labels}: missing or unreadable column {e} "
                     "(ranked.csv needs declaration_id and item_no; labels need declaration_id)")

    weights = dict(DEFAULT)
    for kv in filter(None, a.start.split(",")):
        k, _, v = kv.partition("=")
        if k not in DETECTORS or not v:
            sys.exit(f"tune-weights: --start '{kv}': expected NAME=WEIGHT with NAME one of {', '.join(DETECTORS)}")
        try:
            weights[k] = float(v)
        except ValueError:
            sys.exit(f"tune-weights: --start '{kv}': '{v}' is not a number")
    train = [scan(t) for t in a.train]
    check = [scan(t) for t in a.check]
    print("start", weights)
    report("train", train, weights)
    report("check", check, weights)
    best = objective(train, weights, a.floor)
    for _ in range(a.rounds):
        improved = False
        for d in DETECTORS:
            for factor in (0.5, 0.7, 0.85, 0.93, 0.97, 1.03, 1.07, 1.18, 1.4, 2.0):
                trial = dict(weights)
                trial[d] = round(weights[d] * factor, 3)
                score = objective(train, trial, a.floor)
                if score > best + 1e-9:
                    best, weights, improved = score, trial, True
        if not improved:
            break
    if a.random:
        def margin(w):
            worst = 1.0
            for s in train:
                p, recall = s.measure(w)
                worst = min(worst, p - 0.9, min(recall.values()) - a.floor)
            return worst
        rng = random.Random(a.seed)
        best_margin = margin(weights)
        for _ in range(a.random):
            trial = dict(weights)
            for k in rng.sample(DETECTORS, rng.choice([1, 2, 3])):
                trial[k] = round(trial[k] * math.exp(rng.gauss(0, 0.15)), 3)
            m = margin(trial)
            if m > best_margin:
                best_margin, weights = m, trial
        best = objective(train, weights, a.floor)
        print("random search: margin over both bars", round(best_margin, 4))
    print("weights", weights, "objective", round(best, 4))
    report("train", train, weights)
    report("check", check, weights)
    print("--weight " + " --weight ".join(f"{k}={v}" for k, v in weights.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
