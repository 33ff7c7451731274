#!/usr/bin/env bash
# Unwritable outputs without mount privileges (docs/reliability.md): root ignores permission
# bits, so the outputs go where nobody can create files: under /proc (procfs refuses new files
# even to root), below a plain file (a file where a directory is expected) and into a missing
# directory. Every app must refuse before computing, with one line naming the key and the path,
# and leave what was there untouched.
#   unwritable.sh SIGNALS SOLVE TRAIN -- MPIEXEC [mpiexec flags ...]
set -u
signals=$(readlink -f "$1") solve=$(readlink -f "$2") train=$(readlink -f "$3")
shift 3
[ "$1" = -- ] && shift
launch=("$@")
source "$(dirname "$0")/relcommon.sh"
dir=rel_unwritable
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" || exit 1
failures=0

run signals.log "$signals" -N 32 -signals_samples 20 -signals_output data.h5 -force
echo "plain file, not a directory" >afile
before=$(sums afile data.h5)
targs=(-train_data data.h5 -train_val_fraction 0.2 -train_batch_size 4 -train_max_steps 2 -blocks 2 -channels 2)

run t1.log "$train" "${targs[@]}" -checkpoint /proc/pdenn_rel_ck.h5
one_line_error "key -checkpoint: cannot (create files next to|write) '/proc/pdenn_rel_ck.h5'"
check $? "pdenn_train -checkpoint under /proc: refused at start-up with one line"
run t2.log "$train" "${targs[@]}" -checkpoint afile/ck.h5
one_line_error "key -checkpoint: cannot write 'afile/ck.h5': 'afile' is not a directory"
check $? "pdenn_train -checkpoint below a plain file: refused at start-up with one line"
run t3.log "$train" "${targs[@]}" -checkpoint no_such_dir/ck.h5
one_line_error "key -checkpoint: cannot write 'no_such_dir/ck.h5': directory 'no_such_dir' does not exist"
check $? "pdenn_train -checkpoint in a missing directory: refused at start-up with one line"
run s1.log "$solve" -N 64 -t_stop 1 -output /proc/pdenn_rel_run.h5
one_line_error "key -output: cannot (create files next to|write) '/proc/pdenn_rel_run.h5'"
check $? "pdenn_solve -output under /proc: refused at start-up with one line"
run s2.log "$solve" -N 64 -t_stop 1 -output afile/run.h5
one_line_error "key -output: cannot write 'afile/run.h5': 'afile' is not a directory"
check $? "pdenn_solve -output below a plain file: refused at start-up with one line"
run g1.log "$signals" -N 32 -signals_output /proc/pdenn_rel_set.h5
one_line_error "key -signals_output: cannot (create files next to|write) '/proc/pdenn_rel_set.h5'"
check $? "pdenn_signals -signals_output under /proc: refused at start-up with one line"
run g2.log "$signals" -N 32 -signals_output afile/set.h5
one_line_error "key -signals_output: cannot write 'afile/set.h5': 'afile' is not a directory"
check $? "pdenn_signals -signals_output below a plain file: refused at start-up with one line"
[ "$(sums afile data.h5)" = "$before" ] && [ "$(ls | grep -v '[.]log[.]err$')" = "$(printf '%s\n' afile data.h5 g1.log g2.log s1.log s2.log signals.log t1.log t2.log t3.log)" ]
check $? "nothing was changed or left behind in the working directory"

echo "unwritable: $failures failures"
[ $failures -eq 0 ]
