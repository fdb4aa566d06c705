/*
 * The sampler samples the right distribution (physics suite, fixed seeds).
 *
 * 2-spin systems (N = 2, small enough to integrate): the sampled ⟨E⟩ and ⟨E²⟩ at two temperatures
 * (both slots of one sampler, so parallel tempering runs too) against numerical quadrature over
 * (S^{n−1})² done here, independently of the library's moves:
 *  - n = 3, dipolar kernel, PERIODIC sc 2×1×1 with an on-site D: the self-image block T(0) ≠ 0 and
 *    D ≠ 0 make the heat bath's quadratic correction and the self-image exclusion of the site target
 *    matter. E(s1, s2) = −E0 [s1ᵀJs2 + ½ s1ᵀ(T(0)+D)s1 + ½ s2ᵀ(T(0)+D)s2] with J, T(0) from
 *    vs_lattice_coupling (the formula is checked against vs_lattice_energy_direct first).
 *    Quadrature: the product rule on S² × S² (Gauss–Legendre in cos θ × trapezoid in φ, 24 × 48 per
 *    sphere; its convergence to 1e-6 is checked against 16 × 32).
 *    The same case once more with Metropolis moves (adaptive step) and the plain field path.
 *  - Every case also with the clock sweep (VS_SAMPLER_CLOCK) and no near pair (K = 0): the partner
 *    spin acts only through the factorized far filter (issue 13).
 *  - n = 3, dipolar kernel, OPEN 2-site cluster with D (no images: T(0) = 0). Same rule.
 *  - n = 6, isotropic elastic kernel, OPEN 2-site cluster, D = 0: E = −E0 s1ᵀJs2. Reduced by
 *    symmetry: given s1 the law of s2 is von Mises–Fisher with κ = E0|Js1|/T, so
 *        Z ∝ ∫ dσ(s1) I₂(κ)/κ²,  E[s1ᵀJs2 | s1] = |Js1| A(κ),  E[(s1ᵀJs2)² | s1] = |Js1|² (1 − 5A(κ)/κ),
 *    A = I₃/I₂ (GSL scaled Bessel functions); the remaining integral over s1 ∈ S⁵ by a product
 *    Gauss–Legendre rule in the hyperspherical angles θ1..θ4 (weights sin⁴θ1 sin³θ2 sin²θ3 sinθ4)
 *    × trapezoid in φ, 16⁴ × 16 points (convergence to 1e-5 checked against 12⁴ × 12).
 * Error bars: batch means over NBATCH = 50 batches of consecutive sweeps (each batch ≫ the
 * integrated autocorrelation time, which is O(1) sweeps here), so the autocorrelation is included;
 * accept |z| < Z_CRIT = 4 for every moment.
 *
 * Power, checked once by a planted bias (sampler.c's site target given the raw pair field h_m, the
 * self-image counted twice): the periodic n = 3 case failed with z = +39 (⟨E⟩, T = 0.317) and
 * z = −57 (⟨E²⟩); the open cases, where T(0) = 0, are blind to that bias by construction, which is
 * why the periodic case is here.
 *
 * Parallel tempering on a dipolar sc 4³ lattice: the exchange rates lie in (0, 1) and ⟨E⟩ of the
 * slot at T[r] increases with r.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_integration.h>
#include <gsl/gsl_sf_bessel.h>

#include <libvoigtspin/voigtspin.h>

#include "testutil.h"

#define Z_CRIT 4.0
#define NBATCH 50
#include "batch_means.h"

typedef struct two_spin {
    int n;
    double J[36], Q[36]; /* pair block, on-site quadratic part T(0) + D */
    double e0;
} two_spin;

static double qf(int n, const double *X, const double *u, const double *v)
{
    double e = 0.0;
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++)
            e += u[a] * X[a * n + b] * v[b];
    return e;
}

static double two_spin_energy(const two_spin *m, const double *s1, const double *s2)
{
    int n = m->n;
    return -m->e0 * (qf(n, m->J, s1, s2) + 0.5 * qf(n, m->Q, s1, s1) + 0.5 * qf(n, m->Q, s2, s2));
}

