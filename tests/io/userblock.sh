#!/usr/bin/env bash
# The checksummed user block of pdenn's HDF5 files (docs/hdf5_layout.md): a set written at 2 ranks
# carries pdenn's header, whose FNV-1a 64 and length match the bytes after the block (computed
# here independently, in Python); h5dump and h5py read the file as any HDF5 file; a flipped byte,
# a truncation or a damaged header is refused with one line naming the file; a file without the
# header (h5py's, with or without a user block of its own) is read unchecked. The same for
# checkpoints: one without the header (as pdenn wrote them before) resumes to bitwise the same
# state as the checksummed one; a flipped byte is refused.
#   userblock.sh SIGNALS SOLVE TRAIN TRAIN_COMPARE -- MPIEXEC [mpiexec flags ...]
set -u
signals=$(readlink -f "$1") solve=$(readlink -f "$2") train=$(readlink -f "$3") compare=$(readlink -f "$4")
shift 4
[ "$1" = -- ] && shift
launch=("$@" -n 2)
source "$(dirname "$0")/../reliability/relcommon.sh"
decks=$(cd "$(dirname "$0")/decks" && pwd)
py=/usr/bin/python3
rm -rf io_userblock && mkdir io_userblock && cd io_userblock || exit 1
failures=0

# flip one byte of a copy, after the user block: flip FILE OFFSET_FROM_END
flip() {
  local size byte
  size=$(stat -c %s "$1")
  byte=$(od -An -tu1 -j $((size - $2)) -N 1 "$1")
  printf "\\$(printf %03o $((byte ^ 4)))" | dd of="$1" bs=1 seek=$((size - $2)) conv=notrunc status=none
}

run write.log "$signals" -options_file "$decks/signals_small.deck" -signals_output set.h5
check $rc "pdenn_signals at 2 ranks writes set.h5"
# fnv1a64 and bytes of the header, and of the bytes after the block, computed here
"$py" - set.h5 >sums.log 2>&1 <<'EOF'
import re, sys
data = open(sys.argv[1], "rb").read()
head = data[:512].rstrip(b"\0").decode()
m = re.match(r"pdenn HDF5 file, checksummed\nfnv1a64: ([0-9a-f]{16})\nbytes: (\d+)\n", head)
h = 0xcbf29ce484222325
for b in data[512:]:
    h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
print("header", m.group(1) if m else None, m.group(2) if m else None)
print("actual", "%016x" % h, len(data) - 512)
print("signature", data[512:520] == b"\x89HDF\r\n\x1a\n")
EOF
out=sums.log
[ "$(sed -n 's/^header //p' sums.log)" = "$(sed -n 's/^actual //p' sums.log)" ] && grep -q "signature True" sums.log
check $? "the header's fnv1a64 and length are those of the bytes after the 512-byte block, where HDF5's signature starts"
h5dump -d /noisy -s "1,0" -c "1,3" set.h5 >h5dump.log 2>&1
out=h5dump.log
[ $? -eq 0 ] && grep -q "USER_BLOCK\|DATA" h5dump.log
check $? "h5dump reads the file (it skips the user block)"

if "$py" -c "import h5py, numpy" 2>/dev/null; then
  "$py" - <<'EOF' >h5py.log 2>&1
import h5py, numpy as np
with h5py.File("set.h5", "r") as f:
    assert f.userblock_size == 512, f.userblock_size
    clean, noisy = f["clean"][...], f["noisy"][...]
    attrs = {k: f.attrs[k] for k in ("N", "samples", "pieces", "seed", "sigma")}
    generator = f.attrs["generator"]
# a user's own set, as docs/hdf5_layout.md describes it: no user block
with h5py.File("foreign.h5", "w") as f:
    f["clean"], f["noisy"] = clean, noisy
    for k, v in attrs.items():
        f.attrs[k] = v
    f.attrs["generator"] = generator
# with a user block of the user's own (not pdenn's header)
with h5py.File("own_block.h5", "w", userblock_size=512) as f:
    f["clean"], f["noisy"] = clean, noisy
with open("own_block.h5", "r+b") as g:
    g.write(b"my own notes")
print("h5py ok", clean.shape)
EOF
  out=h5py.log
  grep -q "h5py ok (4, 96)" h5py.log
  check $? "h5py reads the set (userblock_size 512) and writes sets without pdenn's header"
  for f in foreign.h5 own_block.h5; do
    run solve_$f.log "$solve" -options_file "$decks/solve_from_file.deck" -input $f
    [ $rc -eq 0 ] && grep -q "error_rms\|norm_final" "$out"
    check $? "pdenn_solve reads $f, which has no pdenn header, unchecked"
  done
else
  echo "  skip: /usr/bin/python3 has no h5py (python3-h5py): the h5py checks did not run"
fi

# damaged copies: one byte flipped after the block (in the raw data, near the end), one byte cut,
# a digit of the header's checksum replaced by a non-hex character
size=$(stat -c %s set.h5)
cp set.h5 flipped.h5
flip flipped.h5 100
head -c $((size - 1)) set.h5 >cut.h5
cp set.h5 header.h5
printf 'z' | dd of=header.h5 bs=1 seek=40 conv=notrunc status=none
for case in "flipped.h5:contents do not match their checksum" "cut.h5:length differs" "header.h5:checksum header .HDF5 user block. is damaged"; do
  f=${case%%:*}
  run solve_$f.log "$solve" -options_file "$decks/solve_from_file.deck" -input $f
  one_line_error "key -input: file '$f' is refused: .*${case#*:}"
  check $? "$f is refused with one line naming the key and the file"
done
# checkpoints, trained on the h5py set (unchecked input) when there is one, else on set.h5
data=set.h5
[ -e foreign.h5 ] && data=foreign.h5
targs=(-train_data $data -train_val_fraction 0.25 -train_batch_size 1 -train_epochs 10 -blocks 2 -channels 2)
run train2.log "$train" "${targs[@]}" -train_max_steps 2 -checkpoint ck.h5
[ $rc -eq 0 ] && head -c 29 ck.h5 | grep -q "pdenn HDF5 file, checksummed"
check $? "pdenn_train on $data writes a checksummed checkpoint"
cp ck.h5 ck_flipped.h5
flip ck_flipped.h5 300
run resume_flipped.log "$train" "${targs[@]}" -train_max_steps 4 -checkpoint ck_flipped.h5 -resume
one_line_error "key -checkpoint: checkpoint 'ck_flipped.h5' cannot be used: its contents do not match their checksum"
check $? "a checkpoint with a flipped byte is refused with one line naming it"
if command -v h5unjam >/dev/null; then
  h5unjam -i ck.h5 -o ck_plain.h5 >/dev/null
  run resume.log "$train" "${targs[@]}" -train_max_steps 4 -checkpoint ck.h5 -resume
  run resume_plain.log "$train" "${targs[@]}" -train_max_steps 4 -checkpoint ck_plain.h5 -resume
  [ $rc -eq 0 ] && "$compare" -a ck.h5 -b ck_plain.h5 -rtol 0 -expect_step 4 >compare.log 2>&1
  check $? "a checkpoint without the header (h5unjam) resumes to bitwise the state the checksummed one gives"
else
  echo "  skip: no h5unjam (hdf5-tools): the checkpoint without header was not tried"
fi
echo "userblock: $failures failures"
[ $failures -eq 0 ]
