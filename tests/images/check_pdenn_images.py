"""Checks of apps/pdenn_images.py (run in the test directory; writes pyimg_* files there):
- round trip: an 8-bit PNG -> set (sigma 0) -> exported PNG has the same pixel values, and the
  set holds value / 255 exactly; 16-bit PNG / 65535, PGM (binary, maxval 1000; ASCII) / maxval,
  RGB PNG the BT.601 luma / 255, all exactly;
- a folder is read in sorted name order; noisy - clean is sigma * default_rng([seed, 0]) normals;
- patches: the count for the stride, each patch equals the image at its recorded origin;
- split of one image with patches: every patch lies inside its split's band and no two patches of
  different splits share a pixel; split of several images: no image in two splits;
- skimage:camera: 512 x 512, equal to camera.png / 255;
- export of a volume's slice and --range auto;
- writes pyimg_gradient.h5 (clean = ((x + y) mod 256) / 255, 30 x 40, sum 160) for the C reader.
Prints "pdenn_images checks passed"."""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np
from PIL import Image

TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "apps", "pdenn_images.py")


def run(*args):
    r = subprocess.run([sys.executable, TOOL] + list(args), capture_output=True, text=True)
    assert r.returncode == 0, (args, r.stdout, r.stderr)
    return r.stdout


def clean_of(path):
    with h5py.File(path, "r") as f:
        return f["clean"][()], f["noisy"][()], f["origin"][()], dict(f.attrs)


def check_round_trip(rng):
    img = rng.integers(0, 256, size=(30, 40), dtype=np.uint8)
    Image.fromarray(img).save("pyimg_rt.png")
    run("import", "pyimg_rt.png", "-o", "pyimg_rt.h5", "--sigma", "0", "--force")
    clean, noisy, _, attrs = clean_of("pyimg_rt.h5")
    assert clean.shape == (1, 30, 40) and np.array_equal(clean[0], img / 255.0) and np.array_equal(noisy, clean)
    assert attrs["W"] == 40 and attrs["H"] == 30 and attrs["dim"] == 2 and attrs["samples"] == 1
    run("export", "pyimg_rt.h5", "--dataset", "clean", "-o", "pyimg_rt_out.png", "--force")
    assert np.array_equal(np.asarray(Image.open("pyimg_rt_out.png")), img), "PNG -> set -> PNG changed pixels"


def check_depths(rng):
    a16 = rng.integers(0, 65536, size=(8, 9), dtype=np.uint16)
    Image.fromarray(a16.astype(np.int32), mode="I").save("pyimg_16.png")  # Pillow writes 16-bit grey
    pgm = rng.integers(0, 1001, size=(5, 7)).astype(np.uint16)
    with open("pyimg_1000.pgm", "wb") as f:
        f.write(b"P5\n# a comment\n7 5\n1000\n" + pgm.astype(">u2").tobytes())
    with open("pyimg_ascii.pgm", "w") as f:
        f.write("P2\n7 5\n1000\n" + " ".join(map(str, pgm.ravel())) + "\n")
    rgb = rng.integers(0, 256, size=(6, 4, 3), dtype=np.uint8)
    Image.fromarray(rgb).save("pyimg_rgb.png")
    expect = {"pyimg_16.png": a16 / 65535.0, "pyimg_1000.pgm": pgm / 1000.0, "pyimg_ascii.pgm": pgm / 1000.0,
              "pyimg_rgb.png": (0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]) / 255.0}
    for name, want in expect.items():
        run("import", name, "-o", "pyimg_depth.h5", "--force")
        clean = clean_of("pyimg_depth.h5")[0]
        assert np.array_equal(clean[0], want), name


def fresh_folder(name):
    shutil.rmtree(name, ignore_errors=True)  # files of an earlier run would be read too
    os.makedirs(name)


def check_folder_and_noise(rng):
    fresh_folder("pyimg_folder")
    imgs = {n: rng.integers(0, 256, size=(10, 12), dtype=np.uint8) for n in ("c.png", "a.png", "b.png")}
    for n, a in imgs.items():
        Image.fromarray(a).save(os.path.join("pyimg_folder", n))
    run("import", "pyimg_folder", "-o", "pyimg_folder.h5", "--sigma", "0.3", "--seed", "5", "--force")
    clean, noisy, origin, attrs = clean_of("pyimg_folder.h5")
    for k, n in enumerate(("a.png", "b.png", "c.png")):
        assert np.array_equal(clean[k], imgs[n] / 255.0) and origin[k].tolist() == [k, 0, 0], n
    assert np.array_equal(noisy, clean + 0.3 * np.random.default_rng([5, 0]).standard_normal(clean.shape))
    assert attrs["sigma"] == 0.3 and attrs["seed"] == 5 and attrs["generator"] in (b"imported", "imported")


