#!/usr/bin/env bash
# The real-data experiment in one command: install what is missing and build (setup.sh), import
# the electrocardiogram scipy ships into data/ecg_{train,val,test}.h5 (prepare_ecg.sh, skipped
# when the sets exist), then run pdenn_compare on input/ecg.deck with 2 MPI ranks (about 20 s).
# Extra arguments go to pdenn_compare. Results: results/ecg/ (docs/results.md, "Real data").
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$top/jobscripts/setup.sh"
source "$top/jobscripts/mpienv.sh"
build=${PDENN_BUILD_DIR:-$top/build}
cd "$top"
[ -f data/ecg_test.h5 ] || bash jobscripts/prepare_ecg.sh
mkdir -p results
exec mpirun -n "${PDENN_NRANKS:-2}" "$build/apps/pdenn_compare" -options_file input/ecg.deck -force "$@"
