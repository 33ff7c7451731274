#!/usr/bin/env bash
# Installs what pdenn needs from Debian's packages (only what is missing, so it is quick when
# all is present) and builds it in build/ (Release). Idempotent; safe to run on every job.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
packages=(petsc-dev libhdf5-openmpi-dev openmpi-bin libopenmpi-dev hdf5-tools pkg-config cmake
          make gcc python3 python3-matplotlib python3-h5py python3-scipy)
# apps/pdenn_images.py: image files (Pillow; imageio beside it) and the named images of skimage
packages+=(python3-pil python3-imageio python3-skimage)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "pdenn setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
build=${PDENN_BUILD_DIR:-$top/build}
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=${PDENN_BUILD_TYPE:-Release} >/dev/null
cmake --build "$build" -j "$(nproc)" 2>&1 | grep -E "warning|error|Error" || true
cmake --build "$build" -j "$(nproc)" >/dev/null
echo "pdenn setup: built in $build"
