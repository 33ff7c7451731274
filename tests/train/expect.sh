#!/usr/bin/env bash
# Runs a command and passes only if both its exit status and its output are as expected:
#   expect.sh ok|fail REGEX [REGEX ...] -- command [args ...]
# ok: exit status 0; fail: non-zero. Every REGEX (grep -E) must match a line of stdout + stderr.
# CTest's PASS_REGULAR_EXPRESSION alone would ignore the exit status.
want=$1
shift
regexes=()
while [ "$1" != -- ]; do
  regexes+=("$1")
  shift
done
shift
out=$("$@" 2>&1)
status=$?
printf '%s\n' "$out"
if [ "$want" = ok ] && [ $status -ne 0 ]; then
  echo "expect.sh: exit status $status, expected 0"
  exit 1
fi
if [ "$want" = fail ] && [ $status -eq 0 ]; then
  echo "expect.sh: exit status 0, expected a failure"
  exit 1
fi
for regex in "${regexes[@]}"; do
  if ! printf '%s\n' "$out" | grep -Eq -- "$regex"; then
    echo "expect.sh: output does not match '$regex'"
    exit 1
  fi
done
echo "expect.sh: exit status $status and output as expected"