def check_patches(rng):
    img = rng.integers(0, 256, size=(50, 70), dtype=np.uint8)
    Image.fromarray(img).save("pyimg_p.png")
    run("import", "pyimg_p.png", "-o", "pyimg_p.h5", "--patch", "16", "--stride", "8", "--force")
    clean, _, origin, _ = clean_of("pyimg_p.h5")
    assert clean.shape == (5 * 7, 16, 16), clean.shape
    for c, (i, y, x) in zip(clean, origin):
        assert i == 0 and np.array_equal(c, img[y:y + 16, x:x + 16] / 255.0)
    return img


def overlaps(a, b, p):
    """whether the p x p patches at origins a and b (image, y, x) share a pixel"""
    return a[0] == b[0] and abs(a[1] - b[1]) < p and abs(a[2] - b[2]) < p


def check_split_bands(img):
    run("import", "pyimg_p.png", "-o", "pyimg_split", "--patch", "8", "--stride", "4", "--split", "0.6,0.2,0.2", "--force")
    bands = {"train": (0, 30), "val": (30, 40), "test": (40, 50)}  # round(50 F_k)
    origins = {}
    for name, (y0, y1) in bands.items():
        clean, _, origin, attrs = clean_of("pyimg_split_%s.h5" % name)
        assert len(origin) > 0 and all(y0 <= y and y + 8 <= y1 for _, y, _ in origin), name
        for c, (_, y, x) in zip(clean, origin):
            assert np.array_equal(c, img[y:y + 8, x:x + 8] / 255.0)
        origins[name] = origin
    names = list(origins)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not any(overlaps(p, q, 8) for p in origins[a] for q in origins[b]), (a, b)


def check_split_images(rng):
    fresh_folder("pyimg_byimg")
    for k in range(5):
        Image.fromarray(rng.integers(0, 256, size=(12, 12), dtype=np.uint8)).save("pyimg_byimg/s%d.png" % k)
    files = ["pyimg_byimg/s%d.png" % k for k in range(5)]
    run("import", *files, "-o", "pyimg_byimg.h5", "--patch", "6", "--split", "0.6,0.2,0.2", "--force")
    used = [set(clean_of("pyimg_byimg_%s.h5" % s)[2][:, 0].tolist()) for s in ("train", "val", "test")]
    assert used == [{0, 1, 2}, {3}, {4}], used


def check_named():
    import skimage.data
    run("import", "skimage:camera", "-o", "pyimg_camera.h5", "--force")
    clean = clean_of("pyimg_camera.h5")[0]
    ref = np.asarray(Image.open(os.path.join(skimage.data.data_dir, "camera.png")), dtype=np.float64) / 255.0
    assert clean.shape == (1, 512, 512) and np.array_equal(clean[0], ref)


def check_export_volume():
    vol = np.arange(4 * 5 * 6, dtype=np.float64).reshape(1, 4, 5, 6)
    with h5py.File("pyimg_vol.h5", "w") as f:
        f["u"] = vol
    run("export", "pyimg_vol.h5", "--dataset", "u", "--slice", "3", "--range", "auto", "-o", "pyimg_vol.png", "--force")
    got = np.asarray(Image.open("pyimg_vol.png"))
    s = vol[0, 3]
    assert np.array_equal(got, np.floor(255 * (s - s.min()) / (s.max() - s.min()) + 0.5).astype(np.uint8))


def write_gradient():
    y, x = np.mgrid[0:30, 0:40]
    Image.fromarray(((x + y) % 256).astype(np.uint8)).save("pyimg_gradient.png")
    run("import", "pyimg_gradient.png", "-o", "pyimg_gradient.h5", "--sigma", "0", "--force")


def main():
    rng = np.random.default_rng(12)
    check_round_trip(rng)
    check_depths(rng)
    check_folder_and_noise(rng)
    img = check_patches(rng)
    check_split_bands(img)
    check_split_images(rng)
    check_named()
    check_export_volume()
    write_gradient()
    print("pdenn_images checks passed")


main()
