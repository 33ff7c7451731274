"""check_sets_equal.py a.h5 b.h5 ...: image sets written at different rank counts hold bitwise
the same clean and noisy datasets and the same attributes (the promise that a deck gives the
same data whatever the rank count); the file bytes may differ (HDF5's metadata layout)."""
import sys

import h5py
import numpy as np

files = sys.argv[1:]
with h5py.File(files[0], "r") as f:
    ref = {d: f[d][()] for d in ("clean", "noisy")}
    attrs = dict(f.attrs)
for name in files[1:]:
    with h5py.File(name, "r") as f:
        for d, a in ref.items():
            b = f[d][()]
            if a.shape != b.shape or not np.array_equal(a.view(np.uint64), b.view(np.uint64)):
                sys.exit("%s: dataset %s differs from %s" % (name, d, files[0]))
        if dict(f.attrs).keys() != attrs.keys() or any(np.any(f.attrs[k] != v) for k, v in attrs.items()):
            sys.exit("%s: attributes differ from %s" % (name, files[0]))
print("%d sets agree bitwise, shape %s" % (len(files), "x".join(map(str, ref["clean"].shape))))
