#!/usr/bin/python3
"""Checks of pdenn_compare's results (standard library only).

  check_compare.py outputs <dir> [--plots yes|no|auto] [--learned NAME --margin M]
      every output exists, summary.csv parses with the expected columns, every number in it is
      finite, results.h5 is an HDF5 file, summary.md holds the table; with --learned, that
      network's test MSE is at most M times the input's (it learned something) and its largest
      gain is <= 1 (+ rounding): the symmetric network is Euclidean stable (docs/science.md §2).
  check_compare.py agree <dir1> <dir2> [--rtol-classical R] [--rtol-learned R]
      the deterministic columns (parameters exactly; errors and gains to a relative tolerance)
      agree between two runs, e.g. at 1 and 2 MPI ranks.
  check_compare.py same <dir1> <dir2> --methods a,b
      those methods' deterministic columns are bitwise equal (a rerun loaded the checkpoints).
  check_compare.py mse <dir> <method> <max>
      that method's test MSE is at most max.
Exit status 0 and a last line "compare checks passed" on success.
"""
import csv
import math
import os
import subprocess
import sys

COLUMNS = ["method", "kind", "what", "parameters", "train_seconds", "epochs", "seconds_per_sample",
           "test_mse", "test_psnr_db", "max_gain_test", "max_gain_stress", "steps_per_sample",
           "solver_its_per_sample", "worst_gain", "worst_input_scale"]
NUMERIC = COLUMNS[3:]
DETERMINISTIC = ["parameters", "test_mse", "test_psnr_db", "max_gain_test", "max_gain_stress",
                 "steps_per_sample", "solver_its_per_sample"]
PLOTS = ["examples.png", "training.png", "activations.png", "error_vs_cost.png"]
# A gain above 1 by more than rounding would break the stability theorem (docs/science.md §2): the
# outputs are sums of O(N) terms of size O(1), so 1e-12 is generous for N <= 4096.
GAIN_ROUNDING = 1e-12


def fail(msg):
    print("compare check FAILED: " + msg)
    sys.exit(1)


def read_csv(d):
    path = os.path.join(d, "summary.csv")
    if not os.path.isfile(path):
        fail("missing " + path)
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not rows or rows[0] != COLUMNS:
        fail("%s: header %s, expected %s" % (path, rows[0] if rows else None, COLUMNS))
    table = {}
    for r in rows[1:]:
        if len(r) != len(COLUMNS):
            fail("%s: row %s has %d fields, expected %d" % (path, r, len(r), len(COLUMNS)))
        row = dict(zip(COLUMNS, r))
        for c in NUMERIC:
            if row[c] == "":
                row[c] = None  # not applicable
                continue
            try:
                row[c] = float(row[c])
            except ValueError:
                fail("%s: %s of %s is '%s', not a number" % (path, c, row["method"], row[c]))
            if not math.isfinite(row[c]):
                fail("%s: %s of %s is %s, not finite" % (path, c, row["method"], row[c]))
        table[row["method"]] = row
    if "input" not in table:
        fail(path + ": no row 'input' (the baseline)")
    return table


def plotting_available():
    probe = "import matplotlib, h5py"
    try:
        return subprocess.run(["/usr/bin/python3", "-c", probe], capture_output=True).returncode == 0
    except OSError:
        return False


