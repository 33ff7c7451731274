#!/usr/bin/python3
"""Real images in and out of pdenn's HDF5 image sets (docs/hdf5_layout.md, "Image and volume sets").

    /usr/bin/python3 apps/pdenn_images.py import INPUT... -o OUT.h5 [--patch P [--stride S]]
                     [--split TRAIN,VAL,TEST] [--sigma 0.1] [--seed 1] [--force]
    /usr/bin/python3 apps/pdenn_images.py patches -o OUT [--train A,B --val C --test D] [--patch 64]
                     [--stride S] [--samples TRAIN,VAL,TEST] [--sigma 0.1] [--seed 1] [--force]
    /usr/bin/python3 apps/pdenn_images.py export FILE.h5 -o OUT.png [--dataset noisy] [--sample 0]
                     [--volume] [--slice Z] [--range clip|auto] [--force]
    /usr/bin/python3 apps/pdenn_images.py info FILE.h5
    /usr/bin/python3 apps/pdenn_images.py names

import: INPUT is an image file (PNG, JPEG, TIFF, PGM/PPM/PBM, BMP, GIF), a folder (its image files
  in sorted name order), or a named image shipped by Debian's packages, read offline:
  skimage:<name> (python3-skimage's data folder: camera, coins, astronaut, moon, ...; `names` lists
  them) or scipy:ascent, scipy:face (python3-scipy 1.10's scipy.misc, no download; newer SciPy's
  scipy.datasets needs pooch and a download and is tried only after it).
  Greyscale: a colour image becomes its ITU-R BT.601 luma Y = 0.299 R + 0.587 G + 0.114 B,
  computed in float64 without rounding (alpha ignored). Scaling to [0, 1]: value / (2^bits - 1)
  with the image's bit depth (1-bit: / 1, 8-bit: / 255, 16-bit: / 65535); PGM/PPM value / maxval
  of the file; floating-point TIFFs are taken as they are.
  Whole images (all inputs of one size) or patches of P x P pixels at stride S (default P), taken in
  row-major order of their top-left corners (y, x) = (0, 0), (0, S), ..., only where they fit.
  Split (--split, fractions summing to 1): with several images, by image, in input order: image i
  of n goes to the first split k with i < round(n F_k), F_k the cumulative fraction; with one image,
  by disjoint horizontal bands, rows [round(H F_{k-1}), round(H F_k)) for split k, and patches are
  taken inside each band only, so no pixel is in two splits. Files: OUT_train.h5, OUT_val.h5,
  OUT_test.h5 (a split of fraction 0 is not written); without --split one file OUT.h5.
  Each file: clean (samples x H x W float64), noisy = clean + sigma n with
  n = numpy.random.default_rng([seed, k]).standard_normal(clean.shape), k = 0 train (or the only
  file), 1 val, 2 test; origin (samples x 3: input index, y, x of each sample's top-left pixel);
  attributes as docs/hdf5_layout.md lists them (generator "imported").
patches: the P x P patches (stride S, default P) of each split's own list of images (default:
  train camera, astronaut, coffee, rocket; val chelsea; test coins, moon, all python3-skimage's),
  so no image is in two splits; --samples keeps that many patches of a split, indices
  floor(i n / count); files OUT_train.h5, OUT_val.h5, OUT_test.h5 as import writes them (noise
  k = 0, 1, 2; split_rule "by image (separate lists)").
export: one 2D image of a dataset as an 8-bit greyscale PNG: rank 2 (H x W), rank 3 (samples x H x W,
  or with --volume one volume D x H x W), rank 4 (samples x D x H x W); a volume's slice z = --slice
  (default the middle). Scaling: --range clip (default) writes round(255 clip(v, 0, 1)); --range auto
  maps [min, max] of the image to [0, 255].
Errors are one line "pdenn_images: error: ..." naming the file and what is expected, exit status 1.
"""
import argparse
import os
import sys

EXTENSIONS = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pgm", ".ppm", ".pbm", ".pnm", ".bmp", ".gif")
SPLITS = ("train", "val", "test")
LUMA = (0.299, 0.587, 0.114)


class UserError(Exception):
    """A bad input: reported as one line, exit status 1."""


def fail(msg):
    raise UserError(msg)


def load_modules():
    try:
        import h5py
        import numpy as np
        from PIL import Image
    except ImportError as err:
        fail("Python module %s is missing (Debian: apt-get install python3-numpy python3-h5py python3-pil)" % (err.name or err))
    Image.MAX_IMAGE_PIXELS = None  # large scans are the point of a distributed solver
    return h5py, np, Image


