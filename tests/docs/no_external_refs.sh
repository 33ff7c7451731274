#!/bin/bash
# No file of the project may point at documents outside the repository: a user who clones it has
# no folder beside it with a paper summary; the science is in docs/science.md.
# Usage: no_external_refs.sh <source dir>. Scans the files git tracks there (every file under it,
# build folders excluded, where git or the repository is missing), after checking on a planted
# reference in a scratch tree that the scan does catch one.
set -u
src=${1:?usage: no_external_refs.sh <source dir>}

# Written as regular expressions (and the planted references below from pieces), so that this
# script does not itself name what it forbids.
pattern='[.][.]/shared|PAPER[.]md'
dots='..'

# Files to scan, one per line, relative to $1.
list_files() {
  if command -v git >/dev/null 2>&1 && git -C "$1" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$1" ls-files
  else
    # build folders hold copies and generated files: any folder with a CMakeCache.txt, build*, .git
    (cd "$1" && find . \( -name .git -o -name 'build*' -o -exec test -e '{}/CMakeCache.txt' \; \) -prune \
      -o -type f -print | sed 's|^\./||')
  fi
}

# Prints every offending line as file:line:text; status 1 if there is one, 2 if no file was found.
scan() {
  local n=0 bad=0 f hits
  while IFS= read -r f; do
    [ -f "$1/$f" ] || continue # tracked but deleted in the work tree
    n=$((n + 1))
    hits=$(grep -I -n -E -e "$pattern" "$1/$f") && { printf '%s\n' "$hits" | sed "s|^|$f:|"; bad=1; }
  done < <(list_files "$1")
  if [ "$n" -eq 0 ]; then
    echo "no_external_refs: no files found under $1" >&2
    return 2
  fi
  echo "no_external_refs: $n files scanned under $1"
  return $bad
}

# Self-check: a scratch tree (no git) with one planted reference must fail, without it pass.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/docs" "$tmp/build/docs"
echo "see the summary" > "$tmp/docs/a.md"
echo "${dots}/shared/PAPER""${dots:0:1}md in a build folder is not scanned" > "$tmp/build/docs/b.md"
if ! scan "$tmp" >/dev/null; then
  echo "FAIL: self-check: a clean scratch tree was refused" >&2
  exit 1
fi
echo "read PAPER""${dots:0:1}md" > "$tmp/docs/c.md"
if scan "$tmp" >/dev/null; then
  echo "FAIL: self-check: a planted reference was not found" >&2
  exit 1
fi

if ! scan "$src"; then
  echo "FAIL: the lines above refer to files outside the repository; refer to docs/science.md §N instead" >&2
  exit 1
fi
echo "PASS: no file refers to documents outside the repository"
