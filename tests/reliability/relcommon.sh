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

# one_line_error REGEX: exit status 1, exactly one "pdenn: error:" line matching REGEX, no traceback
one_line_error() {
  [ "$rc" -eq 1 ] || return 1
  [ "$(grep -ac '^pdenn: error: ' "$out.err")" -eq 1 ] || return 1
  grep -aq 'PETSC ERROR' "$out" && return 1
  grep -aqE -- "^pdenn: error: .*$1" "$out.err"
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
