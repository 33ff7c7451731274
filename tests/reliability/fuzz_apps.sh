#!/usr/bin/env bash
# Deck fuzzing with the real executables (docs/reliability.md): test_rel_deck_fuzz writes seeded
# mutated decks (the same mutations as its in-process campaign, plus the keys only the apps read:
# -input, -output, ...), and each runs as a process of pdenn_solve or pdenn_train under a time
# limit. Every run must exit 0, or 1 with exactly one "pdenn: error:" line and no PETSc
# traceback; a signal, another status, a traceback or the time limit is a failure. A deck that
# PETSc's own parser would refuse (a line not starting with '-', binary junk) is refused by
# pdenn's deck check before PetscInitialize (src/core/deckcheck.c): one line, like any other.
#   fuzz_apps.sh FUZZ_EXE APPS_DIR SEED FIRST COUNT -- MPIEXEC [mpiexec flags ...]
set -u
fuzz=$1 apps=$2 seed=$3 first=$4 count=$5
shift 5
[ "$1" = -- ] && shift
launch=("$@")
limit=${PDENN_REL_CASE_TIMEOUT:-60}
dir=rel_apps_s${seed}_${first}
rm -rf "$dir" && mkdir -p "$dir"
"$fuzz" -write_decks "$dir/decks" -dir "$dir" -seed "$seed" -first "$first" -cases "$count" >"$dir/write.log" 2>&1 ||
  { cat "$dir/write.log"; echo "fuzz_apps: FAIL: cannot write the decks"; exit 1; }

ok=0 user=0 fail=0 slowest=0 # slowest in ms
while read -r deck app base; do
  log=$dir/${deck%.deck}.log
  t0=$(($(date +%s%N) / 1000000))
  timeout -s KILL "$limit" "${launch[@]}" "$apps/$app" -options_file "$dir/decks/$deck" </dev/null >"$log" 2>&1
  rc=$?
  t=$(($(date +%s%N) / 1000000 - t0))
  [ $t -gt $slowest ] && slowest=$t
  why=""
  nerr=$(grep -ac '^pdenn: error: ' "$log")
  if [ $rc -eq 137 ]; then
    why="no result within ${limit} s (a hang)"
  elif [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
    why="exit status $rc (a crash, a signal or an abort)"
  elif [ $rc -eq 1 ] && grep -aq 'PETSC ERROR' "$log"; then
    why="a PETSc traceback instead of one line"
  elif [ $rc -eq 1 ] && [ "$nerr" -ne 1 ]; then
    why="exit status 1 with $nerr 'pdenn: error:' lines (expected exactly one)"
  elif grep -aq 'PETSC ERROR' "$log"; then
    why="exit status 0 but a PETSc error was printed"
  fi
  if [ -n "$why" ]; then
    fail=$((fail + 1))
    echo "FAIL: $deck ($app, base $base): $why; output:"
    head -c 3000 "$log" | cat -v | sed 's/^/    /'
    echo "  deck:"
    head -c 2000 "$dir/decks/$deck" | cat -v | sed 's/^/    | /'
  elif [ $rc -eq 0 ]; then
    ok=$((ok + 1))
  else
    user=$((user + 1))
  fi
done <"$dir/decks/manifest.txt"

parser=$(grep -alE "^pdenn: error: (deck '|key -options_file)" "$dir"/*.log 2>/dev/null | wc -l)
echo "fuzz_apps: seed $seed, cases $first to $((first + count - 1)): $ok valid runs (exit 0)," \
  "$user one-line user errors (exit 1; $parser of them from the deck check before PetscInitialize)," \
  "$fail failures; slowest run ${slowest} ms"
[ $fail -eq 0 ] || exit 1
echo "fuzz_apps: every run ended cleanly"
