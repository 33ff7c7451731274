#!/usr/bin/python3
"""The mutant list of tests/mutation/mutants.txt: parse it, check it against a source tree, apply
one mutant to a scratch copy and restore it. run.sh drives the campaign; the CTest test
mutation_list runs `mutate.py check <source tree>` so the list fails loudly when the code moves.

  mutate.py check   SRC            every mutant's original text occurs exactly once in its file
  mutate.py ids     [ID ...]       the ids (all, or the named ones after checking they exist)
  mutate.py files                  the files the mutants change (one per mutant)
  mutate.py show    ID             id, file, description, equivalence note (tab separated)
  mutate.py apply   SRC ID         replace the text in SRC/file (SRC must be a scratch copy)
  mutate.py sync    ORIG SRC         make SRC a copy of the tracked and unignored files of the git
                                   checkout ORIG: files of equal content are left untouched (their
                                   mtime too, so a persistent build recompiles only what differs)
  mutate.py restore SRC ID ORIG    copy ORIG/file over SRC/file (content only: a new mtime, so
                                   the next incremental build recompiles it)
"""
import filecmp
import os
import shutil
import subprocess
import sys

LIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mutants.txt")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KEYS = ("id", "file", "desc", "equivalent")


class ListError(Exception):
    pass


def parse(path=LIST):
    """Blocks separated by blank lines; 'key: value' lines, then '- ' original and '+ '
    replacement lines (several lines of one kind are joined with newlines)."""
    mutants, cur = [], None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for no, line in enumerate(lines, 1):
        if line.startswith("#"):
            continue
        if not line.strip():
            cur = None
            continue
        if cur is None:
            cur = {"line": no, "orig": [], "repl": []}
            mutants.append(cur)
        if line.startswith("- ") or line == "-":
            cur["orig"].append(line[2:])
        elif line.startswith("+ ") or line == "+":
            cur["repl"].append(line[2:])
        else:
            key, sep, value = line.partition(":")
            if not sep or key not in KEYS:
                raise ListError(f"{path}:{no}: expected 'key: value' with key in {KEYS}, '- original' or '+ replacement', got {line!r}")
            cur[key] = value.strip()
    seen = set()
    for m in mutants:
        for key in ("id", "file", "desc"):
            if not m.get(key):
                raise ListError(f"{path}:{m['line']}: mutant without '{key}:'")
        if not m["orig"] or not m["repl"]:
            raise ListError(f"{path}:{m['line']}: mutant {m['id']} needs '- original' and '+ replacement' lines")
        m["orig"], m["repl"] = "\n".join(m["orig"]), "\n".join(m["repl"])
        if m["orig"] == m["repl"]:
            raise ListError(f"{path}:{m['line']}: mutant {m['id']}: replacement equals the original")
        if m["id"] in seen:
            raise ListError(f"{path}:{m['line']}: mutant id {m['id']} appears twice")
        seen.add(m["id"])
    return mutants


def find(mutants, ident):
    for m in mutants:
        if m["id"] == ident:
            return m
    raise ListError(f"no mutant with id '{ident}' in {LIST}")


def occurrences(src, m):
    path = os.path.join(src, m["file"])
    if not os.path.isfile(path):
        raise ListError(f"mutant {m['id']}: file {m['file']} not found under {src}")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return text, text.count(m["orig"])


def check(src):
    mutants, bad = parse(), 0
    for m in mutants:
        _, n = occurrences(src, m)
        if n != 1:
            print(f"mutant {m['id']} ({LIST} line {m['line']}): original text occurs {n} times in {m['file']}, expected exactly once:\n  {m['orig']!r}")
            bad += 1
    areas = sorted({m["file"].split("/")[1] for m in mutants if m["file"].startswith("src/")})
    print(f"{len(mutants)} mutants in {len(areas)} areas ({', '.join(areas)}), {bad} out of sync")
    return 1 if bad else 0


def scratch_only(src):
    """apply and restore write files: never into the tree this list belongs to"""
    if os.path.realpath(src) == os.path.realpath(REPO):
        raise ListError(f"{src} is the source tree of the list itself; mutants go into a scratch copy (run.sh makes one)")


def apply(src, ident):
    scratch_only(src)
    m = find(parse(), ident)
    text, n = occurrences(src, m)
    if n != 1:
        raise ListError(f"mutant {ident}: original text occurs {n} times in {m['file']}, expected exactly once")
    with open(os.path.join(src, m["file"]), "w", encoding="utf-8") as f:
        f.write(text.replace(m["orig"], m["repl"]))
    return 0


def sync(orig, src):
    scratch_only(src)
    listing = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=orig, check=True, capture_output=True).stdout
    files = {f for f in listing.decode().split("\0") if f and os.path.isfile(os.path.join(orig, f))}
    copied = 0
    for f in sorted(files):
        a, b = os.path.join(orig, f), os.path.join(src, f)
        if os.path.isfile(b) and filecmp.cmp(a, b, shallow=False):
            continue
        os.makedirs(os.path.dirname(b), exist_ok=True)
        shutil.copyfile(a, b)
        shutil.copymode(a, b)
        copied += 1
    removed = 0
    for root, _, names in os.walk(src):
        for name in names:
            rel = os.path.relpath(os.path.join(root, name), src)
            if rel not in files:
                os.remove(os.path.join(root, name))
                removed += 1
    print(f"scratch copy {src}: {len(files)} files, {copied} copied, {removed} removed")
    return 0


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "check" and len(args) == 1:
        return check(args[0])
    if cmd == "ids":
        mutants = parse()
        for ident in args or [m["id"] for m in mutants]:
            print(find(mutants, ident)["id"])
        return 0
    if cmd == "files":
        for m in parse():
            print(m["file"])
        return 0
    if cmd == "show" and len(args) == 1:
        m = find(parse(), args[0])
        print("\t".join([m["id"], m["file"], m["desc"], m.get("equivalent", "")]))
        return 0
    if cmd == "apply" and len(args) == 2:
        return apply(args[0], args[1])
    if cmd == "sync" and len(args) == 2:
        return sync(args[0], args[1])
    if cmd == "restore" and len(args) == 3:
        scratch_only(args[0])
        m = find(parse(), args[1])
        shutil.copyfile(os.path.join(args[2], m["file"]), os.path.join(args[0], m["file"]))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except ListError as e:
        print(f"mutate.py: error: {e}", file=sys.stderr)
        sys.exit(1)
