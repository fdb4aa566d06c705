#!/usr/bin/env python3
"""`voigtspin mc`: argument errors, the results table, reproducibility, checkpoint/resume, Ctrl-C."""
import csv
import io
import math
import os
import re
import shutil
import signal
import subprocess
import threading
import stat
import sys
import tempfile
import time

exe = os.path.abspath(sys.argv[1])
results = []
scratch = tempfile.mkdtemp(prefix="voigtspin-mc-test-")


def run(*args):
    p = subprocess.run([exe, *args], capture_output=True, text=True, timeout=120, cwd=scratch)
    return p.returncode, p.stdout, p.stderr


def check(name, cond, detail=""):
    results.append((name, bool(cond), detail))


def rows(out):
    return [{k: float(v) for k, v in r.items()} for r in csv.DictReader(io.StringIO(out))]


# A tiny run: L = 2 (N = 8), one thread (the 1-vs-2-thread check is separate).
TINY = ["--L", "2,2,2", "--threads", "1", "--quiet"]

# ---- bad arguments: exit 2, a message naming the culprit ------------------------------------------
bad = {
    "unsorted_ladder": (["--T", "0.8,0.5"], "--T"),
    "duplicate_temperature": (["--T", "0.5,0.6,0.6"], "twice"),
    "zero_temperature": (["--T", "0,1"], "--T"),
    "negative_temperature": (["--T", "-1,1"], "--T"),
    "nan_temperature": (["--T", "0.5,nan"], "--T"),
    "inf_temperature": (["--T", "inf"], "--T"),
    "negative_sweeps": (["--T", "1", "--sweeps", "-5"], "--sweeps"),
    "negative_therm": (["--T", "1", "--therm", "-1"], "--therm"),
    "unknown_option": (["--T", "1", "--bogus"], "--bogus"),
    "resume_without_checkpoint": (["--T", "1", "--resume"], "--checkpoint"),
    "resume_missing_file": (["--T", "1", "--resume", "--checkpoint", "no-such.ckpt"], "no-such.ckpt"),
    "no_ladder": ([], "--T"),
    "incomplete_range": (["--Tmin", "0.5", "--Tmax", "1"], "--nT"),
    "range_reversed": (["--Tmin", "1", "--Tmax", "0.5", "--nT", "3"], "--Tmin"),
    "list_and_range": (["--T", "1", "--Tmin", "0.5", "--Tmax", "1", "--nT", "3"], "--T"),
    "every_beyond_sweeps": (["--T", "1", "--sweeps", "10", "--every", "11"], "--every"),
    "single_measurement": (["--T", "1", "--sweeps", "1"], "2 measurements"),
    "unknown_move": (["--T", "1", "--move", "wolff"], "--move"),
    "unknown_fields": (["--T", "1", "--fields", "fast"], "--fields"),
    "clock_near_without_clock": (["--T", "1", "--clock-near", "5"], "--clock-near"),
    "clock_near_below_minus_one": (["--T", "1", "--fields", "clock", "--clock-near", "-2"], "--clock-near"),
    "clock_near_not_integer": (["--T", "1", "--fields", "clock", "--clock-near", "1.5"], "--clock-near"),
    "bad_lattice_size": (["--T", "1", "--L", "0,2,2"], "--L"),
    "missing_value": (["--T"], "--T"),
}
for name, (args, word) in bad.items():
    rc, out, err = run("mc", *TINY, *args)
    check(f"mc_{name}_exits_2", rc == 2 and word in err and out == "", f"rc={rc} out={out!r} err={err!r}")

rc, out, err = run("mc", "--help")
check("mc_help_exits_0_and_lists_options", rc == 0 and all(o in out for o in (
    "--T", "--Tmin", "--sweeps", "--therm", "--every", "--seed", "--threads", "--move", "--overrelax",
    "--fields", "--refresh", "--clock-near", "clock", "--checkpoint", "--checkpoint-every", "--resume", "--progress", "--quiet",
    "--poisson-shear", "--preset", "--kernel")), err)

rc, out, err = run("--help")
check("main_help_lists_mc", rc == 0 and "\n  mc " in out, out)

# ---- one row per temperature, finite numbers, the columns -----------------------------------------
ELASTIC_COLS = ["T", "E/N", "dE/N", "tau_E", "C", "dC", "|m|", "d|m|", "chi", "dchi", "U", "dU",
                "|m_c|", "d|m_c|", "chi_c", "dchi_c", "U_c", "dU_c", "|m_s|", "d|m_s|", "chi_s", "dchi_s",
                "U_s", "dU_s", "S_max", "dS_max", "S_peak", "k1", "k2", "k3", "accept", "exch_next",
                "round_trips"]
