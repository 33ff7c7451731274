#!/usr/bin/python3
"""Checks of pdenn_compare's results on images (Debian: python3-h5py, python3-numpy, python3-skimage).

  check_images.py outputs <dir> [--learned NAME --margin M]
      summary.csv has the 1D columns plus test_ssim, every number finite; results.h5 records
      dim 2, W, H and holds the test sets and every output as samples x H x W; the PSNR column is
      10 log10(peak^2 / MSE) with peak = max - min of the test targets (the data range),
      recomputed from results.h5 to 1e-9 relative; the SSIM column is the mean of
      skimage.metrics.structural_similarity(target, output, data_range=peak) to 1e-6; images.png
      is a PNG of the grid's size; every classical method's largest gain is <= 1 (+ rounding);
      with --learned, that network's test MSE is at most M times the input's.
  check_images.py agree <dir1> <dir2> [--rtol R] [--methods a,b]
      the deterministic columns (SSIM included) agree to R between two runs (1 and 2 ranks), of
      every method or of those named.
Exit status 0 and a last line "image checks passed" on success.
"""
import csv
import math
import os
import struct
import sys

import h5py
import numpy as np
from skimage.metrics import structural_similarity

COLUMNS = ["method", "kind", "what", "parameters", "train_seconds", "epochs", "seconds_per_sample",
           "test_mse", "test_psnr_db", "max_gain_test", "max_gain_stress", "steps_per_sample",
           "solver_its_per_sample", "worst_gain", "worst_input_scale", "test_ssim"]
DETERMINISTIC = ["parameters", "test_mse", "test_psnr_db", "max_gain_test", "max_gain_stress",
                 "steps_per_sample", "solver_its_per_sample", "test_ssim"]
GAP, SAMPLES = 2, 4  # images.png: src/compare/images_png.c


def fail(msg):
    print("image check FAILED: " + msg)
    sys.exit(1)


def table(d):
    path = os.path.join(d, "summary.csv")
    if not os.path.isfile(path):
        fail("%s is missing" % path)
    with open(path) as f:
        rows = list(csv.DictReader(f))
        if not rows or list(rows[0].keys()) != COLUMNS:
            fail("%s: columns %s, expected %s" % (path, list(rows[0].keys()) if rows else [], COLUMNS))
    for r in rows:
        for k in COLUMNS[3:]:
            if r[k] != "" and not math.isfinite(float(r[k])):
                fail("%s: %s of %s is %s" % (path, k, r["method"], r[k]))
    return {r["method"]: r for r in rows}


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        fail("%s is not a PNG file" % path)
    return struct.unpack(">II", head[16:24])


def outputs(d, learned, margin):
    rows = table(d)
    with h5py.File(os.path.join(d, "results.h5"), "r") as f:
        if int(f.attrs["dim"]) != 2:
            fail("results.h5: attribute dim %s, expected 2" % f.attrs["dim"])
        W, H = int(f.attrs["W"]), int(f.attrs["H"])
        target = np.array(f["test/target"])
        n = target.shape[0]
        if target.shape != (n, H, W) or f["test/input"].shape != (n, H, W):
            fail("results.h5: test/target is %s, expected (samples, H, W) = (%d, %d, %d)" % (target.shape, n, H, W))
        peak = float(target.max() - target.min())
        if abs(float(f.attrs["psnr_peak"]) - peak) > 1e-12 * peak:
            fail("results.h5: psnr_peak %r, but the test targets' range is %r" % (f.attrs["psnr_peak"], peak))
        for name, r in rows.items():
            out = np.array(f["methods/%s/output" % name])
            if out.shape != (n, H, W):
                fail("methods/%s/output is %s, expected %s" % (name, out.shape, (n, H, W)))
            mse = float(np.mean((out - target) ** 2))
            psnr = 10.0 * math.log10(peak * peak / mse)
            if abs(float(r["test_mse"]) - mse) > 1e-9 * mse or abs(float(r["test_psnr_db"]) - psnr) > 1e-6:
                fail("%s: MSE %s PSNR %s in summary.csv, recomputed %.12e %.9f (peak %.9g)" % (name, r["test_mse"], r["test_psnr_db"], mse, psnr, peak))
            ssim = float(np.mean([structural_similarity(target[k], out[k], data_range=peak) for k in range(n)]))
            if abs(float(r["test_ssim"]) - ssim) > 1e-6:
                fail("%s: SSIM %s in summary.csv, skimage gives %.9f" % (name, r["test_ssim"], ssim))
            if r["kind"] == "classical" and float(r["max_gain_stress"]) > 1.0 + 1e-12:
                fail("%s: largest gain %s > 1 for a stable scheme" % (name, r["max_gain_stress"]))
            # the 2D symmetric ResNet is stable by construction (docs/science.md §7.8): the
            # worst-case search must not find a gain above 1
            if "sym_resnet" in r["what"] and r["worst_gain"] != "" and float(r["worst_gain"]) > 1.0 + 1e-12:
                fail("%s: worst-case gain %s > 1 for a symmetric ResNet" % (name, r["worst_gain"]))
    cols, samples = 1 + len(rows), min(n, SAMPLES)
    want = (cols * W + (cols + 1) * GAP, 2 * samples * H + (2 * samples + 1) * GAP)
    if png_size(os.path.join(d, "images.png")) != want:
        fail("images.png is %s (W x H), expected %s" % (png_size(os.path.join(d, "images.png")), want))
    if learned:
        if learned not in rows:
            fail("no method %s in summary.csv" % learned)
        ratio = float(rows[learned]["test_mse"]) / float(rows["input"]["test_mse"])
        if ratio > margin:
            fail("%s: test MSE %.4g x the input's, expected at most %g x" % (learned, ratio, margin))
        print("%s: test MSE %.4f x the input's (at most %g)" % (learned, ratio, margin))
    print("%s: %d methods, %d test images of %d x %d, PSNR peak %.6g, SSIM recomputed by skimage" % (d, len(rows), n, W, H, peak))


def agree(d1, d2, rtol, methods):
    a, b = table(d1), table(d2)
    if set(a) != set(b):
        fail("methods differ: %s vs %s" % (sorted(a), sorted(b)))
    for name in methods.split(",") if methods else a:
        if name not in a:
            fail("no method %s in %s" % (name, d1))
        for k in DETERMINISTIC:
            x, y = a[name][k], b[name][k]
            if (x == "") != (y == "") or x and abs(float(x) - float(y)) > rtol * max(abs(float(x)), abs(float(y)), 1e-300):
                fail("%s %s: %s vs %s (rtol %g)" % (name, k, x, y, rtol))
    print("%s and %s agree to %g" % (d1, d2, rtol))


def main(argv):
    args = argv[1:]
    opt = {}
    while len(args) > 3 and args[-2].startswith("--"):
        opt[args[-2]] = args[-1]
        args = args[:-2]
    if args and args[0] == "outputs" and len(args) == 2:
        outputs(args[1], opt.get("--learned"), float(opt.get("--margin", "1")))
    elif args and args[0] == "agree" and len(args) == 3:
        agree(args[1], args[2], float(opt.get("--rtol", "1e-10")), opt.get("--methods"))
    else:
        fail("usage: see the docstring of %s" % argv[0])
    print("image checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