/* 2-site lattice along x: sc 2×1×1 (periodic or open), kernel c, on-site D (may be NULL). The
 * model's J, Q from vs_lattice_coupling; the energy formula is checked against the direct sum. */
static vs_lattice *two_site_lattice(const vs_coupling *c, int open, const double *D, two_spin *m)
{
    vs_lattice_options *lo = NULL;
    vs_lattice *lat = NULL;
    int L[3] = {2, 1, 1};
    assert_int_equal(vs_lattice_options_create(&lo), VS_OK);
    assert_int_equal(vs_lattice_options_set(lo, VS_LATTICE_OPT_BOUNDARY, open), VS_OK);
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c, 0, lo, &lat), VS_OK);
    vs_lattice_options_free(lo);
    if (D)
        assert_int_equal(vs_lattice_set_onsite(lat, D), VS_OK);
    int n = m->n = vs_lattice_ncomp(lat);
    assert_int_equal(vs_lattice_energy_scale(lat, &m->e0), VS_OK);
    double T0[36];
    assert_int_equal(vs_lattice_coupling(lat, 0, 1, m->J), VS_OK);
    assert_int_equal(vs_lattice_coupling(lat, 0, 0, T0), VS_OK);
    for (int i = 0; i < n * n; i++)
        m->Q[i] = T0[i] + (D ? D[i] : 0.0);
    uint64_t st = 99;
    for (int k = 0; k < 5; k++) {
        double s[12], E;
        for (int i = 0; i < 2 * n; i++)
            s[i] = tu_normal(&st);
        assert_int_equal(vs_lattice_energy_direct(lat, s, &E), VS_OK);
        assert_close(two_spin_energy(m, s, s + n), E, 1e-12, 1e-13);
    }
    return lat;
}

/* ---- quadrature -------------------------------------------------------------------------------- */

/* Product rule on S²: points p[k*3..], weights w[k] (sum 4π). Returns the count nt·np. */
static int sphere_rule(int nt, int np, double *p, double *w)
{
    gsl_integration_glfixed_table *g = gsl_integration_glfixed_table_alloc((size_t)nt);
    int k = 0;
    for (int i = 0; i < nt; i++) {
        double x, wi;
        gsl_integration_glfixed_point(-1.0, 1.0, (size_t)i, &x, &wi, g);
        double st = sqrt(1.0 - x * x);
        for (int j = 0; j < np; j++, k++) {
            double ph = 2.0 * M_PI * j / np;
            p[3 * k] = st * cos(ph);
            p[3 * k + 1] = st * sin(ph);
            p[3 * k + 2] = x;
            w[k] = wi * 2.0 * M_PI / np;
        }
    }
    gsl_integration_glfixed_table_free(g);
    return k;
}

/* ⟨E⟩, ⟨E²⟩ at T of an n = 3 two-spin model by the S² × S² product rule. */
static void quad_n3(const two_spin *m, double T, int nt, int np, double *mE, double *mE2)
{
    int K = nt * np;
    double *p = malloc((size_t)K * 3 * sizeof *p), *w = malloc((size_t)K * sizeof *w);
    sphere_rule(nt, np, p, w);
    /* shift the exponent by the minimum energy bound −E0 (|J| + |Q|)·(some) : use the max over the
     * grid, found in a first pass */
    double Emin = INFINITY;
    for (int i = 0; i < K; i++)
        for (int j = 0; j < K; j++)
            Emin = fmin(Emin, two_spin_energy(m, p + 3 * i, p + 3 * j));
    double Z = 0.0, S1 = 0.0, S2 = 0.0;
    for (int i = 0; i < K; i++)
        for (int j = 0; j < K; j++) {
            double E = two_spin_energy(m, p + 3 * i, p + 3 * j);
            double b = w[i] * w[j] * exp(-(E - Emin) / T);
            Z += b;
            S1 += b * E;
            S2 += b * E * E;
        }
    *mE = S1 / Z;
    *mE2 = S2 / Z;
    free(p);
    free(w);
}

/* ⟨E⟩, ⟨E²⟩ at T of the n = 6 model E = −E0 s1ᵀJs2, by the vMF reduction over s2 and the
 * hyperspherical product rule over s1 (file comment). */
