#!/usr/bin/env bash
# Kills during checkpoint writes (docs/reliability.md): pdenn_train writes a checkpoint after
# every step and is killed with SIGKILL (no chance to clean up, as in a node failure or the OOM
# killer) at a random moment of its training; -resume must then continue from a valid checkpoint
# and end with bitwise the weights of an uninterrupted run. Every trial counts whether the kill
# left <checkpoint>.tmp behind (it struck inside a write) and from which step training resumed.
#   kill_checkpoint.sh COMPARE SIGNALS TRAIN TRIALS SEED -- MPIEXEC [mpiexec flags ...]
# COMPARE is test_train_compare, SIGNALS pdenn_signals, TRAIN pdenn_train; the launcher runs
# one rank (the checkpoint is written by rank 0 whatever the rank count).
set -u
compare=$(readlink -f "$1") signals=$(readlink -f "$2") train=$(readlink -f "$3") trials=$4 seed=$5
shift 5
[ "$1" = -- ] && shift
launch=("$@")
steps=60
dir=rel_kill_s$seed
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" || exit 1
RANDOM=$seed

fail() {
  echo "kill_checkpoint: FAIL: $*"
  exit 1
}

"${launch[@]}" "$signals" -N 32 -signals_samples 20 -signals_output data.h5 -force >signals.log 2>&1 ||
  fail "cannot write the signal set: $(cat signals.log)"
args=(-train_data data.h5 -train_val_fraction 0.2 -train_batch_size 4 -train_epochs 100
  -train_max_steps $steps -blocks 2 -channels 2 -activation trainable -act_nodes 8
  -train_lr 0.01 -checkpoint_every 1 -checkpoint_every_epochs 1)

# milliseconds since the epoch; the children of a process (the launcher's rank)
now_ms() { echo $(($(date +%s%N) / 1000000)); }
children() { cat /proc/"$1"/task/*/children 2>/dev/null; }
# waits until file $1 exists (the first checkpoint: polled on the file system, since the
# launcher forwards the progress lines late) or pid $2 has ended
wait_file() {
  until [ -e "$1" ] || ! kill -0 "$2" 2>/dev/null; do sleep 0.002; done
}

# ms from the first checkpoint of a run of $1 steps to its end; also leaves the checkpoint $2
timed_run() {
  local pid t0
  rm -f "$2"
  "${launch[@]}" "$train" "${args[@]}" -train_max_steps "$1" -checkpoint "$2" -force >"$2.log" 2>&1 </dev/null &
  pid=$!
  wait_file "$2" $pid
  t0=$(now_ms)
  wait $pid || fail "the reference run failed: $(cat "$2.log")"
  echo $(($(now_ms) - t0))
}

# the uninterrupted reference; how long its training lasts after the first checkpoint is the
# time to its end less that of a 1-step run (start-up of the checkpoint path, exit, MPI teardown)
span_ms=$(($(timed_run $steps reference.h5) - $(timed_run 1 one_step.h5)))
grep -q "finished at epoch [0-9]*, step $steps," reference.h5.log || fail "the reference run did not reach step $steps"
[ "$span_ms" -ge 10 ] || span_ms=10

# each trial: SIGKILL to the rank at a random moment, uniform over the reference's training
# time after its first checkpoint
mid_write=0 before_first=0 after_end=0 resumed_steps=0
for ((trial = 1; trial <= trials; trial++)); do
  rm -f run.h5 run.h5.tmp
  log=trial_$trial.log
  delay_ms=$((RANDOM * 32768 % span_ms + RANDOM % span_ms))
  delay_ms=$((delay_ms % span_ms))
  "${launch[@]}" "$train" "${args[@]}" -checkpoint run.h5 -force >$log 2>&1 </dev/null &
  mpi=$!
  wait_file run.h5 $mpi
  sleep "$((delay_ms / 1000)).$(printf %03d $((delay_ms % 1000)))"
  rank=$(children $mpi | awk '{print $1}') # the launcher's child: the rank (a process of ours)
  [ -n "$rank" ] && kill -KILL "$rank" 2>/dev/null
  wait $mpi
  grep -q "finished at epoch" $log && after_end=$((after_end + 1))
  tmp=no
  [ -e run.h5.tmp ] && tmp=yes && mid_write=$((mid_write + 1))
  if [ -e run.h5 ]; then
    resume=(-resume)
  else
    resume=(-force) # killed before the first checkpoint: nothing to resume, start afresh
    before_first=$((before_first + 1))
  fi
  "${launch[@]}" "$train" "${args[@]}" -checkpoint run.h5 "${resume[@]}" >resume_$trial.log 2>&1 </dev/null ||
    fail "trial $trial (kill $delay_ms ms after the first checkpoint, .tmp left: $tmp): the resumed run failed: $(cat resume_$trial.log)"
  from=$(sed -n "s/.*resumed from 'run.h5' at epoch [0-9]*, step \([0-9]*\)$/\1/p" resume_$trial.log)
  resumed_steps=$((resumed_steps + ${from:-0}))
  [ ! -e run.h5.tmp ] || fail "trial $trial: run.h5.tmp is still there after the resumed run"
  "$compare" -a reference.h5 -b run.h5 -rtol 0 -expect_step $steps >compare_$trial.log 2>&1 ||
    fail "trial $trial (kill $delay_ms ms after the first checkpoint, .tmp left: $tmp, resumed from step ${from:-0}): weights differ from the uninterrupted run: $(cat compare_$trial.log)"
  echo "trial $trial: SIGKILL $delay_ms ms after the first checkpoint, .tmp left: $tmp, resumed from step ${from:-none (fresh start)}, final weights bitwise equal"
done

echo "kill_checkpoint: seed $seed, $trials trials ($after_end finished before the kill):" \
  "$mid_write kills inside a checkpoint write (.tmp left), $before_first before the first checkpoint;" \
  "every resume started from a valid checkpoint (mean step $((resumed_steps / trials)) of $steps) and ended" \
  "bitwise equal to the uninterrupted run; training after the first checkpoint takes ${span_ms} ms uninterrupted; data lost: none"
