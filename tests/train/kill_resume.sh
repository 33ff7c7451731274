#!/usr/bin/env bash
# A real signal: SIGUSR1 sent to mpiexec (which forwards it to the ranks) in the middle of a run
# must end it with exit status 0 and a checkpoint from which -resume continues bitwise like an
# unbroken run of the same length.
#   kill_resume.sh COMPARE MPIEXEC [mpiexec args ...] PDENN_TRAIN -- [training keys ...]
set -u
compare=$1
shift
launch=()
while [ "$1" != -- ]; do
  launch+=("$1")
  shift
done
shift
log=train_kill.log
rm -f train_kill.h5 train_kill_ref.h5
"${launch[@]}" "$@" -train_epochs 100000 -checkpoint_every_epochs 0 -checkpoint train_kill.h5 >$log 2>&1 &
pid=$!
for ((i = 0; i < 600; i++)); do # up to 60 s for training to get going
  grep -q '^epoch 2/' $log && break
  sleep 0.1
done
kill -USR1 $pid
wait $pid
status=$?
cat $log
[ $status -eq 0 ] || { echo "kill_resume.sh: exit status $status after SIGUSR1, expected 0"; exit 1; }
step=$(sed -n 's/.*stopped by SIGUSR1 at epoch [0-9]*, step \([0-9]*\);.*/\1/p' $log)
[ -n "$step" ] || { echo "kill_resume.sh: no 'stopped by SIGUSR1' line"; exit 1; }
target=$((step + 3))
"${launch[@]}" "$@" -train_epochs 100000 -train_max_steps $target -checkpoint train_kill.h5 -resume || exit 1
"${launch[@]}" "$@" -train_epochs 100000 -train_max_steps $target -checkpoint train_kill_ref.h5 || exit 1
"$compare" -a train_kill_ref.h5 -b train_kill.h5 -rtol 0 -expect_step $target