static void quad_n6(const two_spin *m, double T, int nt, int np, double *mE, double *mE2)
{
    gsl_integration_glfixed_table *g = gsl_integration_glfixed_table_alloc((size_t)nt);
    double th[64], wt[64];
    for (int i = 0; i < nt; i++)
        gsl_integration_glfixed_point(0.0, M_PI, (size_t)i, &th[i], &wt[i], g);
    gsl_integration_glfixed_table_free(g);
    double Z = 0.0, S1 = 0.0, S2 = 0.0, shift = NAN;
    for (int a = 0; a < nt; a++)
        for (int b = 0; b < nt; b++)
            for (int c = 0; c < nt; c++)
                for (int d = 0; d < nt; d++)
                    for (int e = 0; e < np; e++) {
                        double t1 = th[a], t2 = th[b], t3 = th[c], t4 = th[d], ph = 2.0 * M_PI * e / np;
                        double wgt = wt[a] * wt[b] * wt[c] * wt[d] * pow(sin(t1), 4) * pow(sin(t2), 3) *
                                     pow(sin(t3), 2) * sin(t4);
                        double s[6], q = sin(t1);
                        s[0] = cos(t1);
                        s[1] = q * cos(t2);
                        q *= sin(t2);
                        s[2] = q * cos(t3);
                        q *= sin(t3);
                        s[3] = q * cos(t4);
                        q *= sin(t4);
                        s[4] = q * cos(ph);
                        s[5] = q * sin(ph);
                        double v[6], nv2 = 0.0;
                        for (int i = 0; i < 6; i++) {
                            v[i] = 0.0;
                            for (int j = 0; j < 6; j++)
                                v[i] += m->J[i * 6 + j] * s[j];
                            nv2 += v[i] * v[i];
                        }
                        double nv = sqrt(nv2), k = m->e0 * nv / T;
                        double logw, A_over_k, A;
                        if (k < 1e-4) {
                            logw = log(1.0 / 8.0) + k * k / 12.0; /* I₂(κ)/κ² = ⅛(1 + κ²/12 + …) */
                            A_over_k = 1.0 / 6.0;
                            A = k / 6.0;
                        } else {
                            double i2 = gsl_sf_bessel_In_scaled(2, k), i3 = gsl_sf_bessel_In_scaled(3, k);
                            logw = k + log(i2) - 2.0 * log(k);
                            A = i3 / i2;
                            A_over_k = A / k;
                        }
                        if (isnan(shift))
                            shift = logw;
                        double bw = wgt * exp(logw - shift);
                        Z += bw;
                        S1 += bw * (-m->e0 * nv * A);
                        S2 += bw * m->e0 * m->e0 * nv2 * (1.0 - 5.0 * A_over_k);
                    }
    *mE = S1 / Z;
    *mE2 = S2 / Z;
}

/* ---- sampling ---------------------------------------------------------------------------------- */

/* Sample both temperatures of T[2] for nsweeps after ntherm; z-scores of ⟨E⟩ and ⟨E²⟩ against the
 * exact values ex[r][0..1]. Returns max |z|. */
