#!/usr/bin/env python3
"""Every cross-reference into the docs resolves: code and docs cite sections as `docs/science.md §N`
(or `§N.M`, ranges `§a-b`, `§a–§b`), and the Markdown files link to each other, to headings
(`file.md#anchor`, `#anchor`) and to images. A renumbered section or a renamed file would leave
such references dangling without any other test noticing.

Usage: check_doc_refs.py <source dir>. Scans the files git tracks there (every file, build folders
excluded, where git or the repository is missing), after checking on planted references in a
scratch tree that the scan catches each kind of dangling one. Prints PASS or the offending
places as file:line: message.
"""
import os
import re
import subprocess
import sys
import tempfile

# "science.md §7.3", "docs/performance.md §2", "science.md §2-4", "science.md §7.1–§7.2"
SECTION_REF = re.compile(r"([\w./-]*?)([A-Za-z_][\w-]*\.md) §(\d+(?:\.\d+)*)(?:\s*[-–]\s*§?(\d+(?:\.\d+)*))?")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
SECTION_HEADING = re.compile(r"^§(\d+(?:\.\d+)*)\b")
LINK = re.compile(r"\]\(([^)\s]+)\)")
FENCE = re.compile(r"^\s*(```|~~~)")


def list_files(root):
    try:
        out = subprocess.run(["git", "-C", root, "ls-files"], capture_output=True, text=True, check=True).stdout
        files = [f for f in out.splitlines() if f]
        if files:
            return files
    except (OSError, subprocess.CalledProcessError):
        pass
    files = []
    for d, dirs, names in os.walk(root):
        dirs[:] = [x for x in dirs if x != ".git" and not x.startswith("build")
                   and not os.path.exists(os.path.join(d, x, "CMakeCache.txt"))]
        files += [os.path.relpath(os.path.join(d, n), root) for n in names]
    return files


def read_text(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if b"\0" in data:
        return None  # binary
    return data.decode("utf-8", errors="replace")


def slug(title):
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    title = re.sub(r"[`*_]", lambda m: "_" if m.group(0) == "_" else "", title)
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


class Doc:
    """Headings of one Markdown file: its § sections and its anchors (duplicates get -1, -2, ...)."""

    def __init__(self, text):
        self.sections, self.anchors, seen, fenced = set(), set(), {}, False
        for line in text.splitlines():
            if FENCE.match(line):
                fenced = not fenced
                continue
            m = None if fenced else HEADING.match(line)
            if not m:
                continue
            title = m.group(2)
            s = SECTION_HEADING.match(title)
            if s:
                self.sections.add(s.group(1))
            a = slug(title)
            n = seen.get(a, 0)
            seen[a] = n + 1
            self.anchors.add(a if n == 0 else "%s-%d" % (a, n))


def resolve_doc(root, src, prefix, name):
    """The file a section reference names: as written from the root or from the citing file's
    folder, else docs/<name>."""
    for cand in (os.path.join(prefix, name), os.path.join(os.path.dirname(src), prefix, name),
                 os.path.join("docs", name)):
        cand = os.path.normpath(cand)
        if os.path.isfile(os.path.join(root, cand)):
            return cand
    return None


def scan(root):
    docs, bad, files = {}, [], list_files(root)

    def doc(rel):
        if rel not in docs:
            docs[rel] = Doc(read_text(os.path.join(root, rel)) or "")
        return docs[rel]

    n = 0
    for rel in files:
        text = read_text(os.path.join(root, rel))
        if text is None:
            continue
        n += 1
        for lineno, line in enumerate(text.splitlines(), 1):
            for m in SECTION_REF.finditer(line):
                target = resolve_doc(root, rel, m.group(1), m.group(2))
                if target is None:
                    bad.append("%s:%d: %s §%s: no such file" % (rel, lineno, m.group(2), m.group(3)))
                    continue
                for sec in (m.group(3), m.group(4)):
                    if sec and sec not in doc(target).sections:
                        bad.append("%s:%d: %s has no heading §%s" % (rel, lineno, target, sec))
            if not rel.endswith(".md"):
                continue
            for m in LINK.finditer(line):
                url = m.group(1)
                if re.match(r"^[a-z]+:", url):
                    continue  # http:, https:, mailto:
                path, _, anchor = url.partition("#")
                target = os.path.normpath(os.path.join(os.path.dirname(rel), path)) if path else rel
                if not os.path.exists(os.path.join(root, target)):
                    bad.append("%s:%d: link %s: no such file" % (rel, lineno, url))
                elif anchor and target.endswith(".md") and anchor not in doc(target).anchors:
                    bad.append("%s:%d: link %s: %s has no heading with that anchor" % (rel, lineno, url, target))
    return n, bad


def self_check():
    """A scratch tree (no git) with good references passes; each planted dangling kind fails. The
    section signs are escapes so that this file does not cite the scratch tree's files itself."""
    good = {
        "docs/a.md": "# A\n\n## \u00a71 One\n\n### \u00a71.2 Two, part `b`\n\nsee b.md \u00a71, [b](b.md#b-first) and [here](#12-two-part-b)\n",
        "docs/b.md": "# B first\n\n## \u00a71 X\n\n```\n## \u00a79 in a code block\n```\n\na.md \u00a71.2, docs/a.md \u00a71-1.2 and a.md \u00a71\u2013\u00a71.2\n",
        "src/x.c": "/* docs/a.md \u00a71.2 */\n",
        "build/docs/c.md": "a.md \u00a75 in a build folder is not scanned\n",
    }
    planted = [
        ("src/y.c", "/* docs/a.md \u00a73 */\n"),
        ("docs/c.md", "a.md \u00a71-2\n"),
        ("docs/c.md", "b.md \u00a79 (only inside a code block)\n"),
        ("docs/c.md", "missing.md \u00a71\n"),
        ("docs/c.md", "[x](nowhere.md)\n"),
        ("docs/c.md", "[x](a.md#no-such-heading)\n"),
        ("docs/c.md", "[x](#no-anchor-here)\n"),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for rel, text in good.items():
            os.makedirs(os.path.dirname(os.path.join(tmp, rel)), exist_ok=True)
            with open(os.path.join(tmp, rel), "w") as f:
                f.write(text)
        n, bad = scan(tmp)
        if bad or n != 3:
            return "a clean scratch tree was refused (%d files): %s" % (n, bad)
        for rel, text in planted:
            path = os.path.join(tmp, rel)
            with open(path, "w") as f:
                f.write(text)
            _, bad = scan(tmp)
            os.remove(path)
            if len(bad) != 1:
                return "planted %r in %s: expected one finding, got %s" % (text.strip(), rel, bad)
    return None


def main():
    if len(sys.argv) != 2:
        print("usage: check_doc_refs.py <source dir>", file=sys.stderr)
        return 2
    err = self_check()
    if err:
        print("FAIL: self-check: " + err, file=sys.stderr)
        return 1
    n, bad = scan(sys.argv[1])
    if n == 0:
        print("check_doc_refs: no files found under " + sys.argv[1], file=sys.stderr)
        return 2
    print("check_doc_refs: %d files scanned under %s" % (n, sys.argv[1]))
    if bad:
        print("\n".join(bad), flush=True)
        print("FAIL: the references above do not resolve; fix the reference or the heading", file=sys.stderr)
        return 1
    print("PASS: every section reference and documentation link resolves")
    return 0


if __name__ == "__main__":
    sys.exit(main())
