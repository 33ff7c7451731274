#!/usr/bin/python3
"""PyTorch baseline for pdenn_bench's grid section (docs/performance.md): the 2D explicit
Perona-Malik step out = u - tau K^T Phi(K u) as a PyTorch user writes it, float64 on the CPU.

The same model as pdenn's PdennGridStep (docs/science.md): K the forward-difference gradient / h
with the reflecting boundary (the half-sample mirror u(N) = u(N-1), here replicate padding by one
point, so K u = 0 across the far edges), the isotropic flux Phi(z) = g(|z|^2) z with Perona-Malik's
g(s^2) = 1 / (1 + s^2 / lambda^2), and K^T F(p) = sum_c (F_c(p - e_c) - F_c(p)) / h with F = 0
outside the grid (zero padding). tau = tau_max = h^2 / (2 d) (d = 2, L = 1). Prints points/s.
--check compares one step with a direct NumPy-free loop on a small image.

Run it with Debian's python (the one that has python3-torch):
    /usr/bin/python3 apps/torch_step2d.py --threads 1 --N 4096
"""
import argparse
import statistics
import sys
import time

import torch
import torch.nn.functional as F


def step(u, lam, tau, h=1.0):
    """One explicit step of an H x W image u (a 2D float64 tensor)."""
    up = F.pad(u[None, None], (0, 1, 0, 1), mode="replicate")[0, 0]  # u(N) = u(N-1)
    gx = (up[:-1, 1:] - u) / h
    gy = (up[1:, :-1] - u) / h
    g = 1.0 / (1.0 + (gx * gx + gy * gy) / (lam * lam))
    fx, fy = g * gx, g * gy
    div = (F.pad(fx, (1, 0))[:, :-1] - fx) + (F.pad(fy, (0, 0, 1, 0))[:-1, :] - fy)  # F(-1) = 0
    return u - (tau / h) * div


def image(N):
    """A 4 x 4 checkerboard of plateaus 0 and 1 with noise in [-0.05, 0.05] (as pdenn_bench's)."""
    x = torch.arange(N, dtype=torch.int64)
    board = ((4 * x[None, :] // N + 4 * x[:, None] // N) % 2).to(torch.float64)
    gen = torch.Generator().manual_seed(1)
    return board + 0.1 * (torch.rand(N, N, generator=gen, dtype=torch.float64) - 0.5)


def check(lam):
    """The step against a plain loop over the points (the formulas above, no padding)."""
    H, W, h, tau = 7, 9, 0.7, 0.1
    u = torch.rand(H, W, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    out = step(u, lam, tau, h)
    v = u.tolist()
    Fx = [[0.0] * W for _ in range(H)]
    Fy = [[0.0] * W for _ in range(H)]
    for y in range(H):
        for x in range(W):
            zx = (v[y][x + 1] - v[y][x]) / h if x + 1 < W else 0.0
            zy = (v[y + 1][x] - v[y][x]) / h if y + 1 < H else 0.0
            g = 1.0 / (1.0 + (zx * zx + zy * zy) / (lam * lam))
            Fx[y][x], Fy[y][x] = g * zx, g * zy
    worst = 0.0
    for y in range(H):
        for x in range(W):
            r = ((Fx[y][x - 1] if x else 0.0) - Fx[y][x] + (Fy[y - 1][x] if y else 0.0) - Fy[y][x]) / h
            worst = max(worst, abs(v[y][x] - tau * r - out[y, x].item()))
    print(f"torch_step2d check: largest difference to the loop {worst:.3g}")
    return worst < 1e-14


def bench(N, steps, repeats, lam, warmup):
    """Median points/s of `steps` steps over `repeats` runs, after `warmup` seconds of steps."""
    u = image(N)
    tau = 1.0 / 4.0
    t_end = time.perf_counter() + warmup
    while time.perf_counter() < t_end:
        step(u, lam, tau)
    rates = []
    with torch.inference_mode():
        for _ in range(repeats):
            t0 = time.perf_counter()
            for _ in range(steps):
                u = step(u, lam, tau)
            rates.append(N * N * steps / (time.perf_counter() - t0))
    return statistics.median(rates), max(rates)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (match pdenn's ranks)")
    p.add_argument("--N", type=int, default=4096, help="side of the N x N image")
    p.add_argument("--steps", type=int, default=5, help="steps per timed run")
    p.add_argument("--repeats", type=int, default=3, help="timed runs (median and best reported)")
    p.add_argument("--lambda", dest="lam", type=float, default=0.1, help="Perona-Malik contrast")
    p.add_argument("--warmup", type=float, default=1.0, help="seconds of untimed steps first")
    p.add_argument("--check", action="store_true", help="only compare one step with a plain loop")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    if a.check:
        return 0 if check(a.lam) else 1
    median, best = bench(a.N, a.steps, a.repeats, a.lam, a.warmup)
    print(f"torch {torch.__version__} float64, {a.threads} thread(s), {a.N}^2, PM 2D step: "
          f"median {median:.4g} points/s, best {best:.4g} points/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
