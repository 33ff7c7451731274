#!/usr/bin/env bash
# A rerun of a finished experiment: without -force it is refused; with -force every network
# loads its checkpoint instead of training again, and its results are bitwise those of the
# first run. Usage: rerun.sh <finished results dir> <checker> <mpiexec command ...>
# (the command is the first run's, minus -compare_output_dir, which this script sets).
set -u
src=$1 checker=$2
shift 2
work=$(dirname "$src")/rerun_$(basename "$src")
rm -rf "$work" && mkdir -p "$work" && cp -r "$src" "$work/" || exit 1
dir=$work/$(basename "$src")
out=$("$@" -compare_output_dir "$work" 2>&1)
rc=$?
printf '%s\n' "$out" | tail -3
if [ $rc -ne 1 ] || ! printf '%s\n' "$out" | grep -q "already has results"; then
  echo "rerun: FAIL: a rerun without -force was not refused (exit $rc)"
  exit 1
fi
out=$("$@" -compare_output_dir "$work" -force 2>&1)
rc=$?
printf '%s\n' "$out" | grep -E "pdenn_compare: (learned|wrote)"
if [ $rc -ne 0 ]; then
  echo "rerun: FAIL: the rerun with -force exited with $rc"
  exit 1
fi
if printf '%s\n' "$out" | grep -q "pdenn_compare: learned .*: training"; then
  echo "rerun: FAIL: a network was trained again instead of loading its checkpoint"
  exit 1
fi
# every method, not only the networks: the same rank count repeats the same arithmetic
methods=$(awk -F, 'NR > 1 { printf "%s%s", sep, $1; sep = "," }' "$src/summary.csv")
exec /usr/bin/python3 "$checker" same "$src" "$dir" --methods "$methods"
