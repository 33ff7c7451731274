#!/usr/bin/python3
"""The data files pdenn_compare copies from -compare_{train,val,test}_data into <dir>/data carry
pdenn's checksummed header whatever the given file was (h5py's without one, or pdenn's with one),
and keep everything of the given file (needs h5py and numpy). The checksum is recomputed here,
independently of pdenn's C code (docs/hdf5_layout.md, "User block").

  check_data_copy.py make <dir>
      writes <dir>/rich_train.h5: <dir>/train.h5 (make_own_data.py) plus what a user's file may
      hold beyond a set: a group with a dataset, a variable-length string dataset and attributes
      (UTF-8 text), an attribute on a dataset, array attributes (numbers, h5py's variable-length
      strings), an empty attribute, a big-endian float32 one, UTF-8 strings of fixed and variable
      length, a real that needs 17 digits, an integer beyond 32 bits, a soft and an external link.
  check_data_copy.py copy <dir> <split>=<given file> ...
      <dir>/data/<split>.h5 starts with pdenn's header, whose fnv1a64 and length are those of
      the bytes after the 512-byte block; every link, group, dataset (type, shape, values) and
      attribute (HDF5 type and value) of the given file is in it unchanged; it has the task's
      datasets input and target (samples x N); results.h5 lists its attributes as pdenn reads
      them (strings, numbers in digits that read back to them, arrays as "(n values)"). Says
      whether the given file had the header.
  check_data_copy.py damage <file> <out>
      <out>: <file> with one byte after the user block changed (pdenn must refuse it).
Exit status 0 and a last line "data copy checks passed" (or "... written") on success.
"""
import os
import re
import shutil
import sys

import h5py
import numpy as np

MAGIC = b"pdenn HDF5 file, checksummed\n"
# what pdenn_compare adds to a copy whose given file lacks input or target
ADDED_LINKS, ADDED_ATTRS = {"input", "target"}, {"task", "input_is"}


def fail(msg):
    print("data copy check FAILED: " + msg)
    sys.exit(1)


def fnv1a64(data, h=0xCBF29CE484222325):
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def check_header(path):
    data = open(path, "rb").read()
    if not data.startswith(MAGIC):
        fail("%s does not start with pdenn's header: %r" % (path, data[:40]))
    m = re.match(rb"fnv1a64: ([0-9a-f]{16})\nbytes: (\d+)\n", data[len(MAGIC):512])
    if not m:
        fail("%s: the header does not parse: %r" % (path, data[:120]))
    want_sum, want_len = int(m.group(1), 16), int(m.group(2))
    got_sum, got_len = fnv1a64(data[512:]), len(data) - 512
    if (want_sum, want_len) != (got_sum, got_len):
        fail("%s: header records fnv1a64 %016x of %d bytes, the bytes after the block have %016x of %d" % (path, want_sum, want_len, got_sum, got_len))
    print("%s: pdenn header, fnv1a64 %016x of %d bytes: matches" % (path, got_sum, got_len))


def same_attrs(given, copy, where, extra):
    for name in given.attrs:
        if name not in copy.attrs:
            fail("%s: attribute '%s' lost" % (where, name))
        tg, tc = given.attrs.get_id(name).get_type(), copy.attrs.get_id(name).get_type()
        vg, vc = given.attrs[name], copy.attrs[name]
        if tg != tc or type(vg) is not type(vc) or not np.array_equal(np.asarray(vg), np.asarray(vc)):
            fail("%s: attribute '%s' is %r (%s), was %r (%s)" % (where, name, vc, tc.dtype, vg, tg.dtype))
    if set(copy.attrs) - set(given.attrs) - extra:
        fail("%s: unexpected attributes %s" % (where, sorted(set(copy.attrs) - set(given.attrs) - extra)))


def same_dataset(g, c, where):
    if g.id.get_type() != c.id.get_type() or g.shape != c.shape:
        fail("%s: dataset type/shape %s %s, was %s %s" % (where, c.dtype, c.shape, g.dtype, g.shape))
    vg, vc = g[()], c[()]
    if isinstance(vg, h5py.Empty):  # a null dataspace: no values, only the type
        equal = isinstance(vc, h5py.Empty)
    else:
        equal = np.array_equal(vg, vc, equal_nan=g.dtype.kind == "f")
    if not equal:
        fail("%s: dataset values differ" % where)
    same_attrs(g, c, where, set())


