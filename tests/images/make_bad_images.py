"""Writes the image files of tests/images' bad-input tests into the current directory (h5py):
   img_ok.h5      clean/noisy 3 x 6 x 8 (samples x H x W), noisy[s, y, x] = 100 s + 10 y + x
   img_rank1.h5   noisy of rank 1 (a signal)       img_rank5.h5  noisy of rank 5
   img_int.h5     noisy of int32                   img_nan.h5    img_ok with a NaN at sample 1, (x, y) = (5, 3)
   img_inf3d.h5   noisy 1 x 4 x 6 x 8 with -inf at (x, y, z) = (7, 1, 2)"""
import h5py
import numpy as np

s, y, x = np.meshgrid(np.arange(3), np.arange(6), np.arange(8), indexing="ij")
ok = (100.0 * s + 10.0 * y + x).astype(np.float64)


def write(name, noisy, clean=None):
    with h5py.File(name, "w") as f:
        f["noisy"] = noisy
        if clean is not None:
            f["clean"] = clean


write("img_ok.h5", ok, ok)
write("img_rank1.h5", np.zeros(16))
write("img_rank5.h5", np.zeros((2, 2, 3, 4, 5)))
write("img_int.h5", np.zeros((3, 6, 8), dtype=np.int32))
nan = ok.copy()
nan[1, 3, 5] = np.nan
write("img_nan.h5", nan)
vol = np.zeros((1, 4, 6, 8))
vol[0, 2, 1, 7] = -np.inf
write("img_inf3d.h5", vol)
print("bad image files written")
