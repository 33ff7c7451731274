#!/usr/bin/env bash
# Runs a command and checks both its exit status and its output (CTest's PASS_REGULAR_EXPRESSION
# alone ignores the status). Usage: expect.sh <status> <regex> <command> [args...]
# Status 1 is pdenn's status for a user error: such a run must also print no PETSc traceback
# (the error is one line); a crash or MPI_Abort gives another status and fails the check.
want=$1
regex=$2
shift 2
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out"
if [ "$rc" -ne "$want" ]; then
  echo "expect: FAIL: exit status $rc, expected $want"
  exit 1
fi
if [ "$want" -eq 1 ] && printf '%s\n' "$out" | grep -q "PETSC ERROR"; then
  echo "expect: FAIL: a PETSc traceback was printed instead of a one-line error"
  exit 1
fi
if ! printf '%s\n' "$out" | grep -Eq -- "$regex"; then
  echo "expect: FAIL: output does not match /$regex/"
  exit 1
fi
echo "expect: ok (exit $rc, output matches)"
