#!/usr/bin/python3
"""Writes signal sets that are not pdenn's generated ones, as a user's data would be, for the tests
of pdenn_compare with -compare_{train,val,test}_data (tests/compare/CMakeLists.txt).

  make_own_data.py <dir>

<dir>/train.h5 (64 samples), val.h5 (8), test.h5 (16): N = 64, piecewise-constant "millivolt"
signals with levels in [-3.5, 3.6] (range about 7, not 1), noisy = clean + 0.3 n, attribute
sigma 0.3; <dir>/train_nosigma.h5: the same clean signals, noisy = clean, sigma 0 (no noise
recorded). Every set has the attributes pdenn's reader needs today (generator, seed, N, samples,
pieces, sigma) and provenance attributes a real record has: source, units (h5py's default
variable-length strings) and sample_rate.
"""
import os
import sys

import h5py
import numpy as np

N, PIECES = 64, 4


def clean_signals(rng, n):
    out = np.empty((n, N))
    for k in range(n):
        cuts = np.sort(rng.choice(np.arange(4, N - 4), PIECES - 1, replace=False))
        levels = rng.uniform(-3.5, 3.6, PIECES)
        out[k] = np.repeat(levels, np.diff(np.concatenate(([0], cuts, [N]))))
    return out


def write(path, clean, noisy, sigma, seed):
    with h5py.File(path, "w") as f:
        f["clean"] = clean
        f["noisy"] = noisy
        f.attrs["generator"] = np.bytes_("constant")
        f.attrs["seed"] = np.int64(seed)
        f.attrs["N"] = np.int64(N)
        f.attrs["samples"] = np.int64(clean.shape[0])
        f.attrs["pieces"] = np.int64(PIECES)
        f.attrs["sigma"] = np.float64(sigma)
        f.attrs["source"] = "make_own_data.py (synthetic millivolt record)"
        f.attrs["units"] = "mV"
        f.attrs["sample_rate"] = np.float64(360.0)


def main(d):
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(7)
    for seed, (name, n) in enumerate([("train", 64), ("val", 8), ("test", 16)]):
        clean = clean_signals(rng, n)
        write(os.path.join(d, name + ".h5"), clean, clean + 0.3 * rng.standard_normal(clean.shape), 0.3, seed)
        if name == "train":
            write(os.path.join(d, "train_nosigma.h5"), clean, clean.copy(), 0.0, seed)
    print("own data written to " + d)


if __name__ == "__main__":
    main(sys.argv[1])