ladder = [0.5, 0.8, 1.2]
base = ["mc", *TINY, "--T", ",".join(map(str, ladder)), "--sweeps", "200", "--therm", "20"]
rc, out, err = run(*base, "--csv")
ok = rc == 0 and out.splitlines()[0].split(",") == ELASTIC_COLS
if ok:
    r = rows(out)
    ok = (len(r) == 3 and [x["T"] for x in r] == ladder
          and all(math.isfinite(v) for x in r for k, v in x.items() if not (k == "exch_next" and x is r[-1]))
          and math.isnan(r[-1]["exch_next"]) and all(0 < x["accept"] <= 1 for x in r)
          and all(x[k] > 0 for x in r for k in ("dE/N", "d|m|", "dU")))
check("mc_csv_has_header_and_one_finite_row_per_temperature", ok, out + err)

rc, out, err = run(*base)
lines = out.splitlines()
ok = rc == 0 and len(lines) == 4 and all(len(line.split()) == len(ELASTIC_COLS) for line in lines)
check("mc_table_has_one_aligned_row_per_temperature", ok, out + err)

# The dipolar kernel (ncomp = 3): no compression/shear columns. A geometric ladder has exact ends.
rc, out, err = run("mc", *TINY, "--kernel", "dipolar", "--Tmin", "0.1", "--Tmax", "1.6", "--nT", "5",
                   "--sweeps", "50", "--therm", "5", "--csv")
ok = rc == 0 and "|m_c|" not in out.splitlines()[0] and len(out.splitlines()[0].split(",")) == len(ELASTIC_COLS) - 12
if ok:
    T = [x["T"] for x in rows(out)]
    ok = len(T) == 5 and T[0] == 0.1 and T[-1] == 1.6 and all(math.isclose(T[k + 1] / T[k], 2.0, rel_tol=1e-12) for k in range(4))
check("mc_geometric_ladder_and_dipolar_columns", ok, out + err)

# Closed form at infinite temperature: N independent uniform unit n-vectors have
# <|m|^4>/<|m|^2>^2 = 1 + 2(N-1)/(nN), hence Binder U = (n+2)/2 - (n/2)<|m|^4>/<|m|^2>^2 = 1/N for every n.
# T = 1e6 E0 is infinite to 1e-5 for N = 8. Acceptance: |U - 1/N| < 4 dU (z = 4).
for kernel in ("elastic", "dipolar"):
    rc, out, err = run("mc", *TINY, "--kernel", kernel, "--T", "1e6", "--sweeps", "4000", "--therm", "10", "--csv")
    ok = rc == 0
    if ok:
        r = rows(out)[0]
        ok = abs(r["U"] - 1 / 8) < 4 * r["dU"] and r["dU"] < 0.05
    check(f"mc_{kernel}_binder_at_infinite_T_is_one_over_N", ok, out + err)

# The clock sweep (--fields clock): the infinite-temperature Binder cumulant 1/N as above (z = 4), with
# every pair through the filter (--clock-near 0) and the automatic near set; --clock-near given before
# --fields is kept; the clock run differs from the delayed one (another chain) and is reproducible.
for near in ("0", "-1"):
    rc, out, err = run("mc", *TINY, "--clock-near", near, "--fields", "clock", "--T", "1e6", "--sweeps", "4000",
                       "--therm", "10", "--csv")
    ok = rc == 0
    if ok:
        r = rows(out)[0]
        ok = abs(r["U"] - 1 / 8) < 4 * r["dU"] and r["dU"] < 0.05 and 0 < r["accept"] <= 1
    check(f"mc_clock_near_{near}_binder_at_infinite_T_is_one_over_N", ok, out + err)
rk1 = run(*base, "--csv", "--seed", "7", "--fields", "clock", "--clock-near", "3")
rk2 = run(*base, "--csv", "--seed", "7", "--fields", "clock", "--clock-near", "3")
rd = run(*base, "--csv", "--seed", "7")
check("mc_clock_is_reproducible_and_not_the_delayed_chain",
      rk1[0] == 0 and rk1[1] == rk2[1] and rk1[1] != rd[1] and len(rows(rk1[1])) == 3, rk1[1] + rk1[2])
