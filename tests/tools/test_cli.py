#!/usr/bin/env python3
"""The voigtspin command's contract: exit codes, messages naming the argument, CSV numbers."""
import csv
import io
import math
import subprocess
import sys

exe = sys.argv[1]
results = []


def run(*args):
    p = subprocess.run([exe, *args], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def check(name, cond, detail=""):
    results.append((name, bool(cond), detail))


rc, out, err = run("--help")
check("help_exits_0_and_lists_subcommands", rc == 0 and "elastic" in out and "paper" in out, err)

rc, out, err = run("no-such-command")
check("unknown_subcommand_exits_2", rc == 2 and "no-such-command" in err, f"rc={rc} err={err!r}")

rc, out, err = run("elastic", "--lame", "1,nan")
check("non_finite_value_exits_2_naming_option", rc == 2 and "--lame" in err, f"rc={rc} err={err!r}")

rc, out, err = run("elastic", "--bogus")
check("unknown_option_exits_2_naming_it", rc == 2 and "--bogus" in err, f"rc={rc} err={err!r}")

rc, out, err = run("elastic", "--poisson-shear", "0.7,1")
check("non_physical_material_exits_1_with_library_message", rc == 1 and "Poisson" in err, f"rc={rc} err={err!r}")

# Independent closed forms: E = 2mu(1+sigma), K = 2mu(1+sigma)/(3(1-2sigma)), Mandel eigenvalues 2mu and 3K.
E, sigma = 2.6, 0.3
rc, out, err = run("elastic", "--young-poisson", f"{E},{sigma}", "--csv")
ok = rc == 0
if ok:
    row = next(csv.DictReader(io.StringIO(out)))
    mu = E / (2 * (1 + sigma))
    K = E / (3 * (1 - 2 * sigma))
    vals = {k: float(v) for k, v in row.items() if k != "material"}
    ok = (math.isclose(vals["mu"], mu, rel_tol=1e-12) and math.isclose(vals["K"], K, rel_tol=1e-12)
          and math.isclose(vals["sigma"], sigma, rel_tol=1e-12)
          and all(math.isclose(vals[f"M_eig{i}"], 2 * mu, rel_tol=1e-12) for i in range(1, 6))
          and math.isclose(vals["M_eig6"], 3 * K, rel_tol=1e-12))
check("elastic_csv_matches_closed_forms", ok, out + err)


def csv_rows(out):
    return [{k: float(v) for k, v in r.items() if k != "material"} for r in csv.DictReader(io.StringIO(out))]


# Eq. 22 / App. B closed forms for an isotropic material: J_compr = K/(lambda+2mu),
# J_shear = (2/5)(K+2mu)/(lambda+2mu), ratio = (5/2)(1+sigma)/(4-5sigma).
sigma, mu = 0.35, 1.0
lam = 2 * mu * sigma / (1 - 2 * sigma)
K = lam + 2 * mu / 3
jc, js = K / (lam + 2 * mu), 0.4 * (K + 2 * mu) / (lam + 2 * mu)
rc, out, err = run("coupling", "--poisson-shear", f"{sigma},{mu}", "--csv")
ok = rc == 0
if ok:
    r = csv_rows(out)[0]
    ok = (math.isclose(r["J_compr"], jc, rel_tol=1e-12) and math.isclose(r["J_shear"], js, rel_tol=1e-12)
          and math.isclose(r["ratio"], 2.5 * (1 + sigma) / (4 - 5 * sigma), rel_tol=1e-12)
          and math.isclose(r["sum"], 3.0, rel_tol=1e-12) and r["lmax"] == 4)
check("coupling_matches_eq22_closed_forms", ok, out + err)

# T_Curie = max J/6 (Eq. 25) with J = E0 <J~>; below it sigma = 0.35 orders compression (phase 1).
rc, out, err = run("meanfield", "--poisson-shear", f"{sigma},{mu}", "--E0", "2", "--csv")
ok = rc == 0 and f"T_Curie = " in err
if ok:
    tc = float(err.split("T_Curie = ")[1].split()[0])
    r = csv_rows(out)[0]
    ok = math.isclose(tc, 2 * jc / 6, rel_tol=1e-10) and r["phase"] == 1 and r["h_s"] == 0 and r["h_c"] > 0
check("meanfield_curie_temperature_and_compression_phase", ok, out + err)

rc, out, err = run("meanfield", "--couplings", "0.88,1", "--T", "0.1", "--csv")
ok = rc == 0 and csv_rows(out)[0]["phase"] == 2 and csv_rows(out)[0]["h_c"] == 0
check("meanfield_ratio_088_orders_shear", ok, out + err)

rc, out, err = run("meanfield", "--couplings", "1,1", "--poisson-shear", "0.2,1")
check("couplings_and_material_exclude_each_other", rc == 2 and "--couplings" in err, err)

rc, out, err = run("meanfield", "--T", "-1")
check("negative_temperature_exits_1", rc == 1 and "T" in err, f"rc={rc} err={err!r}")

# The landscape is G(h) of Eq. 24, normalised so that G(0, 0) = 0.
rc, out, err = run("landscape", "--couplings", "1.5,1", "--T", "0.2", "--hc", "0,1,2", "--hs", "0,1,2", "--csv")
ok = rc == 0 and len(csv_rows(out)) == 4 and csv_rows(out)[0]["G"] == 0.0
check("landscape_grid_is_normalised_at_origin", ok, out + err)

rc, out, err = run("sweep", "--couplings", "1,1")
check("sweep_without_range_exits_2", rc == 2 and "--range" in err, err)

# Eq. 17: g_cr = sqrt(6 k_BT/a^3).
rc, out, err = run("oscillator", "--T", "2", "--a3", "0.5")
ok = rc == 0 and math.isclose(float(err.split("g_cr = ")[1].split()[0]), math.sqrt(6 * 2 / 0.5), rel_tol=1e-10)
check("oscillator_gcr_is_eq17", ok, err)

# The largest penalty with a non-convex F: sup(-F0'')/2 = (n+4)/(2n) = 5/6 for n = 6 (right limit at x = 6).
rc, out, err = run("f0", "--summary")
ok = rc == 0 and "c_max" in out
if ok:
    vals = dict(line.split() for line in out.strip().splitlines())
    ok = math.isclose(float(vals["c_max"]), 5 / 6, rel_tol=1e-8) and vals["nonconvex"] == "1"
check("f0_summary_cmax_is_five_sixths", ok, out + err)

# Fig. 4: T_Curie = max(J_compr, J_shear)/6 with J_shear = 1: at T = 0.2 ratio 0.88 is paramagnetic (Tc = 1/6)
# while ratio 1.5 (Tc = 0.25) is compression-ordered.
rc, out, err = run("phase", "--T", "0.1,0.2,2", "--ratio", "0.88,1.5,2", "--csv")
ok = rc == 0
if ok:
    rows = csv_rows(out)
    ph = {(r["T"], r["ratio"]): r["phase"] for r in rows}
    ok = ph[(0.1, 0.88)] == 2 and ph[(0.1, 1.5)] == 1 and ph[(0.2, 0.88)] == 0 and ph[(0.2, 1.5)] == 1
check("phase_diagram_matches_fig4", ok, out + err)

rc, out, err = run("phase", "--T", "0.1,0.3,0")
check("zero_grid_points_exits_2", rc == 2 and "--T" in err, err)

# Lattice: Eshelby — uniform compression of an isotropic medium has zero pair energy (the
# compression-compression part of J~ is the constant K/(lambda+2mu), pure l = 0); Lorentz — a uniform
# dipolar configuration on a cubic lattice has zero sphere-boundary field.
rc, out, err = run("lattice", "--L", "3,3,3", "--csv")
ok = rc == 0 and abs(csv_rows(out)[0]["E/N"]) < 1e-12 and csv_rows(out)[0]["N"] == 27
check("lattice_uniform_compression_has_zero_pair_energy", ok, out + err)

rc, out, err = run("lattice", "--kernel", "dipolar", "--preset", "bcc", "--L", "2,2,2", "--uniform", "0.3,-0.2,0.9", "--csv")
ok = rc == 0 and abs(csv_rows(out)[0]["E/N"]) < 1e-12 and csv_rows(out)[0]["N"] == 16
check("lattice_dipolar_uniform_bcc_has_zero_sphere_energy", ok, out + err)

# The same configuration from a file and from --uniform gives the same energy; E = -(E0/2) sum s.h.
import os
import tempfile
with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
    f.write("# uniform shear along spin component 2\n")
    for _ in range(8):
        f.write("0 1 0 0 0 0\n")
    path = f.name
rc1, out1, err1 = run("lattice", "--L", "2,2,2", "--spins", path, "--fields", "--csv")
rc2, out2, err2 = run("lattice", "--L", "2,2,2", "--uniform", "0,1,0,0,0,0", "--csv")
ok = rc1 == 0 and rc2 == 0
if ok:
    blocks = out1.strip().split("\n\n")
    e1 = csv_rows(blocks[0])[0]["E/N"]
    fields = csv_rows(blocks[1])
    e_from_h = -0.5 * sum(r["h2"] for r in fields) / len(fields)
    ok = (math.isclose(e1, csv_rows(out2)[0]["E/N"], rel_tol=1e-12) and len(fields) == 8
          and math.isclose(e1, e_from_h, rel_tol=1e-10))
check("lattice_spins_file_matches_uniform_and_fields", ok, out1 + err1 + out2 + err2)

with open(path, "a") as f:
    f.write("1 0 0 0 0 0\n")
rc, out, err = run("lattice", "--L", "2,2,2", "--spins", path)
check("lattice_wrong_row_count_exits_2", rc == 2 and "--spins" in err and "rows" in err, err)
os.unlink(path)

rc, out, err = run("lattice", "--preset", "hcp")
check("lattice_unknown_preset_exits_2", rc == 2 and "--preset" in err, err)

rc, out, err = run("lattice", "--L", "0,2,2")
check("lattice_zero_size_exits_2", rc == 2 and "--L" in err, err)

# The full-Voigt material option gives the same tensor as the cubic helper (copper, Simmons & Wang).
c11, c12, c44 = 168.4, 121.4, 75.4
C = [[c11, c12, c12, 0, 0, 0], [c12, c11, c12, 0, 0, 0], [c12, c12, c11, 0, 0, 0],
     [0, 0, 0, c44, 0, 0], [0, 0, 0, 0, c44, 0], [0, 0, 0, 0, 0, c44]]
rc1, out1, err1 = run("elastic", "--voigt", ",".join(str(x) for row in C for x in row), "--csv")
rc2, out2, err2 = run("elastic", "--cubic", f"{c11},{c12},{c44}", "--csv")
ok = rc1 == 0 and rc2 == 0
if ok:
    a, b = csv_rows(out1)[0], csv_rows(out2)[0]
    # Hill average of a cubic crystal, closed form: K = (C11 + 2 C12)/3.
    ok = all(math.isclose(a[k], b[k], rel_tol=1e-12) for k in a) and math.isclose(a["K"], (c11 + 2 * c12) / 3, rel_tol=1e-12)
check("voigt_option_matches_cubic_helper", ok, out1 + err1 + out2 + err2)

rc, out, err = run("elastic", "--voigt", "1,2,3")
check("voigt_option_needs_36_numbers", rc == 2 and "--voigt" in err and "36" in err, err)

rc, out, err = run("paper", "--help")
check("paper_help_exits_0", rc == 0 and "usage" in out, err)

print("TAP version 13")
print(f"1..{len(results)}")
for i, (name, ok, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
    if not ok:
        for line in detail.splitlines()[:20]:
            print(f"# {line}")
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
