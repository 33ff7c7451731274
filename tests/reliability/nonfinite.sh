#!/usr/bin/env bash
# Non-finite values (docs/reliability.md): a NaN or Inf in a signal set (training, validation or
# test data; input 'noisy' or target 'clean'), in pdenn_compare's data files, in a checkpoint's
# weights or optimizer state, or in pdenn_solve's -input is refused when read: exit status 1 and
# one line naming key, file, dataset, sample and index, on 1 and 2 ranks (the value sits in the
# part rank 1 reads, so the ranks must agree), for every activation. A huge -train_lr with the
# trainable activation (a NaN made by training itself: once a segmentation fault in the table
# look-up) and an overflowing validation loss stop training with one line blaming the right thing.
#   nonfinite.sh SIGNALS SOLVE TRAIN COMPARE -- MPIEXEC [mpiexec flags ...]
set -u
signals=$(readlink -f "$1") solve=$(readlink -f "$2") train=$(readlink -f "$3") compare=$(readlink -f "$4")
shift 4
[ "$1" = -- ] && shift
mpi=("$@")
here=$(cd "$(dirname "$0")" && pwd)
source "$here/relcommon.sh"
make_bad() { /usr/bin/python3 "$here/nonfinite_set.py" "$@" >/dev/null; }
dir=rel_nonfinite
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" || exit 1
failures=0
launch=("${mpi[@]}" -n 1)

# refused LOG REGEX NP app args...: exit 1, one line matching REGEX, on NP ranks (1: started
# without mpiexec, as a singleton, which is much faster on a loaded machine)
refused() {
  local log=$1 regex=$2 np=$3
  shift 3
  launch=()
  [ "$np" -gt 1 ] && launch=("${mpi[@]}" -n "$np")
  run "$log" "$@"
  one_line_error "$regex"
}
val() { echo "value $1 is not finite; expected finite values"; }

run signals.log "$signals" -N 32 -signals_samples 20 -signals_output data.h5 -force
check $rc "a signal set of 20 samples, N = 32"
# samples 18, 19 are the validation part (-train_val_fraction 0.1); index 31 lies on rank 1 of 2
make_bad data.h5 train_noisy_nan.h5 noisy 3 31 nan
make_bad data.h5 train_clean_inf.h5 clean 0 31 inf
make_bad data.h5 val_noisy_ninf.h5 noisy 18 31 -inf
make_bad data.h5 val_clean_nan.h5 clean 19 30 nan
targs=(-train_epochs 1 -train_batch_size 4 -model_type resnet -blocks 2 -channels 2 -checkpoint ck.h5 -force)

echo "signal sets, every activation at 1 rank, trainable and tanh at 2 ranks too:"
for act in linear perona_malik exp_perona_malik charbonnier weickert relu tanh trainable; do
  nps=1
  case $act in tanh | trainable) nps="1 2" ;; esac
  for np in $nps; do
    refused a.log "key -train_data: file 'train_noisy_nan.h5' dataset 'noisy' sample 3 index 31: $(val nan)" $np \
      "$train" -train_data train_noisy_nan.h5 -activation $act "${targs[@]}"
    check $? "$act, $np ranks: NaN in a training input (noisy)"
    refused a.log "key -train_data: file 'train_clean_inf.h5' dataset 'clean' sample 0 index 31: $(val inf)" $np \
      "$train" -train_data train_clean_inf.h5 -activation $act "${targs[@]}"
    check $? "$act, $np ranks: Inf in a training target (clean)"
    refused a.log "key -train_data: file 'val_noisy_ninf.h5' dataset 'noisy' sample 18 index 31: $(val -inf)" $np \
      "$train" -train_data val_noisy_ninf.h5 -activation $act "${targs[@]}"
    check $? "$act, $np ranks: -Inf in a validation input (noisy)"
    refused a.log "key -val_data: file 'val_clean_nan.h5' dataset 'clean' sample 19 index 30: $(val nan)" $np \
      "$train" -train_data data.h5 -val_data val_clean_nan.h5 -activation $act "${targs[@]}"
    check $? "$act, $np ranks: NaN in a validation target (clean, -val_data)"
  done
done

echo "pdenn_compare's data files (train, validation, test), 2 ranks:"
for s in train val test; do
  run $s.log "$signals" -N 32 -signals_samples 6 -signals_seed 5 -signals_output $s.h5 -force
  check $rc "a $s set"
done
make_bad train.h5 ctrain.h5 noisy 2 20 nan
make_bad val.h5 cval.h5 noisy 5 31 inf
make_bad test.h5 ctest.h5 clean 1 31 nan
make_bad train.h5 ctrain_clean.h5 clean 0 31 -inf
make_bad test.h5 ctest_noisy.h5 noisy 4 0 inf
cargs=(-N 32 -compare_learned sym -sym_train_epochs 1 -sym_blocks 2 -sym_channels 2 -compare_classical explicit -compare_plots false -force -compare_retrain)
for act in trainable; do # a fixed activation (tanh): below
  refused c.log "key -compare_train_data: file 'ctrain.h5' dataset 'noisy' sample 2 index 20: $(val nan)" 2 \
    "$compare" "${cargs[@]}" -activation $act -compare_output_dir c1 -compare_train_data ctrain.h5 -compare_val_data val.h5 -compare_test_data test.h5
  check $? "$act: NaN in the training input"
  refused c.log "key -compare_val_data: file 'cval.h5' dataset 'noisy' sample 5 index 31: $(val inf)" 2 \
    "$compare" "${cargs[@]}" -activation $act -compare_output_dir c2 -compare_train_data train.h5 -compare_val_data cval.h5 -compare_test_data test.h5
  check $? "$act: Inf in the validation input"
  refused c.log "key -compare_test_data: file 'ctest.h5' dataset 'clean' sample 1 index 31: $(val nan)" 2 \
    "$compare" "${cargs[@]}" -activation $act -compare_output_dir c3 -compare_train_data train.h5 -compare_val_data val.h5 -compare_test_data ctest.h5
  check $? "$act: NaN in the test target, refused before training"
