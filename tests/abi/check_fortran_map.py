#!/usr/bin/env python3
"""Every global symbol the Fortran module defines is listed in fortran/libvoigtspin_f.map, and the
map lists nothing else.

Usage: check_fortran_map.py MODULE_ARCHIVE MAP

MODULE_ARCHIVE holds the compiled module objects *before* the linker applies the version script
(a static archive of libvoigtspin_f's objects), so a new binding that was not added to the map
shows up here, where the shared library would silently hide it (`local: *`). The version nodes
must be named VOIGTSPIN_F_MAJOR.MINOR. The exported symbols of the shared library itself, with their
version nodes, are compared with the map by check_symbol_map.py (library mode).
Exit status 0 = agree, 1 = mismatch, 2 = usage.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_symbol_map import map_symbols, version_nodes  # noqa: E402


def module_globals(archive):
    out = subprocess.run(["nm", "-g", "--defined-only", archive], check=True, capture_output=True,
                         text=True).stdout
    return {parts[-1] for parts in (line.split() for line in out.splitlines())
            if len(parts) >= 2 and parts[-2] in "TDRBVWGS"}


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    archive, map_path = argv[1:]
    listed, problems = map_symbols(map_path)
    problems += [f"version node '{v}' is not named VOIGTSPIN_F_MAJOR.MINOR"
                 for v in version_nodes(map_path) if not re.fullmatch(r"VOIGTSPIN_F_[0-9]+\.[0-9]+", v)]
    defined = module_globals(archive)
    missing = sorted(defined - set(listed))
    extra = sorted(set(listed) - defined)
    for p in problems:
        print(p)
    if missing:
        print(f"global symbols of the module missing from {map_path} (add new bindings to the node "
              "of the release that adds them):")
        for n in missing:
            print(f"  not in map: {n}")
    if extra:
        print(f"{map_path} lists names the module does not define (removed or renamed bindings "
              "break the ABI):")
        for n in extra:
            print(f"  not defined: {n}  ({listed[n]})")
    ok = not (problems or missing or extra)
    print(f"{len(defined)} module symbols, {len(listed)} map entries: "
          + ("they agree" if ok else "MISMATCH"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
