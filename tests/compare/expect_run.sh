#!/usr/bin/env bash
# Runs a command and checks its exit status and its output (CTest's PASS_REGULAR_EXPRESSION alone
# ignores the status). Usage: expect_run.sh <status> <regex> <command> [args...]
# A user error (status 1) must be one line: a PETSc traceback fails the check.
want=$1 regex=$2
shift 2
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out"
if [ "$rc" -ne "$want" ]; then
  echo "expect_run: FAIL: exit status $rc, expected $want"
  exit 1
fi
if [ "$want" -eq 1 ] && printf '%s\n' "$out" | grep -q "PETSC ERROR"; then
  echo "expect_run: FAIL: a PETSc traceback instead of a one-line error"
  exit 1
fi
if ! printf '%s\n' "$out" | grep -Eq -- "$regex"; then
  echo "expect_run: FAIL: output does not match /$regex/"
  exit 1
fi
echo "expect_run: ok (exit $rc, output matches /$regex/)"
