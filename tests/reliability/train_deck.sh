#!/usr/bin/env bash
# input/train.deck as shipped (jobscripts/train.slurm's default deck): the data of
# input/signals.deck, then a short run of the deck (-train_max_steps) at 2 ranks, which must use
# every key of the deck and end with a checkpoint; a second run without -resume or -force must
# refuse to overwrite it, and -resume must continue it.
#   train_deck.sh TOP SIGNALS TRAIN -- MPIEXEC (without -n) [mpiexec flags ...]
set -u
top=$(readlink -f "$1") signals=$(readlink -f "$2") train=$(readlink -f "$3")
shift 3
[ "$1" = -- ] && shift
source "$(dirname "$0")/relcommon.sh"
launch=("$@" -n 2)
dir=rel_train_deck
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" || exit 1
failures=0
run signals.log "$signals" -options_file "$top/input/signals.deck"
[ $rc -eq 0 ] && [ -e signals.h5 ]
check $? "input/signals.deck writes signals.h5"
run train.log "$train" -options_file "$top/input/train.deck" -train_max_steps 6
[ $rc -eq 0 ] && grep -q "finished at epoch 1, step 6," train.log && [ -e train_checkpoint.h5 ]
check $? "input/train.deck trains (6 steps here) and writes train_checkpoint.h5"
run again.log "$train" -options_file "$top/input/train.deck" -train_max_steps 6
one_line_error "key -checkpoint: 'train_checkpoint.h5' exists; give -resume to continue from it, or -force"
check $? "a second run refuses to overwrite the checkpoint"
run resume.log "$train" -options_file "$top/input/train.deck" -train_max_steps 10 -resume
[ $rc -eq 0 ] && grep -q "resumed from 'train_checkpoint.h5' at epoch 1, step 6" resume.log && grep -q "step 10," resume.log
check $? "-resume continues it to step 10"
echo "train_deck: $failures failures"
[ $failures -eq 0 ]
