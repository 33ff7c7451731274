#!/usr/bin/env bash
# The in-process deck fuzzing in chunks of processes: PETSc's deck parser leaks a buffer for every
# deck it refuses, and -malloc_debug validates every live block at each allocation, so one
# process slows down as a long campaign piles them up. Each chunk is a fresh process.
#   deck_fuzz_chunks.sh CASES CHUNK SEED DIR -- MPIEXEC [flags ...] FUZZ_EXE
set -u
cases=$1 chunk=$2 seed=$3 dir=$4
shift 4
[ "$1" = -- ] && shift
failed=0
for ((first = 0; first < cases; first += chunk)); do
  "$@" -malloc_debug -cases $chunk -first $first -seed "$seed" -dir "$dir" </dev/null || failed=$((failed + 1))
done
echo "deck_fuzz_chunks: $cases cases (seed $seed) in chunks of $chunk: $failed chunks failed"
[ $failed -eq 0 ]
