#!/usr/bin/python3
"""The patch sets of `pdenn_images.py patches` (fixture img_cmp_data): every split's `source` names
other images than the other splits' (no image in two splits), `split` and `split_rule` say so,
each set is samples x P x P with noise sigma 0.1, and the kept patches are those of indices
floor(i n / count) of the split's n patches: recomputed here from the images themselves.
    check_patches.py PREFIX P COUNT_TRAIN,COUNT_VAL,COUNT_TEST"""
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "apps"))
import pdenn_images as tool  # noqa: E402  (the reader and cutter of the tool itself)


def fail(msg):
    print("patch check FAILED: " + msg)
    sys.exit(1)


prefix, P, counts = sys.argv[1], int(sys.argv[2]), [int(c) for c in sys.argv[3].split(",")]
h5, np_, Image = tool.load_modules()
seen = {}
for k, split in enumerate(tool.SPLITS):
    with h5py.File("%s_%s.h5" % (prefix, split), "r") as f:
        source = f.attrs["source"]
        source = source.decode() if isinstance(source, bytes) else source
        if f.attrs["split"] != split or "by image" not in str(f.attrs["split_rule"]):
            fail("%s: split %s, split_rule %s" % (split, f.attrs["split"], f.attrs["split_rule"]))
        for name in source.split("; "):
            if name in seen:
                fail("image %s is in splits %s and %s" % (name, seen[name], split))
            seen[name] = split
        clean, noisy = np.array(f["clean"]), np.array(f["noisy"])
        images = [(label, tool.read_input(np_, Image, reader)) for label, reader in tool.expand_inputs(source.split("; "))]
        every, _ = tool.samples_of(np_, images, [(i, 0, img.shape[0]) for i, (_, img) in enumerate(images)], P, P)
        n = every.shape[0]
        keep = [i * n // counts[k] for i in range(counts[k])] if 0 < counts[k] < n else list(range(n))
        if clean.shape != (len(keep), P, P) or not np.array_equal(clean, every[keep]):
            fail("%s: clean %s is not patches %s of the %d of %s" % (split, clean.shape, keep, n, source))
        rng = np.random.default_rng([int(f.attrs["seed"]), k])
        if not np.array_equal(noisy, clean + 0.1 * rng.standard_normal(clean.shape)):
            fail("%s: noisy is not clean + 0.1 n with n from default_rng([seed, %d])" % (split, k))
        print("%s: %d of %d patches of %s" % (split, len(keep), n, source))
print("patch checks passed")
