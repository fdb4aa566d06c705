#!/usr/bin/env python3
"""SONAME rule: libNAME.so.0 while the version is 0.x, libNAME.so.MAJOR from 1.0 (docs/building.md).

Usage: check_soname.py LIBRARY.so PROJECT_VERSION

LIBRARY.so is a *built* shared library (libvoigtspin.so or libvoigtspin_f.so, or one of their
versioned files); NAME comes from its file name. The rule is computed here from PROJECT_VERSION
alone and compared with what the linker wrote: DT_SONAME read with `readelf -d`. Also checked: the
real file carries the full version (libNAME.so.X.Y.Z), the SONAME link next to it resolves to that
file, and there are no text relocations. meson.build derives `soversion` from the version too, so
this test is what notices a build that sets the SONAME some other way (a changed `soversion:`, a
linker flag, a build system update). The suite 'abi' test soname_check_rejects_wrong_version runs
this script with another major version and expects it to fail: the check itself can fail.
"""
import os
import re
import subprocess
import sys


def library_name(path):
    """'libvoigtspin_f' from .../libvoigtspin_f.so or .../libvoigtspin_f.so.1.0.0."""
    m = re.match(r"^(lib[A-Za-z0-9_+-]+)\.so(\.[0-9.]+)?$", os.path.basename(path))
    if not m:
        raise SystemExit(f"{path}: not a shared library file name (libNAME.so[.X.Y.Z])")
    return m.group(1)


def expected_soname(name, version):
    major = int(version.split(".")[0])
    # 0.x keeps .so.0 by project rule (the abidiff baseline guards it); from 1.0 on an ABI break
    # needs a new major version and with it a new SONAME.
    return f"{name}.so.0" if major == 0 else f"{name}.so.{major}"


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    lib, version = argv[1], argv[2]
    if not re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", version):
        print(f"version '{version}' is not MAJOR.MINOR.PATCH")
        return 2
    name = library_name(lib)
    out = subprocess.run(["readelf", "-d", "-W", lib], check=True, capture_output=True,
                         text=True).stdout
    m = re.search(r"\(SONAME\)\s+Library soname: \[([^\]]+)\]", out)
    if not m:
        print(f"{lib}: no DT_SONAME entry")
        return 1
    soname, want = m.group(1), expected_soname(name, version)
    ok = True
    if soname != want:
        print(f"{lib}: SONAME is {soname}, version {version} requires {want}")
        ok = False
    real = os.path.realpath(lib)
    if os.path.basename(real) != f"{name}.so.{version}":
        print(f"{lib}: real file is {os.path.basename(real)}, expected {name}.so.{version}")
        ok = False
    link = os.path.join(os.path.dirname(lib), soname)
    if not os.path.exists(link) or os.path.realpath(link) != real:
        print(f"{link}: SONAME link missing or not pointing at {real}")
        ok = False
    if re.search(r"\(TEXTREL\)", out):
        print(f"{lib}: has text relocations (not built position-independent)")
        ok = False
    print(f"{name}: SONAME {soname}, version {version}: " + ("ok" if ok else "WRONG"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
