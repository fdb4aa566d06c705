#!/usr/bin/env python3
"""Slow test (suite "slow"): `voigtspin fragility --kernel infinite-range` against the exact finite-N
heat capacity of the mean-field Hamiltonian of Eq. 21, and the approach of the peak to the mean-field
jump (n + 2)/2 = 4 with growing N.

Model: no pair kernel, U = <J~> of an isotropic sigma = 0.1 glass (J_compr < J_shear: the 5-component
shear sector orders), H = -(1/2N) sum_a J_a (v_a . M)^2, unit 6-spins, E0 = 1.

Exact finite-N reference (independent of the sampler): the Hubbard-Stratonovich identity is exact at
every N,
    Z(beta) ∝ prod_a K_a^(-1/2) ∫ d^6x exp(-A(x)) Z1(|x|)^N,  A = N sum_a x_a^2/(2 K_a),  K_a = beta J_a,
Z1(r) = 8 I_2(r)/r^2 (n = 6). Differentiating under the integral (dA/dbeta = -A/beta):
    E = (3 - <A>)/beta,   C = 3 + Var(A) - 2<A>   (totals; per spin / N),
<.> the average with weight exp(-A) Z1^N. With the shear sector isotropic, d^6x = dx_c r^4 dr dOmega_4:
a 2-D quadrature on a fixed grid (trapezoid), ln Z1 from its power series, tabulated.

Checks (one fixed seed; error bars are the sampler's jackknife errors with tau_int):
 1. Every C(T) of every size agrees with the exact value: |z| < 4 (and chi^2 per point printed).
 2. The peak (the driver's parabola through the top three points) agrees with the same estimator
    applied to the exact curve on the same ladder, |z| < 4, for each size; and it grows with N: the
    weighted line C_peak = a + b N^(-1/2) through the three sizes has b < 0 at z >= 3 (the exact
    peaks differ by about 2 error bars between neighbouring sizes, so the trend is tested as one fit,
    not pair by pair).
 3. The exact peak itself (maximised over T) for N = 216, 512, 1000 increases towards 4 and stays below
    it (MF finite-size scaling for an ordering sector of d >= 2 components: the scaling function of C
    is monotone, so 4 is approached from below, as 4 - O(N^(-1/2)); docs/fragility.md).
"""
import csv
import io
import math
import os
import subprocess
import sys
import tempfile

exe = os.path.abspath(sys.argv[1])
results = []


def check(name, cond, detail=""):
    results.append((name, bool(cond), detail))


# ---- the exact finite-N heat capacity ----------------------------------------------------------------
def lnz1_table(rmax=40.0, h=0.0005):
    """ln(8 I_2(x)/x^2) = ln sum_k 2 (x/2)^(2k) / (k! (k+2)!) on a grid."""
    t = []
    for i in range(int(rmax / h) + 2):
        x, k, term, s = i * h, 0, 1.0, 1.0
        q = (x / 2) ** 2
        while x > 0:
            term *= q / ((k + 1) * (k + 3))
            k += 1
            s += term
            if term < 1e-17 * s:
                break
        t.append(math.log(s))
    return t, h


TAB, H = lnz1_table()


def lnz1(x):
    u = x / H
    i = int(u)
    f = u - i
    return TAB[i] * (1 - f) + TAB[i + 1] * f


def exact_c(N, T, Jc, Js, nx=501, nr=251):
    """Heat capacity per spin of the infinite-range model (one compression, five shear couplings)."""
    Kc, Ks = Jc / T, Js / T
    # |x| = K |m| <= K at the saddle point, fluctuations of width sqrt(K/N) around it
    X = min(27.0, Kc + 10 * math.sqrt(Kc / N) + 1)
    R = min(27.0, Ks + 10 * math.sqrt(Ks / N) + 1)
    pts, mx = [], -1e300
    for i in range(nx):
        xc = -X + 2 * X * i / (nx - 1)
        for j in range(1, nr):
            r = R * j / (nr - 1)
            A = N * (xc * xc / (2 * Kc) + r * r / (2 * Ks))
            lw = 4 * math.log(r) - A + N * lnz1(math.sqrt(xc * xc + r * r))
            pts.append((lw, A))
            mx = max(mx, lw)
    s0 = s1 = s2 = 0.0
    for lw, A in pts:
        w = math.exp(lw - mx)
        s0 += w
        s1 += w * A
        s2 += w * A * A
    mA = s1 / s0
    return (3 + s2 / s0 - mA * mA - 2 * mA) / N


def parabola_peak(T, C):
    k = max(range(len(C)), key=lambda i: C[i])
    if k in (0, len(C) - 1):
        return math.nan
    x0, x1, x2 = T[k - 1] - T[k], 0.0, T[k + 1] - T[k]
    d0, d2 = (C[k - 1] - C[k]) / x0, (C[k + 1] - C[k]) / x2
    q = (d2 - d0) / (x2 - x0)
    p = d0 - q * x0
    u = -p / (2 * q)
    return C[k] + p * u + q * u * u


sigma = 0.1
q = 2.5 * (1 + sigma) / (4 - 5 * sigma)
Jc, Js = 3 * q / (q + 5), 3 / (q + 5)
Tc = max(Jc, Js) / 6
SIZES = [4, 6, 8]

