#!/usr/bin/python3
"""pdenn's 2D explicit Perona-Malik step against the same step in PyTorch, in one run
(docs/performance.md, issue target: pdenn >= 20x PyTorch at 4096^2, float64, one thread / rank).

Runs `pdenn_bench -bench_sections stream,grid` (one rank: its two 2D rows, g from |z| and from
|z|^2, the STREAM triad and the fractions of the bound) and apps/torch_step2d.py's benchmark back to back, pdenn first, then
prints both rates (medians of --repeats) and their ratio, for --rounds alternating rounds.

    /usr/bin/python3 apps/grid_vs_torch.py --build build --N 4096 --rounds 3
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_step2d  # noqa: E402


def run_pdenn(build, N, steps, repeats):
    """{case: (points/s, bound fraction)} of the 2D step, g from |z| ("|z|") and from |z|^2
    ("|z|^2"), from one pdenn_bench run (its CSV)."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "grid.csv")
        cmd = [os.path.join(build, "apps", "pdenn_bench"), "-bench_sections", "stream,grid", "-bench_grid_N2", str(N),
               "-bench_grid_N3", "0", "-bench_steps", str(steps), "-bench_repeats", str(repeats),
               "-bench_progress", "false", "-bench_csv", path]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        with open(path, newline="") as f:
            rows = [r for r in csv.DictReader(f) if r["section"] == "grid" and r["case"].startswith("2D")]
    out = {}
    for key, squared in (("|z|", False), ("|z|^2", True)):
        value = {r["metric"]: float(r["value"]) for r in rows if r["case"].endswith("g(s^2)") == squared}
        out[key] = (value["throughput"], value["bound fraction"])
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default="build", help="pdenn's CMake build folder")
    p.add_argument("--N", type=int, default=4096, help="side of the N x N image")
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--repeats", type=int, default=3, help="timed runs per side and round (median)")
    p.add_argument("--rounds", type=int, default=1, help="alternating pdenn/PyTorch rounds")
    p.add_argument("--lambda", dest="lam", type=float, default=0.1)
    a = p.parse_args()
    torch.set_num_threads(1)
    ratios = {"|z|": [], "|z|^2": []}
    for r in range(a.rounds):
        pdenn = run_pdenn(a.build, a.N, a.steps, a.repeats)
        torch_rate, _ = torch_step2d.bench(a.N, a.steps, a.repeats, a.lam, 1.0)
        print(f"round {r + 1}: {a.N}^2 PM step, PyTorch {torch_rate:.4g} points/s (float64, 1 thread)")
        for key, (rate, fraction) in pdenn.items():
            ratios[key].append(rate / torch_rate)
            print(f"  pdenn, g from {key:5s}: {rate:.4g} points/s (bound fraction {fraction:.3f}): "
                  f"{rate / torch_rate:.1f}x PyTorch")
    for key, v in ratios.items():
        print(f"pdenn (g from {key}) / PyTorch over {a.rounds} round(s): min {min(v):.1f}x, max {max(v):.1f}x "
              f"(target >= 20x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
