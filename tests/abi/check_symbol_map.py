#!/usr/bin/env python3
"""The exported ABI is declared in three places that must agree (README "Promises"):

  1. the `VS_API` declarations in the public headers include/libvoigtspin/*.h,
  2. the `global:` names of the linker version script lib/libvoigtspin.map,
  3. the dynamic symbol table of the built shared library.

Usage:
  check_symbol_map.py headers HEADER_DIR MAP      # 1 == 2, both ways
  check_symbol_map.py library LIBRARY.so MAP      # 3 == 2, names and version nodes

Generic on purpose: every header in HEADER_DIR is parsed, every node of the map is read, so new
functions and new version nodes need no change here. Exit status 0 = agree, 1 = mismatch, 2 = usage.
"""
import pathlib
import re
import subprocess
import sys

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip_c_comments(text):
    """Remove /* */ and // comments, keeping newlines so messages can cite lines."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    text = re.sub(r"/\*.*?\*/", blank, text, flags=re.S)
    return re.sub(r"//[^\n]*", blank, text)


def header_symbols(header_dir):
    """Map exported name -> 'file:line' for every VS_API declaration outside preprocessor lines."""
    found = {}
    for path in sorted(pathlib.Path(header_dir).glob("*.h")):
        text = strip_c_comments(path.read_text(encoding="utf-8"))
        # Drop preprocessor lines (with continuations): `#define VS_API ...` is not a declaration.
        text = re.sub(r"^[ \t]*#(?:[^\n]*\\\n)*[^\n]*", lambda m: "\n" * m.group(0).count("\n"),
                      text, flags=re.M)
        for m in re.finditer(r"\bVS_API\b([^;{]*)", text):
            decl = m.group(1)
            paren = decl.find("(")
            head = decl[:paren] if paren >= 0 else re.split(r"[\[=]", decl)[0]
            names = re.findall(IDENT, head)
            line = text.count("\n", 0, m.start()) + 1
            where = f"{path.name}:{line}"
            if not names:
                sys.exit(f"{where}: cannot find the declared name in 'VS_API{decl.strip()}'")
            name = names[-1]
            if name in found:
                print(f"{where}: {name} declared with VS_API twice (also {found[name]})")
            found.setdefault(name, where)
    return found


def map_symbols(map_path):
    """Map exported name -> version node for every `global:` entry of the version script."""
    text = pathlib.Path(map_path).read_text(encoding="utf-8")
    text = strip_c_comments(text)
    text = re.sub(r"#[^\n]*", "", text)
    names = {}
    problems = []
    for node in re.finditer(r"(" + IDENT + r"(?:\.[0-9A-Za-z_]+)*)\s*\{(.*?)\}\s*(" + IDENT +
                            r"(?:\.[0-9A-Za-z_]+)*)?\s*;", text, flags=re.S):
        version, body = node.group(1), node.group(2)
        scope = None
        for tok in re.findall(r"[^\s;]+:|[^\s;]+", body):
            if tok.endswith(":"):
                scope = tok[:-1]
                continue
            if scope != "global":
                continue
            if not re.fullmatch(IDENT, tok):
                problems.append(f"{version}: global entry '{tok}' is a pattern, list names explicitly")
                continue
            if tok in names:
                problems.append(f"{tok} listed twice in the map ({names[tok]} and {version})")
            names.setdefault(tok, version)
    return names, problems


def version_nodes(map_path):
    text = strip_c_comments(pathlib.Path(map_path).read_text(encoding="utf-8"))
    return re.findall(r"(" + IDENT + r"(?:\.[0-9A-Za-z_]+)*)\s*\{", text)


def library_symbols(lib, versions):
    """Map defined dynamic symbol -> version node ('' if unversioned), from `nm -D --defined-only`.
    The absolute symbols that define the version nodes themselves (`A VOIGTSPIN_1.0`) are skipped."""
    out = subprocess.run(["nm", "-D", "--defined-only", "--with-symbol-versions", lib],
                         check=True, capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        kind, sym = parts[-2], parts[-1]
        name, _, version = sym.partition("@")
        version = version.lstrip("@")
        if kind == "A" and name in versions:
            continue
        syms[name] = version
    return syms


def report(title, names, where):
    for n in sorted(names):
        print(f"  {title}: {n}  ({where(n)})")


def node_problems(map_path):
    """One node per minor release, named VOIGTSPIN_MAJOR.MINOR (README "Promises")."""
    return [f"version node '{v}' is not named VOIGTSPIN_MAJOR.MINOR"
            for v in version_nodes(map_path) if not re.fullmatch(r"VOIGTSPIN_[0-9]+\.[0-9]+", v)]


def check_headers(header_dir, map_path):
    declared = header_symbols(header_dir)
    listed, problems = map_symbols(map_path)
    problems += node_problems(map_path)
    for p in problems:
        print(p)
    missing = set(declared) - set(listed)
    extra = set(listed) - set(declared)
    if missing:
        print(f"VS_API declarations missing from {map_path} (add them to your section):")
        report("not in map", missing, lambda n: declared[n])
    if extra:
        print(f"{map_path} lists names with no VS_API declaration in {header_dir}:")
        report("not declared", extra, lambda n: listed[n])
    ok = not (missing or extra or problems)
    print(f"{len(declared)} VS_API declarations, {len(listed)} map entries: "
          + ("they agree" if ok else "MISMATCH"))
    return ok


def check_library(lib, map_path):
    listed, problems = map_symbols(map_path)
    for p in problems:
        print(p)
    exported = library_symbols(lib, set(listed.values()) | set(version_nodes(map_path)))
    missing = set(listed) - set(exported)
    extra = set(exported) - set(listed)
    wrong_node = sorted(n for n in set(listed) & set(exported) if exported[n] != listed[n])
    if missing:
        print(f"names in the map that {lib} does not define (declared but not implemented, "
              "or not marked VS_API in the .c file?):")
        report("not exported", missing, lambda n: listed[n])
    if extra:
        print(f"{lib} exports symbols that the map does not list (leaked internals?):")
        report("unexpected export", extra, lambda n: exported[n] or "unversioned")
    for n in wrong_node:
        print(f"  {n}: exported in version node '{exported[n]}', map says '{listed[n]}'")
    ok = not (missing or extra or wrong_node or problems)
    print(f"{len(exported)} exported symbols, {len(listed)} map entries: "
          + ("they agree" if ok else "MISMATCH"))
    return ok


def main(argv):
    if len(argv) != 4 or argv[1] not in ("headers", "library"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, arg, map_path = argv[1:]
    ok = check_headers(arg, map_path) if mode == "headers" else check_library(arg, map_path)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
