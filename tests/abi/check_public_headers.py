#!/usr/bin/env python3
"""Public headers are self-contained, portable and free of dependency types (README "Promises").

Usage:
  check_public_headers.py c   SRC_INCLUDE BUILD_INCLUDE -- CC...   # each header alone, C99 pedantic
  check_public_headers.py cxx SRC_INCLUDE BUILD_INCLUDE -- CXX...  # each header alone, C++11 pedantic
  check_public_headers.py deps SRC_INCLUDE BUILD_INCLUDE           # no GSL/FFTW/MPI/LAPACK(E) types,
                                                                   # umbrella includes every header

SRC_INCLUDE / BUILD_INCLUDE are the include roots holding libvoigtspin/*.h (the build root has the
generated version.h). Every header found there is checked, so new headers need no change here.
Output is TAP, one test point per header.
"""
import os
import pathlib
import re
import subprocess
import sys
import tempfile

C_FLAGS = ["-std=c99", "-pedantic", "-Werror", "-Wall", "-Wextra", "-Wstrict-prototypes",
           "-fsyntax-only"]
CXX_FLAGS = ["-std=c++11", "-pedantic", "-Werror", "-Wall", "-Wextra", "-fsyntax-only"]

# Dependency names that must never reach the public API (outside comments).
FORBIDDEN = [
    (re.compile(r"\bgsl_\w*|\bGSL_\w*"), "GSL type or function"),
    (re.compile(r"\bfftwf?l?q?_\w*|\bFFTW_\w*"), "FFTW type or function"),
    (re.compile(r"\bMPI_\w*|\bmpi_\w*"), "MPI type"),
    (re.compile(r"\w*lapack\w*|\w*LAPACK\w*|\bcblas_\w*|\bCBLAS_\w*|\bopenblas\w*"),
     "LAPACK/BLAS type or function"),
    (re.compile(r"#\s*include\s*[<\"](?!libvoigtspin/|stddef\.h|stdint\.h|stdbool\.h|stdio\.h"
                r"|limits\.h|float\.h)[^>\"]*[>\"]"),
     "include of a non-libvoigtspin, non-standard-C header"),
]


def strip_comments(text):
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    text = re.sub(r"/\*.*?\*/", blank, text, flags=re.S)
    return re.sub(r"//[^\n]*", blank, text)


def public_headers(src_inc, build_inc):
    """Relative names (libvoigtspin/x.h) of all public headers, source and generated."""
    names = set()
    for root in (src_inc, build_inc):
        d = pathlib.Path(root) / "libvoigtspin"
        if d.is_dir():
            names.update("libvoigtspin/" + p.name for p in d.glob("*.h"))
    return sorted(names)


def locate(name, src_inc, build_inc):
    for root in (src_inc, build_inc):
        p = pathlib.Path(root) / name
        if p.is_file():
            return p
    raise FileNotFoundError(name)


def compile_alone(lang, name, src_inc, build_inc, compiler):
    """Compile a translation unit that includes only `name` (twice: the include guard must hold)."""
    suffix, flags = (".c", C_FLAGS) if lang == "c" else (".cpp", CXX_FLAGS)
    with tempfile.TemporaryDirectory(prefix="vs-header-") as tmp:
        tu = pathlib.Path(tmp) / ("tu" + suffix)
        # A declaration after the include keeps the unit non-empty (ISO C forbids empty units).
        tu.write_text(f"#include <{name}>\n#include <{name}>\ntypedef int vs_header_check_unit;\n")
        cmd = compiler + flags + ["-I", src_inc, "-I", build_inc, str(tu)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        return r.returncode == 0, " ".join(cmd) + "\n" + r.stdout + r.stderr


def check_deps(name, src_inc, build_inc):
    text = strip_comments(locate(name, src_inc, build_inc).read_text(encoding="utf-8"))
    problems = []
    for lineno, line in enumerate(text.splitlines(), 1):
        for rx, what in FORBIDDEN:
            for m in rx.finditer(line):
                problems.append(f"{name}:{lineno}: {what}: '{m.group(0)}'")
    return problems


def umbrella_problems(headers, src_inc, build_inc):
    """voigtspin.h must include every other public header, so users need only that one."""
    umbrella = "libvoigtspin/voigtspin.h"
    if umbrella not in headers:
        return [f"{umbrella} is missing"]
    text = strip_comments(locate(umbrella, src_inc, build_inc).read_text(encoding="utf-8"))
    included = set(re.findall(r"#\s*include\s*<(libvoigtspin/[^>]+)>", text))
    # version.h reaches users through common.h; every handle header must be listed directly.
    wanted = set(headers) - {umbrella, "libvoigtspin/version.h"}
    return [f"{umbrella} does not include <{h}>" for h in sorted(wanted - included)]


def tap(results):
    print(f"1..{len(results)}")
    failed = 0
    for i, (ok, label, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {label}")
        if not ok:
            failed += 1
            for line in detail.strip().splitlines():
                print("# " + line)
    return 1 if failed else 0


def main(argv):
    if len(argv) < 4 or argv[1] not in ("c", "cxx", "deps"):
        print(__doc__, file=sys.stderr)
        return 2
    lang, src_inc, build_inc = argv[1], os.path.abspath(argv[2]), os.path.abspath(argv[3])
    headers = public_headers(src_inc, build_inc)
    if not headers:
        print("no public headers found", file=sys.stderr)
        return 2
    results = []
    if lang == "deps":
        for h in headers:
            problems = check_deps(h, src_inc, build_inc)
            results.append((not problems, f"{h} has no dependency types", "\n".join(problems)))
        problems = umbrella_problems(headers, src_inc, build_inc)
        results.append((not problems, "umbrella header includes every public header",
                        "\n".join(problems)))
    else:
        if "--" not in argv:
            print(__doc__, file=sys.stderr)
            return 2
        compiler = argv[argv.index("--") + 1:]
        std = "C99" if lang == "c" else "C++11"
        for h in headers:
            ok, log = compile_alone(lang, h, src_inc, build_inc, compiler)
            results.append((ok, f"{h} compiles alone as pedantic {std} with -Werror", log))
    return tap(results)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
