#!/usr/bin/env bash
# PETSc's own leak check (docs/reliability.md): every app, every solver method and a training run
# at 2 ranks, with -malloc_debug (traced allocations, overrun checks at every free) and
# -malloc_dump (lists at PetscFinalize every block still allocated, as "[rank] N bytes f() at
# file:line"). Each run must succeed and list no block.
#   malloc_dump.sh SIGNALS SOLVE TRAIN -- MPIEXEC (without -n) [mpiexec flags ...]
set -u
signals=$(readlink -f "$1") solve=$(readlink -f "$2") train=$(readlink -f "$3")
shift 3
[ "$1" = -- ] && shift
mpiexec=("$@")
source "$(dirname "$0")/relcommon.sh"
dir=rel_malloc
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" || exit 1
failures=0
debug=(-malloc_debug -malloc_dump)

# leak_free LABEL: the last run succeeded and -malloc_dump listed nothing
leak_free() {
  ! grep -aqE '^\[ *[0-9]+\] *[0-9]+ bytes ' "$out" && [ "$rc" -eq 0 ]
  check $? "$1: exit 0, no block left at PetscFinalize"
}

launch=("${mpiexec[@]}" -n 2)
run signals.log "$signals" -N 64 -signals_samples 20 -signals_output data.h5 -force "${debug[@]}"
leak_free "pdenn_signals, 2 ranks"
for method in explicit fed fsi implicit_fixed_point implicit_newton; do
  run "solve_$method.log" "$solve" -N 64 -t_stop 2 -method "$method" -input data.h5 -reference data.h5 \
    -reference_dataset clean -output "run_$method.h5" -force -snapshot_every 2 "${debug[@]}"
  leak_free "pdenn_solve -method $method with input, reference, output and snapshots, 2 ranks"
done
run solve_mg.log "$solve" -N 65 -t_stop 2 -method semi_implicit -pc_type mg -pc_mg_levels 3 "${debug[@]}"
leak_free "pdenn_solve -method semi_implicit with multigrid, 2 ranks"
targs=(-train_data data.h5 -train_val_fraction 0.2 -train_batch_size 4 -train_max_steps 6 -checkpoint_every 2)
run train.log "$train" "${targs[@]}" -activation trainable -checkpoint ck.h5 -force "${debug[@]}"
leak_free "pdenn_train sym_resnet with checkpoints, 2 ranks"
run resume.log "$train" "${targs[@]}" -activation trainable -train_max_steps 8 -checkpoint ck.h5 -resume "${debug[@]}"
leak_free "pdenn_train -resume, 2 ranks"

echo "malloc_dump: $failures failures"
[ $failures -eq 0 ]
