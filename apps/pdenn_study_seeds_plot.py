#!/usr/bin/python3
"""Seed spread of one pdenn_compare experiment whose networks are named <method>_s<seed>
(input/claim2_seeds.deck): test MSE of every seed per method (points, mean as a bar), the input
and the classical solvers as horizontal reference lines, and the worst-case gains.

    pdenn_study_seeds_plot.py <experiment dir> <out.png>
"""
import csv
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(d, out):
    with open(d + "/summary.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    methods, refs = {}, []
    for r in rows:
        m = re.fullmatch(r"(.+)_s(\d+)", r["method"])
        if r["kind"] == "learned" and m:
            methods.setdefault(m.group(1), []).append(r)
        elif r["kind"] != "learned":
            refs.append(r)
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4.2))
    for i, (name, rs) in enumerate(methods.items()):
        mse = [float(r["test_mse"]) for r in rs]
        ax.scatter([i] * len(mse), mse, zorder=3, label=None)
        ax.hlines(sum(mse) / len(mse), i - 0.3, i + 0.3, colors="k")
        bx.scatter([i] * len(rs), [float(r["worst_gain"]) for r in rs], zorder=3)
    for k, r in enumerate(refs):
        ax.axhline(float(r["test_mse"]), ls=":", color="C%d" % (k + 5), label="%s (%s)" % (r["method"], r["kind"]))
    names = ["%s\n(%s param.)" % (n, rs[0]["parameters"]) for n, rs in methods.items()]
    for a in (ax, bx):
        a.set_xticks(range(len(methods)))
        a.set_xticklabels(names)
    ax.set_yscale("log")
    ax.set_ylabel("test MSE (points: seeds, bar: mean)")
    ax.legend(fontsize=8)
    bx.axhline(1.0, ls=":", color="k")
    bx.set_ylabel("worst-case gain found (||f(x)|| / ||x||)")
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
