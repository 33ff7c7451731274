#!/usr/bin/env bash
# input/ecg.deck end to end, shrunk to seconds (2 epochs): jobscripts/prepare_ecg.sh imports the
# electrocardiogram scipy ships, pdenn_compare runs the deck's classical solvers and networks on
# it, and check_own_data.py recomputes the PSNR (peak = the test targets' range) and the data
# description from the files. Usage: ecg_regression.sh <source dir> <build dir> <mpiexec ...>
set -u
src=$1 build=$2
shift 2
work=ecg_regression
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
ln -s "$src/input" input # the deck includes input/ecg_data.deck relative to the working directory
PDENN_BUILD_DIR=$build bash "$src/jobscripts/prepare_ecg.sh" || { echo "ecg: FAIL: prepare_ecg.sh"; exit 1; }
out=$("$@" "$build/apps/pdenn_compare" -options_file input/ecg.deck -train_epochs 2 \
  -compare_output_dir out 2>&1)
rc=$?
printf '%s\n' "$out" | grep -E "^pdenn_compare: (input|explicit|fsi|sym|std|PSNR)"
[ $rc -eq 0 ] || { printf '%s\n' "$out" | tail -5; echo "ecg: FAIL: pdenn_compare exited with $rc"; exit 1; }
check=(/usr/bin/python3 "$src/tests/compare/check_own_data.py")
"${check[@]}" psnr out/ecg || exit 1
"${check[@]}" summary out/ecg train=data/ecg_train.h5 val=data/ecg_val.h5 test=data/ecg_test.h5 || exit 1
grep -q "units=mV" out/ecg/summary.md || { echo "ecg: FAIL: summary.md lacks the units"; exit 1; }
echo "ecg regression passed"
