#!/usr/bin/env python3
"""Every exported function of the MPI add-on (VS_MPI_API in include/mpi/libvoigtspin/mpi.h) has a BIND(C)
interface in module voigtspin_mpi (fortran/mpi/voigtspin_mpi.f90) and a public Fortran procedure of the
same name. A function taking an MPI_Comm is reached through its `_f` twin (the communicator as an
INTEGER, MPI_Comm_f2c in C): then the twin is bound and the public procedure has the C name without
`_f`. TAP output.

usage: check_fortran_mpi_coverage.py MPI_H MODULE_SOURCE
"""
import pathlib
import re
import sys

header = pathlib.Path(sys.argv[1]).read_text()
module = pathlib.Path(sys.argv[2]).read_text()

bound = set(re.findall(r"name='(vs_[a-z0-9_]+)'", module))
public = set()
for block in re.findall(r"public\s*::((?:[^\n]*&\s*\n)*[^\n]*)", module, flags=re.IGNORECASE):
    public.update(n.lower() for n in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", block))

decl = re.compile(r"^VS_MPI_API\b[^;(]*?\b(vs_mpi_[a-z0-9_]+)\s*\(([^)]*)\)", re.MULTILINE)
funcs = decl.findall(header)
names = {n for n, _ in funcs}
checks = []
for name, args in funcs:
    if "MPI_Comm" in args:
        twin = name + "_f"
        ok = twin in names and twin in bound and name in public
        checks.append((ok, "%s: reached through %s (bound) as the public %s" % (name, twin, name)))
    elif name.endswith("_f") and name[:-2] in names:
        ok = name in bound
        checks.append((ok, "%s: bound (public as %s)" % (name, name[:-2])))
    else:
        ok = name in bound and name in public
        checks.append((ok, "%s: bound and public" % name))

print("1..%d" % (len(checks) + 1))
print("%s 1 - mpi.h declares VS_MPI_API functions (%d)" % ("ok" if funcs else "not ok", len(funcs)))
good = bool(funcs)
for i, (ok, text) in enumerate(checks, 2):
    good &= ok
    print("%s %d - %s" % ("ok" if ok else "not ok", i, text))
sys.exit(0 if good else 1)
