#!/usr/bin/python3
"""Checks pdenn_compare's task targets against references computed here with numpy, independent
of pdenn's operator, flux and solver code (docs/theory_implicit.md defines K; the fluxes and
schemes are those of docs/science.md §1, §2, §4). Reads <dir>/results.h5 (test/input,
test/target and the attributes N, h, order, flux, lambda, t_stop, task).

  check_targets.py diffusion <dir> [--refine R] [--rtol T]
      the targets are the explicit scheme u <- u - tau K^T Phi(K u) with tau = tau_max / R
      (R = -compare_reference_refine, default 10; tau_max = h^2/2 or h^4/8), n = ceil(t/tau)
      steps, the last shortened to reach t_stop, run here on every test input (default
      T = 1e-12: the same arithmetic in another summation order; measured 1.1e-16 over 400
      Perona-Malik steps); for the
      linear flux they are also the closed form sum_k (1 - tau mu_k)^(n-1) (1 - tau_last mu_k)
      <f, v_k> v_k over the cosine modes v_k of K^T K (1e-12).
  check_targets.py implicit_solve <dir> [--rtol T]
      the targets solve (I + t_stop K^T diag(g((K f)^2)) K) u = f (numpy.linalg.solve), to
      T = 1e-10: pdenn's reference CG + Jacobi stops at relative preconditioned residual 1e-13,
      so the true residual is <= cond(D) 1e-13 |f| with cond(D) <= 1 + t_stop ||K||^2 (201 at
      t_stop = 50, h = 1, order 1), and ||A^-1|| <= 1 (measured 2.4e-15).
Needs numpy and h5py (/usr/bin/python3 on Debian: python3-h5py). Exit status 0 and a last line
"target checks passed" on success.
"""
import math
import os
import sys

import h5py
import numpy as np


def fail(msg):
    print("target check FAILED: " + msg)
    sys.exit(1)


def dense_k(n, h, order):
    """K from its kernel with the half-sample mirror folded back: u[-1-k] = u[k], u[N-1+k] = u[N-k]"""
    w = [0.0, -1.0 / h, 1.0 / h] if order == 1 else [1.0 / h**2, -2.0 / h**2, 1.0 / h**2]
    k = np.zeros((n, n))
    for i in range(n):
        for o in (-1, 0, 1):
            j = i + o
            j = -1 - j if j < 0 else (2 * n - 1 - j if j > n - 1 else j)
            k[i, j] += w[o + 1]
    return k


def diffusivity(flux, lam, s):
    """g(s^2) of docs/science.md §1"""
    q = (s / lam) ** 2
    if flux == "linear":
        return np.ones_like(s)
    if flux == "perona_malik":
        return 1.0 / (1.0 + q)
    if flux == "exp_perona_malik":
        return np.exp(-0.5 * q)
    if flux == "charbonnier":
        return 1.0 / np.sqrt(1.0 + q)
    fail("flux %s has no reference here (linear, perona_malik, exp_perona_malik, charbonnier)" % flux)


def read(d):
    path = os.path.join(d, "results.h5")
    if not os.path.isfile(path):
        fail("missing " + path)
    with h5py.File(path, "r") as f:
        a = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
        return a, f["test/input"][...], f["test/target"][...]


def rel(x, ref):
    return np.max(np.abs(x - ref)) / max(np.max(np.abs(ref)), 1.0)


def cmd_diffusion(d, opts):
    a, f, target = read(d)
    n, h, order, t = int(a["N"]), float(a["h"]), int(a["order"]), float(a["t_stop"])
    if a["task"] != "diffusion":
        fail("%s: task %s, expected diffusion" % (d, a["task"]))
    k = dense_k(n, h, order)
    tau = (0.5 * h**2 if order == 1 else 0.125 * h**4) / float(opts.get("--refine", "10"))
    steps = max(1, math.ceil(t / tau - 1e-9))
    last = t - (steps - 1) * tau
    u = f.copy()
    for s in range(steps):
        z = u @ k.T
        u = u - (last if s == steps - 1 else tau) * ((diffusivity(a["flux"], float(a["lambda"]), z) * z) @ k)
    err = rel(target, u)
    tol = float(opts.get("--rtol", "1e-12"))
    print("diffusion: %d inputs, N = %d, order %d, %s, %d explicit steps of %g: |target - numpy| = %.2e (limit %.0e)"
          % (f.shape[0], n, order, a["flux"], steps, tau, err, tol))
    if not err <= tol:
        fail("the diffusion targets differ from the explicit scheme computed here by %.3e" % err)
    if not rel(f, u) > 1e-3:
        fail("the targets hardly differ from the inputs: the check would not see a wrong scheme")
    if a["flux"] == "linear":
        i = np.arange(n)
        modes = np.array([np.cos(np.pi * m * (i + 0.5) / n) for m in range(n)])  # rows v_m
        mu = (4.0 / h**2) * np.sin(np.pi * np.arange(n) / (2.0 * n)) ** 2
        mu = mu if order == 1 else mu**2
        amp = (1.0 - tau * mu) ** (steps - 1) * (1.0 - last * mu)
        coef = (f @ modes.T) / np.sum(modes**2, axis=1)  # the modes are orthogonal
        err = rel(target, (coef * amp) @ modes)
        print("diffusion: closed form over the cosine modes: |target - exact| = %.2e (limit 1e-12)" % err)
        if not err <= 1e-12:
            fail("the linear diffusion targets differ from the exact discrete solution by %.3e" % err)


def cmd_implicit_solve(d, opts):
    a, f, target = read(d)
    n, h, order, t = int(a["N"]), float(a["h"]), int(a["order"]), float(a["t_stop"])
    if a["task"] != "implicit_solve":
        fail("%s: task %s, expected implicit_solve" % (d, a["task"]))
    k = dense_k(n, h, order)
    worst = 0.0
    for row in range(f.shape[0]):
        g = diffusivity(a["flux"], float(a["lambda"]), k @ f[row])
        u = np.linalg.solve(np.eye(n) + t * k.T @ (g[:, None] * k), f[row])
        worst = max(worst, rel(target[row], u))
    tol = float(opts.get("--rtol", "1e-10"))
    print("implicit_solve: %d inputs, N = %d, order %d, %s, tau = %g: |target - numpy.linalg.solve| = %.2e (limit %.0e)"
          % (f.shape[0], n, order, a["flux"], t, worst, tol))
    if not worst <= tol:
        fail("the implicit_solve targets differ from the dense solve by %.3e" % worst)


def main(argv):
    cmds = {"diffusion": cmd_diffusion, "implicit_solve": cmd_implicit_solve}
    if len(argv) < 3 or argv[1] not in cmds:
        print(__doc__)
        return 2
    cmds[argv[1]](argv[2], dict(zip(argv[3::2], argv[4::2])))
    print("target checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
