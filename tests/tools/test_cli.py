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
