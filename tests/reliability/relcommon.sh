#!/usr/bin/env bash
# Helpers shared by the reliability scripts (sourced): running an app and checking how it ended.
# A run's output goes to $out (a file), its exit status to $rc.

# run LOG app args...: runs "${launch[@]}" app args with stdin closed, output to LOG
run() {
  out=$1
  shift
  "${launch[@]}" "$@" </dev/null >"$out" 2>&1
  rc=$?
}

# one_line_error REGEX: exit status 1, exactly one "pdenn: error:" line matching REGEX, no traceback
one_line_error() {
  [ "$rc" -eq 1 ] || return 1
  [ "$(grep -ac '^pdenn: error: ' "$out")" -eq 1 ] || return 1
  grep -aq 'PETSC ERROR' "$out" && return 1
  grep -aqE -- "^pdenn: error: .*$1" "$out"
}

# sums FILE...: the files' SHA-256 sums (a missing file counts as "missing")
sums() {
  local f
  for f in "$@"; do
    if [ -e "$f" ]; then sha256sum "$f"; else echo "missing $f"; fi
  done
}

# known DEFECT: counted; fails only in strict mode (PDENN_REL_STRICT=1)
known() {
  known_defects=$((${known_defects:-0} + 1))
  echo "  known defect: $*"
  [ "${PDENN_REL_STRICT:-0}" != 1 ] || failures=$((${failures:-0} + 1))
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