# ---- Reading images ----------------------------------------------------------------------------
def read_pnm_grey(np, path):
    """PGM (P2, P5) exactly: value / maxval (Pillow rescales odd maxvals); None for other PNMs."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] not in (b"P2", b"P5"):
        return None
    fields, pos = [], 2
    while len(fields) < 3:
        while pos < len(data) and data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) if b"\n" in data[pos:] else len(data)
            continue
        start = pos
        while pos < len(data) and not data[pos:pos + 1].isspace():
            pos += 1
        if start == pos:
            fail("file '%s': truncated PGM header; expected width, height and maxval" % path)
        fields.append(int(data[start:pos]))
    w, h, maxval = fields
    if not (w > 0 and h > 0 and 0 < maxval < 65536):
        fail("file '%s': PGM header %d x %d, maxval %d; expected positive sizes and maxval < 65536" % (path, w, h, maxval))
    if data[:2] == b"P5":
        dtype = np.dtype(">u2") if maxval > 255 else np.dtype("u1")
        raw = data[pos + 1:pos + 1 + w * h * dtype.itemsize]
        values = np.frombuffer(raw, dtype=dtype) if len(raw) == w * h * dtype.itemsize else None
    else:
        values = np.array(data[pos:].split()[:w * h], dtype=np.int64)
        values = values if values.size == w * h else None
    if values is None:
        fail("file '%s': PGM data shorter than %d x %d pixels" % (path, w, h))
    return values.reshape(h, w).astype(np.float64) / maxval


def pil_to_unit(np, im, path):
    """A Pillow image as greyscale float64 in [0, 1] by its bit depth (module docstring)."""
    mode = im.mode
    if mode == "F":
        return np.asarray(im, dtype=np.float64)
    if mode.startswith("I;16") or (mode == "I" and im.format == "PNG"):
        return np.asarray(im, dtype=np.float64) / 65535.0
    if mode == "1":
        return np.asarray(im, dtype=np.float64)
    if mode in ("L", "LA"):
        return np.asarray(im.getchannel(0), dtype=np.float64) / 255.0
    if mode in ("P", "PA", "RGBA", "CMYK", "YCbCr", "LAB", "HSV", "RGBX", "La"):
        im = im.convert("RGB")
    if im.mode != "RGB":
        fail("file '%s': Pillow image mode '%s' is not supported; expected 1-, 8- or 16-bit greyscale, 8-bit colour or float TIFF" % (path, mode))
    rgb = np.asarray(im, dtype=np.float64)
    return (LUMA[0] * rgb[..., 0] + LUMA[1] * rgb[..., 1] + LUMA[2] * rgb[..., 2]) / 255.0


def read_file(np, Image, path):
    if not os.path.isfile(path) or not os.access(path, os.R_OK):
        fail("file '%s' does not exist or is not a readable file; expected an image file, a folder or skimage:/scipy: name" % path)
    if not path.lower().endswith(EXTENSIONS):
        fail("file '%s': format not supported; expected one of %s" % (path, " ".join(EXTENSIONS)))
    if path.lower().endswith((".pgm", ".pnm")):
        grey = read_pnm_grey(np, path)
        if grey is not None:
            return grey
    try:
        with Image.open(path) as im:
            im.load()
            return pil_to_unit(np, im, path)
    except UserError:
        raise
    except Exception as err:  # Pillow's many ways of refusing a damaged file
        fail("file '%s' cannot be read as an image (%s); expected a valid %s file" % (path, str(err).splitlines()[0] if str(err) else type(err).__name__, os.path.splitext(path)[1][1:].upper()))


def skimage_names():
    try:
        import skimage.data
    except ImportError:
        fail("skimage: images need python3-skimage (apt-get install python3-skimage)")
    folder = skimage.data.data_dir
    names = {}
    for f in sorted(os.listdir(folder)):
        stem, ext = os.path.splitext(f)
        if ext.lower() in (".png", ".jpg", ".jpeg") and stem not in names:
            names[stem] = os.path.join(folder, f)
    return names


def read_scipy(np, name):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for module in ("scipy.misc", "scipy.datasets"):
            try:
                mod = __import__(module, fromlist=[name])
                a = np.asarray(getattr(mod, name)(), dtype=np.float64)
                break
            except Exception:
                a = None
    if a is None:
        fail("scipy:%s is not available offline (neither scipy.misc.%s nor scipy.datasets.%s); expected scipy:ascent or scipy:face with Debian's python3-scipy" % (name, name, name))
    if a.ndim == 3:
        a = LUMA[0] * a[..., 0] + LUMA[1] * a[..., 1] + LUMA[2] * a[..., 2]
    return a / 255.0


def expand_inputs(inputs):
    """(label, reader) per image: files, folders (sorted), skimage:/scipy: names."""
    out = []
    for item in inputs:
        if item.startswith("skimage:"):
            names = skimage_names()
            if item[8:] not in names:
                fail("'%s': no such image in python3-skimage's data folder; expected one of %s" % (item, ", ".join(names)))
            out.append((item, ("file", names[item[8:]])))
        elif item.startswith("scipy:"):
            out.append((item, ("scipy", item[6:])))
        elif os.path.isdir(item):
            files = sorted(f for f in os.listdir(item) if f.lower().endswith(EXTENSIONS))
            if not files:
                fail("folder '%s' holds no image file; expected files ending in %s" % (item, " ".join(EXTENSIONS)))
            out.extend((os.path.join(item, f), ("file", os.path.join(item, f))) for f in files)
        else:
            out.append((item, ("file", item)))
    return out


def read_input(np, Image, reader):
    kind, what = reader
    return read_scipy(np, what) if kind == "scipy" else read_file(np, Image, what)


# ---- Import: samples, splits, files ------------------------------------------------------------
def parse_split(text):
    try:
        f = [float(v) for v in text.split(",")]
    except ValueError:
        f = []
    if len(f) != 3 or min(f) < 0 or abs(sum(f) - 1.0) > 1e-9:
        fail("--split '%s': expected three fractions TRAIN,VAL,TEST, each >= 0, summing to 1" % text)
    return f


def cut(n, fractions):
    """[start, end) of each split over n items: ends round(n F_k), F_k the cumulative fractions."""
    ends, total = [], 0.0
    for k, f in enumerate(fractions):
        total += f
        ends.append(n if k == len(fractions) - 1 else int(n * total + 0.5))
    return list(zip([0] + ends[:-1], ends))


def regions(images, fractions):
    """{split name: [(image index, row start, row end)]} (module docstring's rule)."""
    every = [(i, 0, img.shape[0]) for i, (_, img) in enumerate(images)]
    if fractions is None:
        return {"": every}
    out = {}
    for k, (a, b) in enumerate(cut(len(images) if len(images) > 1 else images[0][1].shape[0], fractions)):
        if fractions[k] == 0:
            continue
        if b <= a:
            what = "%d images" % len(images) if len(images) > 1 else "an image of %d rows" % images[0][1].shape[0]
            fail("--split %s: %s leave split '%s' empty; expected a larger fraction, more images, or no --split" % (",".join("%g" % f for f in fractions), what, SPLITS[k]))
        out[SPLITS[k]] = every[a:b] if len(images) > 1 else [(0, a, b)]
    return out


def check_one_size(images):
    """Whole images make one samples x H x W array: every input must have the first one's size."""
    label, first = images[0]
    for other, img in images[1:]:
        if img.shape != first.shape:
            fail("'%s' is %d x %d (H x W) but '%s' is %d x %d; expected images of one size, or --patch" % (label, first.shape[0], first.shape[1], other, img.shape[0], img.shape[1]))


def samples_of(np, images, region, patch, stride):
    """The samples (2D arrays) of one split and their origins (image, y, x)."""
    arrays, origins = [], []
    for i, y0, y1 in region:
        label, img = images[i]
        if not patch:
            arrays.append(img[y0:y1])
            origins.append((i, y0, 0))
            continue
        if y1 - y0 < patch or img.shape[1] < patch:
            fail("--patch %d: '%s' (rows %d..%d used, %d x %d H x W) is smaller than one patch; expected a patch at most the image's (or split band's) height and width" % (patch, label, y0, y1 - 1, y1 - y0, img.shape[1]))
        for y in range(y0, y1 - patch + 1, stride):
            for x in range(0, img.shape[1] - patch + 1, stride):
                arrays.append(img[y:y + patch, x:x + patch])
                origins.append((i, y, x))
    return np.stack(arrays), np.array(origins, dtype=np.int64)


def pdenn_version():
    try:
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "CMakeLists.txt")) as f:
            for line in f:
                if line.startswith("project(") and " VERSION " in line:
                    return line.split(" VERSION ")[1].split()[0]
    except OSError:
        pass
    return "unknown"


