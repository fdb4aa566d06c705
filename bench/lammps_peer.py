#!/usr/bin/env python3
"""Peer comparison with LAMMPS (docs/performance.md): the tin-foil dipolar energy of an sc lattice of random unit
point dipoles, from libvoigtspin (W = k̂k̂ᵀ, U = −I/3) and from LAMMPS (pair lj/cut/dipole/long with
zero LJ, kspace ewald/dipole) at matched accuracy, with the per-evaluation times of both.
Usage: lammps_peer.py <lammps_export> [L ...]   (skips with exit 77 when `lmp` is not installed)."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

LMP_INPUT = """units lj
atom_style hybrid sphere dipole
boundary p p p
read_data {data}
pair_style lj/cut/dipole/long {rc}
pair_coeff * * 0.0 1.0
pair_modify table 0
kspace_style {kspace} {acc}
neighbor 0.3 bin
neigh_modify every 1000 delay 1000 check no
thermo_style custom step pe
thermo_modify format float %.15g
thermo {nsteps}
run {nsteps}
"""


def main():
    lmp = shutil.which("lmp") or shutil.which("lmp_serial")
    if lmp is None:
        print("lmp not found: skipping the LAMMPS comparison")
        return 77
    export = sys.argv[1]
    sizes = [int(x) for x in sys.argv[2:]] or [8, 16]
    print("# tin-foil dipolar energy of an sc lattice of random unit dipoles (a = 1, Gaussian units);"
          " LAMMPS kspace %s, accuracy %s" % (os.environ.get("LMP_KSPACE", "ewald/dipole"),
                                              os.environ.get("LMP_ACC", "1e-10")))
    print("%4s %8s %22s %22s %10s %12s %12s %8s" % ("L", "N", "E libvoigtspin", "E LAMMPS", "rel diff",
                                                   "t_lib (s)", "t_lmp (s)", "lmp/lib"))
    for L in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            data = os.path.join(tmp, "dipoles.data")
            out = subprocess.run([export, str(L), data], check=True, capture_output=True, text=True).stdout
            vals = dict(line.split() for line in out.strip().splitlines())
            nsteps = 5
            with open(os.path.join(tmp, "in.lmp"), "w") as f:
                f.write(LMP_INPUT.format(data=data, rc=min(4.0, L / 2.0 - 0.01), acc=float(os.environ.get("LMP_ACC", "1e-10")),
                                         kspace=os.environ.get("LMP_KSPACE", "ewald/dipole"),
                                         nsteps=nsteps))
            res = subprocess.run([lmp, "-in", "in.lmp", "-screen", "none", "-log", "log.lammps"],
                                 cwd=tmp, capture_output=True, text=True)
            log = open(os.path.join(tmp, "log.lammps")).read()
            if res.returncode != 0:
                print(log[-2000:])
                return 1
            pe = float(re.findall(r"^\s*0\s+(\S+)\s*$", log, re.M)[0])
            loop = float(re.search(r"Loop time of (\S+)", log).group(1)) / nsteps
            # LAMMPS's pe is per atom in lj units ("thermo_modify norm yes" is the lj default)
            e_lmp = pe * int(vals["N"])
            e_lib = float(vals["E_dd_tinfoil"])
            t_lib = float(vals["t_fields_energy"])
            print("%4d %8s %22.15g %22.15g %10.2e %12.3g %12.3g %8.0f" % (
                L, vals["N"], e_lib, e_lmp, abs(e_lib - e_lmp) / abs(e_lmp), t_lib, loop, loop / t_lib))
    return 0


if __name__ == "__main__":
    sys.exit(main())