static double sample_and_compare(const vs_lattice *lat, const double *T, double ex[2][2], long nsweeps,
                                 unsigned long seed, const vs_sampler_options *opt, const char *label)
{
    vs_sampler *s = NULL;
    assert_int_equal(vs_sampler_create(lat, 2, T, seed, opt, &s), VS_OK);
    assert_int_equal(vs_sampler_sweep(s, 1000), VS_OK);
    double *e[2], *e2[2];
    for (int r = 0; r < 2; r++) {
        e[r] = malloc((size_t)nsweeps * sizeof(double));
        e2[r] = malloc((size_t)nsweeps * sizeof(double));
    }
    for (long k = 0; k < nsweeps; k++) {
        assert_int_equal(vs_sampler_sweep(s, 1), VS_OK);
        for (int r = 0; r < 2; r++) {
            double E;
            assert_int_equal(vs_sampler_energy(s, r, &E), VS_OK);
            e[r][k] = E;
            e2[r][k] = E * E;
        }
    }
    double zmax = 0.0, xr;
    for (int r = 0; r < 2; r++) {
        bm a = batch_means(e[r], nsweeps), b = batch_means(e2[r], nsweeps);
        double z1 = (a.mean - ex[r][0]) / a.err, z2 = (b.mean - ex[r][1]) / b.err;
        print_message("# %s T = %.4g: <E> = %.6f ± %.6f (exact %.6f, z = %+.2f), <E²> = %.6f ± %.6f "
                      "(exact %.6f, z = %+.2f)\n",
                      label, T[r], a.mean, a.err, ex[r][0], z1, b.mean, b.err, ex[r][1], z2);
        zmax = fmax(zmax, fmax(fabs(z1), fabs(z2)));
        free(e[r]);
        free(e2[r]);
    }
    assert_int_equal(vs_sampler_exchange_rate(s, 0, &xr), VS_OK);
    print_message("# %s exchange rate %.3f\n", label, xr);
    vs_sampler_free(s);
    return zmax;
}

/* Frobenius norm of the couplings: the energy scale of the temperatures. */
static double scale_of(const two_spin *m)
{
    double f = 0.0;
    for (int i = 0; i < m->n * m->n; i++)
        f += m->J[i] * m->J[i] + m->Q[i] * m->Q[i];
    return m->e0 * sqrt(f);
}

/* Options of the clock sweep with `near` near pairs (−1 automatic). */
static vs_sampler_options *clock_options(long near)
{
    vs_sampler_options *o = NULL;
    assert_int_equal(vs_sampler_options_create(&o), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_FIELDS, VS_SAMPLER_CLOCK), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_CLOCK_NEAR, (double)near), VS_OK);
    return o;
}

static void run_n3(int open, unsigned long seed)
{
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    const double D[9] = {0.4, 0.1, 0.0, 0.1, -0.3, 0.05, 0.0, 0.05, 0.1};
    two_spin m;
    vs_lattice *lat = two_site_lattice(c, open, D, &m);
    double sc = scale_of(&m), T[2] = {0.3 * sc, 1.0 * sc}, ex[2][2], lo[2];
    for (int r = 0; r < 2; r++) {
        quad_n3(&m, T[r], 24, 48, &ex[r][0], &ex[r][1]);
        quad_n3(&m, T[r], 16, 32, &lo[0], &lo[1]);
        assert_close(lo[0], ex[r][0], 1e-5, 1e-9);
        assert_close(lo[1], ex[r][1], 1e-5, 1e-9);
    }
    double z = sample_and_compare(lat, T, ex, 200000, seed, NULL, open ? "n=3 open" : "n=3 periodic");
    assert_true(z < Z_CRIT);
    /* the clock sweep with no near pair: the partner acts only through the factorized filter
     * (open: one real and one phantom entry per site) */
    vs_sampler_options *oc = clock_options(0);
    z = sample_and_compare(lat, T, ex, 100000, seed + 2, oc, open ? "n=3 open clock" : "n=3 periodic clock");
    assert_true(z < Z_CRIT);
    vs_sampler_options_free(oc);
    if (!open) { /* the other move and field path: Metropolis (adaptive step), plain fields */
        vs_sampler_options *o = NULL;
        assert_int_equal(vs_sampler_options_create(&o), VS_OK);
        assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_MOVE, VS_SAMPLER_METROPOLIS), VS_OK);
        assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_FIELDS, VS_SAMPLER_PLAIN), VS_OK);
        z = sample_and_compare(lat, T, ex, 100000, seed + 1, o, "n=3 periodic Metropolis/plain");
        assert_true(z < Z_CRIT);
        vs_sampler_options_free(o);
    }
    vs_lattice_free(lat);
    vs_coupling_free(c);
}

static void test_two_spin_dipolar_periodic_matches_quadrature(void **state)
{
    (void)state;
    run_n3(0, 2024);
}

static void test_two_spin_dipolar_open_matches_quadrature(void **state)
{
    (void)state;
    run_n3(1, 2025);
}

