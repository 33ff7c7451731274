"""bench_smoke's check: runs pdenn_bench (the command after --) with a fresh -bench_csv file,
then asserts that every section produced rows and every figure is a finite number, > 0, except
where zero or "n/a" is what the metric means (a direct solver has no iterations; a heap that did
not grow grew by 0 B). No timing is compared with anything: docs/performance.md has the figures.
    check_bench.py CSV -- command [args ...]"""
import csv
import math
import os
import subprocess
import sys

SECTIONS = ("stream", "diffusion", "kernel", "linear", "train", "grid", "conv2d", "train2d")
HEADER = "section,case,N,ranks,metric,value,unit,note"


def allowed_na(row):
    return "direct" in row["case"] and row["metric"] in ("iterations", "convergence factor")


def check(rows):
    bad = []
    for row in rows:
        value = row["value"]
        if value == "n/a":
            if not allowed_na(row):
                bad.append(row)
            continue
        x = float(value)
        ok = math.isfinite(x) and (x >= 0 if row["metric"] == "memory growth" else x > 0)
        if not ok:
            bad.append(row)
    for row in bad:
        print(f"check_bench: FAIL: {row['section']} / {row['case']} / {row['metric']} = {row['value']}")
    missing = [s for s in SECTIONS if not any(r["section"] == s for r in rows)]
    for s in missing:
        print(f"check_bench: FAIL: no row of section '{s}'")
    return not bad and not missing


def main():
    path, sep, command = sys.argv[1], sys.argv[2], sys.argv[3:]
    assert sep == "--", __doc__
    if os.path.exists(path):
        os.remove(path)
    status = subprocess.call(command)
    if status != 0:
        print(f"check_bench: FAIL: pdenn_bench exited with status {status}")
        return 1
    with open(path, newline="") as f:
        if f.readline().strip() != HEADER:
            print(f"check_bench: FAIL: {path} does not start with '{HEADER}'")
            return 1
        f.seek(0)
        rows = list(csv.DictReader(f))
    if not check(rows):
        return 1
    print(f"check_bench: {len(rows)} figures of {len(SECTIONS)} sections present, finite and positive")
    return 0


if __name__ == "__main__":
    sys.exit(main())
