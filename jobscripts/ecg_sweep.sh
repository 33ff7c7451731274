#!/usr/bin/env bash
# Chooses the classical solvers' -lambda and -t_stop for input/ecg.deck on the VALIDATION set,
# never the test set: every (lambda, t_stop) of the grid runs input/ecg_data.deck's classical solvers with
# the validation set standing in as the test set (no network is trained), and the pair with the
# lowest validation MSE of the explicit scheme is printed. Needs data/ecg_*.h5
# (bash jobscripts/prepare_ecg.sh). Usage (from the repository root):
#   bash jobscripts/ecg_sweep.sh ["0.01 0.02 ..." ["1 2 5 ..."]]
# Writes results/ecg_sweep/<lambda>_<t_stop>/ and results/ecg_sweep/sweep.csv.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$top/jobscripts/mpienv.sh"
build=${PDENN_BUILD_DIR:-$top/build}
cd "$top"
lambdas=${1:-"0.01 0.02 0.05 0.1 0.2 0.5"}
t_stops=${2:-"0.5 1 2 5 10 20"}
out=results/ecg_sweep
mkdir -p "$out"
echo "lambda,t_stop,method,val_mse,val_psnr_db" > "$out/sweep.csv"
for lambda in $lambdas; do
  for t_stop in $t_stops; do
    mpirun -n "${PDENN_NRANKS:-2}" "$build/apps/pdenn_compare" -options_file input/ecg_data.deck \
      -compare_test_data data/ecg_val.h5 \
      -lambda "$lambda" -t_stop "$t_stop" -compare_plots false -force \
      -compare_output_dir "$out" -compare_experiment "${lambda}_${t_stop}" > /dev/null
    # summary.csv: method,kind,...,test_mse (column 8),test_psnr_db (column 9)
    awk -F, -v l="$lambda" -v t="$t_stop" '$2 == "classical" { print l "," t "," $1 "," $8 "," $9 }' \
      "$out/${lambda}_${t_stop}/summary.csv" >> "$out/sweep.csv"
  done
done
echo "ecg_sweep: validation MSE per (lambda, t_stop) in $out/sweep.csv; best for each method:"
for method in $(awk -F, 'NR > 1 { print $3 }' "$out/sweep.csv" | sort -u); do
  awk -F, -v m="$method" 'NR > 1 && $3 == m' "$out/sweep.csv" | sort -t, -k4,4g | head -n 1 |
    awk -F, '{ printf "  %-10s lambda %s  t_stop %s  val MSE %s  val PSNR %s dB\n", $3, $1, $2, $4, $5 }'
done