done
refused c.log "key -compare_train_data: file 'ctrain_clean.h5' dataset 'clean' sample 0 index 31: $(val -inf)" 2 \
  "$compare" "${cargs[@]}" -activation tanh -compare_output_dir c4 -compare_train_data ctrain_clean.h5 -compare_val_data val.h5 -compare_test_data test.h5
check $? "tanh: -Inf in the training target"
refused c.log "key -compare_test_data: file 'ctest_noisy.h5' dataset 'noisy' sample 4 index 0: $(val inf)" 2 \
  "$compare" "${cargs[@]}" -activation tanh -compare_output_dir c5 -compare_train_data train.h5 -compare_val_data val.h5 -compare_test_data ctest_noisy.h5
check $? "tanh: Inf in the test input, refused before training"

echo "checkpoints and pdenn_solve's input:"
run ck.log "$train" -train_data data.h5 -activation trainable "${targs[@]}"
check $rc "a checkpoint with the trainable activation"
make_bad ck.h5 ck_theta.h5 parameters/block1/act_g -1 3 nan
make_bad ck.h5 ck_m.h5 optimizer/m -1 0 -inf
for np in 1 2; do
  refused r.log "key -checkpoint: checkpoint 'ck_theta.h5' cannot be used: dataset 'parameters/block1/act_g' index 3: $(val nan)" $np \
    "$train" -train_data data.h5 -activation trainable -train_epochs 2 -train_batch_size 4 -model_type resnet -blocks 2 -channels 2 -checkpoint ck_theta.h5 -resume
  check $? "$np ranks: NaN in a checkpoint's weights"
  refused r.log "key -checkpoint: checkpoint 'ck_m.h5' cannot be used: dataset 'optimizer/m' index 0: $(val -inf)" $np \
    "$train" -train_data data.h5 -activation trainable -train_epochs 2 -train_batch_size 4 -model_type resnet -blocks 2 -channels 2 -checkpoint ck_m.h5 -resume
  check $? "$np ranks: -Inf in a checkpoint's optimizer state"
  refused s.log "key -input: file 'train_noisy_nan.h5' dataset 'noisy' sample 3 index 31: $(val nan)" $np \
    "$solve" -N 32 -input train_noisy_nan.h5 -input_sample 3 -t_stop 1
  check $? "$np ranks: NaN in pdenn_solve's -input"
done

echo "non-finite values made by training:"
for np in 1 2; do
  refused lr.log "training diverged in epoch 1 at step [0-9]+: the mini-batch loss is nan or a gradient is not finite, produced by the optimisation \(the data were checked finite when read\); no checkpoint was written; try a smaller learning rate \(key -train_lr, now 1e\+300\)" $np \
    "$train" -train_data data.h5 -activation trainable -train_lr 1e300 "${targs[@]}"
  check $? "$np ranks: -train_lr 1e300 with the trainable activation stops with one line naming the optimisation and -train_lr"
done
# data of magnitude 1e100 (finite, loss 1e200): the first SGD update at 1e300 overflows a weight
/usr/bin/python3 - <<'PY'
import h5py
with h5py.File("data.h5", "r") as f, h5py.File("big.h5", "w") as g:
    for k in f.attrs:
        g.attrs.create(k, f.attrs[k], dtype=f.attrs.get_id(k).dtype)
    for k in ("clean", "noisy"):
        g[k] = f[k][()] * 1e100
PY
refused w.log "training diverged in epoch 1 at step 1: the update made weight [0-9]+ -?inf, produced by the optimisation \(the data were checked finite when read\); no checkpoint was written; try a smaller learning rate \(key -train_lr, now 1e\+300\)" 1 \
  "$train" -train_data big.h5 -activation trainable -train_optimizer sgd -train_lr 1e300 "${targs[@]}"
check $? "an update that overflows a weight stops training at once, before any checkpoint keeps it"
# finite data of huge magnitude: the training part is ordinary, a validation target of 1e200
# makes the squared error overflow, so the validation loss is inf after the first epoch
make_bad data.h5 val_huge.h5 clean 19 5 1e200
refused v.log "training diverged in epoch 1: the validation loss is inf: the data were checked finite when read, so the model's output or the loss overflowed .*try a smaller learning rate" 2 \
  "$train" -train_data val_huge.h5 -activation tanh "${targs[@]}"
check $? "an infinite validation loss stops training (it used to print val_loss inf and exit 0)"

echo "nonfinite: $failures failure(s)"
[ "$failures" -eq 0 ]