# ... and does not depend on the BLAS library's thread count: the block norms come from LAPACK,
# whose last bits change with OpenBLAS's threads; the near set and the alias tables must not (their
# order used to follow those bits: another chain under OPENBLAS_NUM_THREADS=2, and under mpiexec).
blas = []
for nt in ("1", "2"):
    p = subprocess.run([exe, *base, "--csv", "--seed", "7", "--fields", "clock", "--clock-near", "6"],
                       capture_output=True, text=True, timeout=120, cwd=scratch,
                       env=dict(os.environ, OPENBLAS_NUM_THREADS=nt, OMP_NUM_THREADS=nt))
    blas.append((p.returncode, p.stdout))
check("mc_clock_chain_does_not_depend_on_blas_threads",
      blas[0][0] == 0 and blas[0] == blas[1] and len(rows(blas[0][1])) == 3, f"{blas}")

# Progress: lines on a non-terminal stderr only with --progress; none by default or with --quiet.
rc1, out1, err1 = run(*[a for a in base if a != "--quiet"], "--progress")
rc2, out2, err2 = run(*[a for a in base if a != "--quiet"])
ok = (rc1 == 0 and rc2 == 0 and "100% sweep 220/220" in err1 and "%" not in err2 and out1 == out2
      and "220 sweeps, 200 measurements" in err2)
check("mc_progress_only_with_progress_when_not_a_terminal", ok, err1 + err2)

# ---- reproducibility ------------------------------------------------------------------------------
r1 = run(*base, "--csv", "--seed", "7")
r2 = run(*base, "--csv", "--seed", "7")
r3 = run(*base, "--csv", "--seed", "8")
check("mc_same_seed_gives_identical_output", r1[0] == 0 and r1[1] == r2[1] and r1[1] != r3[1], r1[2] + r2[2] + r3[2])

# Threads: the same output for 1 and 2 threads (replace the --threads 1 of TINY).
two = [a if a != "1" or base[i - 1] != "--threads" else "2" for i, a in enumerate(base)]
r4 = run(*two, "--csv", "--seed", "7")
check("mc_threads_1_and_2_give_identical_output", r4[0] == 0 and r4[1] == r1[1] and "--threads" in two,
      r4[1] + r4[2])

# -o FILE: the results in the file, nothing on stdout.
rc, out, err = run(*base, "--csv", "--seed", "7", "-o", "res.csv")
check("mc_output_file", rc == 0 and out == "" and open(os.path.join(scratch, "res.csv")).read() == r1[1], err)

# -o onto something that is not a regular file is written in place, never renamed over: a FIFO stays
# a FIFO and receives the results; /dev/null stays the character device (as root, the atomic rename
# replaced /dev/null by a regular file — restored here if it happens, so a failure does not break the
# machine); a directory is refused.
fifo = os.path.join(scratch, "fifo")
os.mkfifo(fifo)
got = []
reader = threading.Thread(target=lambda: got.append(open(fifo).read()), daemon=True)
reader.start()
rc, out, err = run(*base, "--csv", "--seed", "7", "-o", "fifo")
reader.join(timeout=20)
if reader.is_alive():  # nothing was written into the FIFO: release the reader
    os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    reader.join(timeout=5)
check("mc_output_into_a_fifo_is_written_in_place",
      rc == 0 and got == [r1[1]] and stat.S_ISFIFO(os.stat(fifo).st_mode), f"rc={rc} err={err!r} got={got!r}")
