/*
 * The sampler's observables (lib/sampler/observe.c, lib/lattice/structure.c; sampler.h,
 * "Observables"). Every reference value is computed here, independently of the library:
 *
 * unit (deterministic):
 *  - the means, the derived fluctuations and Binder cumulants and ⟨S(k)⟩ equal this file's own
 *    accumulation of vs_sampler_energy()/vs_sampler_spins() after each measurement (n = 6 pair table,
 *    so the compression/shear keys are covered), to round-off;
 *  - S(k) of planted configurations (set by vs_sampler_set_spins, measured without a sweep) equals
 *    the direct O(N²) sum Σ_a |Σ_m s_{m,a} e^{−ik·r_m}|²/N at every grid point (≤ 1e-10 N), periodic
 *    sc, bcc (2-site basis, the basis phase matters) and an open cluster; Σ_k S(k) = N (Parseval,
 *    sc); the peak at the planted k; the planted Luttinger–Tisza state of the dipolar sc lattice
 *    peaks at vs_lattice_luttinger_tisza_min()'s k (same convention);
 *  - round trips: ladders so close that every exchange is accepted (checked), the count against a
 *    simulation of the permutation done here; nrep = 1 gives 0; reset forgets them;
 *  - the packed state: pack, reset, unpack gives identical observables and continuing is
 *    bit-identical to a run that never packed; damaged states are refused, the sampler unchanged;
 *  - bad input for every new function.
 * physics (fixed seeds, accept |z| ≤ Z_CRIT = 4 with the reported error bars):
 *  - β → 0 (T = 1e12, heat bath): iid uniform spins on S^{n−1}, closed forms ⟨|M|²⟩ = N,
 *    ⟨|M|⁴⟩ = N² + 2N(N−1)/n, Binder = 1/N, ⟨E⟩ = −(E0/2) N tr T(0)/n; for n = 6 the compression
 *    and shear moments (projections of iid uniform 6-vectors, file comment of beta_zero_n6);
 *  - the heat capacity and ⟨E⟩ of a 2-spin pair-table cluster (n = 3) against quadrature: given
 *    s1, s2 follows von Mises–Fisher with κ = E0|Js1|/T, so Z ∝ ∫dσ(s1) sinh κ/κ,
 *    E[s1ᵀJs2|s1] = |Js1| L(κ), E[(s1ᵀJs2)²|s1] = |Js1|²(1 − 2L(κ)/κ), L = coth − 1/κ (Langevin),
 *    and the integral over s1 ∈ S² by a Gauss–Legendre × trapezoid product rule (converged to
 *    1e-9, checked against a coarser rule).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#include <libvoigtspin/voigtspin.h>

#include "testutil.h"
#include "sampler/sampler_internal.h"

#define Z_CRIT 4.0

static const double ID3[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};

/* ---- lattices ------------------------------------------------------------------------------------ */

/* Nearest-neighbour pair table on sc L1×L2×L3 (a = 1), n components, block J·I plus a small
 * anisotropy (so that no direction is special by accident), periodic or open. */
