#!/usr/bin/env python3
"""Peer comparison with LAMMPS (docs/performance.md, "Peer comparison: LAMMPS"): the tin-foil dipolar
energy of an sc lattice (a = 1) of random unit point dipoles, from libvoigtspin (W = k̂k̂ᵀ, U = −I/3,
accuracy 1e-12; bench/lammps_export.c) and from LAMMPS (pair lj/cut/dipole/long with zero LJ, kspace
ewald/dipole or pppm/dipole at the accuracy asked), with the setup and per-evaluation times of both.

Usage: lammps_peer.py <lammps_export> [CONFIG ...]
  CONFIG = L[:kspace[:accuracy[:rc]]], e.g. 8:ewald/dipole:1e-12:3.99 (kspace ewald = ewald/dipole,
  pppm = pppm/dipole; default ewald/dipole, 1e-12, rc = min(4, L/2 − 0.01)); default list: DEFAULT.
  Environment: LMP_TIMEOUT (s, default 600) per LAMMPS run; a run that does not finish prints a line.
Skips with exit 77 when `lmp` is not installed.

What is measured (all wall time, both codes single-threaded: OMP_NUM_THREADS=1, one MPI rank):
  t_lib    median of vs_lattice_fields_energy (all N fields and E; ≥ 15 evaluations, ~0.3 s);
  build    the library's lattice creation (table build + planning), once per L;
  t_lmp    LAMMPS "Loop time" / steps: one force + torque + energy evaluation (no fix: nothing moves,
           the neighbour list is not rebuilt; the step-0 evaluation is in the setup, not in the loop);
  setup    LAMMPS process wall time − loop time: start-up, read_data, kspace set-up (g_ewald, k vectors
           or PPPM grid and its optimal influence function), neighbour list, the step-0 evaluation.
Accuracy: `rel` = |E_lmp − E_lib| / |E_lib|. `erfc shift` = what LAMMPS's real-space pair style adds to
the energy through its Abramowitz–Stegun 7.1.26 polynomial for erfc (|ε| ≤ 1.5e-7; the style has no
exact-erfc option), recomputed here with the exact math.erfc over the same pairs (r < rc, all periodic
images, the style's own formulae b0…b2 with LAMMPS's g_ewald); `rel corr` = the relative difference
after removing that shift: what is left is LAMMPS's k-space error plus the library's (< 1e-10).
"""
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

# About 3 min on the 2-core machine of docs/performance.md, most of it pppm/dipole's set-up (≈ 10 s at
# L = 8, 75–90 s at L = 16 for 1e-5). Not in the list: 8:pppm:1e-7 (set-up 267 s, 125³ grid) and
# 32:pppm:1e-5 (set-up 681 s, 180³ grid: 12 min in all).
DEFAULT = ["4:ewald:1e-6", "4:ewald:1e-12", "8:ewald:1e-6", "8:ewald:1e-12", "8:ewald:1e-12:6",
           "8:pppm:1e-5", "16:ewald:1e-6", "16:pppm:1e-5"]

LMP_INPUT = """units lj
atom_style hybrid sphere dipole
boundary p p p
read_data {data}
pair_style lj/cut/dipole/long {rc}
pair_coeff * * 0.0 1.0
pair_modify table 0
kspace_style {kspace} {acc}
neighbor 0.3 bin
neigh_modify every 100000 delay 100000 check no
thermo_style custom step pe
thermo_modify format float %.15g
thermo {nsteps}
run {nsteps}
"""