def output_names(out, fractions, groups):
    stem = out[:-3] if out.endswith(".h5") else out
    return {name: (out if fractions is None else "%s_%s.h5" % (stem, name)) for name in groups}


def check_writable(path, force):
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        fail("-o: cannot write '%s': directory '%s' does not exist or is not writable" % (path, folder))
    if os.path.exists(path) and not force:
        fail("-o: output file '%s' exists; refusing to overwrite it (give --force)" % path)


def write_set(h5py, np, path, clean, origin, attrs, k):
    rng = np.random.default_rng([attrs["seed"], k])
    noisy = clean + attrs["sigma"] * rng.standard_normal(clean.shape)
    tmp = path + ".tmp"
    with h5py.File(tmp, "w") as f:
        f["clean"] = clean
        f["noisy"] = noisy
        f["origin"] = origin
        f.attrs.update(attrs)
        f.attrs.update({"dim": 2, "W": clean.shape[2], "H": clean.shape[1], "D": 1, "samples": clean.shape[0]})
    os.replace(tmp, path)  # atomic: a failed import leaves no half-written set


def import_images(args):
    h5py, np, Image = load_modules()
    if args.patch is not None and args.patch < 1 or args.stride is not None and (args.stride < 1 or args.patch is None):
        fail("--patch %s --stride %s: expected a patch size >= 1 and, with it, a stride >= 1" % (args.patch, args.stride))
    if args.sigma < 0 or args.seed < 0:
        fail("--sigma %g --seed %d: expected sigma >= 0 and seed >= 0" % (args.sigma, args.seed))
    fractions = parse_split(args.split) if args.split else None
    images = [(label, read_input(np, Image, reader)) for label, reader in expand_inputs(args.inputs)]
    if not args.patch:
        check_one_size(images)
    groups = regions(images, fractions)
    names = output_names(args.output, fractions, groups)
    for path in names.values():
        check_writable(path, args.force)
    labels = [label for label, _ in images]
    source = "; ".join(labels) if len(labels) <= 20 else "; ".join(labels[:20]) + "; ... (%d inputs)" % len(labels)
    attrs = {"generator": "imported", "source": source, "sigma": float(args.sigma), "seed": int(args.seed),
             "patch": int(args.patch or 0), "stride": int(args.stride or args.patch or 0),
             "luminance": "ITU-R BT.601: 0.299 R + 0.587 G + 0.114 B", "scaling": "value / (2^bits - 1); PGM value / maxval",
             "split_rule": "none" if fractions is None else "by image" if len(images) > 1 else "by horizontal bands of one image",
             "pdenn_version": pdenn_version()}
    # every split's samples first: a bad one (a band smaller than a patch) leaves no file written
    sets = {name: samples_of(np, images, region, args.patch, args.stride or args.patch) for name, region in groups.items()}
    for name, region in groups.items():
        clean, origin = sets[name]
        k = SPLITS.index(name) if name else 0
        write_set(h5py, np, names[name], clean, origin, dict(attrs, split=name or "none"), k)
        print("pdenn_images: wrote %s: %d sample(s) of %d x %d (H x W)%s" % (names[name], clean.shape[0], clean.shape[1], clean.shape[2], " from rows %d..%d" % (region[0][1], region[0][2] - 1) if len(images) == 1 and fractions else ""))
    return 0


