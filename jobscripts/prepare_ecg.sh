#!/usr/bin/env bash
# Prepares the real-data experiment's sets: the electrocardiogram that Debian's python3-scipy
# ships (108,000 samples at 360 Hz, in mV, from the MIT-BIH arrhythmia database) written to
# data/ecg_record.npy, then imported by pdenn_signals -import into data/ecg_{train,val,test}.h5:
# segments of 512 points, split 0.7/0.15/0.15 in time order, Gaussian noise of 0.1 x the
# record's standard deviation (seed 1). Extra arguments go to pdenn_signals (e.g.
# -import_sigma_relative 0.2). Layout of the sets: docs/hdf5_layout.md, "Imported sets".
# Run from the directory that should hold data/ (the repository root for input/ecg.deck).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$top/jobscripts/mpienv.sh"
build=${PDENN_BUILD_DIR:-$top/build}
mkdir -p data
# scipy.misc.electrocardiogram reads the file scipy ships (scipy.datasets' version downloads it);
# where scipy.misc no longer has it, its file misc/ecg.dat (an .npz) is read as scipy did.
/usr/bin/python3 - <<'EOF'
import os
import warnings

import numpy as np

try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated in scipy 1.10, still reading the local file
        from scipy.misc import electrocardiogram
        ecg = electrocardiogram()
except ImportError:
    import scipy
    with np.load(os.path.join(os.path.dirname(scipy.__file__), "misc", "ecg.dat")) as f:
        ecg = (f["ecg"].astype(int) - 1024) / 200.0
np.save("data/ecg_record.npy", ecg.astype(np.float64))
print(f"prepare_ecg: wrote data/ecg_record.npy ({ecg.size} samples, mV)")
EOF
exec mpirun -n "${PDENN_NRANKS:-1}" "$build/apps/pdenn_signals" -import data/ecg_record.npy -N 512 \
  -import_sigma_relative 0.1 -import_seed 1 -import_sample_rate 360 -import_units mV \
  -import_output data/ecg -force "$@"
