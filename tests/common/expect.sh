#!/usr/bin/env bash
# The one check every CTest registration goes through (pdenn_add_test, pdenn_add_error_test,
# pdenn_add_expect_test and the areas' wrappers; docs/testing.md): runs a command and judges it
# by pdenn_expect_check (expect_check.sh): exit status exactly STATUS (0 for a run, 1 for a user
# error), never a signal, no PETSc traceback, no -malloc_dump leak, every REGEX on the output
# (STATUS 0) or on the one "pdenn: error: " line (STATUS != 0).
#   expect.sh STATUS [--traceback-ok] [--leaks-ok] [REGEX ...] -- command [args ...]
# Stdout and stderr are captured apart (mpiexec forwards them through separate pipes: merged on
# the fly, an error line can land inside a half-forwarded stdout line) and printed in that order.
set -u
want=$1
shift
args=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
  args+=("$1")
  shift
done
[ $# -gt 1 ] || { echo "expect.sh: usage: expect.sh STATUS [--traceback-ok] [--leaks-ok] [REGEX ...] -- command [args ...]"; exit 2; }
shift
source "$(dirname "${BASH_SOURCE[0]}")/expect_check.sh"
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
# A run expected to fail: Open MPI's mpiexec otherwise waits odls_base_sigkill_timeout (1 s, about
# 2 s in all) after a rank's non-zero exit before it ends; the ranks have exited by then.
[ "$want" = 0 ] || export OMPI_MCA_odls_base_sigkill_timeout=0
"$@" </dev/null >"$out" 2>"$err"
rc=$?
cat "$out" "$err"
if ! why=$(pdenn_expect_check "$rc" "$want" "$out" "$err" "${args[@]+"${args[@]}"}"); then
  echo "expect.sh: $why"
  exit 1
fi
echo "expect.sh: ok (exit $rc; status, output, traceback and leak checks passed)"
