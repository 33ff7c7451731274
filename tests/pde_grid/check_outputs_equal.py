#!/usr/bin/python3
"""pdenn_solve outputs agree: dataset u of every file against the first, max |difference| relative
to max |u|, at most --tol (0: bitwise). Usage: check_outputs_equal.py --tol T a.h5 b.h5 ..."""
import argparse
import sys

import h5py
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--tol", type=float, default=0.0)
ap.add_argument("files", nargs="+")
args = ap.parse_args()
u = [np.asarray(h5py.File(f, "r")["u"]) for f in args.files]
worst = max(np.max(np.abs(v - u[0])) for v in u[1:]) / np.max(np.abs(u[0]))
print(f"{len(u)} outputs of shape {u[0].shape}: max |difference| / max |u| = {worst:.2e} (tolerance {args.tol:g})")
if worst > args.tol or any(v.shape != u[0].shape for v in u):
    sys.exit(1)
print("outputs agree")
