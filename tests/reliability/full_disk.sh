#!/usr/bin/env bash
# Full and read-only disks (docs/reliability.md). The outputs live on a 24 KiB tmpfs (in a private
# mount namespace, so nothing outlives the test): big enough for one checkpoint or result, not
# for a second copy next to it. A write that fills the disk must fail with an error, leave the
# previous file bitwise as it was and no .tmp behind; the kept checkpoint must still resume.
# Each failure is one line naming the file and the cause ("disk full?") and exit status 1, no
# crash at exit. Then the tmpfs is made read-only and every app must refuse at start-up, with one
# line.
#   full_disk.sh SIGNALS SOLVE TRAIN COMPARE -- MPIEXEC [mpiexec flags ...]
# Needs mount (root or CAP_SYS_ADMIN); exits 77 (CTest: skipped) where it cannot mount.
set -u
if [ -z "${PDENN_REL_IN_NS:-}" ]; then
  if ! unshare -m --propagation private sh -c 'd=$(mktemp -d) && mount -t tmpfs -o size=8k tmpfs "$d" && umount "$d"; s=$?; rmdir "$d"; exit $s' 2>/dev/null; then
    echo "full_disk: SKIP: cannot mount a tmpfs in a private mount namespace here (needs root)"
    exit 77
  fi
  exec unshare -m --propagation private env PDENN_REL_IN_NS=1 bash "$0" "$@"
fi
signals=$(readlink -f "$1") solve=$(readlink -f "$2") train=$(readlink -f "$3") compare=$(readlink -f "$4")
shift 4
[ "$1" = -- ] && shift
launch=("$@")
source "$(dirname "$0")/relcommon.sh"
dir=rel_disk
rm -rf "$dir" && mkdir -p "$dir/small" "$dir/big" && cd "$dir" || exit 1
mount -t tmpfs -o size=24k tmpfs small || exit 1
failures=0

run signals.log "$signals" -N 32 -signals_samples 20 -signals_output big/data.h5 -force
targs=(-train_data big/data.h5 -train_val_fraction 0.2 -train_batch_size 4 -train_epochs 10 -blocks 2 -channels 2)

echo "checkpoint on a full disk:"
run first.log "$train" "${targs[@]}" -train_max_steps 2 -checkpoint small/ck.h5 -force
check $rc "a first checkpoint (step 2) fits"
before=$(sums small/ck.h5)
run full.log "$train" "${targs[@]}" -train_max_steps 6 -checkpoint_every 1 -checkpoint small/ck.h5 -resume
[ $rc -ne 0 ] && grep -aq "^pdenn: error: key -checkpoint: cannot write checkpoint 'small/ck.h5'" full.log
check $? "the write at step 3 fails with one 'pdenn: error:' line naming the key and the file"
[ "$(sums small/ck.h5)" = "$before" ] && [ ! -e small/ck.h5.tmp ]
check $? "the step-2 checkpoint is bitwise unchanged and no .tmp is left"
one_line_error "key -checkpoint: cannot write checkpoint 'small/ck.h5': .*disk full"
check $? "exit status 1 after that one line, which names the cause (disk full), and no crash at exit"
cp small/ck.h5 big/ck.h5
run resume.log "$train" "${targs[@]}" -train_max_steps 6 -checkpoint big/ck.h5 -resume
run reference.log "$train" "${targs[@]}" -train_max_steps 6 -checkpoint big/reference.h5 -force
out=resume.log
"$compare" -a big/reference.h5 -b big/ck.h5 -rtol 0 -expect_step 6 >compare.log 2>&1
check $? "the kept checkpoint resumes to step 6 with bitwise the weights of an unbroken run"

echo "run output on a full disk:"
rm -f small/ck.h5
run solve1.log "$solve" -N 64 -t_stop 1 -output small/run.h5
check $rc "a first result fits"
before=$(sums small/run.h5 small/run.h5.summary.txt)
run solve2.log "$solve" -N 2000 -t_stop 1 -snapshot_every 1 -output small/run.h5 -force
[ $rc -ne 0 ] && [ "$(sums small/run.h5 small/run.h5.summary.txt)" = "$before" ] && [ ! -e small/run.h5.tmp ]
check $? "a larger run with -force fails, leaving the previous result and summary bitwise unchanged and no .tmp"
one_line_error "small/run.h5.*disk full"
check $? "the failure is one line naming the file and the cause (disk full), exit status 1"

echo "signal set on a full disk:"
rm -f small/run.h5 small/run.h5.summary.txt
run set1.log "$signals" -N 32 -signals_samples 4 -signals_output small/set.h5
before=$(sums small/set.h5)
run set2.log "$signals" -N 256 -signals_samples 64 -signals_output small/set.h5 -force
[ $rc -ne 0 ] && [ "$(sums small/set.h5)" = "$before" ] && [ ! -e small/set.h5.tmp ]
check $? "a larger set with -force fails, leaving the previous set bitwise unchanged and no .tmp"
one_line_error "small/set.h5.*disk full"
check $? "the failure is one line naming the file and the cause (disk full), exit status 1"

echo "read-only disk:"
rm -f small/set.h5
run ro0.log "$train" "${targs[@]}" -train_max_steps 2 -checkpoint small/ck.h5 -force
mount -o remount,ro small || exit 1
before=$(sums small/ck.h5)
run ro1.log "$train" "${targs[@]}" -train_max_steps 4 -checkpoint small/ck.h5 -resume
one_line_error "key -checkpoint: cannot write 'small/ck.h5': directory 'small' is not writable"
check $? "pdenn_train -resume refuses at start-up with one line"
[ "$(sums small/ck.h5)" = "$before" ]
check $? "the checkpoint is bitwise unchanged"
run ro2.log "$solve" -N 64 -t_stop 1 -output small/run.h5
one_line_error "key -output: cannot write 'small/run.h5': directory 'small' is not writable"
check $? "pdenn_solve refuses at start-up with one line"
run ro3.log "$signals" -N 32 -signals_output small/set.h5
one_line_error "key -signals_output: cannot write 'small/set.h5': directory 'small' is not writable"
check $? "pdenn_signals refuses at start-up with one line"
umount small

echo "full_disk: $failures failures; data lost: $([ $failures -eq 0 ] && echo none || echo see above)"
[ $failures -eq 0 ]
