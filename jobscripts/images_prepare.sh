#!/usr/bin/env bash
# The image decks' data in ./data of the current directory, made once (an existing set is kept):
# patches cut from python3-skimage's images by apps/pdenn_images.py patches, each split from its
# own images (train: camera, astronaut, coffee, rocket; validation: chelsea; test: coins, moon),
# Gaussian noise sigma 0.1, seed 1 (docs/results.md, "Images").
#   images_prepare.sh quickstart   data/images_quickstart_{train,val,test}.h5: 64 x 64,
#                                  256 train, every validation (28), 32 test patches
#   images_prepare.sh paper        data/images_paper_{train,val,test}.h5: 65 x 65 (multigrid and
#                                  the U-nets coarsen 65 -> 33 -> 17 -> 9), every patch of each
#                                  split (206 train, 24 validation, 69 test)
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case ${1:-} in
quickstart) prefix=data/images_quickstart opts=(--patch 64 --samples 256,0,32) ;;
paper) prefix=data/images_paper opts=(--patch 65) ;;
*)
  echo "pdenn: error: usage: images_prepare.sh quickstart|paper" >&2
  exit 2
  ;;
esac
mkdir -p data
if [ -f "${prefix}_train.h5" ] && [ -f "${prefix}_val.h5" ] && [ -f "${prefix}_test.h5" ]; then
  echo "pdenn: image sets ${prefix}_{train,val,test}.h5 exist; kept (remove them to cut them again)"
else
  /usr/bin/python3 "$top/apps/pdenn_images.py" patches -o "$prefix" "${opts[@]}" --sigma 0.1 --seed 1 --force
fi
