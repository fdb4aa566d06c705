#!/usr/bin/env python3
"""The voigtspin command's contract: exit codes, messages naming the argument, CSV numbers."""
import csv
import io
import math
import os
import subprocess
import sys

exe = os.path.abspath(sys.argv[1])
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


# ---- issue 9, defect 9: number and spin-file parsing -------------------------------------------------
# A subnormal is a finite number: strtod reports ERANGE for it, which must not make it "not finite".
rc, out, err = run("oscillator", "--phi", "5e-324,5e-324,1", "--g", "1", "--csv")
ok = rc == 0 and len(csv_rows(out)) == 1 and csv_rows(out)[0]["phi"] == 5e-324
check("subnormal_option_value_is_accepted", ok, f"rc={rc} {out}{err}")

rc, out, err = run("oscillator", "--phi", "0,1e999,3")
check("overflowing_option_value_exits_2", rc == 2 and "--phi" in err, f"rc={rc} err={err!r}")

# lo,hi,n: n is bounded (no huge allocation), and so is the product of a two-dimensional grid.
rc, out, err = run("phase", "--T", "0.1,0.2,1e300")
check("range_with_huge_n_exits_2", rc == 2 and "--T" in err, f"rc={rc} err={err!r}")
rc, out, err = run("landscape", "--couplings", "1.5,1", "--T", "0.2", "--hc", "0,1,10000000", "--hs", "0,1,10000000")
check("grid_product_above_limit_exits_2", rc == 2 and "grid points" in err, f"rc={rc} err={err!r}")
# The end points of a range are exact even where hi - lo overflows.
rc, out, err = run("phase", "--T", "0.1,0.3,3", "--ratio", "0.5,1.5,2", "--csv")
ok = rc == 0 and sorted({r["T"] for r in csv_rows(out)}) == [0.1, 0.2, 0.3] \
    and sorted({r["ratio"] for r in csv_rows(out)}) == [0.5, 1.5]
check("range_end_points_are_exact", ok, out + err)


def spins_file(lines):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("".join(line + "\n" for line in lines))
        return f.name


good = ["0 1 0 0 0 0"] * 8
for name, lines, line_no in [
        ("trailing_junk", ["# header"] + good[:1] + ["0 1 0 0 0 0 junk"] + good[2:], 3),
        ("junk_glued_to_number", good[:4] + ["0 1 0 0 0 0x"] + good[5:], 5),
        ("junk_only_line", good[:2] + ["abc"] + good[2:], 3),
        ("numbers_without_separator", good[:6] + ["0 1-0 0 0 0"] + good[7:], 7),
        ("nan_in_row", good[:1] + ["0 nan 0 0 0 0"] + good[2:], 2)]:
    path = spins_file(lines)
    rc, out, err = run("lattice", "--L", "2,2,2", "--spins", path)
    os.unlink(path)
    check(f"spins_{name}_exits_2_naming_the_line", rc == 2 and "--spins" in err and f"line {line_no}" in err,
          f"rc={rc} err={err!r}")
path = spins_file(["# comma- or blank-separated, CRLF line ends, subnormal components"] +
                  ["0,1,0, 0 0\t5e-324\r"] * 8)
rc, out, err = run("lattice", "--L", "2,2,2", "--spins", path, "--csv")
os.unlink(path)
check("spins_separators_crlf_and_subnormals_are_accepted", rc == 0 and csv_rows(out)[0]["N"] == 8, out + err)

# ---- issue 9, defect 9: output that does not arrive is a failure ---------------------------------------
import resource
import shutil
import signal