rc, out, err = run(*base, "--csv", "--seed", "7", "-o", "/dev/null")
null_ok = stat.S_ISCHR(os.stat("/dev/null").st_mode)
if not null_ok and os.geteuid() == 0:
    os.unlink("/dev/null")
    os.mknod("/dev/null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    os.chmod("/dev/null", 0o666)
check("mc_output_to_dev_null_keeps_the_device", rc == 0 and out == "" and null_ok, f"rc={rc} err={err!r}")
os.mkdir(os.path.join(scratch, "outdir"))
rc, out, err = run(*base, "--csv", "--seed", "7", "-o", "outdir")
check("mc_output_onto_a_directory_exits_1", rc == 1 and "outdir" in err, f"rc={rc} err={err!r}")

# ---- checkpoint and resume ------------------------------------------------------------------------
# Uninterrupted: 20 + 200 sweeps. Interrupted: 20 + 60, then --resume to 20 + 200. Identical output.
ck = ["--csv", "--seed", "3", "--checkpoint-every", "50"]
rc_a, out_a, err_a = run(*base, *ck, "--checkpoint", "a.ckpt")
rc_b1, _, err_b1 = run(*[a if a != "200" else "60" for a in base], *ck, "--checkpoint", "b.ckpt")
rc_b2, out_b, err_b2 = run(*base, *ck, "--checkpoint", "b.ckpt", "--resume")
check("mc_resumed_run_equals_uninterrupted_run", rc_a == 0 and rc_b1 == 0 and rc_b2 == 0 and out_a == out_b and out_a,
      f"rc={rc_a},{rc_b1},{rc_b2}\n{out_a}\n{out_b}\n{err_a}{err_b1}{err_b2}")

rc, out, err = run(*base, *ck, "--checkpoint", "a.ckpt")
check("mc_refuses_to_overwrite_a_checkpoint_without_resume", rc == 2 and "a.ckpt" in err and "--resume" in err, err)

rc, out, err = run(*[a if a != "200" else "10" for a in base], *ck, "--checkpoint", "a.ckpt", "--resume")
check("mc_resume_beyond_the_requested_sweeps_exits_2", rc == 2 and "a.ckpt" in err, err)

rc, out, err = run("mc", *TINY, "--T", "0.5,0.9", "--sweeps", "200", "--therm", "20", *ck, "--checkpoint", "a.ckpt", "--resume")
check("mc_resume_with_another_ladder_is_refused", rc == 1 and "a.ckpt" in err and out == "", err)

with open(os.path.join(scratch, "junk.ckpt"), "w") as f:
    f.write("not a checkpoint\n")
rc, out, err = run(*base, "--checkpoint", "junk.ckpt", "--resume")
check("mc_resume_from_a_corrupt_file_is_refused", rc == 1 and "junk.ckpt" in err and out == "", err)

# Ctrl-C: a long run (never finishing on its own) is interrupted once it has checkpointed after sweep
# 1000; it writes a final checkpoint, names it, exits 130. Resumed up to a total of X + 300 sweeps it
# gives the output of an uninterrupted run of X + 300 sweeps.
long_args = ["mc", *TINY, "--T", "0.5,0.8", "--therm", "20", "--seed", "11", "--csv", "--checkpoint-every", "1000"]
ckpt = os.path.join(scratch, "sig.ckpt")
p = subprocess.Popen([exe, *long_args, "--sweeps", "1000000000", "--checkpoint", "sig.ckpt"], cwd=scratch,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
first, deadline = None, time.time() + 60
while time.time() < deadline and p.poll() is None:
    if os.path.exists(ckpt):
        ino = os.stat(ckpt).st_ino
        first = ino if first is None else first
        if ino != first:
            break
    time.sleep(0.02)
p.send_signal(signal.SIGINT)
out, err = p.communicate(timeout=60)
m = re.search(r"after sweep (\d+) of", err)
ok = p.returncode == 130 and out == "" and m is not None and "sig.ckpt" in err and "--resume" in err
check("mc_sigint_writes_checkpoint_and_exits_130", ok, f"rc={p.returncode} err={err!r}")
if m:
    total = int(m.group(1)) + 300
    rc1, out1, err1 = run(*long_args, "--sweeps", str(total - 20), "--checkpoint", "sig.ckpt", "--resume")
    rc2, out2, err2 = run(*long_args, "--sweeps", str(total - 20), "--checkpoint", "ref.ckpt")
    ok = rc1 == 0 and rc2 == 0 and out1 == out2 and len(rows(out1)) == 2
    check("mc_interrupted_and_resumed_equals_uninterrupted", ok, f"{out1}\n{out2}\n{err1}{err2}")
else:
    check("mc_interrupted_and_resumed_equals_uninterrupted", False, "no sweep count in the message")

# SIGTERM without --checkpoint: stops cleanly, says nothing was saved, 128 + 15.
p = subprocess.Popen([exe, "mc", *TINY, "--T", "1", "--sweeps", "1000000000"], cwd=scratch,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
time.sleep(0.3)
p.send_signal(signal.SIGTERM)
out, err = p.communicate(timeout=60)
check("mc_sigterm_without_checkpoint_exits_143", p.returncode == 143 and "nothing saved" in err, f"rc={p.returncode} err={err!r}")

shutil.rmtree(scratch, ignore_errors=True)

print("TAP version 13")
print(f"1..{len(results)}")
for i, (name, ok, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
    if not ok:
        for line in detail.splitlines()[:20]:
            print(f"# {line}")
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
