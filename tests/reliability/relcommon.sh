#!/usr/bin/env bash
# Helpers shared by the reliability scripts (sourced): running an app and checking how it ended.
# A run's output goes to $out (a file: stdout, then stderr), stderr alone also to $out.err, its
# exit status to $rc. Kept apart because mpiexec forwards a rank's stdout and stderr through
# separate pipes: merged on the fly, an error line can land inside a half-forwarded stdout line.

# run LOG app args...: runs "${launch[@]}" app args with stdin closed, output to LOG
run() {
  out=$1
  shift
  "${launch[@]}" "$@" </dev/null >"$out" 2>"$out.err"
  rc=$?
  cat "$out.err" >>"$out"
}

source "$(dirname "${BASH_SOURCE[0]}")/../common/expect_check.sh"

# one_line_error REGEX: the last run ended as a user error (tests/common/expect_check.sh): exit
# status 1, exactly one "pdenn: error:" line on stderr, matching REGEX, no traceback, no leak list
one_line_error() {
  pdenn_expect_check "$rc" 1 "$out" "$out.err" "$1" >/dev/null
}

# sums FILE...: the files' SHA-256 sums (a missing file counts as "missing")
sums() {
  local f
  for f in "$@"; do
    if [ -e "$f" ]; then sha256sum "$f"; else echo "missing $f"; fi
  done
}

check() { # check CONDITION-RESULT MESSAGE: counts a failure unless the status is 0
  if [ "$1" -eq 0 ]; then
    echo "  ok: $2"
  else
    echo "  FAIL: $2"
    failures=$((${failures:-0} + 1))
    sed 's/^/    | /' "$out" | head -40
  fi
}
