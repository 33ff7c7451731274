#!/usr/bin/env bash
# The image quickstart in one command: install what is missing, build, cut the patch sets
# (images_prepare.sh quickstart: python3-skimage's images, noise sigma 0.1) and run the main job
# on input/images_quickstart.deck with 2 MPI ranks (PDENN_NRANKS to change). Results:
# results/images_quickstart/ (summary.md, summary.csv, images.png, ...). Extra arguments go to
# pdenn_compare.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$top/jobscripts/setup.sh"
source "$top/jobscripts/mpienv.sh"
build=${PDENN_BUILD_DIR:-$top/build}
cd "$top"
bash jobscripts/images_prepare.sh quickstart
mkdir -p results
exec mpirun -n "${PDENN_NRANKS:-2}" "$build/apps/pdenn_compare" -options_file input/images_quickstart.deck -force "$@"