def cmd_outputs(args):
    d = args[0]
    opts = dict(zip(args[1::2], args[2::2]))
    table = read_csv(d)
    for name in ["summary.md", "results.h5", "data/train.h5", "data/val.h5", "data/test.h5"]:
        if not os.path.isfile(os.path.join(d, name)):
            fail("missing " + os.path.join(d, name))
    with open(os.path.join(d, "results.h5"), "rb") as f:
        head = f.read(520)  # pdenn's files have a 512-byte user block before HDF5's signature
        if head[512:520] != b"\x89HDF\r\n\x1a\n" or not head.startswith(b"pdenn HDF5 file, checksummed\n"):
            fail("results.h5 is not a checksummed HDF5 file (docs/hdf5_layout.md)")
    with open(os.path.join(d, "summary.md")) as f:
        md = f.read()
    for m in table:
        if "| %s |" % m not in md:
            fail("summary.md has no table row for " + m)
    for m, row in table.items():
        if row["kind"] == "learned" and not os.path.isfile(os.path.join(d, "checkpoints", m + ".h5")):
            fail("missing checkpoint of " + m)
    plots = opts.get("--plots", "auto")
    if plots == "auto":
        plots = "yes" if plotting_available() else "no"
    for p in PLOTS if plots == "yes" else []:
        if not os.path.isfile(os.path.join(d, p)) or os.path.getsize(os.path.join(d, p)) == 0:
            fail("missing or empty plot " + p)
    if "--learned" in opts:
        name, margin = opts["--learned"], float(opts["--margin"])
        if name not in table:
            fail("no row " + name)
        mse, base = table[name]["test_mse"], table["input"]["test_mse"]
        if not mse <= margin * base:
            fail("%s: test MSE %.4e is not <= %.2f x the input's %.4e" % (name, mse, margin, base))
        gain = table[name]["max_gain_test"]
        if not gain <= 1.0 + GAIN_ROUNDING:
            fail("%s: largest gain %.15f > 1: not Euclidean stable" % (name, gain))
        worst = table[name]["worst_gain"]
        if worst is None:
            fail("%s: no worst-case gain (the search runs by default)" % name)
        if not worst <= 1.0 + GAIN_ROUNDING:
            fail("%s: worst-case gain %.15f > 1 (gradient ascent): not Euclidean stable" % (name, worst))
        print("%s: test MSE %.4e = %.3f x the input's (limit %.2f), largest gain %.12f, worst-case %s"
              % (name, mse, mse / base, margin, gain, worst))
    print("%s: %d methods, every output present, every number finite (plots: %s)" % (d, len(table), plots))


def rel(a, b):
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def cmd_agree(args):
    d1, d2 = args[0], args[1]
    opts = dict(zip(args[2::2], args[3::2]))
    tol = {"baseline": 0.0, "classical": float(opts.get("--rtol-classical", "1e-10")),
           "learned": float(opts.get("--rtol-learned", "1e-6"))}
    t1, t2 = read_csv(d1), read_csv(d2)
    if list(t1) != list(t2):
        fail("methods differ: %s vs %s" % (list(t1), list(t2)))
    worst = {}
    for m in t1:
        kind = t1[m]["kind"]
        for c in DETERMINISTIC:
            a, b = t1[m][c], t2[m][c]
            if (a is None) != (b is None):
                fail("%s %s: %s vs %s" % (m, c, a, b))
            if a is None:
                continue
            limit = 0.0 if c == "parameters" else tol[kind]
            if rel(a, b) > limit:
                fail("%s %s: %r vs %r, relative difference %.3e > %.1e" % (m, c, a, b, rel(a, b), limit))
            worst[kind] = max(worst.get(kind, 0.0), rel(a, b))
    print("agree: largest relative differences " + ", ".join("%s %.3e (limit %.0e)" % (k, v, tol[k]) for k, v in worst.items()))


def cmd_same(args):
    d1, d2, methods = args[0], args[1], args[3].split(",")
    t1, t2 = read_csv(d1), read_csv(d2)
    for m in methods:
        for c in DETERMINISTIC:
            if t1[m][c] != t2[m][c]:
                fail("%s %s differs: %r vs %r" % (m, c, t1[m][c], t2[m][c]))
    print("same: %s bitwise equal in %s" % (",".join(methods), ", ".join(DETERMINISTIC)))


def cmd_mse(args):
    d, name, limit = args[0], args[1], float(args[2])
    t = read_csv(d)
    if name not in t or not t[name]["test_mse"] <= limit:
        fail("%s: test MSE %s is not <= %g" % (name, t.get(name, {}).get("test_mse"), limit))
    print("%s: test MSE %.3e <= %g" % (name, t[name]["test_mse"], limit))


def main(argv):
    cmds = {"outputs": cmd_outputs, "agree": cmd_agree, "same": cmd_same, "mse": cmd_mse}
    if len(argv) < 3 or argv[1] not in cmds:
        print(__doc__)
        return 2
    cmds[argv[1]](argv[2:])
    print("compare checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
