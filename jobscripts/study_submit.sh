#!/usr/bin/env bash
# Submits a pdenn_study study as a Slurm job array of <tasks> tasks plus its collect job, which
# starts when every array task has succeeded and writes the table and plot
# (jobscripts/study_array.slurm; docs/results.md, "Studies").
#   study_submit.sh <deck> <tasks> [pdenn options ...]
#   e.g. bash jobscripts/study_submit.sh input/claim1_study.deck 8
# $PDENN_SBATCH_FLAGS holds extra sbatch flags for both jobs (e.g. "--ntasks=4 --time=30").
# Prints the two job ids: array, collect.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -lt 2 ] || ! [[ $2 =~ ^[1-9][0-9]*$ ]]; then
  echo "pdenn: error: usage: study_submit.sh <deck> <tasks (>= 1)> [pdenn options ...]" >&2
  exit 2
fi
deck=$1 tasks=$2
shift 2
# the jobs find the checkout from here (sbatch passes the environment on)
PDENN_ROOT=${PDENN_ROOT:-$(dirname "$here")}
export PDENN_ROOT
# shellcheck disable=SC2086 # the flags are words on purpose
array=$(sbatch --parsable ${PDENN_SBATCH_FLAGS:-} --array=0-$((tasks - 1)) "$here/study_array.slurm" "$deck" "$@")
# shellcheck disable=SC2086
collect=$(sbatch --parsable ${PDENN_SBATCH_FLAGS:-} --dependency=afterok:"${array%%;*}" --job-name=pdenn-study-collect \
  "$here/study_array.slurm" "$deck" -compare_collect "$@")
echo "$array $collect"
