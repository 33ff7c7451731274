#!/usr/bin/python3
"""Writes the inputs of the pdenn_signals -import tests (tests/io/CMakeLists.txt) into the
current directory: one record in every format pdenn imports, pairs, h5py-written minimal signal
sets, and the bad files each import error is tested with."""
import h5py
import numpy as np

L = 5000  # points of the long record
t = np.arange(L)
REC = np.sin(t / 30.0) + 0.5 * np.sin(t / 7.0) + 1e-4 * t  # no two segments alike
ROWS = REC[:4800].reshape(10, 480)


def h5py_minimal_sets():
    """Signal sets as a user writes them with h5py: default (variable-length UTF-8) strings,
    no generator attributes, float32 noisy data."""
    rng = np.random.default_rng(3)
    for split, n in (("train", 16), ("val", 4), ("test", 4)):
        clean = rng.random((n, 128))
        with h5py.File(f"imp_py_{split}.h5", "w") as f:
            f["clean"] = clean
            f["noisy"] = (clean + 0.1 * rng.standard_normal(clean.shape)).astype(np.float32)
            f.attrs["generator"] = "my recorder"
            f.attrs["units"] = "mV"
    # optional attributes that are there must be right: N against the shape, one value each
    with h5py.File("imp_py_bad_N.h5", "w") as f:
        f["clean"] = f["noisy"] = np.zeros((4, 64))
        f.attrs["N"] = 65
    with h5py.File("imp_py_bad_seed.h5", "w") as f:
        f["clean"] = f["noisy"] = np.zeros((4, 64))
        f.attrs["seed"] = [1, 2]


def good_inputs():
    np.save("imp_rec.npy", REC)
    np.save("imp_rec_f4be.npy", REC.astype(">f4"))
    np.save("imp_rec_f8be.npy", REC.astype(">f8"))
    np.save("imp_rows_fortran.npy", np.asfortranarray(ROWS))
    with h5py.File("imp_gzip.h5", "w") as f:
        f.create_dataset("group/ecg", data=REC.astype(np.float32), chunks=(300,), compression="gzip")
    noisy = REC + 0.05 * np.random.default_rng(5).standard_normal(L)
    with h5py.File("imp_pair.h5", "w") as f:
        f["clean_rec"] = REC
        f["noisy_rec"] = noisy
    np.savetxt("imp_col_header.csv", REC, header="mV", comments="", fmt="%.17g")
    np.savetxt("imp_col.txt", REC, fmt="%.17g")
    np.savetxt("imp_rows.csv", ROWS, delimiter=",", fmt="%.17g")
    np.savetxt("imp_named.csv", np.column_stack([t, REC, noisy]), delimiter=",", fmt="%.17g",
               header="time,clean,noisy", comments="")


def bad_inputs():
    np.save("imp_bad_int.npy", np.arange(1000))
    np.save("imp_bad_complex.npy", REC.astype(np.complex128))
    np.save("imp_bad_short.npy", REC[:600])
    nan = REC.copy()
    nan[1234] = np.nan
    np.save("imp_bad_nan.npy", nan)
    with h5py.File("imp_bad_int.h5", "w") as f:
        f["x"] = np.arange(1000, dtype=np.int32)
    with h5py.File("imp_bad_complex.h5", "w") as f:
        f["x"] = REC.astype(np.complex128)
    with h5py.File("imp_bad_inf.h5", "w") as f:
        inf = REC.copy()
        inf[4321] = np.inf
        f["x"] = inf
    with h5py.File("imp_bad_two.h5", "w") as f:
        f["a"] = REC
        f["b"] = REC
    with open("imp_bad_cell.csv", "w") as f:
        f.write("1.0,2.0\n3.0,abc\n5.0,6.0\n")
    with open("imp_bad_nan.csv", "w") as f:
        f.write("value\n1.0\n2.0\nnan\n")
    with open("imp_bad_ragged.csv", "w") as f:
        f.write("1,2,3\n4,5\n")
    with open("imp_bad_unknown.bin", "wb") as f:
        f.write(b"\x00\x01 not a known format")
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (10, 20, 30), }"
    with open("imp_bad_3d.npy", "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode())


if __name__ == "__main__":
    good_inputs()
    bad_inputs()
    h5py_minimal_sets()
    print("import inputs written")
