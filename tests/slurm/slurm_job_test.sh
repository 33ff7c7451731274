#!/usr/bin/env bash
# CTests labelled slurm: pdenn's job scripts against a real one-node Slurm (slurm_cluster.sh).
#   slurm_job_test.sh solve|train|study <checkout> <build dir> <work dir>
# solve: jobscripts/solve.slurm runs a tiny deck on 2 tasks; the job must end COMPLETED with one
#   summary (one MPI world of 2 ranks: two 1-rank worlds would print two) and its output files;
#   the same deck with a bad value must end FAILED, non-zero, with pdenn's one-line error.
# train: jobscripts/train.slurm trains a tiny network on 2 tasks; SIGUSR1 to the batch script
#   (what --signal=B:USR1@120 sends) must end in a checkpoint, a requeue, a second run that
#   resumes from the checkpoint and finishes, and the job COMPLETED after one restart.
# Exit 77 (CTest skip) unless run as root, which the test cluster's daemons need.
set -euo pipefail
mode=$1 top=$2 build=$3 work=$4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cluster=$here/slurm_cluster.sh
slurm_dir=${PDENN_SLURM_DIR:-/tmp/pdenn-slurm}

fail() {
  echo "slurm_$mode: FAIL: $*" >&2
  exit 1
}
elapsed() { echo "$(($(date +%s) - t0)) s"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "slurm_$mode: the test cluster's daemons (and installing them) need root; skipping"
  exit 77
fi

# One test cluster per machine: concurrent runs (these tests, other build trees) take turns,
# and whoever started the cluster stops it, so nothing is left running after ctest.
# The daemons must not inherit the lock (fd 9), or they would hold it after we exit.
exec 9>"$slurm_dir.lock"
flock -w 500 9 || fail "waited 500 s for $slurm_dir.lock"
bash "$cluster" status >/dev/null 2>&1 9>&- || trap 'bash "$cluster" stop 9>&-' EXIT
t0=$(date +%s)
bash "$cluster" start 9>&-
eval "$(bash "$cluster" env 9>&-)"
echo "slurm_$mode: cluster ready after $(elapsed)"

rm -rf "$work" && mkdir -p "$work" && cd "$work"
export PDENN_BUILD_DIR=$build PDENN_SETUP=0 # the jobs must use this tree's apps, never build

job_field() { scontrol show job -o "$1" | grep -o " $2=[^ ]*" | cut -d= -f2; }
show_job() {
  echo "--- job $1: state $(job_field "$1" JobState), exit code $(job_field "$1" ExitCode), restarts $(job_field "$1" Restarts); log $2:"
  cat "$2" || true
}
# Polls job $1 until its state matches the regex $2; at most $3 seconds.
wait_state() {
  local t state
  for ((t = 0; t < $3 * 2; t++)); do
    state=$(job_field "$1" JobState)
    [[ $state =~ ^($2)$ ]] && return 0
    sleep 0.5
  done
  fail "job $1 still $state after $3 s, expected $2"
}

test_solve() {
  # Tiny and fast: the point is the job's path through Slurm, not the numerics.
  printf '%s\n' "-N 64" "-method explicit" "-t_stop 1e-4" "-output good.h5" >good.deck
  # An out-of-range value, which pdenn_solve must refuse with a one-line error naming the key.
  sed -e 's/^-N .*/-N -5/' -e 's/good/bad/' good.deck >bad.deck
  submit() { sbatch --parsable --wait --ntasks=2 --time=5 --output="$1.out" "$top/jobscripts/solve.slurm" "$1.deck"; }
  local good_pid bad_pid good_rc bad_rc good_id bad_id n
  # The two jobs queue one after the other; their sbatch --wait polls overlap.
  t0=$(date +%s)
  submit good >good.id &
  good_pid=$!
  submit bad >bad.id &
  bad_pid=$!
  wait $good_pid && good_rc=0 || good_rc=$?
  wait $bad_pid && bad_rc=0 || bad_rc=$?
  echo "slurm_solve: both jobs done after $(elapsed)"
  good_id=$(cat good.id) bad_id=$(cat bad.id)
  show_job "$good_id" good.out
  show_job "$bad_id" bad.out

  [ "$(job_field "$good_id" JobState)" = COMPLETED ] || fail "good job $good_id did not end COMPLETED"
  [ $good_rc = 0 ] || fail "sbatch --wait returned $good_rc for the good job"
  n=$(grep -c '^pdenn_solve summary:' good.out || true)
  [ "$n" = 1 ] || fail "good job printed $n summaries, expected 1 (rank 0 of one 2-rank world)"
  grep -q '^pdenn: running .* -n 2 ' good.out || fail "good job did not start 2 ranks"
  for f in good.h5 good.h5.summary.txt; do
    [ -s $f ] || fail "good job did not write $f"
  done
  [ "$(job_field "$bad_id" JobState)" = FAILED ] || fail "bad-deck job $bad_id did not end FAILED"
  [ $bad_rc != 0 ] || fail "sbatch --wait returned 0 for the bad-deck job"
  grep -q "^pdenn: error: key -N" bad.out || fail "bad-deck job did not print pdenn's error naming -N"
  echo "slurm_solve: PASS (good job COMPLETED with its summary and files; bad deck FAILED, exit $(job_field "$bad_id" ExitCode))"
}

test_train() {
  local id i stopped final
  printf '%s\n' "-N 64" "-signals_samples 32" "-signals_output set.h5" >signals.deck
  bash "$top/jobscripts/run_local.sh" pdenn_signals signals.deck 1 >/dev/null
  # The first run must still be training when SIGUSR1 comes, however fast the machine: it is
  # asked for far more epochs than it can finish (an epoch here takes milliseconds; the job's
  # --time bounds it). Before the requeued run starts, the deck is cut to a few epochs past the
  # checkpoint (-train_epochs is not part of a checkpoint's identity), so the second run ends.
  printf '%s\n' "-train_data set.h5" "-train_epochs 1000000" "-train_batch_size 4" "-blocks 2" \
    "-channels 2" >train.deck
  t0=$(date +%s)
  # The default checkpoint name, <job name>-<job id>.ckpt.h5, is under test.
  id=$(env -u PDENN_CHECKPOINT -u PDENN_RESUME sbatch --parsable --job-name=train --ntasks=2 --time=5 \
    --output=train.out "$top/jobscripts/train.slurm" train.deck)
  # The trainer heeds signals once training has begun; before that SIGUSR1 would kill it.
  for ((i = 0; i < 120; i++)); do
    grep -q '^epoch 1/' train.out 2>/dev/null && break
    sleep 0.5
  done
  grep -q '^epoch 1/' train.out || { show_job "$id" train.out; fail "training did not begin within 60 s"; }
  scancel --signal=USR1 --batch "$id" || { show_job "$id" train.out; fail "scancel --signal=USR1 failed"; }
  wait_state "$id" PENDING 60
  stopped=$(sed -n 's/^pdenn_train: stopped by SIGUSR1 at epoch \([0-9]*\),.*/\1/p' train.out)
  [ -n "$stopped" ] || { show_job "$id" train.out; fail "no 'stopped by SIGUSR1 at epoch' line"; }
  final=$((stopped + 3))
  sed -i "s/^-train_epochs .*/-train_epochs $final/" train.deck
  # Slurm holds a requeued job back for two minutes; skip that wait, after the 1-second
  # granularity of its revoked-credential check has passed.
  sleep 2
  scontrol update JobId="$id" StartTime=now
  wait_state "$id" 'COMPLETED|FAILED|CANCELLED|TIMEOUT' 120
  echo "slurm_train: job done after $(elapsed)"
  show_job "$id" train.out

  [ "$(job_field "$id" JobState)" = COMPLETED ] || fail "train job $id did not end COMPLETED"
  [ "$(job_field "$id" Restarts)" = 1 ] || fail "train job $id was not requeued exactly once"
  grep -q '^pdenn: caught SIGUSR1' train.out || fail "the batch script did not catch SIGUSR1"
  grep -q "^pdenn_train: stopped by SIGUSR1 .*checkpoint written to 'train-$id.ckpt.h5'" train.out ||
    fail "pdenn_train did not checkpoint to train-$id.ckpt.h5 on SIGUSR1"
  grep -q "^pdenn: job $id run 2 .*(resuming)" train.out || fail "the requeued run did not resume"
  grep -q "^pdenn: running .* -checkpoint train-$id.ckpt.h5 -resume" train.out ||
    fail "the requeued run did not pass -resume"
  grep -q "^pdenn_train: resumed from 'train-$id.ckpt.h5' at epoch $stopped," train.out ||
    fail "pdenn_train did not report resuming at epoch $stopped"
  [ "$(grep -c "^pdenn_train: finished at epoch $final," train.out)" = 1 ] ||
    fail "training did not finish exactly once, at epoch $final"
  echo "slurm_train: PASS (SIGUSR1 at epoch $stopped -> checkpoint -> requeue -> resumed -> COMPLETED at epoch $final)"
}

# study: jobscripts/study_submit.sh runs a shrunk study (tests/study/tiny.deck) as an array of 3
#   one-rank tasks plus the collect job; the collect job must end COMPLETED with the same tables,
#   byte for byte, as the study run in one go here (one rank as well).
test_study() {
  local ids array collect i
  t0=$(date +%s)
  ids=$(PDENN_SBATCH_FLAGS="--ntasks=1 --time=5 --output=study-%A_%a.out" \
    bash "$top/jobscripts/study_submit.sh" "$top/tests/study/tiny.deck" 3 -compare_output_dir arr -compare_plots false)
  read -r array collect <<<"$ids"
  # (an array task that fails leaves the collect job pending for ever: its reason says so)
  for ((i = 0; i < 600; i++)); do
    [[ $(job_field "$collect" JobState) =~ ^(COMPLETED|FAILED|CANCELLED|TIMEOUT)$ ]] && break
    [ "$(job_field "$collect" Reason)" = DependencyNeverSatisfied ] && break
    sleep 0.5
  done
  echo "slurm_study: array $array and collect $collect done after $(elapsed)"
  show_job "$array" /dev/null
  show_job "$collect" /dev/null
  tail -n 3 study-*.out
  [ "$(job_field "$collect" JobState)" = COMPLETED ] || fail "collect job $collect did not end COMPLETED"
  [ -s arr/tiny/study.md ] || fail "the collect job did not write arr/tiny/study.md"
  bash "$top/jobscripts/run_local.sh" pdenn_study "$top/tests/study/tiny.deck" 1 -compare_output_dir one \
    -compare_plots false >one.out 2>&1 || { cat one.out; fail "the one-go study failed"; }
  bash "$top/tests/study/tables_equal.sh" one/tiny arr/tiny || fail "array + collect tables differ from the one-go study's"
  echo "slurm_study: PASS (3 array tasks + collect COMPLETED; tables equal to the one-go study's)"
}

case $mode in
  solve) test_solve ;;
  train) test_train ;;
  study) test_study ;;
  *) fail "unknown test $mode" ;;
esac
