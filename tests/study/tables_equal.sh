#!/usr/bin/env bash
# tables_equal.sh <study dir A> <study dir B>: the study's tables of two runs are identical, byte
# for byte (tests/study/CMakeLists.txt: one run against array tasks plus the collect step).
set -u
for f in study.md study.csv study_cells.csv study_pairs.csv; do
  cmp "$1/$f" "$2/$f" || exit 1
done
echo "study tables equal"
