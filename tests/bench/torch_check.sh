#!/bin/bash
# pdenn's benchmark networks are PyTorch's (apps/torch_compare.py --check): small instances of the
# four models on 1D signals and of those that run on 2D grids, written by pdenn_bench
# -bench_dump_models, loaded by group name into the PyTorch modules; outputs and gradients agree
# to 1e-10 (float64 rounding), and at least MIN_2D of the compared models are 2D ones.
# Skipped (status 77) where python3-torch is not installed (it is not in jobscripts/setup.sh).
#   torch_check.sh SOURCE_DIR MIN_2D pdenn_bench-command ...
src=$1 min2d=$2
shift 2
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "torch_check: python3-torch is not installed: skipped"
  exit 77
fi
"$@" -bench_dump_models torch_check_models.txt || exit 1
out=$(/usr/bin/python3 "$src/apps/torch_compare.py" --check torch_check_models.txt) || { echo "$out"; exit 1; }
echo "$out"
n2d=$(grep -c " 2D N " <<<"$out")
if [ "$n2d" -lt "$min2d" ]; then
  echo "torch_check: FAIL: $n2d 2D models compared, expected at least $min2d"
  exit 1
fi
echo "torch_check: passed ($n2d 2D models)"
