#!/usr/bin/python3
"""The plot of a pdenn_study study (docs/results.md, "Studies"), drawn from its tables.

    /usr/bin/python3 apps/pdenn_study_plot.py results/<study>

Writes <study>/study.png: test MSE against trainable parameters, one line per learned method
(mean over the seeds, error bars one standard deviation, each seed a faint dot), the input and
classical solvers of the same data as horizontal reference lines (the input's own error
as a note: it lies far above). Reads study.csv and
study_cells.csv. Needs matplotlib (Debian: python3-matplotlib); without it it says so in one line
and exits with status 3.
"""
import csv
import os
import sys


def main(study):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import matplotlib.ticker
    except ImportError as err:
        print("pdenn_study_plot: cannot plot: Python module %s is missing" % (err.name or err))
        sys.exit(3)
    with open(os.path.join(study, "study.csv")) as f:
        rows = list(csv.DictReader(f))
    with open(os.path.join(study, "study_cells.csv")) as f:
        cells = list(csv.DictReader(f))
    fig, ax = plt.subplots(figsize=(7, 4.5))
    methods = [r["method"] for r in rows if r["kind"] == "learned"]
    for name in dict.fromkeys(methods):
        mine = sorted((r for r in rows if r["method"] == name), key=lambda r: int(r["parameters"]))
        x = [int(r["parameters"]) for r in mine]
        y = [float(r["test_mse_mean"]) for r in mine]
        err = [float(r["test_mse_std"]) if r["test_mse_std"] else 0.0 for r in mine]
        line = ax.errorbar(x, y, yerr=err, marker="o", capsize=4,
                           label="%s (%s, %s seeds)" % (name, mine[0]["budget_key"], mine[0]["seeds"]))
        seeds = [c for c in cells if c["method"] == name]
        ax.plot([int(c["parameters"]) for c in seeds], [float(c["test_mse"]) for c in seeds], ".",
                color=line[0].get_color(), alpha=0.35)
    styles = iter(["-.", ":", "--", (0, (1, 3))])
    for r in rows:
        if r["kind"] == "classical":
            ax.axhline(float(r["test_mse_mean"]), color="gray", linestyle=next(styles, ":"),
                       label="%s (%s)" % (r["method"], r["kind"]))
    ax.set_xscale("log")
    ax.set_yscale("log")
    # the budgets themselves as ticks: a log axis over one decade would show one label only
    ticks = sorted({int(r["parameters"]) for r in rows if r["kind"] == "learned"})
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(t) for t in ticks], rotation=45, fontsize=8)
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xlabel("trainable parameters")
    ax.set_ylabel("test MSE (mean ± std over seeds)")
    baseline = [r for r in rows if r["kind"] == "baseline"]
    if baseline:  # far above the networks: named in the title instead of drawn
        ax.text(0.01, 0.99, "input itself: test MSE %.3g" % float(baseline[0]["test_mse_mean"]),
                transform=ax.transAxes, va="top", fontsize=8)
    ax.set_title("Study %s" % os.path.basename(os.path.normpath(study)))
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(study, "study.png"), dpi=120)
    print("pdenn_study_plot: wrote %s" % os.path.join(study, "study.png"))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: pdenn_study_plot.py <study directory>")
        sys.exit(2)
    main(sys.argv[1])