static vs_lattice *pair_lattice(int n, const int *L, int open)
{
    vs_lattice_options *lo = NULL;
    vs_lattice *lat = NULL;
    int disp[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, pair[6] = {0};
    double *B = calloc((size_t)(3 * n * n), sizeof *B);
    for (int e = 0; e < 3; e++)
        for (int a = 0; a < n; a++) {
            B[e * n * n + a * n + a] = 1.0 + 0.1 * a;
            if (a + 1 < n)
                B[e * n * n + a * n + a + 1] = B[e * n * n + (a + 1) * n + a] = 0.2;
        }
    double frac[3] = {0, 0, 0};
    assert_int_equal(vs_lattice_options_create(&lo), VS_OK);
    assert_int_equal(vs_lattice_options_set(lo, VS_LATTICE_OPT_BOUNDARY, open), VS_OK);
    assert_int_equal(vs_lattice_create_pairs(ID3, 1, frac, L, n, 3, disp, pair, B, NULL, lo, &lat), VS_OK);
    vs_lattice_options_free(lo);
    free(B);
    return lat;
}

static vs_lattice *dipolar_lattice(int kind, const int *L, int open)
{
    vs_coupling *c = NULL;
    vs_lattice_options *lo = NULL;
    vs_lattice *lat = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    assert_int_equal(vs_lattice_options_create(&lo), VS_OK);
    assert_int_equal(vs_lattice_options_set(lo, VS_LATTICE_OPT_BOUNDARY, open), VS_OK);
    assert_int_equal(vs_lattice_create_cubic(kind, 1.0, L, c, 0, lo, &lat), VS_OK);
    vs_lattice_options_free(lo);
    vs_coupling_free(c);
    return lat;
}

static vs_sampler *make_sampler(const vs_lattice *lat, int nrep, const double *T, unsigned long seed)
{
    vs_sampler *s = NULL;
    assert_int_equal(vs_sampler_create(lat, nrep, T, seed, NULL, &s), VS_OK);
    return s;
}

/* ---- independent reference computations -------------------------------------------------------- */

/* Direct S(k) at k = 2π(q1/L1, q2/L2, q3/L3) (cubic cell, a = 1) for every grid point, row-major. */
static void direct_sk(const vs_lattice *lat, const int *L, const double *s, double *Sk)
{
    size_t N = vs_lattice_nsites(lat);
    int n = vs_lattice_ncomp(lat);
    double *r = malloc(N * 3 * sizeof *r);
    assert_int_equal(vs_lattice_positions(lat, r), VS_OK);
    size_t i = 0;
    for (int q1 = 0; q1 < L[0]; q1++)
        for (int q2 = 0; q2 < L[1]; q2++)
            for (int q3 = 0; q3 < L[2]; q3++, i++) {
                double k[3] = {2 * M_PI * q1 / L[0], 2 * M_PI * q2 / L[1], 2 * M_PI * q3 / L[2]}, S = 0.0;
                for (int a = 0; a < n; a++) {
                    double re = 0.0, im = 0.0;
                    for (size_t m = 0; m < N; m++) {
                        double ph = k[0] * r[3 * m] + k[1] * r[3 * m + 1] + k[2] * r[3 * m + 2];
                        re += s[m * n + a] * cos(ph);
                        im -= s[m * n + a] * sin(ph);
                    }
                    S += re * re + im * im;
                }
                Sk[i] = S / (double)N;
            }
    free(r);
}

/* |m|, |m_c|, |m_s| of a configuration (m = M/N; compression and shear for n = 6). */
static void order_parameters(int n, size_t N, const double *s, double *x)
{
    double m[16] = {0};
    for (size_t i = 0; i < N; i++)
        for (int a = 0; a < n; a++)
            m[a] += s[i * n + a] / (double)N;
    double m2 = 0.0;
    for (int a = 0; a < n; a++)
        m2 += m[a] * m[a];
    x[0] = sqrt(m2);
    x[1] = x[2] = 0.0;
    if (n == 6) { /* the spin basis of elastic.h: component 0 is the compression q1 */
        x[1] = fabs(m[0]);
        x[2] = sqrt(fmax(0.0, m2 - m[0] * m[0])); /* |(m1 … m5)| */
    }
}

/* ---- unit: means vs an independent accumulation ------------------------------------------------- */

#define NMEAS 40 /* < 64: every measurement is in a complete bin of width 1 */

static void test_means_equal_independent_accumulation(void **state)
{
    (void)state;
    int L[3] = {3, 3, 2}, n = 6;
    vs_lattice *lat = pair_lattice(n, L, 0);
    double T[3] = {1.5, 3.0, 6.0};
    vs_sampler *s = make_sampler(lat, 3, T, 7);
    size_t N = vs_lattice_nsites(lat), ng = (size_t)(L[0] * L[1] * L[2]);
    double *sp = malloc(N * n * sizeof *sp), *sk = malloc(ng * sizeof *sk);
    /* per slot: Σ of E, E², |x|, x², x⁴ (x = m, m_c, m_s), max S; and Σ S(k) */
    double E[3][NMEAS], X[3][3][NMEAS], SM[3][NMEAS], *SKsum = calloc(3 * ng, sizeof *SKsum);
    for (int t = 0; t < NMEAS; t++) {
        assert_int_equal(vs_sampler_sweep(s, 1), VS_OK);
        assert_int_equal(vs_sampler_measure(s), VS_OK);
        for (int r = 0; r < 3; r++) {
            double x[3];
            assert_int_equal(vs_sampler_energy(s, r, &E[r][t]), VS_OK);
            assert_int_equal(vs_sampler_spins(s, r, sp), VS_OK);
            order_parameters(n, N, sp, x);
            for (int j = 0; j < 3; j++)
                X[r][j][t] = x[j];
            direct_sk(lat, L, sp, sk);
            SM[r][t] = 0.0;
            for (size_t i = 0; i < ng; i++) {
                SKsum[r * ng + i] += sk[i];
                SM[r][t] = fmax(SM[r][t], sk[i]);
            }
        }
    }
    long long nm;
    assert_int_equal(vs_sampler_measurements(s, &nm), VS_OK);
    assert_int_equal(nm, NMEAS);
    for (int r = 0; r < 3; r++) {
        /* two-pass means and variances */
        double mE = 0.0, vE = 0.0, mS = 0.0;
        for (int t = 0; t < NMEAS; t++) {
            mE += E[r][t] / NMEAS;
            mS += SM[r][t] / NMEAS;
        }
        for (int t = 0; t < NMEAS; t++)
            vE += (E[r][t] - mE) * (E[r][t] - mE) / NMEAS;
        double v, err, tau;
        assert_int_equal(vs_sampler_observable(s, r, VS_SAMPLER_OBS_ENERGY, &v, &err, &tau), VS_OK);
        assert_close(v, mE / N, 1e-12, 1e-14);
        assert_true(err > 0.0 && tau > 0.0);
        assert_int_equal(vs_sampler_observable(s, r, VS_SAMPLER_OBS_HEAT_CAPACITY, &v, &err, &tau), VS_OK);
        assert_close(v, vE / (N * T[r] * T[r]), 1e-9, 1e-14);
        assert_true(err > 0.0);
        assert_int_equal(vs_sampler_observable(s, r, VS_SAMPLER_OBS_SK_MAX, &v, NULL, NULL), VS_OK);
        assert_close(v, mS, 1e-10, 1e-12);
        static const int keys[3][5] = {
            {VS_SAMPLER_OBS_M, VS_SAMPLER_OBS_M2, VS_SAMPLER_OBS_M4, VS_SAMPLER_OBS_CHI, VS_SAMPLER_OBS_BINDER},
            {VS_SAMPLER_OBS_COMP, VS_SAMPLER_OBS_COMP2, VS_SAMPLER_OBS_COMP4, VS_SAMPLER_OBS_COMP_CHI,
             VS_SAMPLER_OBS_COMP_BINDER},
            {VS_SAMPLER_OBS_SHEAR, VS_SAMPLER_OBS_SHEAR2, VS_SAMPLER_OBS_SHEAR4, VS_SAMPLER_OBS_SHEAR_CHI,
             VS_SAMPLER_OBS_SHEAR_BINDER}};
        static const int ncomp[3] = {6, 1, 5};
        for (int j = 0; j < 3; j++) {
            double m1 = 0.0, m2 = 0.0, m4 = 0.0, var = 0.0;
            for (int t = 0; t < NMEAS; t++) {
                double x = X[r][j][t];
                m1 += x / NMEAS;
                m2 += x * x / NMEAS;
                m4 += x * x * x * x / NMEAS;
            }
            for (int t = 0; t < NMEAS; t++)
                var += (X[r][j][t] - m1) * (X[r][j][t] - m1) / NMEAS;
            double want[5] = {m1, m2, m4, N * var / T[r], (ncomp[j] + 2) / 2.0 - ncomp[j] / 2.0 * m4 / (m2 * m2)};
            for (int i = 0; i < 5; i++) {
                assert_int_equal(vs_sampler_observable(s, r, keys[j][i], &v, &err, &tau), VS_OK);
                assert_close(v, want[i], 1e-9, 1e-13);
                double tau_primary;
                assert_int_equal(vs_sampler_observable(s, r, keys[j][1], NULL, NULL, &tau_primary), VS_OK);
                if (i >= 3) /* derived keys carry the τ_int of x² */
                    assert_true(tau == tau_primary);
            }
        }
        double tauE;
        assert_int_equal(vs_sampler_observable(s, r, VS_SAMPLER_OBS_ENERGY, NULL, NULL, &tauE), VS_OK);
        assert_int_equal(vs_sampler_observable(s, r, VS_SAMPLER_OBS_HEAT_CAPACITY, NULL, NULL, &tau), VS_OK);
        assert_true(tau == tauE);
        /* ⟨S(k)⟩ */
        assert_int_equal(vs_sampler_structure_factor(s, r, sk), VS_OK);
        for (size_t i = 0; i < ng; i++)
            assert_close(sk[i], SKsum[r * ng + i] / NMEAS, 0.0, 1e-10 * (double)N);
    }
    free(sp);
    free(sk);
    free(SKsum);
    vs_sampler_free(s);
    vs_lattice_free(lat);
}

/* ---- unit: S(k) of planted configurations --------------------------------------------------------- */

/* Measure configuration sp at slot 0 of a fresh sampler (no sweep) and compare ⟨S(k)⟩ with the
 * direct sum at every grid point; returns the sampler for further checks. */
static vs_sampler *planted(const vs_lattice *lat, const int *L, const double *sp, double *Sk)
{
    double T = 1.0;
    vs_sampler *s = make_sampler(lat, 1, &T, 3);
    size_t ng = (size_t)(L[0] * L[1] * L[2]);
    double *Sd = malloc(ng * sizeof *Sd);
    assert_int_equal(vs_sampler_set_spins(s, 0, sp), VS_OK);
    assert_int_equal(vs_sampler_measure(s), VS_OK);
    assert_int_equal(vs_sampler_structure_factor(s, 0, Sk), VS_OK);
    direct_sk(lat, L, sp, Sd);
    double N = (double)vs_lattice_nsites(lat);
    for (size_t i = 0; i < ng; i++)
        assert_close(Sk[i], Sd[i], 0.0, 1e-10 * N);
    free(Sd);
    return s;
}

/* A spiral s_m = (cos k0·r_m, sin k0·r_m, 0) on periodic sc 4×3×4 at k0 = 2π(1/4, 0, 2/4):
 * S = N/2 at ±k0 and 0 elsewhere; the peak is reported at the lower index, q = (1, 0, 2). */
static void test_structure_factor_of_planted_spiral(void **state)
{
    (void)state;
    int L[3] = {4, 3, 4}, q0[3] = {1, 0, 2};
    vs_lattice *lat = dipolar_lattice(VS_LATTICE_SC, L, 0);
    size_t N = vs_lattice_nsites(lat), ng = N;
    double *r = malloc(N * 3 * sizeof *r), *sp = malloc(N * 3 * sizeof *sp), *Sk = malloc(ng * sizeof *Sk);
    double k0[3] = {2 * M_PI * q0[0] / L[0], 2 * M_PI * q0[1] / L[1], 2 * M_PI * q0[2] / L[2]};
    assert_int_equal(vs_lattice_positions(lat, r), VS_OK);
    for (size_t m = 0; m < N; m++) {
        double ph = k0[0] * r[3 * m] + k0[1] * r[3 * m + 1] + k0[2] * r[3 * m + 2];
        sp[3 * m] = cos(ph);
        sp[3 * m + 1] = sin(ph);
        sp[3 * m + 2] = 0.0;
    }
    vs_sampler *s = planted(lat, L, sp, Sk);
    double sum = 0.0;
    for (size_t i = 0; i < ng; i++)
        sum += Sk[i];
    assert_close(sum, (double)N, 1e-13, 0.0); /* Parseval */
    size_t i0 = (size_t)((q0[0] * L[1] + q0[1]) * L[2] + q0[2]);
    assert_close(Sk[i0], N / 2.0, 1e-12, 0.0);
    double k[3], Smax;
    assert_int_equal(vs_sampler_structure_factor_peak(s, 0, k, &Smax), VS_OK);
    assert_close(Smax, N / 2.0, 1e-12, 0.0);
    for (int c = 0; c < 3; c++)
        assert_close(k[c], k0[c], 1e-14, 1e-14);
    vs_sampler_free(s);
    free(r);
    free(sp);
    free(Sk);
    vs_lattice_free(lat);
}

/* Random unit spins on bcc 3×2×2 (2-site basis: the basis phase e^{−ik·p_b} matters) and on an
 * open sc 3×3×2 cluster (the zero-padded grid read at the even points): the direct sum everywhere;
 * Parseval on a periodic sc lattice with random spins. */
static void test_structure_factor_equals_direct_sum(void **state)
{
    (void)state;
    uint64_t st = 11;
    const int cases[3][4] = {{VS_LATTICE_BCC, 0, 0, 0}, {VS_LATTICE_SC, 1, 0, 0}, {VS_LATTICE_SC, 0, 0, 0}};
    const int Ls[3][3] = {{3, 2, 2}, {3, 3, 2}, {5, 2, 3}};
    for (int c = 0; c < 3; c++) {
        vs_lattice *lat = dipolar_lattice(cases[c][0], Ls[c], cases[c][1]);
        size_t N = vs_lattice_nsites(lat), ng = (size_t)(Ls[c][0] * Ls[c][1] * Ls[c][2]);
        double *sp = malloc(N * 3 * sizeof *sp), *Sk = malloc(ng * sizeof *Sk);
        for (size_t m = 0; m < N; m++)
            tu_direction(&st, sp + 3 * m);
        vs_sampler *s = planted(lat, Ls[c], sp, Sk);
        if (c == 2) {
            double sum = 0.0;
            for (size_t i = 0; i < ng; i++)
                sum += Sk[i];
            assert_close(sum, (double)N, 1e-13, 0.0);
        }
        vs_sampler_free(s);
        free(sp);
        free(Sk);
        vs_lattice_free(lat);
    }
}

/* The Luttinger–Tisza ground state of the dipolar sc lattice (columnar antiferro, spins along x,
 * sign (−1)^{y+z}, k = (0, π, π)): its S(k) peaks at vs_lattice_luttinger_tisza_min()'s k. */
static void test_structure_factor_peak_matches_luttinger_tisza(void **state)
{
    (void)state;
    int L[3] = {4, 4, 4};
    vs_lattice *lat = dipolar_lattice(VS_LATTICE_SC, L, 0);
    size_t N = vs_lattice_nsites(lat);
    double *r = malloc(N * 3 * sizeof *r), *sp = calloc(N * 3, sizeof *sp), *Sk = malloc(N * sizeof *Sk);
    assert_int_equal(vs_lattice_positions(lat, r), VS_OK);
    for (size_t m = 0; m < N; m++)
        sp[3 * m] = ((long)lround(r[3 * m + 1] + r[3 * m + 2])) % 2 ? -1.0 : 1.0;
    double klt[3], lmin, k[3], Smax;
    assert_int_equal(vs_lattice_luttinger_tisza_min(lat, &lmin, klt), VS_OK);
    vs_sampler *s = planted(lat, L, sp, Sk);
    assert_int_equal(vs_sampler_structure_factor_peak(s, 0, k, &Smax), VS_OK);
    assert_close(Smax, (double)N, 1e-12, 0.0);
    for (int c = 0; c < 3; c++)
        assert_close(k[c], klt[c], 1e-13, 1e-13);
    assert_close(k[1], M_PI, 1e-14, 0.0);
    vs_sampler_free(s);
    free(r);
    free(sp);
    free(Sk);
    vs_lattice_free(lat);
}

/* ---- unit: round trips -------------------------------------------------------------------------- */

/* A ladder so narrow that every exchange is accepted: |Δ(1/T) ΔE| ≲ 1e-10 while −log u ≥ 2.3e-10
 * for every u < 1 − 2^−32 of mt19937 (checked: all exchange rates are 1). The permutation is
 * then known; the round trips are counted here by following each configuration. */
static void round_trips_case(int nrep, long sweeps)
{
    int L[3] = {2, 2, 2};
    vs_lattice *lat = pair_lattice(3, L, 0);
    double T[8];
    for (int r = 0; r < nrep; r++)
        T[r] = 1.0 + 1e-12 * r;
    vs_sampler *s = make_sampler(lat, nrep, T, 5);
    assert_int_equal(vs_sampler_sweep(s, sweeps), VS_OK);
    for (int r = 0; r + 1 < nrep; r++) {
        double rate;
        assert_int_equal(vs_sampler_exchange_rate(s, r, &rate), VS_OK);
        assert_true(rate == 1.0);
    }
    /* follow the configurations: at[r] = the configuration in slot r */
    int at[8], bottom[8] = {0}, top_after[8] = {0};
    long long trips = 0;
    for (int r = 0; r < nrep; r++)
        at[r] = r;
    bottom[0] = 1;
    for (long k = 0; k < sweeps; k++) {
        for (int r = (int)(k % 2); r + 1 < nrep; r += 2) {
            int t = at[r];
            at[r] = at[r + 1];
            at[r + 1] = t;
        }
        int ct = at[nrep - 1], cb = at[0];
        if (bottom[ct])
            top_after[ct] = 1;
        if (top_after[cb])
            trips++;
        bottom[cb] = 1;
        top_after[cb] = 0;
    }
    long long n;
    assert_int_equal(vs_sampler_round_trips(s, &n), VS_OK);
    assert_int_equal(n, trips);
    if (nrep == 2) /* a swap every second sweep: swaps at sweeps 0, 2, …; all but the first close a trip */
        assert_int_equal(n, (sweeps + 1) / 2 - 1);
    if (nrep > 1)
        assert_true(n > 0);
    assert_int_equal(vs_sampler_reset_observables(s), VS_OK);
    assert_int_equal(vs_sampler_round_trips(s, &n), VS_OK);
    assert_int_equal(n, 0);
    vs_sampler_free(s);
    vs_lattice_free(lat);
}

static void test_round_trips_follow_the_configurations(void **state)
{
    (void)state;
    round_trips_case(2, 20);
    round_trips_case(3, 37);
    round_trips_case(4, 60);
    /* nrep = 1: none */
    int L[3] = {2, 2, 2};
    vs_lattice *lat = pair_lattice(3, L, 0);
    double T = 1.0;
    long long n = -1;
    vs_sampler *s = make_sampler(lat, 1, &T, 5);
    assert_int_equal(vs_sampler_sweep(s, 10), VS_OK);
    assert_int_equal(vs_sampler_round_trips(s, &n), VS_OK);
    assert_int_equal(n, 0);
    vs_sampler_free(s);
    vs_lattice_free(lat);
}

/* ---- unit: packed state ------------------------------------------------------------------------- */

static const int all_keys_n6[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18};

/* Every observable (value, error, τ_int), ⟨S(k)⟩, the peak, the counts of slot 0 … nrep−1 into v. */
static size_t snapshot(const vs_sampler *s, size_t ng, double *v)
{
    size_t k = 0;
    for (int r = 0; r < vs_sampler_nreplicas(s); r++) {
        for (int i = 0; i < 18; i++) {
            assert_int_equal(vs_sampler_observable(s, r, all_keys_n6[i], v + k, v + k + 1, v + k + 2), VS_OK);
            k += 3;
        }
        assert_int_equal(vs_sampler_structure_factor(s, r, v + k), VS_OK);
        k += ng;
        assert_int_equal(vs_sampler_structure_factor_peak(s, r, v + k, v + k + 3), VS_OK);
        k += 4;
    }
    long long n;
    assert_int_equal(vs_sampler_measurements(s, &n), VS_OK);
    v[k++] = (double)n;
    assert_int_equal(vs_sampler_round_trips(s, &n), VS_OK);
    v[k++] = (double)n;
    return k;
}

static void run(vs_sampler *s, int n)
{
    for (int t = 0; t < n; t++) {
        assert_int_equal(vs_sampler_sweep(s, 1), VS_OK);
        assert_int_equal(vs_sampler_measure(s), VS_OK);
    }
}

static void test_packed_state_continues_bit_identically(void **state)
{
    (void)state;
    int L[3] = {2, 2, 3};
    vs_lattice *lat = pair_lattice(6, L, 0);
    double T[3] = {2.0, 2.2, 2.5};
    vs_sampler *a = make_sampler(lat, 3, T, 9), *b = make_sampler(lat, 3, T, 9);
    size_t ng = 12, nv = 3 * (18 * 3 + ng + 4) + 2;
    double *va = malloc(nv * sizeof *va), *vb = malloc(nv * sizeof *vb);
    run(a, 150); /* > 64 measurements: the bins have been merged */
    run(b, 150);
    size_t len = vs__observe_size(b);
    unsigned char *buf = malloc(len), *bad = malloc(len);
    assert_int_equal(vs__observe_pack(b, buf), VS_OK);
    assert_int_equal(snapshot(b, ng, va), nv);
    assert_int_equal(vs_sampler_reset_observables(b), VS_OK);
    long long n;
    assert_int_equal(vs_sampler_measurements(b, &n), VS_OK);
    assert_int_equal(n, 0);
    /* damaged states are refused and change nothing */
    assert_int_equal(vs__observe_unpack(b, buf, len - 1), VS_EINVAL);
    memcpy(bad, buf, len);
    bad[0] ^= 1; /* tag */
    assert_int_equal(vs__observe_unpack(b, bad, len), VS_EINVAL);
    memcpy(bad, buf, len);
    bad[4 * 8] ^= 1; /* the measurement count no longer matches the accumulators */
    assert_int_equal(vs__observe_unpack(b, bad, len), VS_EINVAL);
    memcpy(bad, buf, len);
    bad[6 * 8] = 7; /* a round-trip label */
    assert_int_equal(vs__observe_unpack(b, bad, len), VS_EINVAL);
    memcpy(bad, buf, len);
    bad[len - 1] = 0xff; /* the last S(k) sum becomes negative (or NaN) */
    assert_int_equal(vs__observe_unpack(b, bad, len), VS_EINVAL);
    assert_int_equal(vs_sampler_measurements(b, &n), VS_OK);
    assert_int_equal(n, 0);
    /* restored: identical observables, and the run continues as if never packed */
    assert_int_equal(vs__observe_unpack(b, buf, len), VS_OK);
    assert_int_equal(snapshot(b, ng, vb), nv);
    assert_memory_equal(va, vb, nv * sizeof *va);
    run(a, 70);
    run(b, 70);
    snapshot(a, ng, va);
    snapshot(b, ng, vb);
    assert_memory_equal(va, vb, nv * sizeof *va);
    /* measuring does not touch the chain: a sampler that never measured holds the same spins */
    vs_sampler *c = make_sampler(lat, 3, T, 9);
    assert_int_equal(vs_sampler_sweep(c, 220), VS_OK);
    size_t nsp = vs_lattice_nsites(lat) * 6;
    double *sa = malloc(nsp * sizeof *sa), *sc = malloc(nsp * sizeof *sc);
    for (int r = 0; r < 3; r++) {
        assert_int_equal(vs_sampler_spins(a, r, sa), VS_OK);
        assert_int_equal(vs_sampler_spins(c, r, sc), VS_OK);
        assert_memory_equal(sa, sc, nsp * sizeof *sa);
    }
    free(sa);
    free(sc);
    vs_sampler_free(c);
    free(buf);
    free(bad);
    free(va);
    free(vb);
    vs_sampler_free(a);
    vs_sampler_free(b);
    vs_lattice_free(lat);
}

/* ---- unit: bad input ---------------------------------------------------------------------------- */

static void test_bad_input_is_refused(void **state)
{
    (void)state;
    int L[3] = {2, 2, 2};
    vs_lattice *lat = pair_lattice(3, L, 0);
    double T[2] = {1.0, 2.0}, v, e, t, k[3], Sk[8];
    long long n;
    vs_sampler *s = make_sampler(lat, 2, T, 1);
    assert_int_equal(vs_sampler_measure(NULL), VS_EINVAL);
    assert_int_equal(vs_sampler_reset_observables(NULL), VS_EINVAL);
    assert_int_equal(vs_sampler_measurements(NULL, &n), VS_EINVAL);
    assert_int_equal(vs_sampler_measurements(s, NULL), VS_EINVAL);
    assert_int_equal(vs_sampler_round_trips(NULL, &n), VS_EINVAL);
    assert_int_equal(vs_sampler_round_trips(s, NULL), VS_EINVAL);
    /* no measurement yet */
    assert_int_equal(vs_sampler_observable(s, 0, VS_SAMPLER_OBS_ENERGY, &v, &e, &t), VS_ENUMERIC);
    assert_int_equal(vs_sampler_structure_factor(s, 0, Sk), VS_ENUMERIC);
    assert_int_equal(vs_sampler_structure_factor_peak(s, 0, k, &v), VS_ENUMERIC);
    assert_int_equal(vs_sampler_measure(s), VS_OK);
    assert_int_equal(vs_sampler_observable(s, 0, VS_SAMPLER_OBS_ENERGY, &v, &e, &t), VS_ENUMERIC); /* 1 < 2 */
    assert_int_equal(vs_sampler_structure_factor(s, 1, Sk), VS_OK);
    assert_int_equal(vs_sampler_measure(s), VS_OK);
    assert_int_equal(vs_sampler_observable(s, 1, VS_SAMPLER_OBS_BINDER, &v, &e, &t), VS_OK);
    assert_int_equal(vs_sampler_observable(s, 1, VS_SAMPLER_OBS_M, NULL, NULL, NULL), VS_OK);
    /* observable: handle, slot, key, ncomp */
    assert_int_equal(vs_sampler_observable(NULL, 0, VS_SAMPLER_OBS_ENERGY, &v, &e, &t), VS_EINVAL);
    assert_int_equal(vs_sampler_observable(s, -1, VS_SAMPLER_OBS_ENERGY, &v, &e, &t), VS_EINVAL);
    assert_int_equal(vs_sampler_observable(s, 2, VS_SAMPLER_OBS_ENERGY, &v, &e, &t), VS_EINVAL);
    assert_int_equal(vs_sampler_observable(s, 0, 0, &v, &e, &t), VS_EINVAL);
    assert_int_equal(vs_sampler_observable(s, 0, 19, &v, &e, &t), VS_EINVAL);
    assert_int_equal(vs_sampler_observable(s, 0, -7, &v, &e, &t), VS_EINVAL);
    for (int key = VS_SAMPLER_OBS_COMP; key <= VS_SAMPLER_OBS_SHEAR_BINDER; key++)
        assert_int_equal(vs_sampler_observable(s, 0, key, &v, &e, &t), VS_EINVAL); /* ncomp = 3 */
    /* structure factor */
    assert_int_equal(vs_sampler_structure_factor(NULL, 0, Sk), VS_EINVAL);
    assert_int_equal(vs_sampler_structure_factor(s, 2, Sk), VS_EINVAL);
    assert_int_equal(vs_sampler_structure_factor(s, -1, Sk), VS_EINVAL);
    assert_int_equal(vs_sampler_structure_factor(s, 0, NULL), VS_EINVAL);
    assert_int_equal(vs_sampler_structure_factor_peak(NULL, 0, k, &v), VS_EINVAL);
    assert_int_equal(vs_sampler_structure_factor_peak(s, 2, k, &v), VS_EINVAL);
    assert_int_equal(vs_sampler_structure_factor_peak(s, -1, k, &v), VS_EINVAL);
    assert_int_equal(vs_sampler_structure_factor_peak(s, 0, NULL, NULL), VS_OK);
    /* a planted configuration with M = 0 exactly: its Binder cumulant (⟨|m|²⟩ = 0) is refused */
    double sp[24];
    for (int m = 0; m < 8; m++) {
        sp[3 * m] = m % 2 ? -1.0 : 1.0;
        sp[3 * m + 1] = sp[3 * m + 2] = 0.0;
    }
    assert_int_equal(vs_sampler_reset_observables(s), VS_OK);
    assert_int_equal(vs_sampler_set_spins(s, 0, sp), VS_OK);
    assert_int_equal(vs_sampler_measure(s), VS_OK);
    assert_int_equal(vs_sampler_measure(s), VS_OK);
    assert_int_equal(vs_sampler_observable(s, 0, VS_SAMPLER_OBS_M2, &v, &e, &t), VS_OK);
    assert_true(v == 0.0 && e == 0.0);
    assert_int_equal(vs_sampler_observable(s, 0, VS_SAMPLER_OBS_BINDER, &v, &e, &t), VS_ENUMERIC);
    /* energies too large to accumulate: nothing changes */
    vs_lattice *big = NULL;
    {
        int disp[3] = {1, 0, 0}, pair[2] = {0, 0};
        double B[9] = {1e300, 0, 0, 0, 1e300, 0, 0, 0, 1e300}, frac[3] = {0, 0, 0};
        assert_int_equal(vs_lattice_create_pairs(ID3, 1, frac, L, 3, 1, disp, pair, B, NULL, NULL, &big), VS_OK);
    }
    vs_sampler *sb = NULL;
    assert_int_equal(vs_sampler_create(big, 1, T, 1, NULL, &sb), VS_OK);
    {
        double ones[24];
        for (int m = 0; m < 8; m++) {
            ones[3 * m] = 1.0;
            ones[3 * m + 1] = ones[3 * m + 2] = 0.0;
        }
        assert_int_equal(vs_sampler_set_spins(sb, 0, ones), VS_OK);
        assert_int_equal(vs_sampler_measure(sb), VS_ENUMERIC);
        assert_int_equal(vs_sampler_measurements(sb, &n), VS_OK);
        assert_int_equal(n, 0);
        vs_sampler_free(sb);
    }
    vs_lattice_free(big);
    vs_sampler_free(s);
    vs_lattice_free(lat);
}

/* ---- physics: β → 0 ------------------------------------------------------------------------------ */

static void expect_z(const vs_sampler *s, int r, int key, double want, const char *what)
{
    double v, e, t;
    assert_int_equal(vs_sampler_observable(s, r, key, &v, &e, &t), VS_OK);
    double z = (v - want) / e;
    printf("# %-14s %.8g ± %.2g (τ_int %.2f), exact %.8g, z = %+.2f\n", what, v, e, t, want, z);
    assert_true(e > 0.0);
    assert_true(fabs(z) <= Z_CRIT);
}

#define NINF 20000

/* n = 3, dipolar sc 3³ (T(0) ≠ 0, D = U = 0): iid uniform spins, measured every sweep. */
/* The sector split follows the spin basis of the coupling (elastic.h: g = Qᵀ M^{1/2} t; for an
 * isotropic material M^{1/2} keeps the Mandel directions), built here from vs_spin_basis alone: a
 * uniform pure compression t ∝ (1, 1, 1, 0, 0, 0) gives |m_c| = 1, |m_s| = 0, a uniform pure shear
 * t ∝ (1, −1, 0, 0, 0, 0) and t ∝ (0, 0, 0, 1, 0, 0) give |m_c| = 0, |m_s| = 1. (Until this test the
 * split read Mandel components xx, yy, zz from the spins: |m_c| = 1/√3 for pure compression.) */
static void test_sector_split_follows_the_spin_basis(void **state)
{
    (void)state;
    int L[3] = {2, 2, 2}, n = 6;
    vs_lattice *lat = pair_lattice(n, L, 0);
    double T[1] = {1.0}, Q[36];
    vs_sampler *s = make_sampler(lat, 1, T, 3);
    size_t N = vs_lattice_nsites(lat);
    double *sp = malloc(N * n * sizeof *sp);
    assert_int_equal(vs_spin_basis(Q), VS_OK);
    static const double t[3][6] = {{1, 1, 1, 0, 0, 0}, {1, -1, 0, 0, 0, 0}, {0, 0, 0, 1, 0, 0}};
    static const double want_c[3] = {1, 0, 0}, want_s[3] = {0, 1, 1};
    for (int k = 0; k < 3; k++) {
        double g[6], nt = 0.0;
        for (int a = 0; a < 6; a++)
            nt += t[k][a] * t[k][a];
        for (int a = 0; a < 6; a++) { /* g = Qᵀ t / |t| */
            g[a] = 0.0;
            for (int b = 0; b < 6; b++)
                g[a] += Q[b * 6 + a] * t[k][b] / sqrt(nt);
        }
        for (size_t i = 0; i < N; i++)
            memcpy(sp + i * n, g, sizeof g);
        assert_int_equal(vs_sampler_reset_observables(s), VS_OK);
        assert_int_equal(vs_sampler_set_spins(s, 0, sp), VS_OK);
        for (int rep = 0; rep < 4; rep++) /* the same configuration: the means need ≥ 2 measurements */
            assert_int_equal(vs_sampler_measure(s), VS_OK);
        double c, sh;
        assert_int_equal(vs_sampler_observable(s, 0, VS_SAMPLER_OBS_COMP, &c, NULL, NULL), VS_OK);
        assert_int_equal(vs_sampler_observable(s, 0, VS_SAMPLER_OBS_SHEAR, &sh, NULL, NULL), VS_OK);
        assert_close(c, want_c[k], 1e-14, 1e-14);
        assert_close(sh, want_s[k], 1e-14, 1e-14);
    }
    free(sp);
    vs_sampler_free(s);
    vs_lattice_free(lat);
}

static void test_beta_zero_n3(void **state)
{
    (void)state;
    int L[3] = {3, 3, 3};
    vs_lattice *lat = dipolar_lattice(VS_LATTICE_SC, L, 0);
    double T = 1e12, N = 27, n = 3, T0[9], e0;
    assert_int_equal(vs_lattice_coupling(lat, 0, 0, T0), VS_OK);
    assert_int_equal(vs_lattice_energy_scale(lat, &e0), VS_OK);
    vs_sampler *s = make_sampler(lat, 1, &T, 21);
    run(s, NINF);
    expect_z(s, 0, VS_SAMPLER_OBS_M2, 1.0 / N, "<|m|^2>");
    expect_z(s, 0, VS_SAMPLER_OBS_M4, (N * N + 2 * N * (N - 1) / n) / (N * N * N * N), "<|m|^4>");
    expect_z(s, 0, VS_SAMPLER_OBS_BINDER, 1.0 / N, "Binder");
    expect_z(s, 0, VS_SAMPLER_OBS_ENERGY, -0.5 * e0 * (T0[0] + T0[4] + T0[8]) / n, "<E>/N");
    vs_sampler_free(s);
    vs_lattice_free(lat);
}

/* n = 6 pair table on sc 3×3×2 (T(0) = 0: ⟨E⟩ = 0). With x = u·s (u = (1,1,1,0,0,0)/√3) and
 * y = s − x u for iid uniform s ∈ S⁵: ⟨x²⟩ = 1/6, ⟨x⁴⟩ = 3/(6·8), ⟨|y|²⟩ = 5/6,
 * ⟨|y|⁴⟩ = ⟨(1 − x²)²⟩ = 35/48, ⟨(y_i·y_j)²⟩ = 5/36 (i ≠ j), so
 * ⟨(Σx)²⟩ = N/6, ⟨(Σx)⁴⟩ = N/16 + 3N(N−1)/36, ⟨|Σy|²⟩ = 5N/6, ⟨|Σy|⁴⟩ = 35N/48 + 35N(N−1)/36. */
static void test_beta_zero_n6(void **state)
{
    (void)state;
    int L[3] = {3, 3, 2};
    vs_lattice *lat = pair_lattice(6, L, 0);
    double T = 1e12, N = 18, N2 = N * N, N4 = N2 * N2;
    vs_sampler *s = make_sampler(lat, 1, &T, 22);
    run(s, NINF);
    expect_z(s, 0, VS_SAMPLER_OBS_M2, 1.0 / N, "<|m|^2>");
    expect_z(s, 0, VS_SAMPLER_OBS_M4, (N2 + 2 * N * (N - 1) / 6) / N4, "<|m|^4>");
    expect_z(s, 0, VS_SAMPLER_OBS_BINDER, 1.0 / N, "Binder");
    expect_z(s, 0, VS_SAMPLER_OBS_COMP2, 1.0 / (6 * N), "<m_c^2>");
    expect_z(s, 0, VS_SAMPLER_OBS_COMP4, (N / 16 + 3 * N * (N - 1) / 36) / N4, "<m_c^4>");
    expect_z(s, 0, VS_SAMPLER_OBS_SHEAR2, 5.0 / (6 * N), "<|m_s|^2>");
    expect_z(s, 0, VS_SAMPLER_OBS_SHEAR4, (35 * N / 48 + 35 * N * (N - 1) / 36) / N4, "<|m_s|^4>");
    expect_z(s, 0, VS_SAMPLER_OBS_ENERGY, 0.0, "<E>/N");
    vs_sampler_free(s);
    vs_lattice_free(lat);
}

/* ---- physics: heat capacity of a 2-spin cluster --------------------------------------------------- */

/* Langevin L(κ) = coth κ − 1/κ and ln(sinh κ/κ), stable for small and large κ. */
static double langevin(double k)
{
    return k < 1e-3 ? k / 3.0 - k * k * k / 45.0 : 1.0 / tanh(k) - 1.0 / k;
}

static double log_sinhc(double k)
{
    return k < 1e-3 ? k * k / 6.0 : k + log1p(-exp(-2.0 * k)) - log(2.0 * k);
}

/* ⟨E⟩ and ⟨E²⟩ of E = −E0 s1ᵀJs2 at T: the vMF reduction over s2, product rule over s1 ∈ S². */
static void quad_pair(const double *J, double e0, double T, int nt, int np, double *mE, double *mE2)
{
    gsl_integration_glfixed_table *g = gsl_integration_glfixed_table_alloc((size_t)nt);
    double Z = 0.0, S1 = 0.0, S2 = 0.0, shift = e0 * 10.0 / T; /* |J s1| ≤ 10 */
    for (int i = 0; i < nt; i++) {
        double x, w;
        gsl_integration_glfixed_point(-1.0, 1.0, (size_t)i, &x, &w, g);
        for (int j = 0; j < np; j++) {
            double ph = 2 * M_PI * j / np, s1[3] = {sqrt(1 - x * x) * cos(ph), sqrt(1 - x * x) * sin(ph), x};
            double h[3] = {0, 0, 0};
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++)
                    h[a] += J[a * 3 + b] * s1[b];
            double hn = sqrt(h[0] * h[0] + h[1] * h[1] + h[2] * h[2]), k = e0 * hn / T;
            double wz = w * exp(log_sinhc(k) - shift), Lk = langevin(k);
            Z += wz;
            S1 += wz * (-e0 * hn * Lk);
            S2 += wz * e0 * e0 * hn * hn * (k > 1e-3 ? 1.0 - 2.0 * Lk / k : 1.0 / 3.0 + 2.0 * k * k / 45.0);
        }
    }
    gsl_integration_glfixed_table_free(g);
    *mE = S1 / Z;
    *mE2 = S2 / Z;
}

