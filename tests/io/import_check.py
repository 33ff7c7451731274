#!/usr/bin/python3
"""Checks the sets that pdenn_signals -import wrote in the tests of tests/io/CMakeLists.txt,
against the inputs of import_inputs.py: every segment of every record taken once, in order,
train/val/test consecutive and without overlap (segment_record/start/end), the rows equal to the
source's points, the noise seeded and of the sigma recorded (the same at 1 and 2 ranks), and the
provenance attributes (source, its FNV-1a 64 checksum computed here independently, units, rate).
Usage: import_check.py <prefix> ... (the cases below); prints "import checks passed"."""
import sys

import h5py
import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from import_inputs import REC, ROWS  # noqa: E402

SPLITS = ("train", "val", "test")
NOISY = REC + 0.05 * np.random.default_rng(5).standard_normal(len(REC))
F4 = REC.astype(np.float32).astype(np.float64)
CASES = {  # prefix: source, records (clean), noisy records or None, N, fractions, extra attributes
    "imp_a": ("imp_rec.npy", REC[None], None, 256, (0.7, 0.15, 0.15), {"units": "mV", "sample_rate": 360.0}),
    "imp_a2": ("imp_rec.npy", REC[None], None, 256, (0.7, 0.15, 0.15), {"units": "mV", "sample_rate": 360.0}),
    "imp_b": ("imp_rec_f4be.npy", F4[None], None, 256, (0.7, 0.15, 0.15), {}),
    "imp_c": ("imp_rec_f8be.npy", REC[None], None, 256, (0.7, 0.15, 0.15), {}),
    "imp_d": ("imp_rows_fortran.npy", ROWS, None, 120, (0.7, 0.15, 0.15), {}),
    "imp_e": ("imp_gzip.h5", F4[None], None, 256, (0.7, 0.15, 0.15), {}),
    "imp_f": ("imp_pair.h5", REC[None], NOISY[None], 256, (0.7, 0.15, 0.15), {}),
    "imp_g": ("imp_col_header.csv", REC[None], None, 256, (0.7, 0.15, 0.15), {}),
    "imp_h": ("imp_col.txt", REC[None], None, 256, (0.7, 0.15, 0.15), {}),
    "imp_i": ("imp_rows.csv", ROWS, None, 480, (0.6, 0.2, 0.2), {}),
    "imp_j": ("imp_named.csv", REC[None], NOISY[None], 256, (0.7, 0.15, 0.15), {}),
    "imp_k": ("imp_rec.npy", REC[None], None, 500, (0.5, 0.25, 0.25), {"sigma": 0.2, "seed": 7}),
}


def fnv1a64(path):
    h = 0xCBF29CE484222325
    for b in open(path, "rb").read():
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def check(prefix):
    source, records, noisy_src, N, fr, extra = CASES[prefix]
    per = records.shape[1] // N
    total = per * records.shape[0]
    want_counts = [int(np.floor(fr[0] * total + 0.5)), int(np.floor(fr[1] * total + 0.5))]
    want_counts.append(total - sum(want_counts))
    segs, noise, checksum = [], [], fnv1a64(source)
    for s, split in enumerate(SPLITS):
        with h5py.File(f"{prefix}_{split}.h5", "r") as f:
            a = f.attrs
            clean, noisy = f["clean"][...], f["noisy"][...]
            n = clean.shape[0]
            assert clean.shape == noisy.shape == (want_counts[s], N), (prefix, split, clean.shape)
            assert text(a["generator"]) == "imported" and text(a["split"]) == split
            assert a["N"] == N and a["samples"] == n
            assert text(a["source"]) == source and text(a["source_fnv1a64"]) == checksum, (prefix, text(a["source_fnv1a64"]), checksum)
            for key, value in extra.items():
                assert a[key] == value if not isinstance(value, str) else text(a[key]) == value, (prefix, key)
            rec, start, end = (f[d][...].astype(np.int64) for d in ("segment_record", "segment_start", "segment_end"))
            for k in range(n):
                segs.append((rec[k], start[k], end[k]))
                assert np.array_equal(clean[k], records[rec[k], start[k]:end[k]]), (prefix, split, k)
                if noisy_src is not None:
                    assert np.array_equal(noisy[k], noisy_src[rec[k], start[k]:end[k]]), (prefix, split, k)
            noise.append((noisy - clean).ravel())
            sigma = a["sigma"] if noisy_src is None else None
    # every segment once, in order: train, then val, then test; so no overlap, no gap
    assert segs == [(r, j * N, (j + 1) * N) for r in range(records.shape[0]) for j in range(per)], prefix
    if noisy_src is None:
        used = records[:, : per * N]
        want_sigma = extra.get("sigma", 0.1 * used.std())
        assert abs(sigma - want_sigma) <= 1e-12 * want_sigma, (prefix, sigma, want_sigma)
        got = np.concatenate(noise).std()
        assert abs(got / sigma - 1) < 0.1, (prefix, got, sigma)  # >= 4500 draws: ~1.5% spread
    return noise


def main():
    for prefix in sys.argv[1:]:
        check(prefix)
        print(f"{prefix}: segments, values, noise and provenance as expected")
    if "imp_a" in sys.argv and "imp_a2" in sys.argv:
        for split in SPLITS:
            with h5py.File(f"imp_a_{split}.h5", "r") as a, h5py.File(f"imp_a2_{split}.h5", "r") as b:
                assert np.array_equal(a["noisy"][...], b["noisy"][...]), split
        print("imp_a (1 rank) and imp_a2 (2 ranks): noisy data bitwise equal")
    print("import checks passed")


if __name__ == "__main__":
    main()
