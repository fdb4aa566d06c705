#!/usr/bin/env python3
"""libvoigtspin.pc declares the library the way consumers need it (docs/architecture.md; README "Promises").

Usage: check_pkgconfig.py PC_FILE PROJECT_VERSION DEFAULT_LIBRARY
       check_pkgconfig.py --fortran PC_FILE PROJECT_VERSION   (libvoigtspin_f.pc, below)

- Version is the project version; Cflags is -I${includedir} (headers are included as
  <libvoigtspin/x.h>); Libs links -lvoigtspin from ${libdir}.
- GSL, FFTW3 and LAPACKE are implementation details (no dependency types in the headers): with a
  shared library they must be in Requires.private only, so `pkg-config --libs` gives just
  -lvoigtspin and `pkg-config --static --libs` gives everything. A static-only build lists them
  publicly (meson's choice: nothing else could satisfy them), which is also accepted.
- `pkg-config --validate` accepts the file.
- No compiler-specific OpenMP flag (-fopenmp, -qopenmp, -openmp, -fiopenmp) anywhere: a static
  link with another compiler would load that compiler's OpenMP runtime next to the library's.
  The runtime library itself (-lgomp, -lomp) belongs in Libs.private.

libvoigtspin_f.pc (--fortran; docs/fortran.md): Requires names libvoigtspin (the C library it wraps);
Libs is exactly -L${libdir} -lvoigtspin_f; Cflags points at the module directory (fmoddir);
Libs.private carries -lgfortran (a static libvoigtspin_f.a calls the gfortran runtime, which a C or
C++ program linking it with `pkg-config --static --libs` would otherwise miss); it validates.
"""
import re
import subprocess
import sys

DEPS = {"gsl", "fftw3", "lapacke"}


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


def validate(pc, problems):
    r = subprocess.run(["pkg-config", "--validate", pc], capture_output=True, text=True)
    if r.returncode != 0:
        problems.append("pkg-config --validate: " + (r.stdout + r.stderr).strip())


def report(pc, problems):
    for p in problems:
        print(p)
    print(f"{pc}: " + ("ok" if not problems else "WRONG"))
    return 1 if problems else 0


def check_fortran(pc, version):
    f = fields(pc)
    problems = []
    if f.get("Version") != version:
        problems.append(f"Version: {f.get('Version')!r}, expected {version!r}")
    if "libvoigtspin" not in modules(f.get("Requires", "")):
        problems.append(f"Requires lacks libvoigtspin: {f.get('Requires')!r}")
    if sorted(f.get("Libs", "").split()) != sorted(["-L${libdir}", "-lvoigtspin_f"]):
        problems.append(f"Libs is not exactly -L${{libdir}} -lvoigtspin_f: {f.get('Libs')!r}")
    if "-lgfortran" not in f.get("Libs.private", "").split():
        problems.append(f"Libs.private lacks -lgfortran: {f.get('Libs.private')!r}")
    fmod = f.get("var:fmoddir")
    if not fmod or "-I" + fmod not in f.get("Cflags", "").split():
        problems.append(f"Cflags {f.get('Cflags')!r} does not point at fmoddir {fmod!r}")
    validate(pc, problems)
    return report(pc, problems)


def modules(value):
    return {re.split(r"[\s<>=]", item.strip())[0] for item in value.split(",") if item.strip()}


def main(argv):
    if len(argv) == 4 and argv[1] == "--fortran":
        return check_fortran(argv[2], argv[3])
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    pc, version, default_library = argv[1:]
    f = fields(pc)
    problems = []
    if f.get("Version") != version:
        problems.append(f"Version: {f.get('Version')!r}, expected {version!r}")
    if "-I${includedir}" not in f.get("Cflags", "").split():
        problems.append(f"Cflags lacks -I${{includedir}}: {f.get('Cflags')!r}")
    libs = f.get("Libs", "").split()
    if "-lvoigtspin" not in libs or "-L${libdir}" not in libs:
        problems.append(f"Libs lacks -L${{libdir}} -lvoigtspin: {f.get('Libs')!r}")
    public, private = modules(f.get("Requires", "")), modules(f.get("Requires.private", ""))
    if default_library == "static":
        if not DEPS <= public | private:
            problems.append(f"static build: {sorted(DEPS - public - private)} missing from Requires")
    else:
        if not DEPS <= private:
            problems.append(f"Requires.private lacks {sorted(DEPS - private)}: "
                            f"{f.get('Requires.private')!r}")
        if public & DEPS:
            problems.append(f"{sorted(public & DEPS)} in public Requires (should be private)")
        extra = [a for a in libs if a not in ("-L${libdir}", "-lvoigtspin")]
        if extra:
            problems.append(f"Libs has more than -lvoigtspin (belongs in Libs.private): {extra}")
    for key in ("Libs", "Libs.private", "Cflags"):
        flags = [a for a in f.get(key, "").split() if re.fullmatch(r"-(f|q|fi)?openmp.*", a)]
        if flags:
            problems.append(f"{key} carries compiler-specific OpenMP flags {flags} "
                            "(list the runtime library, e.g. -lgomp, instead)")
    validate(pc, problems)
    return report(pc, problems)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
