"""reproduce_images.py SET.h5 ...: recomputes every image of sets written by pdenn_signals -dim 2/3
from the recipe of docs/hdf5_layout.md ("How an image is made") alone, in plain Python (math
module, no FMA), and compares: the clean images must agree except for pixels whose shape test
or edge test is decided within rounding (at most 0.1 % of the pixels), the noisy ones to
1e-15 where the clean ones agree. Prints the counts of differing values: the recipe is the
documentation's promise that a stranger can reproduce the data."""
import math
import sys

import h5py
import numpy as np

MASK = (1 << 64) - 1
TWO_PI = 2.0 * math.pi
TYPES = ("cartoon", "ramp", "noise")


def H(x):
    x = (x + 0x9E3779B97F4A7C15) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def U(seed, sample, stream, index):
    return (float(H(H(H(H(seed) ^ sample) ^ stream) ^ index) >> 11) + 0.5) * 2.0**-53


def gaussian(seed, sample, i):
    return math.sqrt(-2.0 * math.log(U(seed, sample, 6, i))) * math.cos(TWO_PI * U(seed, sample, 7, i))


def unit(dim, u1, u2):
    if dim == 2:
        return (math.cos(TWO_PI * u1), math.sin(TWO_PI * u1), 0.0)
    z = 2.0 * u1 - 1.0
    rho = math.sqrt(max(0.0, 1.0 - z * z))
    return (rho * math.cos(TWO_PI * u2), rho * math.sin(TWO_PI * u2), z)


def shape(seed, k, dim, M, j, cartoon):
    u = [U(seed, k, 16, 16 * j + f) for f in range(10)]
    s = {"grey": u[1]}
    if not cartoon:  # a ramp's edge
        s["c"] = [0.2 + 0.6 * u[2 + a] for a in range(3)]
        s["n"] = [unit(dim, u[5], u[6])]
        return s
    s["kind"] = min(2, int(3.0 * u[0]))
    mmin = float(min(M[:dim]))
    s["c"] = [u[2 + a] * M[a] for a in range(3)]
    s["r"] = [(0.05 + 0.2 * u[5 + a]) * (M[a] if s["kind"] == 0 else mmin) for a in range(3)]
    faces = (3 if dim == 2 else 4) + min(3, int(4.0 * u[8]))
    phi = TWO_PI * u[9]
    if dim == 2:
        s["n"] = [unit(2, phi / TWO_PI + float(q) / faces, 0.0) for q in range(faces)]
    else:
        s["n"] = [unit(3, U(seed, k, 17, 16 * j + 2 * q), U(seed, k, 17, 16 * j + 2 * q + 1)) for q in range(faces)]
    return s


def along(dim, P, c, n):
    t = 0.0
    for a in range(dim):
        t += (P[a] - c[a]) * n[a]
    return t


def inside(s, dim, P):
    q = 0.0
    for a in range(dim):
        if s["kind"] == 0 and abs(P[a] - s["c"][a]) > s["r"][a]:
            return False
        q += (P[a] - s["c"][a]) * (P[a] - s["c"][a])
    if s["kind"] == 1:
        return q <= s["r"][0] * s["r"][0]
    if s["kind"] == 2:
        return all(along(dim, P, s["c"], n) <= s["r"][0] for n in s["n"])
    return True


def clean_value(kind, g, dim, M, x):
    P = [x[a] + 0.5 for a in range(3)]
    if kind == "noise":
        return g["background"]
    if kind == "cartoon":
        for s in reversed(g["shapes"]):
            if inside(s, dim, P):
                return s["grey"]
        return g["background"]
    X = [P[a] / M[a] for a in range(3)]
    t = along(dim, X, (0.5, 0.5, 0.5), g["dir"]) / math.sqrt(dim) + 0.5
    num = g["lo"] + (g["hi"] - g["lo"]) * (g["alpha"] * t + (1.0 - g["alpha"]) * t * t)
    den = 1.0
    for s in g["shapes"]:
        den += s["grey"]
        if along(dim, X, s["c"], s["n"][0]) > 0.0:
            num += s["grey"]
    return num / den


def image(kind, seed, sigma, shapes, k, dim, M):
    u = [U(seed, k, 18, i) for i in range(6)]
    g = {"background": u[0], "lo": u[1], "hi": u[2], "alpha": u[3], "dir": unit(dim, u[4], u[5])}
    g["shapes"] = [shape(seed, k, dim, M, j, kind == "cartoon") for j in range(0 if kind == "noise" else shapes)]
    shape_out = (M[2], M[1], M[0]) if dim == 3 else (M[1], M[0])
    clean, noisy = np.empty(shape_out), np.empty(shape_out)
    for z in range(M[2]):
        for y in range(M[1]):
            for x in range(M[0]):
                v = clean_value(kind, g, dim, M, (x, y, z))
                idx = (z, y, x) if dim == 3 else (y, x)
                clean[idx] = v
                noisy[idx] = v + sigma * gaussian(seed, k, x + M[0] * (y + M[1] * z))
    return clean, noisy


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def check(path):
    with h5py.File(path, "r") as f:
        a = {k: f.attrs[k] for k in f.attrs}
        c_file, n_file = f["clean"][()], f["noisy"][()]
    dim, kind = int(a["dim"]), text(a["type"])
    M = [int(a["W"]), int(a["H"]), int(a["D"])]
    differ_clean = differ_noisy = 0
    worst = 0.0
    for k in range(int(a["samples"])):
        c, n = image(kind, int(a["seed"]), float(a["sigma"]), int(a["shapes"]), k, dim, M)
        same = np.abs(c - c_file[k]) <= 1e-15
        differ_clean += int(np.count_nonzero(c != c_file[k]))
        bad = np.count_nonzero(~same)
        assert bad <= 1e-3 * c.size, "%s sample %d: %d clean values differ by more than rounding" % (path, k, bad)
        assert np.all(np.abs(n - n_file[k])[same] <= 1e-15), "%s sample %d: noisy differs" % (path, k)
        differ_noisy += int(np.count_nonzero(n != n_file[k]))
        worst = max(worst, float(np.max(np.abs(c - c_file[k]))), float(np.max(np.abs(n - n_file[k]))))
    total = c_file.size
    print("%s (%s, %dD): recomputed from the recipe; %d of %d clean and %d noisy values differ, by at most %.3g"
          % (path, kind, dim, differ_clean, total, differ_noisy, worst))


for p in sys.argv[1:]:
    check(p)
print("images reproduced from the recipe")
