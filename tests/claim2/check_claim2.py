#!/usr/bin/python3
"""Checks the shrunk claim-2 study (tests/claim2/CMakeLists.txt):

    check_claim2.py <study dir>

study_cells.csv has a row for each of unet, mgunet and mgunet_ni at channels 2 and 3 and seeds
1 and 2, the two mg_unet variants with the same parameter count at each budget (the start is
the only difference); every training's summary.csv has a finite worst-case gain for its network
(pdenn_compare's worst_gain column) and the classical reference semi_cg as a row; study.csv
carries semi_cg as a reference row; study_pairs.csv compares mgunet and mgunet_ni with unet at
both budgets and over all of them.
"""
import csv
import math
import os
import sys


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def main(study):
    cells = rows(os.path.join(study, "study_cells.csv"))
    want = {(m, b, s) for m in ("unet", "mgunet", "mgunet_ni") for b in ("2", "3") for s in ("1", "2")}
    got = {(c["method"], c["budget"], c["seed"]) for c in cells}
    assert got == want, "study_cells.csv: cells %s, expected %s" % (sorted(got), sorted(want))
    params = {(c["method"], c["budget"]): c["parameters"] for c in cells}
    for b in ("2", "3"):
        assert params[("mgunet", b)] == params[("mgunet_ni", b)], "budget %s: mg_unet parameter counts differ" % b
    for c in cells:
        name = "%s_channels%s_s%s" % (c["method"], c["budget"], c["seed"])
        summary = {r["method"]: r for r in rows(os.path.join(study, "cells", name, "summary.csv"))}
        worst = summary[c["method"]]["worst_gain"]
        assert worst and math.isfinite(float(worst)) and float(worst) > 0, "%s: worst_gain '%s'" % (name, worst)
        assert "semi_cg" in summary, "%s: no reference row semi_cg" % name
    refs = [r["method"] for r in rows(os.path.join(study, "study.csv")) if r["kind"] == "classical"]
    assert refs == ["semi_cg"], "study.csv: reference rows %s" % refs
    pairs = rows(os.path.join(study, "study_pairs.csv"))
    got = {(p["a"], p["b"], p["budget_a"]) for p in pairs}
    want = {(a, "unet", b) for a in ("mgunet", "mgunet_ni") for b in ("2", "3", "all")}
    assert got == want, "study_pairs.csv: rows %s, expected %s" % (sorted(got), sorted(want))
    print("%s: %d trainings, worst-case gains present, references and pairs complete" % (study, len(cells)))
    print("claim2 study checks passed")


if __name__ == "__main__":
    main(sys.argv[1])
