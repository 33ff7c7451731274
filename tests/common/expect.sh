#!/usr/bin/env bash
# The one check every CTest registration goes through (pdenn_add_test, pdenn_add_error_test and
# the areas' wrappers in tests/*/CMakeLists.txt; docs/testing.md): runs a command and passes only if
#   - its exit status is exactly STATUS (0 for a run, 1 for a user error); a status >= 128 (a
#     signal, or mpiexec reporting a rank killed by one) always fails;
#   - no PETSc traceback was printed (unless --traceback-ok);
#   - PETSc's -malloc_dump / -malloc_debug listed no block left at PetscFinalize (unless --leaks-ok);
#   - STATUS 0: every REGEX (grep -E) matches a line of stdout or stderr;
#     STATUS != 0: exactly one line starts with "pdenn: error: " and every REGEX matches it.
#   expect.sh STATUS [--traceback-ok] [--leaks-ok] [REGEX ...] -- command [args ...]
# Stdout and stderr are captured apart (mpiexec forwards them through separate pipes: merged on
# the fly, an error line can land inside a half-forwarded stdout line) and printed in that order.
set -u
want=$1
shift
traceback_ok=0 leaks_ok=0 regexes=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
  case $1 in
    --traceback-ok) traceback_ok=1 ;;
    --leaks-ok) leaks_ok=1 ;;
    *) regexes+=("$1") ;;
  esac
  shift
done
[ $# -gt 1 ] || { echo "expect.sh: usage: expect.sh STATUS [--traceback-ok] [--leaks-ok] [REGEX ...] -- command [args ...]"; exit 2; }
shift
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
"$@" </dev/null >"$out" 2>"$err"
rc=$?
cat "$out" "$err"

fail() {
  echo "expect.sh: FAIL: $*"
  exit 1
}
[ "$rc" -lt 128 ] || fail "exit status $rc: killed by signal $((rc - 128)) (expected status $want)"
[ "$rc" -eq "$want" ] || fail "exit status $rc, expected $want"
if [ $traceback_ok -eq 0 ] && grep -aqE -- 'PETSC ERROR|-------------------- Error Message' "$out" "$err"; then
  fail "a PETSc traceback was printed"
fi
# PetscMallocDump's lines: "[rank]Total space allocated N bytes", then one "[rank] N bytes f() at
# file:line" per block (3.18); -malloc_debug's corruption reports name "Corrupted memory"
if [ $leaks_ok -eq 0 ] && grep -aqE -- '^\[ *[0-9]+\] *[0-9]+ bytes |^\[ *[0-9]+\] *Total space allocated|Corrupted memory' "$out" "$err"; then
  fail "PETSc's -malloc_dump/-malloc_debug reported blocks left allocated or corrupted"
fi
if [ "$want" -eq 0 ]; then
  for re in "${regexes[@]+"${regexes[@]}"}"; do
    grep -aqE -- "$re" "$out" "$err" || fail "no output line matches /$re/"
  done
else
  lines=$(grep -ac '^pdenn: error: ' "$err")
  [ "$lines" -eq 1 ] || fail "$lines lines 'pdenn: error: ...' on stderr, expected exactly one"
  line=$(grep -a '^pdenn: error: ' "$err")
  for re in "${regexes[@]+"${regexes[@]}"}"; do
    printf '%s\n' "$line" | grep -aqE -- "$re" || fail "the error line does not match /$re/"
  done
fi
echo "expect.sh: ok (exit $rc${regexes[0]+, output matches ${#regexes[@]} regex(es)})"
