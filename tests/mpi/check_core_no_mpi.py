#!/usr/bin/env python3
"""The core library stays MPI-free (issue 15): libvoigtspin.so has no MPI_/ompi_/fftw_mpi symbol (defined
or undefined, dynamic table), no NEEDED entry of an MPI or FFTW-MPI library, and libvoigtspin.pc does
not mention mpi. MPI lives only in the add-on libvoigtspin_mpi.

Usage: check_core_no_mpi.py LIBRARY.so [PCFILE]     exit 0 = MPI-free, 1 = MPI found, 2 = usage
(The suite runs it once more on libvoigtspin_mpi.so with should_fail, so the check is seen to fail.)
"""
import re
import subprocess
import sys

SYMBOL = re.compile(r"^(MPI_|PMPI_|ompi_|opal_|orte_|fftw_mpi_|fftwf_mpi_|fftwl_mpi_)")
NEEDED = re.compile(r"libmpi|libopen-|libfftw3_mpi|libfftw3f_mpi|libmpich|libpmpi", re.I)


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__)
        return 2
    lib = argv[1]
    bad = []
    syms = subprocess.run(["nm", "-D", lib], capture_output=True, text=True, check=True).stdout
    for line in syms.splitlines():
        name = line.split()[-1].split("@")[0] if line.split() else ""
        if SYMBOL.match(name):
            bad.append(f"{lib}: dynamic symbol {name}")
    dyn = subprocess.run(["readelf", "-d", lib], capture_output=True, text=True, check=True).stdout
    for m in re.finditer(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dyn):
        if NEEDED.search(m.group(1)):
            bad.append(f"{lib}: NEEDED {m.group(1)}")
    if len(argv) == 3:
        with open(argv[2], encoding="utf-8") as f:
            for i, line in enumerate(f, 1):
                if re.search(r"mpi", line, re.I):
                    bad.append(f"{argv[2]}:{i}: mentions mpi: {line.strip()}")
    for b in bad:
        print(b)
    print(f"{lib}: {len(bad)} MPI traces")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
