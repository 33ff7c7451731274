#!/usr/bin/env bash
# Sourced by tests/common/expect.sh (one run per test) and tests/reliability/relcommon.sh (many
# runs per script): the rules every pdenn run is judged by (docs/testing.md).
#   pdenn_expect_check RC WANT OUT ERR [--traceback-ok] [--leaks-ok] [REGEX ...]
# RC: the run's exit status; OUT, ERR: files holding its stdout and stderr. Returns 0 if
#   - RC < 128 (no signal) and RC == WANT;
#   - no PETSc traceback (unless --traceback-ok);
#   - no block listed by PETSc's -malloc_dump (unless --leaks-ok);
#   - WANT 0: every REGEX (grep -E) matches a line of OUT or ERR; WANT != 0: exactly one line of
#     ERR starts with "pdenn: error: " and every REGEX matches it (the program name "pdenn" is
#     $PDENN_ERROR_PREFIX where a test sets it, e.g. pdenn_images for apps/pdenn_images.py).
# Otherwise prints "FAIL: why" and returns 1.
pdenn_expect_check() {
  local rc=$1 want=$2 out=$3 err=$4 traceback_ok=0 leaks_ok=0 re line lines
  local regexes=()
  shift 4
  for re in "$@"; do
    case $re in
      --traceback-ok) traceback_ok=1 ;;
      --leaks-ok) leaks_ok=1 ;;
      *) regexes+=("$re") ;;
    esac
  done
  if [ "$rc" -ge 128 ]; then
    echo "FAIL: exit status $rc: killed by signal $((rc - 128)) (expected status $want)"
    return 1
  fi
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL: exit status $rc, expected $want"
    return 1
  fi
  if [ $traceback_ok -eq 0 ] && grep -aqE -- 'PETSC ERROR|-------------------- Error Message' "$out" "$err"; then
    echo "FAIL: a PETSc traceback was printed"
    return 1
  fi
  # PETSc 3.18's -malloc_dump prints one "[rank] N bytes f() at file:line" per block left; a
  # "[rank]Total space allocated N bytes" header is caught as well, should a version print one
  if [ $leaks_ok -eq 0 ] && grep -aqE -- '^\[ *[0-9]+\] *[0-9]+ bytes |^\[ *[0-9]+\] *Total space allocated' "$out" "$err"; then
    echo "FAIL: PETSc's -malloc_dump listed blocks left allocated at PetscFinalize"
    return 1
  fi
  if [ "$want" -eq 0 ]; then
    for re in "${regexes[@]+"${regexes[@]}"}"; do
      grep -aqE -- "$re" "$out" "$err" || {
        echo "FAIL: no output line matches /$re/"
        return 1
      }
    done
    return 0
  fi
  local who=${PDENN_ERROR_PREFIX:-pdenn}
  lines=$(grep -ac "^$who: error: " "$err")
  if [ "$lines" -ne 1 ]; then
    echo "FAIL: $lines lines '$who: error: ...' on stderr, expected exactly one"
    return 1
  fi
  line=$(grep -a "^$who: error: " "$err")
  for re in "${regexes[@]+"${regexes[@]}"}"; do
    printf '%s\n' "$line" | grep -aqE -- "$re" || {
      echo "FAIL: the error line does not match /$re/"
      return 1
    }
  done
  return 0
}