static void test_two_spin_elastic_open_matches_quadrature(void **state)
{
    (void)state;
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    assert_int_equal(vs_elastic_create_lame(1.0, 1.0, &el), VS_OK);
    assert_int_equal(vs_coupling_create(el, 1e-12, &c), VS_OK);
    two_spin m;
    vs_lattice *lat = two_site_lattice(c, 1, NULL, &m);
    for (int i = 0; i < 36; i++)
        assert_true(m.Q[i] == 0.0); /* open cluster, D = 0: the reduction applies */
    double sc = scale_of(&m), T[2] = {0.3 * sc, 1.0 * sc}, ex[2][2], lo[2];
    for (int r = 0; r < 2; r++) {
        quad_n6(&m, T[r], 16, 16, &ex[r][0], &ex[r][1]);
        quad_n6(&m, T[r], 12, 12, &lo[0], &lo[1]);
        assert_close(lo[0], ex[r][0], 1e-5, 1e-9);
        assert_close(lo[1], ex[r][1], 1e-5, 1e-9);
    }
    double z = sample_and_compare(lat, T, ex, 200000, 2026, NULL, "n=6 open");
    assert_true(z < Z_CRIT);
    vs_sampler_options *oc = clock_options(0);
    z = sample_and_compare(lat, T, ex, 100000, 2027, oc, "n=6 open clock");
    assert_true(z < Z_CRIT);
    vs_sampler_options_free(oc);
    vs_lattice_free(lat);
    vs_coupling_free(c);
    vs_elastic_free(el);
}

/* PT on dipolar sc 4³ around the lattice mean-field scale: rates in (0, 1), ⟨E⟩ increasing with T
 * (by more than 4 batch-means errors between neighbours). */
static void test_parallel_tempering_ladder(void **state)
{
    (void)state;
    vs_coupling *c = NULL;
    vs_lattice *lat = NULL;
    int L[3] = {4, 4, 4};
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L, c, 0, NULL, &lat), VS_OK);
    double tc;
    assert_int_equal(vs_lattice_luttinger_tisza(lat, NULL, NULL, &tc), VS_OK);
    const double T[4] = {0.7 * tc, 0.85 * tc, 1.05 * tc, 1.3 * tc};
    vs_sampler *s = NULL;
    assert_int_equal(vs_sampler_create(lat, 4, T, 8, NULL, &s), VS_OK);
    assert_int_equal(vs_sampler_sweep(s, 200), VS_OK);
    enum { NS = 1000 };
    double *e = malloc(4 * NS * sizeof *e);
    for (int k = 0; k < NS; k++) {
        assert_int_equal(vs_sampler_sweep(s, 1), VS_OK);
        for (int r = 0; r < 4; r++)
            assert_int_equal(vs_sampler_energy(s, r, &e[r * NS + k]), VS_OK);
    }
    bm prev = {0, 0};
    for (int r = 0; r < 4; r++) {
        bm a = batch_means(e + r * NS, NS);
        double rate = 0.0, acc;
        if (r < 3)
            assert_int_equal(vs_sampler_exchange_rate(s, r, &rate), VS_OK);
        assert_int_equal(vs_sampler_acceptance(s, r, &acc), VS_OK);
        print_message("# T = %.4f: <E> = %.4f ± %.4f, heat-bath acceptance %.3f, exchange(r, r+1) %.3f\n",
                      T[r], a.mean, a.err, acc, rate);
        if (r < 3)
            assert_true(rate > 0.0 && rate < 1.0);
        if (r > 0)
            assert_true(a.mean - prev.mean > Z_CRIT * hypot(a.err, prev.err));
        prev = a;
    }
    free(e);
    vs_sampler_free(s);
    vs_lattice_free(lat);
    vs_coupling_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_spin_dipolar_periodic_matches_quadrature),
        cmocka_unit_test(test_two_spin_dipolar_open_matches_quadrature),
        cmocka_unit_test(test_two_spin_elastic_open_matches_quadrature),
        cmocka_unit_test(test_parallel_tempering_ladder),
    };
    return cmocka_run_group_tests_name("sampler_exact", tests, NULL, NULL);
}
