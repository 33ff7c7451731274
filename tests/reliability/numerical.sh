#!/usr/bin/env bash
# Numerical faults (docs/reliability.md).
# Divergence: 8 good steps write a checkpoint; a continuation with a learning rate of 1e30 must
# stop with one line naming the kept checkpoint and its step, leave it bitwise unchanged, and a
# second continuation at the good rate must end bitwise where an unbroken good run ends (the
# diverged attempt left no trace).
# Growth: a finite loss that grows a millionfold (SGD at -train_lr 1) is stopped by
# -train_diverge_factor the same way, with a kept checkpoint that resumes at a good rate.
# Stability: an explicit step above tau_max (h^2/2 for order 1, h^4/8 for order 2) and a
# fixed-point step at or above tau_max/2 are refused with one line unless -allow_unstable, which
# runs and records unstable_tau; tau_max itself runs.
#   numerical.sh SIGNALS SOLVE TRAIN COMPARE -- MPIEXEC [mpiexec flags ...]
set -u
signals=$(readlink -f "$1") solve=$(readlink -f "$2") train=$(readlink -f "$3") compare=$(readlink -f "$4")
shift 4
[ "$1" = -- ] && shift
launch=("$@")
source "$(dirname "$0")/relcommon.sh"
dir=rel_numerical
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" || exit 1
failures=0

run signals.log "$signals" -N 32 -signals_samples 20 -signals_output data.h5 -force
targs=(-train_data data.h5 -train_val_fraction 0.2 -train_batch_size 4 -train_epochs 10 -model_type resnet
  -blocks 2 -channels 2 -train_optimizer sgd -checkpoint_every 0 -checkpoint_every_epochs 5)

echo "divergence:"
run good.log "$train" "${targs[@]}" -train_lr 0.01 -train_max_steps 8 -checkpoint ck.h5 -force
check $rc "8 steps at -train_lr 0.01 write a checkpoint"
before=$(sums ck.h5)
run diverge.log "$train" "${targs[@]}" -train_lr 1e30 -train_max_steps 16 -checkpoint ck.h5 -resume
one_line_error "training diverged in epoch [0-9]+ at step (9|1[0-6]): the mini-batch loss is .* the last good checkpoint 'ck.h5' \(step 8\) is kept; try a smaller learning rate \(key -train_lr, now 1e\+30\)"
check $? "-train_lr 1e30 stops with one line naming the kept checkpoint (step 8) and the key"
[ "$(sums ck.h5)" = "$before" ] && [ ! -e ck.h5.tmp ]
check $? "the kept checkpoint is bitwise unchanged and no .tmp is left"
run resume.log "$train" "${targs[@]}" -train_lr 0.01 -train_max_steps 16 -checkpoint ck.h5 -resume
grep -q "resumed from 'ck.h5' at epoch 2, step 8" resume.log && grep -q "finished at epoch 4, step 16," resume.log
check $? "it resumes at step 8 and trains to step 16 at -train_lr 0.01"
run unbroken.log "$train" "${targs[@]}" -train_lr 0.01 -train_max_steps 16 -checkpoint unbroken.h5 -force
out=compare.log
"$compare" -a unbroken.h5 -b ck.h5 -rtol 0 -expect_step 16 >compare.log 2>&1
check $? "the result equals an unbroken run at -train_lr 0.01 bitwise (the diverged attempt left no trace)"