# ---- the driver ------------------------------------------------------------------------------------
scratch = tempfile.mkdtemp(prefix="voigtspin-fragility-slow-")
args = [exe, "fragility", "--sigma", f"{sigma}:{sigma}:1", "--kernel", "infinite-range",
        "--L", ",".join(map(str, SIZES)), "--Trel", "0.65:1.4:12", "--sweeps", "6000", "--therm", "1000",
        "--seed", "5", "--threads", "1", "--quiet", "--curves", "curves.csv", "-o", "summary.csv"]
p = subprocess.run(args, capture_output=True, text=True, cwd=scratch, timeout=1500)
check("driver_runs", p.returncode == 0, p.stderr)
curves = list(csv.DictReader(open(os.path.join(scratch, "curves.csv")))) if p.returncode == 0 else []
summary = list(csv.DictReader(open(os.path.join(scratch, "summary.csv")))) if p.returncode == 0 else []
check("driver_mean_field_temperature_is_Jshear_over_6",
      summary and math.isclose(float(summary[0]["T_mf"]), Tc, rel_tol=1e-9), str(summary[:1]))

peaks = []
for L in SIZES:
    N = L ** 3
    rows = [r for r in curves if int(r["L"]) == L]
    T = [float(r["T"]) for r in rows]
    C = [float(r["C"]) for r in rows]
    dC = [float(r["dC"]) for r in rows]
    ex = [exact_c(N, t, Jc, Js) for t in T]
    z = [(c - e) / d for c, e, d in zip(C, ex, dC)]
    chi2 = sum(v * v for v in z)
    detail = "\n".join(f"T/Tc={t / Tc:.3f} C={c:.4f}±{d:.4f} exact={e:.4f} z={v:+.2f}" for t, c, d, e, v in
                       zip(T, C, dC, ex, z))
    print(f"# N = {N}: chi2 = {chi2:.1f} for {len(z)} temperatures")
    for line in detail.splitlines():
        print("#   " + line)
    check(f"C_of_T_matches_the_exact_finite_N_value_N{N}", len(z) == 12 and max(abs(v) for v in z) < 4, detail)
    row = [r for r in summary if r["L"] == str(L)][0]
    cp, dcp = float(row["C_peak"]), float(row["dC_peak"])
    cp_ex = parabola_peak(T, ex)
    zp = (cp - cp_ex) / dcp
    print(f"# N = {N}: C_peak = {cp:.4f} ± {dcp:.4f} (exact, same estimator: {cp_ex:.4f}, z = {zp:+.2f}); "
          f"dc = {float(row['dc']):.4f} ± {float(row['ddc']):.4f}")
    check(f"peak_matches_the_exact_peak_on_the_same_ladder_N{N}", abs(zp) < 4, f"{cp} {dcp} {cp_ex}")
    peaks.append((N, cp, dcp))
for (n1, c1, d1), (n2, c2, d2) in zip(peaks, peaks[1:]):
    print(f"# C_peak({n2}) - C_peak({n1}) = {c2 - c1:.4f} ± {math.hypot(d1, d2):.4f}")
# weighted least squares C_peak = a + b x, x = N^(-1/2)
if len(peaks) == len(SIZES):
    w = [1 / d ** 2 for _, _, d in peaks]
    x = [n ** -0.5 for n, _, _ in peaks]
    y = [c for _, c, _ in peaks]
    S, Sx, Sy = sum(w), sum(wi * xi for wi, xi in zip(w, x)), sum(wi * yi for wi, yi in zip(w, y))
    Sxx, Sxy = sum(wi * xi * xi for wi, xi in zip(w, x)), sum(wi * xi * yi for wi, xi, yi in zip(w, x, y))
    D = S * Sxx - Sx * Sx
    b, db = (S * Sxy - Sx * Sy) / D, math.sqrt(S / D)
    a, da = (Sxx * Sy - Sx * Sxy) / D, math.sqrt(Sxx / D)
    print(f"# C_peak = {a:.3f}(±{da:.3f}) + {b:.2f}(±{db:.2f}) N^-1/2; slope z = {-b / db:.2f}")
    check("peak_grows_with_N_fitted_slope_in_N_to_the_minus_half", -b / db >= 3, f"b = {b} ± {db}")
else:
    check("peak_grows_with_N_fitted_slope_in_N_to_the_minus_half", False, str(peaks))
inf = [r for r in summary if r["L"] == "inf"]
if inf:
    print(f"# dc extrapolated linearly in N^-1/2: {float(inf[0]['dc']):.3f} ± {float(inf[0]['ddc']):.3f}")

# ---- the exact peak tends to 4 from below -----------------------------------------------------------
prev = 0.0
ok = True
for N in (216, 512, 1000):
    lo, hi = 0.6, 1.05
    for _ in range(3):
        grid = [lo + (hi - lo) * k / 10 for k in range(11)]
        c, t = max((exact_c(N, g * Tc, Jc, Js, nx=401, nr=201), g) for g in grid)
        step = (hi - lo) / 10
        lo, hi = t - step, t + step
    print(f"# exact peak N = {N}: C = {c:.4f} at T/Tc = {t:.4f}")
    ok = ok and prev < c < 4.0
    prev = c
check("exact_peak_increases_towards_the_mean_field_jump_4", ok)

print(f"1..{len(results)}")
for i, (name, good, detail) in enumerate(results, 1):
    print(f"{'ok' if good else 'not ok'} {i} - {name}")
    if not good:
        for line in str(detail).splitlines()[:40]:
            print(f"# {line}")
sys.exit(0)
