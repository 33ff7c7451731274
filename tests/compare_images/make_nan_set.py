#!/usr/bin/python3
"""A copy of an image set with one NaN, in 'noisy' of sample 1 at pixel (x, y) = (3, 5), for the
error test of pdenn_compare's image input.
    make_nan_set.py IN.h5 OUT.h5"""
import shutil
import sys

import h5py
import numpy as np

shutil.copyfile(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], "r+") as f:
    noisy = np.array(f["noisy"])
    noisy[1, 5, 3] = np.nan
    f["noisy"][...] = noisy
print("make_nan_set: wrote %s" % sys.argv[2])