# ---- Patches: train, validation and test sets from different named images -----------------------
PATCH_DEFAULTS = {"train": "skimage:camera,skimage:astronaut,skimage:coffee,skimage:rocket",
                  "val": "skimage:chelsea", "test": "skimage:coins,skimage:moon"}


def parse_counts(text):
    try:
        c = [int(v) for v in text.split(",")]
    except ValueError:
        c = []
    if len(c) != 3 or min(c) < 0:
        fail("--samples '%s': expected three counts TRAIN,VAL,TEST, each >= 0 (0: every patch)" % text)
    return c


def thin(np, clean, origin, count):
    """count of the n patches, evenly spread over them: indices floor(i n / count), i < count."""
    n = clean.shape[0]
    if count == 0 or count >= n:
        return clean, origin
    keep = [i * n // count for i in range(count)]
    return clean[keep], origin[keep]


def patches(args):
    """import with --patch, but each split from its own list of images: no image in two splits."""
    h5py, np, Image = load_modules()
    if args.patch < 1 or args.stride is not None and args.stride < 1 or args.sigma < 0 or args.seed < 0:
        fail("--patch %d --stride %s --sigma %g --seed %d: expected patch >= 1, stride >= 1, sigma >= 0, seed >= 0" % (args.patch, args.stride, args.sigma, args.seed))
    counts = parse_counts(args.samples)
    lists = {name: [v for v in getattr(args, name).split(",") if v] for name in SPLITS}
    seen = {}
    for name in SPLITS:
        if not lists[name]:
            fail("--%s: empty; expected a comma list of images (skimage:<name>, scipy:ascent, files)" % name)
        for item in lists[name]:
            if item in seen and seen[item] != name:
                fail("'%s' is in --%s and --%s; expected different images for every split" % (item, seen[item], name))
            seen[item] = name
    names = output_names(args.output, (1, 0, 0), SPLITS)
    for path in names.values():
        check_writable(path, args.force)
    stride = args.stride or args.patch
    sets = {}
    for name in SPLITS:
        images = [(label, read_input(np, Image, reader)) for label, reader in expand_inputs(lists[name])]
        clean, origin = samples_of(np, images, [(i, 0, img.shape[0]) for i, (_, img) in enumerate(images)], args.patch, stride)
        sets[name] = thin(np, clean, origin, counts[SPLITS.index(name)]) + ("; ".join(label for label, _ in images),)
    for k, name in enumerate(SPLITS):
        clean, origin, source = sets[name]
        attrs = {"generator": "imported", "source": source, "sigma": float(args.sigma), "seed": int(args.seed),
                 "patch": int(args.patch), "stride": int(stride), "split": name, "split_rule": "by image (separate lists)",
                 "luminance": "ITU-R BT.601: 0.299 R + 0.587 G + 0.114 B", "scaling": "value / (2^bits - 1); PGM value / maxval",
                 "pdenn_version": pdenn_version()}
        write_set(h5py, np, names[name], clean, origin, attrs, k)
        print("pdenn_images: wrote %s: %d patch(es) of %d x %d from %s" % (names[name], clean.shape[0], args.patch, args.patch, source))
    return 0


# ---- Export and info ----------------------------------------------------------------------------
def open_h5(h5py, path):
    if not os.path.isfile(path):
        fail("file '%s' does not exist; expected an HDF5 file (a pdenn image set or run output)" % path)
    try:
        return h5py.File(path, "r")
    except OSError:
        fail("file '%s' is not an HDF5 file that h5py can open; expected a pdenn image set or run output" % path)


def pick_image(np, f, args):
    """The 2D image that export writes (module docstring's rule for ranks 2, 3, 4)."""
    where = "file '%s' dataset '%s'" % (args.file, args.dataset)
    if args.dataset not in f or not hasattr(f[args.dataset], "shape"):
        fail("file '%s' has no dataset '%s'; expected one of: %s" % (args.file, args.dataset, ", ".join(k for k in f if hasattr(f[k], "shape"))))
    d = f[args.dataset]
    if d.ndim not in (2, 3, 4) or d.dtype.kind not in "fiu":
        fail("%s is %s of %d dimension(s); expected numbers as H x W, samples x H x W, D x H x W (--volume) or samples x D x H x W" % (where, d.dtype, d.ndim))
    stacked = d.ndim == 4 or (d.ndim == 3 and not args.volume)
    volume = d.ndim == 4 or (d.ndim == 3 and args.volume)
    n = d.shape[0] if stacked else 1
    if not 0 <= args.sample < n:
        fail("%s: --sample %d does not exist; expected 0 .. %d" % (where, args.sample, n - 1))
    a = d[args.sample] if stacked else d[()]
    if volume:
        z = a.shape[0] // 2 if args.slice is None else args.slice
        if not 0 <= z < a.shape[0]:
            fail("%s: --slice %d does not exist; expected 0 .. %d" % (where, z, a.shape[0] - 1))
        a = a[z]
    a = np.asarray(a, dtype=np.float64)
    if not np.all(np.isfinite(a)):
        y, x = np.argwhere(~np.isfinite(a))[0]
        fail("%s sample %d: pixel (x, y) = (%d, %d) is %g; expected finite values" % (where, args.sample, x, y, a[y, x]))
    return a


def export_png(args):
    h5py, np, Image = load_modules()
    if not args.output.lower().endswith(".png"):
        fail("-o '%s': expected a file name ending in .png" % args.output)
    check_writable(args.output, args.force)
    with open_h5(h5py, args.file) as f:
        a = pick_image(np, f, args)
    if args.range == "auto":
        lo, hi = a.min(), a.max()
        a = (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)
    pixels = np.floor(255.0 * np.clip(a, 0.0, 1.0) + 0.5).astype(np.uint8)
    Image.fromarray(pixels, mode="L").save(args.output + ".tmp.png")
    os.replace(args.output + ".tmp.png", args.output)
    print("pdenn_images: wrote %s: %d x %d (H x W), 8-bit, range %s" % (args.output, pixels.shape[0], pixels.shape[1], args.range))
    return 0


def info(args):
    h5py, np, _ = load_modules()
    with open_h5(h5py, args.file) as f:
        f.visititems(lambda name, obj: print("%s: %s %s" % (name, "x".join(map(str, obj.shape)), obj.dtype)) if hasattr(obj, "shape") else None)
        for k, v in f.attrs.items():
            print("  %s = %s" % (k, v.decode() if isinstance(v, bytes) else v))
    return 0


def names(args):
    print("skimage: " + ", ".join(skimage_names()))
    print("scipy: ascent, face")
    return 0


class Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own: usage and status 2; pdenn's: one line, status 1
        fail("%s (see: %s -h)" % (message, self.prog))


def parser():
    p = Parser(prog="pdenn_images.py", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    a = sub.add_parser("import", help="images -> pdenn image set(s)")
    a.add_argument("inputs", nargs="+", help="image files, folders, skimage:<name>, scipy:ascent")
    a.add_argument("-o", "--output", required=True, help="OUT.h5 (with --split: OUT_train.h5, OUT_val.h5, OUT_test.h5)")
    a.add_argument("--patch", type=int, help="patch side P (default: whole images)")
    a.add_argument("--stride", type=int, help="patch stride (default P)")
    a.add_argument("--split", help="TRAIN,VAL,TEST fractions summing to 1 (by image, or bands of one image)")
    a.add_argument("--sigma", type=float, default=0.1, help="noise standard deviation of 'noisy' (default 0.1)")
    a.add_argument("--seed", type=int, default=1, help="noise seed (default 1)")
    a.add_argument("--force", action="store_true", help="replace existing outputs")
    a.set_defaults(run=import_images)
    q = sub.add_parser("patches", help="train/val/test patch sets from different images")
    q.add_argument("-o", "--output", required=True, help="OUT: writes OUT_train.h5, OUT_val.h5, OUT_test.h5")
    for name in SPLITS:
        q.add_argument("--" + name, default=PATCH_DEFAULTS[name], help="comma list of images of the %s set (default %s)" % (name, PATCH_DEFAULTS[name]))
    q.add_argument("--patch", type=int, default=64, help="patch side P (default 64)")
    q.add_argument("--stride", type=int, help="patch stride (default P)")
    q.add_argument("--samples", default="0,0,0", help="TRAIN,VAL,TEST patch counts, evenly spread (0: every patch; default 0,0,0)")
    q.add_argument("--sigma", type=float, default=0.1, help="noise standard deviation of 'noisy' (default 0.1)")
    q.add_argument("--seed", type=int, default=1, help="noise seed (default 1)")
    q.add_argument("--force", action="store_true", help="replace existing outputs")
    q.set_defaults(run=patches)
    e = sub.add_parser("export", help="one image of an HDF5 dataset -> 8-bit PNG")
    e.add_argument("file")
    e.add_argument("-o", "--output", required=True)
    e.add_argument("--dataset", default="noisy")
    e.add_argument("--sample", type=int, default=0)
    e.add_argument("--volume", action="store_true", help="a rank-3 dataset is one volume D x H x W")
    e.add_argument("--slice", type=int, help="the z slice of a volume (default: the middle)")
    e.add_argument("--range", choices=("clip", "auto"), default="clip")
    e.add_argument("--force", action="store_true")
    e.set_defaults(run=export_png)
    i = sub.add_parser("info", help="datasets and attributes of an HDF5 file")
    i.add_argument("file")
    i.set_defaults(run=info)
    n = sub.add_parser("names", help="the named images available offline")
    n.set_defaults(run=names)
    return p


def main(argv):
    try:
        args = parser().parse_args(argv[1:])
        return args.run(args)
    except UserError as err:
        print("pdenn_images: error: %s" % err, file=sys.stderr)
    except BrokenPipeError:  # `info ... | head`: the reader left, nothing to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, MemoryError) as err:  # a full disk, an unreadable folder: still one line
        print("pdenn_images: error: %s" % err, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
