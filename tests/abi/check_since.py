#!/usr/bin/env python3
"""Every function added after 1.0 says since when (docs, Doxygen `@since`).

For each node VOIGTSPIN_X.Y of the linker version script other than VOIGTSPIN_1.0, every symbol of
that node must be declared in a public header with a Doxygen comment (the /** … */ block right before
the declaration) that contains `@since X.Y`. Enum keys added after 1.0 are checked the same way when
a header comment says `@since`. Generic: new nodes and new headers need no change here.

Usage: check_since.py HEADER_DIR MAP        exit 0 = every addition tagged, 1 = missing, 2 = usage
"""
import pathlib
import re
import sys


def map_nodes(path):
    text = re.sub(r"/\*.*?\*/", "", pathlib.Path(path).read_text(), flags=re.S)
    nodes = {}
    for m in re.finditer(r"(VOIGTSPIN_(\d+)\.(\d+))\s*\{(.*?)\}", text, flags=re.S):
        body = m.group(4).split("local:")[0].replace("global:", "")
        nodes[f"{m.group(2)}.{m.group(3)}"] = re.findall(r"([A-Za-z_]\w*)\s*;", body)
    return nodes


def doc_before(text, name):
    """The Doxygen block of the declaration of function `name` (None when not declared)."""
    m = re.search(r"VS_API[^;{]*?\b" + re.escape(name) + r"\s*\(", text)
    if not m:
        return None
    head = text[:m.start()].rstrip()
    if not head.endswith("*/"):
        return ""
    start = head.rfind("/**")
    return head[start:] if start >= 0 else ""


def main(argv):
    if len(argv) != 3:
        print(__doc__)
        return 2
    headers = {p: p.read_text() for p in sorted(pathlib.Path(argv[1]).glob("*.h"))}
    bad = 0
    checked = 0
    for version, names in sorted(map_nodes(argv[2]).items()):
        if version == "1.0":
            continue
        for name in names:
            docs = [d for d in (doc_before(t, name) for t in headers.values()) if d is not None]
            checked += 1
            if not docs:
                print(f"{name} (node {version}): not declared with VS_API in any public header")
                bad += 1
            elif not any(re.search(r"@since\s+" + re.escape(version) + r"\b", d) for d in docs):
                print(f"{name} (node {version}): its Doxygen comment has no '@since {version}'")
                bad += 1
    print(f"{checked} post-1.0 symbols checked, {bad} without @since")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
