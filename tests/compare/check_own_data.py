#!/usr/bin/python3
"""Checks of pdenn_compare run on data read from files (needs h5py and numpy). Each number is
recomputed here from the files pdenn_compare read and wrote, independently of its C code.

  check_own_data.py psnr <dir>
      results.h5's psnr_peak is max - min of the test targets (test/target), not 1, and every
      method's PSNR (results.h5 and summary.csv) is 10 log10(peak^2 / MSE) with the MSE
      recomputed from its outputs.
  check_own_data.py stress <dir> <train file> <factor>
      the stress noise sigma is factor x the train file's attribute sigma (or, where that is 0 or
      absent, x the standard deviation of its clean signals), as recorded in results.h5 and as
      measured in the stress inputs it holds (test/stress_input - test/clean).
  check_own_data.py summary <dir> <split>=<file> ...
      summary.md and results.h5 describe each split by its file: name, samples, N, the clean
      signals' range, the noise sigma and the provenance attributes it records.
Exit status 0 and a last line "own data checks passed" on success.
"""
import csv
import math
import os
import sys

import h5py
import numpy as np


def fail(msg):
    print("own data check FAILED: " + msg)
    sys.exit(1)


def rel(a, b):
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def cmd_psnr(d):
    with h5py.File(os.path.join(d, "results.h5"), "r") as f:
        target = f["test/target"][()]
        peak = float(f.attrs["psnr_peak"])
        expected = float(target.max() - target.min())
        if rel(peak, expected) > 1e-14 or abs(peak - 1.0) < 0.5:
            fail("psnr_peak %r, expected the test targets' range %r (and far from 1)" % (peak, expected))
        with open(os.path.join(d, "summary.csv"), newline="") as c:
            csv_psnr = {r["method"]: float(r["test_psnr_db"]) for r in csv.DictReader(c)}
        for m in f["methods"]:
            out = f["methods/%s/output" % m][()]
            mse = float(np.mean(np.mean((out - target) ** 2, axis=1)))
            psnr = 10.0 * math.log10(peak * peak / mse)
            got = float(f["methods/" + m].attrs["test_psnr_db"])
            if rel(got, psnr) > 1e-9 or abs(csv_psnr[m] - psnr) > 2e-9:
                fail("%s: PSNR %r (results.h5), %r (summary.csv); recomputed %r" % (m, got, csv_psnr[m], psnr))
            print("%s: PSNR %.6f dB with peak %.6f (peak 1 would give %.6f dB)" % (m, psnr, peak, 10.0 * math.log10(1.0 / mse)))


def cmd_stress(d, train, factor):
    with h5py.File(train, "r") as f:
        sigma = float(f.attrs.get("sigma", 0.0))
        basis = sigma if sigma > 0 else float(np.std(f["clean"][()]))
    expected = float(factor) * basis
    with h5py.File(os.path.join(d, "results.h5"), "r") as f:
        got = float(f.attrs["stress_sigma"])
        noise = f["test/stress_input"][()] - f["test/clean"][()]
    measured = float(np.sqrt(np.mean(noise ** 2)))
    if rel(got, expected) > 1e-12:
        fail("stress_sigma %r, expected %s x %r = %r" % (got, factor, basis, expected))
    # the noise's RMS over n points estimates sigma to about 1/sqrt(2 n) relative (n = 1024 here: 2%)
    if rel(measured, expected) > 0.1:
        fail("the stress inputs' noise has RMS %r, expected sigma %r" % (measured, expected))
    print("stress sigma %r = %s x %r (%s); noise in the stress inputs: RMS %.4f"
          % (got, factor, basis, "attribute sigma" if sigma > 0 else "std of the clean signals", measured))


def cmd_summary(d, pairs):
    with open(os.path.join(d, "summary.md")) as f:
        md = f.read()
    lines = {l.split(":")[0].strip("- ").strip(): l for l in md.splitlines() if l.startswith("  - ")}
    with h5py.File(os.path.join(d, "results.h5"), "r") as res:
        for pair in pairs:
            split, path = pair.split("=", 1)
            line = lines.get(split, "")
            with h5py.File(path, "r") as f:
                clean = f["clean"][()]
                want = ["file `%s`" % path, "%d samples of N = %d" % clean.shape,
                        "clean signals in [%.6g, %.6g]" % (clean.min(), clean.max())]
                sigma = float(f.attrs["sigma"]) if "sigma" in f.attrs else None
                if sigma is not None:
                    want.append("noise sigma %.6g (recorded)" % sigma)
                for a in ("source", "units", "sample_rate"):
                    if a in f.attrs:
                        v = f.attrs[a]
                        want.append("%s=%s" % (a, v.decode() if isinstance(v, bytes) else ("%.15g" % v if isinstance(v, float) else v)))
            for w in want:
                if w not in line:
                    fail("summary.md's line for %s lacks '%s': %s" % (split, w, line))
            if "generated" in line:
                fail("summary.md calls the %s set generated: %s" % (split, line))
            g = res["data/" + split].attrs
            h5file = g["file"].decode() if isinstance(g["file"], bytes) else g["file"]
            if h5file != path or int(g["samples"]) != clean.shape[0] or g["clean_min"] != clean.min() or g["clean_max"] != clean.max():
                fail("results.h5 data/%s: file %r, samples %r, range [%r, %r]; expected %r, %d, [%r, %r]"
                     % (split, h5file, g["samples"], g["clean_min"], g["clean_max"], path, clean.shape[0], clean.min(), clean.max()))
            print("%s: %s" % (split, "; ".join(want)))


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    if argv[1] == "psnr":
        cmd_psnr(argv[2])
    elif argv[1] == "stress":
        cmd_stress(argv[2], argv[3], argv[4])
    elif argv[1] == "summary":
        cmd_summary(argv[2], argv[3:])
    else:
        print(__doc__)
        return 2
    print("own data checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
