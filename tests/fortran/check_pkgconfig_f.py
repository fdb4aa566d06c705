#!/usr/bin/env python3
"""libvoigtspin_f.pc declares the Fortran wrapper the way consumers need it (docs/fortran.md).

Usage: check_pkgconfig_f.py PC_FILE PROJECT_VERSION

- Version is the project version; Requires names libvoigtspin (the C library it wraps);
  Libs is exactly -L${libdir} -lvoigtspin_f; Cflags points at the module directory (fmoddir).
- Libs.private carries -lgfortran: a static libvoigtspin_f.a calls the gfortran runtime, which a
  C or C++ program linking it with `pkg-config --static --libs` would otherwise miss.
- `pkg-config --validate` accepts the file.
"""
import re
import subprocess
import sys


def fields(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^([A-Za-z.]+):\s*(.*)$", line.rstrip("\n"))
            if m:
                out[m.group(1)] = m.group(2)
            m = re.match(r"^([A-Za-z_]+)=(.*)$", line.rstrip("\n"))
            if m:
                out["var:" + m.group(1)] = m.group(2)
    return out


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    pc, version = argv[1:]
    f = fields(pc)
    problems = []
    if f.get("Version") != version:
        problems.append(f"Version: {f.get('Version')!r}, expected {version!r}")
    requires = {re.split(r"[\s<>=]", x.strip())[0] for x in f.get("Requires", "").split(",") if x.strip()}
    if "libvoigtspin" not in requires:
        problems.append(f"Requires lacks libvoigtspin: {f.get('Requires')!r}")
    if sorted(f.get("Libs", "").split()) != sorted(["-L${libdir}", "-lvoigtspin_f"]):
        problems.append(f"Libs is not exactly -L${{libdir}} -lvoigtspin_f: {f.get('Libs')!r}")
    if "-lgfortran" not in f.get("Libs.private", "").split():
        problems.append(f"Libs.private lacks -lgfortran: {f.get('Libs.private')!r}")
    fmod = f.get("var:fmoddir")
    if not fmod or "-I" + fmod not in f.get("Cflags", "").split():
        problems.append(f"Cflags {f.get('Cflags')!r} does not point at fmoddir {fmod!r}")
    r = subprocess.run(["pkg-config", "--validate", pc], capture_output=True, text=True)
    if r.returncode != 0:
        problems.append("pkg-config --validate: " + (r.stdout + r.stderr).strip())
    for p in problems:
        print(p)
    print(f"{pc}: " + ("ok" if not problems else "WRONG"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