echo "growth (finite, but a million times the first loss):"
# SGD at -train_lr 1 on an unconstrained resnet: the loss grows geometrically (to 1e66 in 40
# steps, never overflowing) and only -train_diverge_factor (default 1e6) stops it
run nolimit.log "$train" "${targs[@]}" -train_lr 1 -train_diverge_factor 0 -checkpoint nolimit.h5 -force
[ $rc -eq 0 ] && grep -qE "finished at epoch 10, step 40, last mini-batch loss [0-9.]+e\+([1-9][0-9]|0[7-9])" nolimit.log
check $? "with -train_diverge_factor 0 the run ends normally at a loss above 1e7 (what the guard is for)"
run grow.log "$train" "${targs[@]}" -train_lr 1 -checkpoint_every 2 -checkpoint grow.h5 -force
one_line_error "training diverged in epoch [0-9]+ at step [0-9]+: the mini-batch loss is [0-9.e+]+, more than -train_diverge_factor 1e\+06 times the first step's loss [0-9.e+-]+; the last good checkpoint 'grow.h5' \(step [0-9]+\) is kept; try a smaller learning rate \(key -train_lr, now 1\)"
check $? "the same run with the default guard stops with one line naming the key, the kept checkpoint and -train_lr"
at=$(sed -n "s/.*diverged in epoch [0-9]* at step \([0-9]*\):.*(step \([0-9]*\)) is kept.*/\1 \2/p" grow.log)
stopped=${at% *} kept=${at#* }
out=grow_compare.log
[ -n "$at" ] && [ "$kept" -lt "$stopped" ] && "$compare" -a grow.h5 -b grow.h5 -rtol 0 -expect_step "$kept" >"$out" 2>&1 && [ ! -e grow.h5.tmp ]
check $? "the kept checkpoint (step ${kept:-?}, before the stop at step ${stopped:-?}) passes its checksum; no .tmp is left"
run grow_resume.log "$train" "${targs[@]}" -train_lr 0.01 -checkpoint grow.h5 -resume
grep -q "resumed from 'grow.h5' at epoch [0-9]*, step $kept" grow_resume.log && grep -q "finished at epoch 10, step 40," grow_resume.log
check $? "-resume from it at -train_lr 0.01 trains to the end"

echo "stability limits:"
sargs=(-N 64 -signals_sigma 0.1 -t_stop 2 -monitor_every -1)
run s1.log "$solve" "${sargs[@]}" -method explicit -tau 0.5
check $rc "explicit, order 1, h 1: -tau 0.5 = tau_max runs"
run s2.log "$solve" "${sargs[@]}" -method explicit -tau 0.505
one_line_error "key -tau: value 0.505 exceeds the stability limit"
check $? "explicit: -tau 0.505 > tau_max is refused with one line"
run s3.log "$solve" "${sargs[@]}" -method explicit -tau 0.505 -allow_unstable
[ $rc -eq 0 ] && grep -q "unstable_tau: true" s3.log
check $? "explicit: -tau 0.505 -allow_unstable runs and reports unstable_tau: true"
run s4.log "$solve" "${sargs[@]}" -method explicit -order 2 -h 0.5 -tau 0.0079
one_line_error "key -tau: value 0.0079 exceeds the stability limit"
check $? "explicit, order 2, h 0.5 (tau_max 0.0078125): -tau 0.0079 is refused with one line"
run s5.log "$solve" "${sargs[@]}" -method fed -tau 0.6
one_line_error "key -tau"
check $? "fed: a base step -tau 0.6 > tau_max is refused with one line"
run s6.log "$solve" "${sargs[@]}" -method implicit_fixed_point -tau 0.25
one_line_error "key -tau: value 0.25 gives tau L \|\|K\|\|\^2 = 1\.? >= 1"
check $? "implicit_fixed_point: -tau 0.25 = tau_max/2 is refused with one line"
run s7.log "$solve" "${sargs[@]}" -method explicit -tau 50 -t_stop 1000 -allow_unstable
[ $rc -eq 0 ] || [ $rc -eq 1 ]
check $? "explicit: -tau 50 -allow_unstable (a blow-up) ends with status 0 or 1, no crash (status $rc)"
! grep -aq 'PETSC ERROR' s7.log
check $? "explicit: the blow-up under -allow_unstable prints no PETSc traceback"

echo "numerical: $failures failures"
[ $failures -eq 0 ]
