#!/usr/bin/env python3
"""ABI discipline of the add-on libvoigtspin_mpi (the core's checks in tests/abi cover only
include/libvoigtspin/ and lib/libvoigtspin.map). TAP output.

  1. the VS_MPI_API declarations of mpi.h == the global names of libvoigtspin_mpi.map (both ways);
  2. the built library exports exactly the map's names, all at version node VOIGTSPIN_MPI_1.1;
  3. every declaration's Doxygen comment says @since 1.1;
  5. doxygen (when installed) documents mpi.h without a warning;
  4. mpi.h compiles alone (twice included) as C99 -pedantic -Werror and as C++11, given the MPI include dir
     (C++: without the deprecated MPI C++ bindings, OMPI_SKIP_MPICXX / MPICH_SKIP_MPICXX, whose own
     headers are not -pedantic clean).

Usage: check_mpi_abi.py MPI_H MAP LIBRARY.so INCLUDE_DIRS(:-separated) CC [CXX]
"""
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile


def main(argv):
    if len(argv) not in (6, 7):
        print(__doc__)
        return 2
    header, mapf, lib, incs, cc = argv[1:6]
    cxx = argv[6] if len(argv) == 7 else None
    text = pathlib.Path(header).read_text()
    decls = {}
    for m in re.finditer(r"^VS_MPI_API\b[^;(]*?\b(vs_mpi_\w+)\s*\(", text, flags=re.M):
        doc = text[:m.start()].rstrip()
        decls[m.group(1)] = doc.endswith("*/") and "@since 1.1" in doc[doc.rfind("/**"):]
    maptext = re.sub(r"/\*.*?\*/", "", pathlib.Path(mapf).read_text(), flags=re.S)
    node = re.search(r"VOIGTSPIN_MPI_1\.1\s*\{\s*global:(.*?)local:", maptext, flags=re.S)
    mapped = set(re.findall(r"(\w+)\s*;", node.group(1))) if node else set()
    results = []
    results.append((set(decls) == mapped and len(mapped) > 0,
                    f"header and map agree ({len(mapped)} names; only in header: {sorted(set(decls) - mapped)}, "
                    f"only in map: {sorted(mapped - set(decls))})"))
    out = subprocess.run(["nm", "-D", "--defined-only", lib], capture_output=True, text=True, check=True).stdout
    exported = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TtWDdBbRrVvi" and not parts[2].startswith("VOIGTSPIN"):
            name, _, ver = parts[2].partition("@")
            exported[name] = ver.lstrip("@")
    results.append((set(exported) == mapped and all(v == "VOIGTSPIN_MPI_1.1" for v in exported.values()),
                    f"the library exports the map's names at VOIGTSPIN_MPI_1.1 ({sorted(exported.items())[:3]} …)"))
    nosince = sorted(n for n, ok in decls.items() if not ok)
    results.append((not nosince, f"every declaration says @since 1.1 (missing: {nosince})"))
    iflags = [f"-I{d}" for d in incs.split(":") if d]
    with tempfile.TemporaryDirectory() as d:
        for lang, comp, flags, suffix in (("C99", cc, ["-std=c99"], ".c"), ("C++11", cxx, ["-std=c++11", "-DOMPI_SKIP_MPICXX=1", "-DMPICH_SKIP_MPICXX=1"], ".cpp")):
            if not comp:
                continue
            tu = pathlib.Path(d) / ("tu" + suffix)
            tu.write_text("#include <libvoigtspin/mpi.h>\n#include <libvoigtspin/mpi.h>\ntypedef int vs_unit;\n")
            r = subprocess.run(comp.split() + flags + ["-pedantic", "-Werror", "-Wall", "-Wextra", "-fsyntax-only"] +
                               iflags + [str(tu)], capture_output=True, text=True)
            results.append((r.returncode == 0, f"mpi.h compiles alone as {lang} -pedantic -Werror {r.stderr.strip()[:300]}"))
    doxygen = shutil.which("doxygen")
    if doxygen:
        with tempfile.TemporaryDirectory() as d:
            core = pathlib.Path(header).resolve().parents[2] / "libvoigtspin"  # include/libvoigtspin
            gen = [str(pathlib.Path(i) / "libvoigtspin" / "version.h") for i in incs.split(":") if i and
                   (pathlib.Path(i) / "libvoigtspin" / "version.h").is_file()]
            cfg = (f"INPUT = {header} {core} {' '.join(gen)}\nFILE_PATTERNS = *.h\nOUTPUT_DIRECTORY = {d}\nGENERATE_HTML = NO\n"
                   "GENERATE_LATEX = NO\nGENERATE_XML = YES\n"
                   "EXTRACT_ALL = NO\nWARN_IF_UNDOCUMENTED = YES\nWARN_IF_DOC_ERROR = YES\nWARN_NO_PARAMDOC = NO\n"
                   "QUIET = YES\nWARN_AS_ERROR = FAIL_ON_WARNINGS\nOPTIMIZE_OUTPUT_FOR_C = YES\nINPUT_ENCODING = UTF-8\n")
            r = subprocess.run([doxygen, "-"], input=cfg, capture_output=True, text=True)
            msgs = " | ".join(line for line in (r.stdout + r.stderr).splitlines() if line.strip())
            results.append((r.returncode == 0 and not msgs, f"doxygen: no warnings on mpi.h {msgs[:4000]}"))
    for i, (ok, msg) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {msg}")
    print(f"1..{len(results)}")
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
