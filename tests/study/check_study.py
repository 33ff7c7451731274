#!/usr/bin/python3
"""Checks a pdenn_study study's tables (tests/study/CMakeLists.txt):

    check_study.py <study dir> <methods> <budgets per method> <seeds>

study_cells.csv has one row per method, budget and seed; study.csv's mean, standard deviation,
minimum and maximum are those of the cells (recomputed here); every learned symmetric network
('sym_resnet' names starting with 'sym') has its largest gains <= 1; study_pairs.csv's t and p
agree with SciPy's paired t-test (scipy.stats.ttest_rel) where SciPy is installed, and with the
t statistic recomputed here in any case.
"""
import csv
import math
import os
import statistics
import sys


def rows(study, name):
    with open(os.path.join(study, name)) as f:
        return list(csv.DictReader(f))


def close(a, b, tol):
    return abs(a - b) <= tol * max(abs(b), 1e-300)


def check_summary(study, nmethods, nbudgets, nseeds):
    cells = rows(study, "study_cells.csv")
    assert len(cells) == nmethods * nbudgets * nseeds, "study_cells.csv: %d rows" % len(cells)
    learned = [r for r in rows(study, "study.csv") if r["kind"] == "learned"]
    assert len(learned) == nmethods * nbudgets, "study.csv: %d learned rows" % len(learned)
    for r in learned:
        mine = [float(c["test_mse"]) for c in cells
                if c["method"] == r["method"] and c["budget"] == r["budget"]]
        assert len(mine) == nseeds == int(r["seeds"]), (r["method"], r["budget"], len(mine))
        assert close(float(r["test_mse_mean"]), statistics.mean(mine), 1e-8), r
        assert close(float(r["test_mse_std"]), statistics.stdev(mine), 1e-7), r
        assert close(float(r["test_mse_min"]), min(mine), 1e-8) and close(float(r["test_mse_max"]), max(mine), 1e-8), r
        if r["method"].startswith("sym"):
            assert float(r["max_gain_test"]) <= 1 and float(r["max_gain_stress"]) <= 1, r
    return cells


def check_pairs(study, cells):
    try:
        from scipy import stats
    except ImportError:
        stats = None
    checked = 0
    for p in rows(study, "study_pairs.csv"):
        if p["budget_a"] == "all":
            continue
        a = [float(c["test_mse"]) for c in cells if c["method"] == p["a"] and c["budget"] == p["budget_a"]]
        b = [float(c["test_mse"]) for c in cells if c["method"] == p["b"] and c["budget"] == p["budget_b"]]
        d = [x - y for x, y in zip(a, b)]
        t = statistics.mean(d) / (statistics.stdev(d) / math.sqrt(len(d)))
        assert close(float(p["t"]), t, 1e-5), (p, t)
        if stats:
            ref = stats.ttest_rel(a, b)
            assert close(float(p["p"]), ref.pvalue, 1e-5), (p, ref.pvalue)
        checked += 1
    assert checked, "study_pairs.csv has no per-budget row"
    return checked


def main():
    study, nmethods, nbudgets, nseeds = sys.argv[1], *map(int, sys.argv[2:5])
    cells = check_summary(study, nmethods, nbudgets, nseeds)
    n = check_pairs(study, cells)
    print("study checks passed (%d trainings, %d paired tests)" % (len(cells), n))


if __name__ == "__main__":
    main()
