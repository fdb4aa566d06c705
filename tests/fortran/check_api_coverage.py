#!/usr/bin/env python3
"""Every exported C function (VS_API in include/libvoigtspin/*.h) has a BIND(C) interface in the
Fortran module and a public Fortran procedure of the same name, so the bindings cover the whole
public API and stay that way when the C API grows. TAP output, one line per header.

usage: check_api_coverage.py INCLUDE_DIR MODULE_SOURCE
"""
import pathlib
import re
import sys

include_dir = pathlib.Path(sys.argv[1])
module = pathlib.Path(sys.argv[2]).read_text()

bound = set(re.findall(r"name='(vs_[a-z0-9_]+)'", module))
# Public names: every `public ::` list (with continuation lines) of the module.
public = set()
for block in re.findall(r"public\s*::((?:[^\n]*&\s*\n)*[^\n]*)", module, flags=re.IGNORECASE):
    public.update(n.lower() for n in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", block))

headers = sorted(include_dir.glob("*.h"))
decl = re.compile(r"^VS_API\b[^;(]*?\b(vs_[a-z0-9_]+)\s*\(", re.MULTILINE)
results = []
for h in headers:
    names = decl.findall(h.read_text())
    if not names:
        continue
    missing = [n for n in names if n not in bound or n not in public]
    results.append((h.name, len(names), missing))

print("1..%d" % len(results))
ok_all = True
for i, (name, count, missing) in enumerate(results, 1):
    good = not missing
    ok_all &= good
    print("%s %d - %s: all %d VS_API functions are bound and public in module voigtspin"
          % ("ok" if good else "not ok", i, name, count))
    for n in missing:
        print("# not bound: %s" % n)
sys.exit(0 if ok_all else 1)
