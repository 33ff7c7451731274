#!/usr/bin/env bash
# A real signal in the middle of a run must end it with a resumable checkpoint from which -resume
# continues bitwise like an unbroken run of the same length (docs/training.md, docs/testing.md).
#   kill_resume.sh SIGNAL TARGET STATUS COMPARE MPIEXEC [mpiexec args ...] PDENN_TRAIN -- [keys ...]
# SIGNAL: USR1 or TERM. TARGET: mpiexec (kill mpiexec's pid) or ranks (kill every rank process,
# as Slurm's scancel and its --signal without B: do). STATUS: mpiexec's expected exit status.
# Open MPI's mpiexec forwards SIGUSR1 to the ranks and then exits 0 with them. SIGTERM it cannot
# forward: it ends the job itself, and the ranks' checkpoint then races with the teardown (so
# SIGTERM is sent to the ranks; docs/testing.md).
set -u
sig=$1 target=$2 want=$3 compare=$4
shift 4
launch=()
while [ "$1" != -- ]; do
  launch+=("$1")
  shift
done
shift
name=${KILL_RESUME_NAME:-train_kill}_${sig}_${target} # KILL_RESUME_NAME: another test area's files
log=$name.log
rm -f $log $name.h5 ${name}_ref.h5 $name.h5.tmp # a stale log would show "epoch 2" at once
fail() {
  echo "kill_resume.sh: FAIL: $*"
  exit 1
}
"${launch[@]}" "$@" -train_epochs 100000 -checkpoint_every_epochs 0 -checkpoint $name.h5 </dev/null >$log 2>&1 &
pid=$!
for ((i = 0; i < 600; i++)); do # up to 60 s for training to get going
  grep -q '^epoch 2/' $log && break
  sleep 0.1
done
grep -q '^epoch 2/' $log || fail "training did not reach epoch 2 in 60 s"
if [ "$target" = ranks ]; then
  ranks=$(pgrep -P $pid -d ' ' -f "$(basename "${launch[-1]}")")
  [ -n "$ranks" ] || fail "no rank processes under mpiexec (pid $pid)"
  kill -$sig $ranks
else
  kill -$sig $pid
fi
wait $pid
status=$?
cat $log
echo "kill_resume.sh: SIG$sig sent to $target${ranks:+ (pids $ranks)}; mpiexec exited with status $status"
[ $status -eq "$want" ] || fail "exit status $status after SIG$sig to $target, expected $want"
grep -q 'PETSC ERROR' $log && fail "a PETSc traceback after SIG$sig"
step=$(sed -n "s/^pdenn_train: stopped by SIG$sig at epoch [0-9]*, step \([0-9]*\); resumable checkpoint written to '$name.h5'.*/\1/p" $log)
[ -n "$step" ] || fail "no 'stopped by SIG$sig ... checkpoint written' line"
[ -e $name.h5 ] && [ ! -e $name.h5.tmp ] || fail "checkpoint $name.h5 missing, or $name.h5.tmp left behind"
target_step=$((step + 3))
"${launch[@]}" "$@" -train_epochs 100000 -train_max_steps $target_step -checkpoint $name.h5 -resume </dev/null ||
  fail "-resume from the checkpoint failed"
"${launch[@]}" "$@" -train_epochs 100000 -train_max_steps $target_step -checkpoint ${name}_ref.h5 </dev/null ||
  fail "the unbroken reference run failed"
"$compare" -a ${name}_ref.h5 -b $name.h5 -rtol 0 -expect_step $target_step || fail "resumed weights differ from the unbroken run"
echo "kill_resume.sh: SIG$sig to $target: stopped at step $step, resumed to step $target_step bitwise"
