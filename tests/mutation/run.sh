#!/bin/bash
# The mutation campaign of issue 10: plants each bug of tests/mutation/mutants.txt, one at a time,
# in a scratch copy of the source tree, rebuilds incrementally and runs the default CTest suite
# (stop at the first failure; fast unit tests first, then the other tests, then the reliability
# tests, which are slow and test error handling rather than the numbers). A mutant is "killed" when a test fails,
# "SURVIVED" when the whole suite passes (less mutation_list, which checks this list against the
# unmutated code), "stillborn" when it does not build. The real tree is
# only read (checked at the end). Results and the last run: tests/mutation/README.md.
#
#   tests/mutation/run.sh [options] [MUTANT_ID ...]      (no ids: every mutant of the list)
#     --dir DIR          scratch directory (DIR/src: the copy, DIR/build: its build; kept between
#                        runs so a rerun rebuilds only what changed) [${TMPDIR:-/tmp}/pdenn-mutation]
#     --build-dir DIR    build directory of the copy instead of DIR/build
#     --time-limit S     seconds per mutant, build and tests together; over it the mutant counts
#                        as "timeout" (undecided, like a survivor for the exit status) [1200]
#     --jobs N           parallel build jobs and ctest -j [2]
#     --static           build libpdenn static as the project's default build does (every
#                        mutant then relinks every program); default: shared, not relinked
#                        (applies when the build directory is configured, i.e. new)
#     --unit-only        run only the tests labelled unit outside reliability (a quick first
#                        pass; a survivor must then be run with the whole suite)
#     --no-baseline      skip the suite on the unmutated copy (it must pass, or every mutant
#                        would look killed)
#     --list             print the mutant ids and descriptions and exit
# Exit status: 0 when every mutant is killed, stillborn or marked 'equivalent:' in the list;
# 1 when one survived (or timed out) unexplained; 2 on a usage or set-up error.
set -u -o pipefail
{ # the whole script is parsed before it runs: editing run.sh during a campaign cannot derail it

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
mutate=(/usr/bin/python3 "$here/mutate.py")
dir=${TMPDIR:-/tmp}/pdenn-mutation
build=
limit=1200
jobs=2
unit_only=0
baseline=1
ids=()
# A shared libpdenn that the executables do not relink against: a mutant then costs one compile
# and one library link instead of relinking every test program (minutes on 2 busy cores).
cmake_args=(-DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON -DCMAKE_LINK_DEPENDS_NO_SHARED=ON)

die() { echo "run.sh: error: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case $1 in
    --dir) [ $# -ge 2 ] || die "--dir needs a directory"; dir=$2; shift 2 ;;
    --build-dir) [ $# -ge 2 ] || die "--build-dir needs a directory"; build=$2; shift 2 ;;
    --time-limit) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || die "--time-limit needs a positive number of seconds, got '${2:-}'"; limit=$2; shift 2 ;;
    --jobs) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || die "--jobs needs a positive integer, got '${2:-}'"; jobs=$2; shift 2 ;;
    --static) cmake_args=(-DCMAKE_BUILD_TYPE=Release); shift ;;
    --unit-only) unit_only=1; shift ;;
    --no-baseline) baseline=0; shift ;;
    --list) "${mutate[@]}" ids | while read -r id; do "${mutate[@]}" show "$id" | cut -f1,3; done; exit 0 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) ids+=("$1"); shift ;;
  esac
