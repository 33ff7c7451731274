#!/usr/bin/env bash
# README's second command: install what is missing, build, run the whole CTest suite.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$top/jobscripts/setup.sh"
source "$top/jobscripts/mpienv.sh"
cd "${PDENN_BUILD_DIR:-$top/build}"
ctest --output-on-failure -j "$(nproc)" "$@"
