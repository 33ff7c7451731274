#!/usr/bin/env bash
# A user error as pdenn promises it (docs/decks.md): exit status 1, exactly one line
# "pdenn: error: ..." matching REGEX, no PETSc traceback.
#   expect_error.sh REGEX -- command [args ...]
set -u
regex=$1
shift
[ "$1" = -- ] && shift
source "$(dirname "$0")/relcommon.sh"
launch=()
out=$(mktemp)
run "$out" "$@"
cat "$out"
if one_line_error "$regex"; then
  echo "expect_error: ok (exit 1, one line matching /$regex/)"
  rm -f "$out" "$out.err"
  exit 0
fi
echo "expect_error: FAIL: exit status $rc; expected 1 with exactly one 'pdenn: error:' line matching /$regex/ and no traceback"
rm -f "$out" "$out.err"
exit 1