done
src=$dir/src
build=${build:-$dir/build}
case "$src/" in "$repo"/*) die "--dir $dir lies inside the source tree $repo; choose a scratch directory outside it" ;; esac
case "$repo/" in "$src"/*) die "--dir $dir contains the source tree $repo" ;; esac

# The contents of the real files the list names (the only files the campaign writes, in the copy),
# to prove afterwards that the real ones were not touched; mutate.py also refuses to write there.
tree_digest() {
  (cd "$repo" && "${mutate[@]}" files | sort -u | xargs sha1sum | sha1sum | cut -d' ' -f1)
}
digest_before=$(tree_digest) || die "cannot read the files of the mutant list in $repo"

"${mutate[@]}" check "$repo" >/dev/null || { "${mutate[@]}" check "$repo"; die "the mutant list is out of sync with $repo"; }
mapfile -t ids < <("${mutate[@]}" ids "${ids[@]}") || die "unknown mutant id"
[ ${#ids[@]} -gt 0 ] || die "no mutants selected"

# Scratch copy: the tracked and unignored files; files of equal content stay untouched, so the
# persistent build recompiles only what differs.
mkdir -p "$src" "$build" || die "cannot create $src and $build"
"${mutate[@]}" sync "$repo" "$src" || die "cannot copy $repo to $src"
source "$src/jobscripts/mpienv.sh"

current=
restore() {
  if [ -n "$current" ]; then "${mutate[@]}" restore "$src" "$current" "$repo"; current=; fi
}
trap 'restore; exit 130' INT TERM

log=$dir/logs
mkdir -p "$log"

# build and run the suite; prints "killed by <test>", "passed", "stillborn" or "timeout"
# (tests: "timeout" when the per-mutant limit cut them off)
build_tree() {
  local t=$1
  [ -f "$build/CMakeCache.txt" ] || timeout "$t" cmake -S "$src" -B "$build" "${cmake_args[@]}" >"$log/configure.log" 2>&1 || return 1
  timeout "$t" cmake --build "$build" -j "$jobs" >"$log/build.log" 2>&1
}

run_suite() { # $1: seconds left, $2: log file
  local t=$1 out=$2 rc phases=("-L unit -LE slurm|slow|reliability")
  [ $unit_only = 1 ] || phases+=("-LE slurm|slow|unit|reliability" "-L reliability -LE slurm|slow")
  : >"$out"
  for phase in "${phases[@]}"; do
    local start=$SECONDS left
    left=$((t))
    [ $left -gt 0 ] || { echo timeout; return; }
    # shellcheck disable=SC2086 # the phase's label options are words
    (cd "$build" && timeout -k 10 "$left" ctest --stop-on-failure --output-on-failure -j "$jobs" $phase -E '^mutation_list$') >>"$out" 2>&1
    rc=$?
    t=$((t - (SECONDS - start)))
    if [ $rc = 124 ] || [ $rc = 137 ]; then echo timeout; return; fi
    if [ $rc != 0 ]; then
      local failed
      failed=$(grep -E 'Test +#[0-9]+: ' "$out" | grep -E '\*\*\*|Not Run' | head -1 | sed -E 's/.*Test +#[0-9]+: ([^ ]+) .*/\1/')
      echo "killed by ${failed:-ctest (exit status $rc, see $out)}"
      return
    fi
  done
  echo passed
}

start=$SECONDS
echo "pdenn mutation campaign: ${#ids[@]} mutants, source $repo, scratch $src, build $build, suite: $([ $unit_only = 1 ] && echo "unit only" || echo "unit, the rest, reliability") (-LE 'slurm|slow'), $jobs jobs, ${limit} s per mutant"
build_tree "$limit" || die "the unmutated copy does not build (see $log/build.log)"
if [ $baseline = 1 ]; then
  t0=$SECONDS
  verdict=$(run_suite "$limit" "$log/baseline.log")
  [ "$verdict" = passed ] || die "the unmutated suite does not pass ($verdict); fix that first (log: $log/baseline.log)"
  echo "baseline: suite passed in $((SECONDS - t0)) s"
fi

killed=0 survived=0 stillborn=0 timedout=0 equivalent=0 unexplained=()
n=0
for id in "${ids[@]}"; do
  n=$((n + 1))
  IFS=$'\t' read -r _ file desc equiv < <("${mutate[@]}" show "$id")
  current=$id
  "${mutate[@]}" apply "$src" "$id" || { restore; die "cannot apply mutant $id"; }
  t0=$SECONDS
  if build_tree "$limit"; then
    tb=$((SECONDS - t0))
    verdict=$(run_suite $((limit - tb)) "$log/$id.log")
  else
    tb=$((SECONDS - t0))
    cp "$log/build.log" "$log/$id.build.log"
    verdict=stillborn
  fi
  restore
  tt=$((SECONDS - t0 - tb))
  case $verdict in
    killed*) killed=$((killed + 1)); line=$verdict ;;
    stillborn) stillborn=$((stillborn + 1)); line="stillborn (does not build; $log/$id.build.log)" ;;
    timeout|passed)
      if [ $verdict = timeout ]; then timedout=$((timedout + 1)); line="TIMEOUT (over $limit s)"; else survived=$((survived + 1)); line=SURVIVED; fi
      if [ -n "$equiv" ]; then equivalent=$((equivalent + 1)); line="$line (equivalent: $equiv)"; else unexplained+=("$id"); fi ;;
  esac
  printf '[%2d/%d] %-30s %-55s build %4d s, tests %4d s  (%s: %s)\n' "$n" "${#ids[@]}" "$id" "$line" "$tb" "$tt" "$file" "$desc"
done

digest_after=$(tree_digest)
[ "$digest_before" = "$digest_after" ] || { echo "run.sh: error: a file of the mutant list changed in the source tree $repo during the campaign (another editor, or a bug here)" >&2; exit 2; }
echo "killed $killed / survived $survived / stillborn $stillborn$([ $timedout = 0 ] || echo " / timeout $timedout") ($equivalent explained as equivalent) in $((SECONDS - start)) s; source tree unchanged"
if [ ${#unexplained[@]} -gt 0 ]; then
  echo "unexplained survivors: ${unexplained[*]}"
  exit 1
fi
exit 0
}