# Abramowitz & Stegun 7.1.26, as in LAMMPS's pair_lj_cut_dipole_long.cpp (EWALD_P, A1 … A5)
AS_P = 0.3275911
AS_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def erfc_shift(data, L, rc, g):
    """E(LAMMPS's polynomial erfc) − E(exact erfc) of the real-space dipole-dipole sum, pair style
    lj/cut/dipole/long (charges zero): ecoul = b1 (μi·μj) − b2 (μi·r)(μj·r) per pair within rc."""
    mu = {}
    with open(data) as f:
        for line in f:
            p = line.split()
            if len(p) == 11:
                key = tuple(int(round(float(v))) % L for v in p[2:5])
                mu[key] = tuple(float(v) for v in p[8:11])
    n, dE = int(math.floor(rc)), 0.0
    for dx in range(-n, n + 1):
        for dy in range(-n, n + 1):
            for dz in range(-n, n + 1):
                r2 = dx * dx + dy * dy + dz * dz
                if r2 == 0 or r2 >= rc * rc:
                    continue
                r = math.sqrt(r2)
                x = g * r
                t = 1.0 / (1.0 + AS_P * x)
                poly = t * (AS_A[0] + t * (AS_A[1] + t * (AS_A[2] + t * (AS_A[3] + t * AS_A[4])))) * math.exp(-x * x)
                db0 = (poly - math.erfc(x)) / r  # b1, b2 depend on erfc only through b0
                db1 = db0 / r2
                db2 = 3.0 * db1 / r2
                s = 0.0
                for (i, j, k), m in mu.items():
                    o = mu[((i + dx) % L, (j + dy) % L, (k + dz) % L)]
                    s += db1 * (m[0] * o[0] + m[1] * o[1] + m[2] * o[2]) - \
                        db2 * (m[0] * dx + m[1] * dy + m[2] * dz) * (o[0] * dx + o[1] * dy + o[2] * dz)
                dE += 0.5 * s  # every pair twice (i→j and j→i)
    return dE


def parse_config(text):
    p = text.split(":")
    L = int(p[0])
    ks = p[1] if len(p) > 1 and p[1] else "ewald"
    ks = {"ewald": "ewald/dipole", "pppm": "pppm/dipole"}.get(ks, ks)
    acc = float(p[2]) if len(p) > 2 and p[2] else 1e-12
    rc = float(p[3]) if len(p) > 3 and p[3] else min(4.0, L / 2.0 - 0.01)
    return L, ks, acc, rc


