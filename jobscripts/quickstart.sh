#!/usr/bin/env bash
# README's first command: install what is missing, build, and run the main job on
# input/quickstart.deck with 2 MPI ranks. Extra arguments are passed to the app.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$top/jobscripts/setup.sh"
source "$top/jobscripts/mpienv.sh"
build=${PDENN_BUILD_DIR:-$top/build}
app=pdenn_compare
cd "$top"
mkdir -p results
exec mpirun -n "${PDENN_NRANKS:-2}" "$build/apps/$app" -options_file input/quickstart.deck -force "$@"
