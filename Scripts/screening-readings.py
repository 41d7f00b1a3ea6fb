#!/usr/bin/env python3
"""Party screening under qualified spellings of listed names (README, restricted_party).

Usage:
  Scripts/screening-readings.py DATA_DIR [--bin PATH] [--names N] [--seed S]
      Writes a test feed: N listed names from DATA_DIR/restricted_parties.csv (seeded pick),
      each as listed and six more ways (a branch, a warehouse, a forwarder, upper case, as the
      care-of party of another consignee, with "attn"), on rows copied from the first 2,000 of
      DATA_DIR/declarations.csv, followed by those 2,000 rows unchanged. Scans it with the list
      and prints, per way, how many of the N rows match (restricted_party score >= 10), and how
      many of the 2,000 copied rows match, planted restricted-party rows (DATA_DIR/labels.csv) apart.
  Scripts/screening-readings.py --count RANKED_CSV LABELS_CSV
      Rows of a ranking that restricted_party matches, planted restricted-party rows apart.
"""
import csv, os, random, subprocess, sys, tempfile

WAYS = [("as listed", "{}"), ("branch", "{} (Osaka branch)"), ("warehouse", "{} - Warehouse 12"),
        ("forwarder", "{} c/o Dubai Forwarding 3"), ("upper case", None), ("as care-of party", "Acme Trading Co c/o {}"),
        ("attn", "{}, attn: purchasing")]


def count(ranked, labels):
    planted = {(r["declaration_id"], r["item_no"]) for r in csv.DictReader(open(labels)) if r["pattern"] == "restricted_party"}
    hit = other = 0
    for r in csv.DictReader(open(ranked)):
        if float(r["restricted_party"]) >= 10:
            if (r["declaration_id"], r["item_no"]) in planted:
                hit += 1
            else:
                other += 1
    print(f"rows matched {hit + other}: planted restricted-party rows {hit} of {len(planted)}, other rows {other}")


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 64 if not argv else 0
    if argv[0] == "--count":
        count(argv[1], argv[2])
        return 0
    data, binary, n, seed = argv[0], ".build/release/tradescan", 60, 3
    i = 1
    while i < len(argv):
        if argv[i] == "--bin": binary = argv[i + 1]
        elif argv[i] == "--names": n = int(argv[i + 1])
        elif argv[i] == "--seed": seed = int(argv[i + 1])
        else:
            print(f"unknown option {argv[i]}", file=sys.stderr)
            return 64
        i += 2
    rng = random.Random(seed)
    listed = list(csv.DictReader(open(os.path.join(data, "restricted_parties.csv"))))
    with open(os.path.join(data, "declarations.csv"), newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        base = [row for _, row in zip(range(2000), reader)]
    name_col, country_col = header.index("consignee_name"), header.index("consignee_country")
    rows, ours = [header], {}
    for i, entry in enumerate(rng.sample(listed, n)):
        for k, (_, way) in enumerate(WAYS):
            row = list(base[(i * len(WAYS) + k) % len(base)])
            row[name_col] = entry["name"].upper() if way is None else way.format(entry["name"])
            row[country_col] = entry["country"] or row[country_col]
            row[0] = f"SCREEN{i:04d}{k}"
            ours[row[0]] = k
            rows.append(row)
    rows += base
    with tempfile.TemporaryDirectory() as tmp:
        feed = os.path.join(tmp, "feed.csv")
        with open(feed, "w", newline="") as f:
            csv.writer(f).writerows(rows)
        subprocess.run([binary, "scan", feed, "--parties", os.path.join(data, "restricted_parties.csv"),
                        "--out", os.path.join(tmp, "out"), "--quiet"], check=True, stdout=subprocess.DEVNULL)
        labels_path = os.path.join(data, "labels.csv")
        planted = set()
        if os.path.exists(labels_path):
            planted = {(r["declaration_id"], r["item_no"]) for r in csv.DictReader(open(labels_path))
                       if r["pattern"] == "restricted_party"}
        matched = [0] * len(WAYS)
        ordinary = planted_hits = 0
        for r in csv.DictReader(open(os.path.join(tmp, "out", "ranked.csv"))):
            hit = float(r["restricted_party"]) >= 10
            k = ours.get(r["declaration_id"])
            if k is not None:
                matched[k] += hit
            elif (r["declaration_id"], r["item_no"]) in planted:
                planted_hits += hit
            else:
                ordinary += hit
    for (label, _), m in zip(WAYS, matched):
        print(f"{label:18s} {m:3d} of {n} match")
    print(f"the {len(base)} rows copied: {ordinary} unplanted rows match, and {planted_hits} planted restricted-party rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