/* Open sc 2×1×1 pair-table cluster, n = 3, one anisotropic bond: E = −E0 s1ᵀJs2 (checked against
 * vs_lattice_energy_direct). Two slots (T = 0.5, 1.5: parallel tempering runs) measured every sweep. */
static void test_heat_capacity_of_two_spins(void **state)
{
    (void)state;
    int L[3] = {2, 1, 1}, disp[3] = {1, 0, 0}, pair[2] = {0, 0};
    const double B[9] = {1.0, 0.3, 0.0, 0.3, -0.5, 0.2, 0.0, 0.2, 0.7}, frac[3] = {0, 0, 0};
    vs_lattice_options *lo = NULL;
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_options_create(&lo), VS_OK);
    assert_int_equal(vs_lattice_options_set(lo, VS_LATTICE_OPT_BOUNDARY, VS_LATTICE_OPEN), VS_OK);
    assert_int_equal(vs_lattice_create_pairs(ID3, 1, frac, L, 3, 1, disp, pair, B, NULL, lo, &lat), VS_OK);
    vs_lattice_options_free(lo);
    double J[9], e0;
    assert_int_equal(vs_lattice_coupling(lat, 0, 1, J), VS_OK);
    assert_int_equal(vs_lattice_energy_scale(lat, &e0), VS_OK);
    uint64_t st = 5;
    for (int t = 0; t < 4; t++) {
        double sp[6], E;
        tu_direction(&st, sp);
        tu_direction(&st, sp + 3);
        assert_int_equal(vs_lattice_energy_direct(lat, sp, &E), VS_OK);
        double want = 0.0;
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
                want -= e0 * sp[a] * J[a * 3 + b] * sp[3 + b];
        assert_close(E, want, 1e-12, 1e-13);
    }
    double T[2] = {0.5, 1.5};
    vs_sampler *s = make_sampler(lat, 2, T, 31);
    assert_int_equal(vs_sampler_sweep(s, 100), VS_OK);
    run(s, 100000);
    for (int r = 0; r < 2; r++) {
        double mE, mE2, cE, cE2;
        quad_pair(J, e0, T[r], 64, 128, &mE, &mE2);
        quad_pair(J, e0, T[r], 48, 96, &cE, &cE2);
        assert_close(mE, cE, 1e-9, 1e-12); /* the rule has converged */
        assert_close(mE2, cE2, 1e-9, 1e-12);
        printf("# T = %g\n", T[r]);
        expect_z(s, r, VS_SAMPLER_OBS_ENERGY, mE / 2, "<E>/N");
        expect_z(s, r, VS_SAMPLER_OBS_HEAT_CAPACITY, (mE2 - mE * mE) / (2 * T[r] * T[r]), "C");
    }
    vs_sampler_free(s);
    vs_lattice_free(lat);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest unit[] = {
        cmocka_unit_test(test_means_equal_independent_accumulation),
        cmocka_unit_test(test_structure_factor_of_planted_spiral),
        cmocka_unit_test(test_structure_factor_equals_direct_sum),
        cmocka_unit_test(test_structure_factor_peak_matches_luttinger_tisza),
        cmocka_unit_test(test_round_trips_follow_the_configurations),
        cmocka_unit_test(test_packed_state_continues_bit_identically),
        cmocka_unit_test(test_bad_input_is_refused),
    };
    const struct CMUnitTest physics[] = {
        cmocka_unit_test(test_sector_split_follows_the_spin_basis),
        cmocka_unit_test(test_beta_zero_n3),
        cmocka_unit_test(test_beta_zero_n6),
        cmocka_unit_test(test_heat_capacity_of_two_spins),
    };
    if (argc > 1 && strcmp(argv[1], "unit") == 0)
        return cmocka_run_group_tests_name("unit", unit, NULL, NULL);
    if (argc > 1 && strcmp(argv[1], "physics") == 0)
        return cmocka_run_group_tests_name("physics", physics, NULL, NULL);
    fprintf(stderr, "usage: %s unit|physics\n", argv[0]);
    return 2;
}