def run_lammps(lmp, tmp, data, ks, acc, rc, nsteps, timeout):
    inp = os.path.join(tmp, "in.lmp")
    with open(inp, "w") as f:
        f.write(LMP_INPUT.format(data=data, rc=rc, acc=acc, kspace=ks, nsteps=nsteps))
    env = dict(os.environ, OMP_NUM_THREADS="1")
    t0 = time.monotonic()
    try:
        res = subprocess.run([lmp, "-in", "in.lmp", "-screen", "none", "-log", "log.lammps", "-nocite"],
                             cwd=tmp, capture_output=True, text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, time.monotonic() - t0
    wall = time.monotonic() - t0
    log = open(os.path.join(tmp, "log.lammps")).read()
    if res.returncode != 0:
        raise RuntimeError(log[-2000:] + res.stderr[-2000:])
    info = {"wall": wall, "log": log}
    info["pe"] = float(re.findall(r"^\s*0\s+(\S+)\s*$", log, re.M)[0])
    info["loop"] = float(re.search(r"Loop time of (\S+)", log).group(1))
    info["version"] = re.search(r"^LAMMPS \((.*)\)", log, re.M).group(1)
    m = re.search(r"using (\d+) OpenMP thread", log)
    info["threads"] = m.group(1) if m else "?"
    info["g"] = float(re.search(r"G vector \(1/distance\)\s*=\s*(\S+)", log).group(1))
    m = re.search(r"estimated relative force accuracy\s*=\s*(\S+)", log)
    info["est"] = m.group(1) if m else "?"
    m = re.search(r"KSpace vectors: actual max1d max3d = (\d+)", log)
    g3 = re.search(r"grid = (\d+) (\d+) (\d+)", log)
    info["kspace"] = ("%s kvec" % m.group(1)) if m else ("grid %sx%sx%s" % g3.groups() if g3 else "?")
    return info, wall


def main():
    lmp = shutil.which("lmp") or shutil.which("lmp_serial")
    if lmp is None:
        print("# LAMMPS comparison skipped: `lmp` not installed (Debian package `lammps`)")
        return 77
    export = sys.argv[1]
    configs = [parse_config(c) for c in (sys.argv[2:] or DEFAULT)]
    timeout = float(os.environ.get("LMP_TIMEOUT", "600"))
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    print("# LAMMPS comparison (bench/lammps_peer.py): tin-foil dipolar energy E_dd of an sc lattice (a = 1) of"
          " random unit\n# dipoles; libvoigtspin accuracy 1e-12 (vs_lattice_fields_energy, 1 thread); LAMMPS %s,"
          " pair\n# lj/cut/dipole/long (zero LJ, pair_modify table 0), OMP_NUM_THREADS=1, 1 MPI rank. Times: wall,"
          " s; t_lmp =\n# loop time per step (forces+torques+energy), setup = LAMMPS wall - loop (incl. read_data,"
          " kspace set-up,\n# step 0); build = the library's creation. acc = LAMMPS kspace accuracy asked, est = its own"
          " estimate.\n# load average at start: %s" % (shutil.which("lmp"), " ".join(load)))
    print("%3s %6s %12s %6s %5s %9s %13s %22s %22s %9s %10s %9s %10s %10s %9s %9s %9s %8s" % (
        "L", "N", "kspace", "acc", "rc", "g_ewald", "kvec/grid", "E libvoigtspin", "E LAMMPS", "rel",
        "erfc shift", "rel corr", "t_lib", "t_lmp", "lmp/lib", "build", "setup", "est"))
    version = threads = None
    lib = {}
    with tempfile.TemporaryDirectory() as tmp:
        for L, ks, acc, rc in configs:
            data = os.path.join(tmp, "dipoles%d.data" % L)
            if L not in lib:
                out = subprocess.run([export, str(L), data], check=True, capture_output=True, text=True).stdout
                lib[L] = dict(line.split() for line in out.strip().splitlines())
            v = lib[L]
            N, e_lib = int(v["N"]), float(v["E_dd_tinfoil"])
            nsteps = 5
            try:
                info, wall = run_lammps(lmp, tmp, data, ks, acc, rc, nsteps, timeout)
                # a short loop is timed again with more steps when the set-up is cheap
                if info is not None and info["loop"] < 0.25 and wall - info["loop"] < 5.0:
                    nsteps = max(5, min(500, int(5 * 0.5 / max(info["loop"], 1e-4))))
                    info, wall = run_lammps(lmp, tmp, data, ks, acc, rc, nsteps, timeout)
            except RuntimeError as err:
                print(err)
                return 1
            if info is None:
                print("%3d %6d %12s %6.0e %5.2f   LAMMPS did not finish within %.0f s (killed)" % (
                    L, N, ks, acc, rc, timeout))
                sys.stdout.flush()
                continue
            version, threads = info["version"], info["threads"]
            e_lmp = info["pe"] * N  # thermo pe is per atom in lj units (thermo_modify norm yes)
            shift = erfc_shift(data, L, rc, info["g"])
            t_lmp = info["loop"] / nsteps
            t_lib = float(v["t_fields_energy"])
            print("%3d %6d %12s %6.0e %5.2f %9.6f %13s %22.15g %22.15g %9.2e %10.2e %9.2e %10.3e %10.3e %9.0f %9.3f"
                  " %9.2f %8s" % (
                      L, N, ks, acc, rc, info["g"], info["kspace"], e_lib, e_lmp, abs(e_lib - e_lmp) / abs(e_lib),
                      shift, abs(e_lmp - shift - e_lib) / abs(e_lib), t_lib, t_lmp, t_lmp / t_lib,
                      float(v["t_build"]), wall - info["loop"], info["est"]))
            sys.stdout.flush()
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    print("# LAMMPS version %s, %s OpenMP thread(s); load average at end: %s" % (version, threads, " ".join(load)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
