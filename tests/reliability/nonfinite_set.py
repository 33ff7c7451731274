#!/usr/bin/python3
"""Copies an HDF5 file (a pdenn signal set or checkpoint) into a new file without pdenn's
checksum block (as a user's h5py would write it) and puts one non-finite value into it:
   nonfinite_set.py SRC DST DATASET SAMPLE INDEX VALUE
SAMPLE < 0: INDEX is a position in the flattened dataset; VALUE is nan, inf or -inf."""
import sys
import h5py

src, dst, name, sample, index, value = sys.argv[1:7]
sample, index, value = int(sample), int(index), float(value)
with h5py.File(src, "r") as f, h5py.File(dst, "w") as g:
    for k, v in f.attrs.items():
        g.attrs.create(k, v, dtype=f.attrs.get_id(k).dtype)  # fixed-length strings keep their size
    for k in f:
        f.copy(f[k], g, name=k)
    d = g[name]
    if sample >= 0:
        d[sample, index] = value
    else:
        flat = d[()].reshape(-1)
        flat[index] = value
        d[...] = flat.reshape(d.shape)
