#!/usr/bin/python3
"""Plots of a pdenn_compare experiment (docs/results.md), drawn from its results.h5.

    /usr/bin/python3 apps/pdenn_plots.py results/<experiment>/results.h5 [outdir]

Writes into outdir (default: the directory of results.h5):
  examples.png        test signals: clean, input, ground truth and every method's output
  training.png        training and validation loss of every network per epoch
  activations.png     every learned activation phi(s) beside the classical fluxes of docs/science.md §1
  error_vs_cost.png   test MSE against time per test sample, classical and learned
Needs matplotlib and h5py (Debian: python3-matplotlib python3-h5py); without them it says so in
one line and exits with status 3, which pdenn_compare reports as "plots skipped".
"""
import os
import sys

MISSING_STATUS = 3


def load_modules():
    """matplotlib (headless), pyplot, h5py and numpy, or a one-line message and exit 3."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import h5py
        import numpy as np
    except ImportError as err:
        print("pdenn_plots: cannot plot: Python module %s is missing (Debian: apt-get install "
              "python3-matplotlib python3-h5py)" % (err.name or err))
        sys.exit(MISSING_STATUS)
    return plt, h5py, np


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def read_results(h5py, np, path):
    """Everything the plots need, as plain Python and numpy objects."""
    with h5py.File(path, "r") as f:
        res = {key: text(f.attrs[key]) for key in ("experiment", "task", "input_is", "flux")}
        res["lambda"] = float(f.attrs["lambda"])
        res["test"] = {k: np.array(f["test"][k]) for k in ("input", "target", "clean", "noisy")}
        res["fluxes"] = {k: np.array(v) for k, v in f["fluxes"].items()}
        res["axes"] = test_axes(f)
        res["methods"] = []
        for name in text(f.attrs["methods"]).split(","):
            g = f["methods"][name]
            m = {"name": name, "output": np.array(g["output"])}
            m.update({k: (text(v) if isinstance(v, (bytes, str)) else float(v)) for k, v in g.attrs.items()})
            for key in ("train_loss", "val_loss", "step_loss"):
                if key in g:
                    m[key] = np.array(g[key])
            m["curves"] = []
            if "activations" in g:
                for label, c in g["activations"].items():
                    m["curves"].append((label, np.array(c["s"]), np.array(c["phi"]), text(c.attrs["s_units"])))
            res["methods"].append(m)
    res["row"] = None
    if res["test"]["clean"].ndim == 3:  # images: examples.png shows the middle row of each
        res["row"] = res["test"]["clean"].shape[1] // 2
        res["test"] = {k: v[:, res["row"], :] for k, v in res["test"].items()}
        for m in res["methods"]:
            m["output"] = m["output"][:, res["row"], :]
    return res


def test_axes(f):
    """Sample rate and units of the test set where its file records them (an imported set does:
    docs/hdf5_layout.md), else None: the plots then use grid points and plain values."""
    info = {"sample_rate": None, "units": None}
    if "data" not in f or "test" not in f["data"] or "attributes" not in f["data"]["test"].attrs:
        return info
    for line in text(f["data"]["test"].attrs["attributes"]).splitlines():
        key, _, value = line.partition("=")
        if key == "sample_rate" and float(value) > 0:
            info["sample_rate"] = float(value)
        elif key == "units" and value:
            info["units"] = value
    return info


def style(m):
    """Classical methods solid, learned dashed, the input dotted grey."""
    if m["kind"] == "baseline":
        return {"color": "0.6", "linestyle": ":", "linewidth": 1.0}
    return {"linestyle": "-" if m["kind"] == "classical" else "--", "linewidth": 1.2}


def plot_examples(plt, np, res, out, samples=3):
    test = res["test"]
    n = min(samples, test["clean"].shape[0])
    fig, axes = plt.subplots(n, 1, figsize=(10, 3.2 * n), squeeze=False)
    x = np.arange(test["clean"].shape[1], dtype=float)
    rate, units = res["axes"]["sample_rate"], res["axes"]["units"]
    if rate:
        x /= rate
    for k in range(n):
        ax = axes[k][0]
        ax.plot(x, test["clean"][k], color="black", linewidth=2.0, label="clean")
        if res["task"] != "denoise":
            ax.plot(x, test["target"][k], color="black", linewidth=1.0, linestyle="-.", label="ground truth (%s)" % res["task"])
        for m in res["methods"]:
            label = "%s (%s)" % (m["name"], m["what"]) if m["kind"] != "baseline" else "input (%s)" % res["input_is"]
            ax.plot(x, m["output"][k], label=label, **style(m))
        ax.set_title("test sample %d" % k if res["row"] is None else "test image %d, row y = %d (images.png shows the whole images)" % (k, res["row"]))
        ax.set_xlabel("time within the segment (s)" if rate else "grid point" if res["row"] is None else "pixel x")
        if units:
            ax.set_ylabel("amplitude (%s)" % units)
    axes[0][0].legend(fontsize=7, ncol=3)
    fig.suptitle("%s: test signals and every method's output" % res["experiment"])
    fig.tight_layout()
    fig.savefig(os.path.join(out, "examples.png"), dpi=110)
    plt.close(fig)
    return "examples.png"


def plot_training(plt, np, res, out):
    learned = [m for m in res["methods"] if "train_loss" in m and len(m["train_loss"]) > 0]
    if not learned:
        return None
    fig, ax = plt.subplots(figsize=(8, 5))
    for i, m in enumerate(learned):
        color = "C%d" % i
        epochs = np.arange(1, len(m["train_loss"]) + 1)
        ax.semilogy(epochs, m["train_loss"], color=color, label="%s (%s) training" % (m["name"], m["what"]))
        if np.all(np.isfinite(m["val_loss"])):
            ax.semilogy(epochs, m["val_loss"], color=color, linestyle="--", label="%s validation" % m["name"])
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (mean over samples)")
    ax.set_title("%s: training curves" % res["experiment"])
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "training.png"), dpi=110)
    plt.close(fig)
    return "training.png"


def plot_activations(plt, np, res, out):
    learned = [m for m in res["methods"] if m["curves"]]
    if not learned:
        return None
    panels = len(learned) + 1
    ncols = min(4, panels)
    nrows = (panels + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(5 * ncols, 4.2 * nrows), squeeze=False)
    axes = [ax for row in axes for ax in row]
    for ax in axes[panels:]:
        ax.set_visible(False)
    for ax, m in zip(axes, learned):
        for label, s, phi, units in m["curves"]:
            ax.plot(s, phi, label=label)
        units = m["curves"][0][3]
        ax.set_xlabel("s" if units == "absolute" else "s / act_smax")
        ax.set_ylabel("phi(s)")
        ax.set_title("%s (%s): learned activations" % (m["name"], m["what"]))
        ax.axhline(0.0, color="0.7", linewidth=0.8)
        ax.legend(fontsize=7)
    ax = axes[panels - 1]
    s = res["fluxes"]["s"]
    for name in ("linear", "perona_malik", "exp_perona_malik", "charbonnier", "weickert"):
        if name in res["fluxes"]:
            ax.plot(s, res["fluxes"][name], label=name, linewidth=2.0 if name == res["flux"] else 1.0)
    ax.set_ylim(0.0, 1.2)
    ax.set_xlabel("s / lambda")
    ax.set_ylabel("Phi(s) / lambda")
    ax.set_title("classical fluxes (deck: %s, lambda = %g)" % (res["flux"], res["lambda"]))
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "activations.png"), dpi=110)
    plt.close(fig)
    return "activations.png"


def plot_error_vs_cost(plt, np, res, out):
    fig, ax = plt.subplots(figsize=(8, 5.5))
    markers = {"classical": "o", "learned": "s"}
    for m in res["methods"]:
        if m["kind"] == "baseline":
            ax.axhline(m["test_mse"], color="0.6", linestyle=":", label="input (%s): MSE %.3g" % (res["input_is"], m["test_mse"]))
            continue
        t, mse = m["seconds_per_sample"], m["test_mse"]
        if not (np.isfinite(t) and np.isfinite(mse) and t > 0 and mse > 0):
            continue
        ax.loglog(t, mse, marker=markers[m["kind"]], linestyle="none", markersize=8,
                  label="%s (%s, %s)" % (m["name"], m["what"], m["kind"]))
        ax.annotate(m["name"], (t, mse), textcoords="offset points", xytext=(5, 5), fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("time per test sample (s)")
    ax.set_ylabel("test MSE against the ground truth")
    ax.set_title("%s: error versus cost (task %s)" % (res["experiment"], res["task"]))
    ax.legend(fontsize=7)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "error_vs_cost.png"), dpi=110)
    plt.close(fig)
    return "error_vs_cost.png"


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(argv) >= 2 else 2
    plt, h5py, np = load_modules()
    path = argv[1]
    out = argv[2] if len(argv) > 2 else os.path.dirname(os.path.abspath(path))
    res = read_results(h5py, np, path)
    written = [p(plt, np, res, out) for p in (plot_examples, plot_training, plot_activations, plot_error_vs_cost)]
    print("pdenn_plots: wrote %s in %s" % (", ".join(w for w in written if w), out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