scratch = tempfile.mkdtemp(prefix="voigtspin-cli-")
if os.path.exists("/dev/full"):
    for args in [("--help",), ("--version",), ("elastic",), ("coupling",), ("meanfield",),
                 ("sweep", "--range", "0.1,0.2,3"), ("landscape",), ("phase",), ("f0",), ("f0", "--summary"),
                 ("oscillator",), ("lattice", "--L", "2,2,2"), ("paper", "--help"),
                 ("paper", "--no-figures", "--out", os.path.join(scratch, "devfull"))]:
        with open("/dev/full", "w") as full:
            p = subprocess.run([exe, *args], stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
        check(f"stdout_dev_full_fails_{'_'.join(a.strip('-') for a in args[:2])}",
              p.returncode == 1 and "standard output" in p.stderr, f"rc={p.returncode} err={p.stderr!r}")
else:
    check("stdout_dev_full_fails # SKIP no /dev/full", True)

# A write that fails half-way (here: the file size limit, which binds root too, with SIGXFSZ ignored so
# that write() returns EFBIG) must exit 1 naming the file and leave every previous file intact.
ref_dir, dst_dir = os.path.join(scratch, "ref"), os.path.join(scratch, "dst")
rc, out, err = run("paper", "--no-figures", "--out", ref_dir)
names = sorted(os.listdir(ref_dir)) if rc == 0 else []
os.mkdir(dst_dir)
for n in names:
    with open(os.path.join(dst_dir, n), "w") as f:
        f.write("previous good content\n")


def limit_file_size():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


p = subprocess.run([exe, "paper", "--no-figures", "--out", dst_dir], capture_output=True, text=True,
                   timeout=120, preexec_fn=limit_file_size)
left = sorted(os.listdir(dst_dir))
intact = all(open(os.path.join(dst_dir, n)).read() in ("previous good content\n", open(os.path.join(ref_dir, n)).read())
             for n in names)
ok = (len(names) >= 10 and p.returncode == 1 and "fig2_oscillator.dat" in p.stderr and left == names and intact
      and open(os.path.join(dst_dir, "fig2_oscillator.dat")).read() == "previous good content\n")
check("paper_failed_write_exits_1_and_keeps_previous_files", ok,
      f"rc={p.returncode} err={p.stderr!r} files={left}")

# ---- issue 9, defect 8: --out never reaches a shell ---------------------------------------------------
# A stand-in gnuplot on PATH records how it was run (working directory, arguments) and draws the PNG it
# is told to; with it the test runs whether or not gnuplot is installed.
fake_bin = os.path.join(scratch, "bin")
os.mkdir(fake_bin)
fake_log = os.path.join(scratch, "fake-gnuplot.log")
with open(os.path.join(fake_bin, "gnuplot"), "w") as f:
    f.write("#!/bin/sh\n"
            f"printf '%s|%s\\n' \"$(pwd -P)\" \"$*\" >> '{fake_log}'\n"
            "if [ \"$1\" = -e ]; then out=${2#vs_out = \\'}; printf PNG > \"${out%\\'}\"; fi\n")
os.chmod(os.path.join(fake_bin, "gnuplot"), 0o755)
work = os.path.join(scratch, "work")
os.mkdir(work)
evil = "q'; touch INJECTED; echo '"
env = dict(os.environ, PATH=fake_bin + os.pathsep + os.environ.get("PATH", ""))
p = subprocess.run([exe, "paper", "--out", evil], cwd=work, env=env, capture_output=True, text=True, timeout=120)
evil_dir = os.path.realpath(os.path.join(work, evil))
calls = open(fake_log).read().splitlines() if os.path.exists(fake_log) else []
plots = [c for c in calls if c.endswith(".gp")]
pngs = sorted(n for n in os.listdir(evil_dir) if n.endswith(".png")) if os.path.isdir(evil_dir) else []
ok = (p.returncode == 0 and not os.path.exists(os.path.join(work, "INJECTED")) and len(plots) == 5
      and all(c.split("|")[0] == evil_dir for c in plots) and len(pngs) == 5
      and not any(n.endswith(".tmp") for n in os.listdir(evil_dir)))
check("paper_out_with_shell_metacharacters_is_not_injected", ok,
      f"rc={p.returncode} err={p.stderr!r} calls={calls} pngs={pngs} cwd={os.listdir(work)}")

# The real gnuplot draws the figures into a folder whose name has quotes and blanks (CI installs it).
if shutil.which("gnuplot"):
    odd = os.path.join(scratch, "it's a \"dir\"")
    rc, out, err = run("paper", "--out", odd)
    pngs = [os.path.join(odd, n) for n in sorted(os.listdir(odd)) if n.endswith(".png")] if rc == 0 else []
    ok = rc == 0 and len(pngs) == 5 and all(open(n, "rb").read(8) == b"\x89PNG\r\n\x1a\n" for n in pngs)
    check("paper_draws_png_figures_with_gnuplot", ok, f"rc={rc} err={err!r} pngs={pngs}")
elif os.environ.get("CI"):
    check("paper_draws_png_figures_with_gnuplot", False, "gnuplot is not installed in CI")
else:
    check("paper_draws_png_figures_with_gnuplot # SKIP gnuplot not installed", True)

shutil.rmtree(scratch, ignore_errors=True)

print("TAP version 13")
print(f"1..{len(results)}")
for i, (name, ok, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
    if not ok:
        for line in detail.splitlines()[:20]:
            print(f"# {line}")
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
