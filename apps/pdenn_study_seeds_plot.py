#!/usr/bin/python3
"""Seeds (and budgets) of pdenn_compare experiments whose networks are named <method>_s<seed>
(input/claim2_seeds.deck, one experiment per budget):

    pdenn_study_seeds_plot.py <out.png> <experiment dir> [<experiment dir> ...]

One directory: test MSE of every seed per method (points, mean as a bar) with the input and the
classical solvers as horizontal reference lines, and the worst-case gains per seed. Several
(one per budget): test MSE against parameters, mean and standard deviation over the seeds per
method, the same reference lines, and the largest worst-case gain per method and budget. Prints
a Markdown table per method and budget (mean, sd, per-seed values, worst-case gains) and the
paired t-test of every method against the first one (same seeds; SciPy's ttest_rel).
"""
import csv
import math
import re
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read(d):
    with open(d + "/summary.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    methods, refs = {}, []
    for r in rows:
        m = re.fullmatch(r"(.+)_s(\d+)", r["method"])
        if r["kind"] == "learned" and m:
            methods.setdefault(m.group(1), {})[int(m.group(2))] = r
        elif r["kind"] != "learned":
            refs.append(r)
    return methods, refs


def table(runs):
    try:
        from scipy.stats import ttest_rel
    except ImportError:
        ttest_rel = None
    print("| method | parameters | test MSE per seed | mean ± sd | worst-case gains | vs %s: lower on, mean ratio, p |" % next(iter(runs[0][0])))
    print("|---|---:|---|---|---|---|")
    for methods, _ in runs:
        first = next(iter(methods.values()))
        for name, seeds in methods.items():
            mse = [float(seeds[s]["test_mse"]) for s in sorted(seeds)]
            base = [float(first[s]["test_mse"]) for s in sorted(seeds)]
            worst = " / ".join("%.3f" % float(seeds[s]["worst_gain"]) for s in sorted(seeds))
            cmp = ""
            if seeds is not first and len(mse) > 1:
                p = ttest_rel(mse, base).pvalue if ttest_rel else float("nan")
                ratio = math.exp(statistics.mean(math.log(a / b) for a, b in zip(mse, base)))
                cmp = "%d/%d, %.2f, p = %.3f" % (sum(a < b for a, b in zip(mse, base)), len(mse), ratio, p)
            sd = statistics.stdev(mse) if len(mse) > 1 else float("nan")
            print("| %s | %s | %s | %.2e ± %.2e | %s | %s |" % (name, seeds[min(seeds)]["parameters"], " / ".join("%.2e" % v for v in mse), statistics.mean(mse), sd, worst, cmp))


def references(ax, refs):
    for k, r in enumerate(refs):
        ax.axhline(float(r["test_mse"]), ls=":", color="C%d" % (k + 5), label="%s (%s)" % (r["method"], r["kind"]))


def seeds_plot(methods, refs, ax, bx):
    for i, seeds in enumerate(methods.values()):
        mse = [float(r["test_mse"]) for r in seeds.values()]
        ax.scatter([i] * len(mse), mse, zorder=3)
        ax.hlines(statistics.mean(mse), i - 0.3, i + 0.3, colors="k")
        bx.scatter([i] * len(seeds), [float(r["worst_gain"]) for r in seeds.values()], zorder=3)
    names = ["%s\n(%s param.)" % (n, next(iter(s.values()))["parameters"]) for n, s in methods.items()]
    for a in (ax, bx):
        a.set_xticks(range(len(methods)))
        a.set_xticklabels(names)
    ax.set_ylabel("test MSE (points: seeds, bar: mean)")


def budgets_plot(runs, ax, bx):
    for k, name in enumerate(runs[0][0]):
        pts = []
        for methods, _ in runs:
            mse = [float(r["test_mse"]) for r in methods[name].values()]
            pts.append((int(next(iter(methods[name].values()))["parameters"]), statistics.mean(mse), statistics.stdev(mse),
                        max(float(r["worst_gain"]) for r in methods[name].values())))
        pts.sort()
        ax.errorbar([p[0] for p in pts], [p[1] for p in pts], yerr=[p[2] for p in pts], marker="o", capsize=3, label=name, color="C%d" % k)
        bx.plot([p[0] for p in pts], [p[3] for p in pts], marker="o", label=name, color="C%d" % k)
    for a in (ax, bx):
        a.set_xscale("log")
        a.set_xlabel("trainable parameters")
    ax.set_ylabel("test MSE (mean ± sd over seeds)")
    bx.legend(fontsize=8)


def main(out, dirs):
    runs = [read(d) for d in dirs]
    table(runs)
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4.2))
    if len(runs) == 1:
        seeds_plot(runs[0][0], runs[0][1], ax, bx)
    else:
        budgets_plot(runs, ax, bx)
    references(ax, runs[0][1])
    ax.set_yscale("log")
    ax.legend(fontsize=8)
    bx.axhline(1.0, ls=":", color="k")
    bx.set_ylabel("worst-case gain found (||f(x)|| / ||x||)")
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
