#!/bin/bash
# Strong and weak scaling of pdenn_bench (docs/performance.md): runs it at each rank count, keeps
# every run's CSV and prints one table of the throughput figures with the speed-up over one rank.
#   strong: the same sizes at every rank count;
#   weak:   the diffusion grid and the training batch grow with the ranks (STREAM is per rank).
# Rank counts above the cores are run with --oversubscribe and marked as such in the table.
# Usage: apps/bench_scaling.sh [-b build_dir] [-o out_dir] [-n "1 2 4"] [-t] [-- pdenn_bench keys...]
#   -t: only tabulate the CSVs already in out_dir (e.g. after runs split over several calls).
# Environment: BENCH_N (diffusion grid points per rank for weak, total for strong; default 1e7),
# BENCH_BATCH (training batch per rank / total; default 32), BENCH_SECTIONS (default
# stream,diffusion,train).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build="$here/build"
out="bench_scaling"
ranks="1 2 4"
tabulate_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    -b) build="$2"; shift 2 ;;
    -o) out="$2"; shift 2 ;;
    -n) ranks="$2"; shift 2 ;;
    -t) tabulate_only=1; shift ;;
    --) shift; break ;;
    *) echo "bench_scaling.sh: unknown argument '$1'; expected -b build_dir, -o out_dir, -n \"ranks\", -t or -- keys" >&2; exit 2 ;;
  esac
done
bench="$build/apps/pdenn_bench"
[ -x "$bench" ] || { echo "bench_scaling.sh: $bench not found; build first or pass -b build_dir" >&2; exit 2; }
N=${BENCH_N:-10000000}
batch=${BENCH_BATCH:-32}
sections=${BENCH_SECTIONS:-stream,diffusion,train}
cores=$(nproc)
source "$here/jobscripts/mpienv.sh"
mkdir -p "$out"

for np in $ranks; do
  [ "$tabulate_only" = 1 ] && break
  for mode in strong weak; do
    if [ "$mode" = strong ]; then n=$N; b=$batch; else n=$((N * np)); b=$((batch * np)); fi
    echo "== $mode scaling, $np rank(s)$([ "$np" -gt "$cores" ] && echo ", oversubscribed on $cores cores"): -bench_N $n -bench_batch $b" >&2
    mpiexec -n "$np" --oversubscribe --bind-to none "$bench" -bench_sections "$sections" \
      -bench_N "$n" -bench_batch "$b" -bench_csv "$out/${mode}_np${np}.csv" "$@" > "$out/${mode}_np${np}.txt"
  done
done

# One row per (mode, section, case, metric): the figure at each rank count and its ratio to one rank.
awk -F, -v cores="$cores" -v ranks="$ranks" '
  FNR == 1 { split(FILENAME, p, "/"); f = p[length(p)]; mode = (f ~ /^strong/) ? "strong" : "weak";
             np = f; sub(/^.*_np/, "", np); sub(/\.csv$/, "", np); next }
  $5 == "throughput" || $5 == "samples/s" || $5 == "bandwidth total" {
    key = mode "," $1 "," $2 "," $5; if (!(key in seen)) { seen[key] = 1; order[++nk] = key }
    val[key, np] = $6 }
  END {
    nr = split(ranks, r, " ");
    printf "%-6s %-10s %-42s %-16s", "mode", "section", "case", "metric";
    for (i = 1; i <= nr; i++) printf " %12s %7s", "np=" r[i] (r[i] + 0 > cores + 0 ? "(over)" : ""), "ratio";
    printf "\n";
    for (k = 1; k <= nk; k++) {
      split(order[k], c, ","); printf "%-6s %-10s %-42s %-16s", c[1], c[2], c[3], c[4];
      base = val[order[k], r[1]];
      for (i = 1; i <= nr; i++) {
        v = val[order[k], r[i]];
        if (v == "" || v == "n/a" || base == "" || base == "n/a" || base + 0 == 0) printf " %12s %7s", (v == "" ? "-" : v), "-";
        else printf " %12.4g %7.2f", v, v / base;
      }
      printf "\n";
    } }' $(for np in $ranks; do echo "$out/strong_np$np.csv $out/weak_np$np.csv"; done) | tee "$out/scaling.txt"
echo "(ratio: figure at np ranks / figure at ${ranks%% *} rank; (over): more ranks than the $cores cores)" | tee -a "$out/scaling.txt"
