#!/usr/bin/env python3
"""Module voigtspin_mpi without `stat` (docs/mpi.md, "Fortran"): the wrapper's own checks of the distributed
lattice end the program through `error stop 1` (exit code 1, no signal, no MPI abort) after printing
'libvoigtspin_mpi: <procedure>: <strerror>: <detail>' on stderr. Runs test_fortran_mpi_lattice with the
modes 'stop-comm' (the INTEGER -12345 as communicator) and 'stop-shape' (spins of a wrong shape) on one
rank. TAP output.

usage: check_fortran_mpi_error_stop.py MPIEXEC "MPIEXEC_ARGS" TEST_PROGRAM
"""
import subprocess
import sys

mpiexec, extra, prog = sys.argv[1], sys.argv[2].split(), sys.argv[3]
cases = [("stop-comm", "vs_mpi_lattice_create", "comm = -12345 is not a Fortran communicator handle"),
         ("stop-shape", "vs_mpi_lattice_fields", "s and h must have shape (ncomp, local_nsites)")]
checks = []
for mode, proc_name, detail in cases:
    p = subprocess.run([mpiexec, "-n", "1"] + extra + [prog, mode], capture_output=True, text=True, timeout=60)
    lines = [l for l in p.stderr.splitlines() if l.startswith("libvoigtspin_mpi: ")]
    checks += [
        ("%s: exit code 1 (error stop 1), no signal, no MPI abort" % mode,
         p.returncode == 1 and "MPI_ABORT" not in p.stderr and "signal" not in p.stderr.lower()),
        ("%s: the code before the failing call ran, none after it" % mode,
         "before the failing call" in p.stdout and "after the failing call" not in p.stdout),
        ("%s: one message 'libvoigtspin_mpi: %s: ...: %s'" % (mode, proc_name, detail),
         len(lines) == 1 and lines[0].startswith("libvoigtspin_mpi: %s: " % proc_name) and detail in lines[0]),
    ]
    if not all(ok for _, ok in checks[-3:]):
        print("# %s: exit code %d" % (mode, p.returncode))
        for line in (p.stdout + p.stderr).splitlines():
            print("# " + line)
print("1..%d" % len(checks))
for i, (name, ok) in enumerate(checks, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
sys.exit(0 if all(ok for _, ok in checks) else 1)
