#!/usr/bin/python3
"""Reference SSIM values from skimage.metrics.structural_similarity (Debian's python3-skimage) for
test_compare_ssim: OUT.h5 holds pairs x<k>, y<k> (H x W, natural order) with attributes L (the
data range) and ssim (skimage's value with its defaults: win_size 7, uniform window, sample
covariance, K1 0.01, K2 0.03). Images are non-square so that a W/H mix-up fails.
    make_ssim_ref.py OUT.h5"""
import sys

import h5py
import numpy as np
from skimage.metrics import structural_similarity

rng = np.random.default_rng(7)
yy, xx = np.mgrid[0:19, 0:26]
smooth = 0.5 + 0.3 * np.sin(xx / 4.0) * np.cos(yy / 5.0)
cases = [(smooth, smooth + 0.1 * rng.standard_normal(smooth.shape), 1.0),         # noisy copy
         (smooth, 2.0 * smooth - 0.3 + 0.05 * rng.standard_normal(smooth.shape), 2.5),  # contrast
         (rng.random((12, 9)), rng.random((12, 9)), 0.8),                          # unrelated, small
         (smooth, smooth.copy(), 1.0)]                                             # identical: 1
with h5py.File(sys.argv[1], "w") as f:
    f.attrs["pairs"] = len(cases)
    for k, (x, y, L) in enumerate(cases):
        f["x%d" % k], f["y%d" % k] = x, y
        f["x%d" % k].attrs["L"] = L
        f["x%d" % k].attrs["ssim"] = structural_similarity(x, y, data_range=L)
print("make_ssim_ref: wrote %d pairs to %s" % (len(cases), sys.argv[1]))