def same_group(given, copy, where, root):
    """Every link of given is in copy with the same kind and target, recursively; counts objects."""
    count = 0
    for name in given:
        lg, lc = given.get(name, getlink=True), copy.get(name, getlink=True)
        path = where.rstrip("/") + "/" + name
        if lc is None or type(lg) is not type(lc):
            fail("%s: link lost or of another kind (%s, was %s)" % (path, type(lc).__name__, type(lg).__name__))
        if isinstance(lg, h5py.SoftLink) and lg.path != lc.path or isinstance(lg, h5py.ExternalLink) and (lg.filename, lg.path) != (lc.filename, lc.path):
            fail("%s: link target changed" % path)
        if isinstance(lg, h5py.HardLink):
            og, oc = given[name], copy[name]
            if isinstance(og, h5py.Group) != isinstance(oc, h5py.Group):
                fail("%s: group/dataset kind changed" % path)
            count += same_group(og, oc, path, False) if isinstance(og, h5py.Group) else 0
            if isinstance(og, h5py.Dataset):
                same_dataset(og, oc, path)
        count += 1
    added = set(copy) - set(given)
    if added - (ADDED_LINKS if root else set()):
        fail("%s: unexpected objects %s" % (where, sorted(added)))
    same_attrs(given, copy, where, ADDED_ATTRS if root and added else set())
    return count


def attr_text(value):
    """What pdenn_compare lists for an attribute (PdennH5AttrReadText): recomputed here."""
    if isinstance(value, h5py.Empty):
        return "(0 values)"
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, str):
        return value.replace("\n", " ").replace("\r", " ")[:511]
    value = np.asarray(value)
    if value.size != 1:
        return "(%d values)" % value.size
    if value.dtype.kind in "iu":
        return "%d" % int(value)
    if value.dtype.kind == "f":
        x = float(value)
        return "%.15g" % x if float("%.15g" % x) == x else "%.17g" % x
    return "(not a string or number)"


def check_listed(d, split, path):
    """results.h5 lists every attribute of data/<split>.h5 as a "name=value" line."""
    with h5py.File(os.path.join(d, "results.h5"), "r") as r, h5py.File(path, "r") as c:
        got = r["data/" + split].attrs["attributes"]
        want = "".join("%s=%s\n" % (k, attr_text(c.attrs[k])) for k in sorted(c.attrs))
    if got != want:
        fail("results.h5 data/%s lists the attributes\n%s\nexpected\n%s" % (split, got, want))
    print("results.h5 data/%s lists the %d attributes of %s as expected" % (split, len(want.splitlines()), path))


def cmd_copy(d, pairs):
    for pair in pairs:
        split, given = pair.split("=", 1)
        path = os.path.join(d, "data", split + ".h5")
        check_header(path)
        with open(given, "rb") as f:
            had = f.read(len(MAGIC)) == MAGIC
        with h5py.File(given, "r") as g, h5py.File(path, "r") as c:
            n = same_group(g, c, "/", True)
            for name in ("input", "target"):
                if name not in c or c[name].shape != c["clean"].shape:
                    fail("%s: no dataset '%s' of the shape of clean %s" % (path, name, c["clean"].shape))
            check_listed(d, split, path)
            print("%s: the %d links and objects and %d root attributes of %s (%s pdenn's header) are kept" % (path, n, len(g.attrs), given, "with" if had else "without"))
    print("data copy checks passed")


def cmd_make(d):
    out = os.path.join(d, "rich_train.h5")
    with h5py.File(os.path.join(d, "train.h5"), "r") as src, h5py.File(out, "w") as f:
        for name in src:
            f[name] = src[name][()]
        for name, value in src.attrs.items():
            f.attrs[name] = value
        f["clean"].attrs["units"] = "mV"
        f["meta/time"] = np.arange(64, dtype=np.float32) / 360.0
        f["meta/time"].attrs["units"] = "s"
        f["meta/label"] = "lead II"
        f["meta/notes"] = h5py.Empty("f8")
        f["meta"].attrs["author"] = "Zoë Müller"
        f.attrs["channels"] = np.array([1, 2, 3], dtype=np.int32)
        f.attrs["tags"] = ["ecg", "Ableitung II, µV"]
        f.attrs["nothing"] = h5py.Empty("f8")
        f.attrs["gain"] = np.array(2.5, dtype=">f4")
        f.attrs["comment"] = "Ableitung II, µV\nzweite Zeile"
        f.attrs.create("operator", "Zoë".encode(), dtype=h5py.string_dtype("utf-8", 8))
        f.attrs["offset"] = np.float64(0.1) + np.float64(0.2)  # needs 17 digits
        f.attrs["big"] = np.int64(2**40 + 1)
        f["clean_alias"] = h5py.SoftLink("/clean")
        f["elsewhere"] = h5py.ExternalLink("train.h5", "/clean")
    print("rich data written to " + out)


def cmd_damage(path, out):
    shutil.copyfile(path, out)
    size = os.path.getsize(out)
    with open(out, "r+b") as f:
        f.seek(512 + (size - 512) // 2)
        b = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([b[0] ^ 4]))
    print("damaged copy written to %s: data copy checks passed" % out)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "make":
        cmd_make(*args)
    elif cmd == "copy":
        cmd_copy(args[0], args[1:])
    elif cmd == "damage":
        cmd_damage(*args)
    else:
        fail("unknown command " + cmd)
