/*
 * The clock (factorized-Metropolis) sweep, VS_SAMPLER_CLOCK (issue 13; lib/sampler/clock.c,
 * docs/sampler.md "The clock sweep").
 *
 * unit:
 *  - the tables: for sc/bcc periodic, sc open, dipolar and elastic kernels, every partner of a site
 *    appears exactly once among the entries of its basis site (periodic: nb·ncells − 1 entries;
 *    open: nb·(2L−1)³ − 1, phantoms included), each entry's norm equals the spectral norm of the
 *    block vs_lattice_coupling(m, j) by an independent eigen-solve (LAPACKE dsyev, the library uses
 *    GSL's), S_far(b) = Σ_{j≠m} ‖T(m, j)‖₂ from vs_lattice_coupling (periodic), the near set holds
 *    the K largest norms, and the automatic K follows the documented rule;
 *  - bad input: the new option value and key;
 *  - the batched far filter (draws ahead, prefetches, takes the unused draws back) equals the
 *    one-event-at-a-time reference: same decision and byte-identical generator state after each of
 *    10⁴-scale random moves (elastic sc 6³ at β E0 S_far ≈ 1 … 40, K = 0 and 26; dipolar sc 3³
 *    open, with phantoms; bcc 2³, two basis sites; a non-mt19937 generator takes the reference path).
 * physics (fixed seeds; acceptance |z| < Z_CRIT = 4, z from batch means over NBATCH = 50 batches of
 * consecutive sweeps ≫ τ_int, or from the exact multinomial variance):
 *  - the alias tables sample entry k with probability ‖T_k‖₂/S_far: a χ² test of 4·10⁵ draws over
 *    the far entries (dipolar sc 4³: 63 entries; bcc 2³ basis 1: 15), p-value > 1e-4;
 *  - an adversarial pair kernel (vs_lattice_create_pairs, Ising n = 1, periodic 4×2×2 — 2^16 states):
 *    the largest block at the farthest displacement (2, 1, 1), smaller ones at (1, 0, 0) and (0, 1, 0).
 *    ⟨E⟩ and ⟨E²⟩ of the clock chain (K = 0: every pair through the filter; K = 1: exactly the far
 *    block near; automatic) against exact enumeration (energies from vs_lattice_energy_direct);
 *  - the same equilibrium as the delayed heat-bath path (⟨E⟩, C, |m|, Binder, max S(k); sc 4³ elastic
 *    σ = 0.2 and 0.35 and dipolar, three temperatures around the L = 4 heat-capacity peak, parallel
 *    tempering), with the error bars of both chains;
 *    slow suite (argument "slow"): the same on sc 6³ (K = 26 of 215 pairs), 20000 sweeps;
 *  - the infinite-range case (no pair kernel, U only; the clock path has no far pairs):
 *    n = 3, N = 2, U = u I: E = −(E0 u/2)(1 + c), c = s1·s2 uniform on [−1, 1] (Archimedes), so
 *    ⟨E⟩, ⟨E²⟩ are one-dimensional integrals done in closed form here;
 *    n = 1, N = 16: Z = Σ_k C(16, k) exp(β u (2k − N)²/(2N)), closed-form moments.
 * The 2-spin quadrature cases of the clock kind are in test_sampler_exact.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <lapacke.h>

#include <libvoigtspin/voigtspin.h>

#include "testutil.h"
#include "lattice/lattice_internal.h"
#include "sampler/sampler_internal.h"

#define Z_CRIT 4.0
#define NBATCH 50
#include "batch_means.h"

static int g_physics = 0;

/* ---- helpers ----------------------------------------------------------------------------------- */

/* Spectral norm of the symmetric nc×nc block T by LAPACKE dsyev (independent of clock.c's GSL). */
static double spectral_norm(int nc, const double *T)
{
    double a[256], w[16];
    memcpy(a, T, (size_t)(nc * nc) * sizeof *a);
    assert_int_equal(LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'N', 'U', nc, a, nc, w), 0);
    double n = 0.0;
    for (int i = 0; i < nc; i++)
        n = fmax(n, fabs(w[i]));
    return n;
}

static vs_lattice *cubic(int kind, int L, int open, const vs_coupling *c)
{
    vs_lattice_options *lo = NULL;
    vs_lattice *lat = NULL;
    int Ls[3] = {L, L, L};
    assert_int_equal(vs_lattice_options_create(&lo), VS_OK);
    assert_int_equal(vs_lattice_options_set(lo, VS_LATTICE_OPT_BOUNDARY, open), VS_OK);
    assert_int_equal(vs_lattice_create_cubic(kind, 1.0, Ls, c, 0, lo, &lat), VS_OK);
    vs_lattice_options_free(lo);
    return lat;
}

static vs_coupling *dipolar(void)
{
    vs_coupling *c = NULL;
    assert_int_equal(vs_coupling_create_dipolar(&c), VS_OK);
    return c;
}

static vs_coupling *elastic(double sigma)
{
    vs_elastic *el = NULL;
    vs_coupling *c = NULL;
    assert_int_equal(vs_elastic_create_poisson_shear(sigma, 1.0, &el), VS_OK);
    assert_int_equal(vs_coupling_create(el, 1e-12, &c), VS_OK);
    vs_elastic_free(el);
    return c;
}

static size_t cell_index(const int *L, const int *c)
{
    return ((size_t)c[0] * (size_t)L[1] + (size_t)c[1]) * (size_t)L[2] + (size_t)c[2];
}

/* ---- unit: the tables -------------------------------------------------------------------------- */

static void check_tables(const vs_lattice *lat, int open, const char *label)
{
    const vs__geom *g = &lat->geo;
    int nb = g->nb, nc = lat->nc, L[3] = {g->L[0], g->L[1], g->L[2]};
    size_t ncells = g->ncells;
    double beta = 1.0, e0;
    assert_int_equal(vs_lattice_energy_scale(lat, &e0), VS_OK);
    vs__clock *c0 = NULL, *ck = NULL, *ca = NULL;
    assert_int_equal(vs__clock_create(lat, beta, 0, &c0), VS_OK);
    for (int b = 0; b < nb; b++) {
        size_t nfar = vs__clock_nfar(c0, b);
        size_t expect =
            open ? (size_t)nb * (size_t)(2 * L[0] - 1) * (size_t)(2 * L[1] - 1) * (size_t)(2 * L[2] - 1) - 1
                 : (size_t)nb * ncells - 1;
        assert_int_equal(vs__clock_nnear(c0, b), 0);
        assert_int_equal(nfar, expect);
        /* every entry: its block is T(r_m − r_j) for a real pair (m, j) with c_m − c_j = x, and its
         * norm is that block's spectral norm; each (b', x) once */
        size_t span = (size_t)(2 * L[0]) * (size_t)(2 * L[1]) * (size_t)(2 * L[2]);
        unsigned char *seen = calloc((size_t)nb * span, 1);
        double *norms = malloc(nfar * sizeof *norms), sum_indep = 0.0, prev = INFINITY;
        for (size_t k = 0; k < nfar; k++) {
            int bp, x[3], cm[3], cj[3];
            double nrm, T[256];
            vs__clock_far_entry(c0, b, k, &bp, x, &nrm);
            /* sorted, descending, to 30 significant bits (clock.c's norm_key: ties of the exact norms
             * differ in their last bits with the BLAS library's thread count) */
            assert_true(nrm <= prev * (1.0 + 0x1p-29));
            prev = nrm;
            for (int i = 0; i < 3; i++) {
                assert_true(open ? (x[i] > -L[i] && x[i] < L[i]) : (x[i] >= 0 && x[i] < L[i]));
                cm[i] = x[i] > 0 ? x[i] : 0;
                cj[i] = cm[i] - x[i];
            }
            assert_false(bp == b && x[0] == 0 && x[1] == 0 && x[2] == 0); /* no self-image entry */
            int xs[3] = {x[0] + L[0], x[1] + L[1], x[2] + L[2]};
            size_t key = (size_t)bp * span +
                         ((size_t)xs[0] * (size_t)(2 * L[1]) + (size_t)xs[1]) * (size_t)(2 * L[2]) +
                         (size_t)xs[2];
            assert_int_equal(seen[key], 0);
            seen[key] = 1;
            size_t m = cell_index(L, cm) * (size_t)nb + (size_t)b,
                   j = cell_index(L, cj) * (size_t)nb + (size_t)bp;
            assert_int_equal(vs_lattice_coupling(lat, m, j, T), VS_OK);
            norms[k] = spectral_norm(nc, T);
            assert_close(nrm, norms[k], 1e-10, 1e-14);
            sum_indep += norms[k];
        }
        free(seen);
        double S0 = vs__clock_far_norm(c0, b);
        assert_close(S0, sum_indep, 1e-10, 1e-14);
        if (!open) { /* the direct sum over the partners of the site of basis b in cell 0 */
            double direct = 0.0, T[256];
            for (size_t j = 0; j < g->nsites; j++) {
                if (j == (size_t)b)
                    continue;
                assert_int_equal(vs_lattice_coupling(lat, (size_t)b, j, T), VS_OK);
                direct += spectral_norm(nc, T);
            }
            assert_close(S0, direct, 1e-10, 1e-14);
        }
        /* near = K: the K largest norms are near, S_far is the rest */
        size_t K = nfar < 7 ? nfar : 7;
        assert_int_equal(vs__clock_create(lat, beta, (long)K, &ck), VS_OK);
        assert_int_equal(vs__clock_nnear(ck, b), K);
        assert_int_equal(vs__clock_nfar(ck, b), nfar - K);
        double tail = 0.0;
        for (size_t k = K; k < nfar; k++)
            tail += norms[k];
        assert_close(vs__clock_far_norm(ck, b), tail, 1e-10, 1e-14);
        vs__clock_free(ck);
        ck = NULL;
        /* automatic: the K minimising (30 + K + 3 √2 (1 − e^{−γ b})/γ) e^{γ b}, b = β E0 S(K), γ = 0.55/n,
         * S(K) the sum of the far norms (docs/sampler.md, "The clock sweep"), here from the independent
         * norms */
        double ba = 4.0 / e0, best = INFINITY;
        assert_int_equal(vs__clock_create(lat, ba, -1, &ca), VS_OK);
        size_t want = 0;
        for (size_t k = 0; k <= nfar; k++) {
            double S = 0.0;
            for (size_t i = k; i < nfar; i++)
                S += norms[i];
            double bs = ba * e0 * S, gam = 0.55 / nc;
            double f = (30.0 + (double)k + 3.0 * sqrt(2.0) * (1.0 - exp(-gam * bs)) / gam) * exp(gam * bs);
            if (f < best * (1.0 - 1e-9)) {
                best = f;
                want = k;
            }
        }
        assert_int_equal(vs__clock_nnear(ca, b), want);
        print_message("# %s basis %d: %zu entries, S_far = %.6g, automatic K at beta E0 = 4: %zu\n", label, b,
                      nfar, S0, want);
        vs__clock_free(ca);
        ca = NULL;
        free(norms);
    }
    vs__clock_free(c0);
}

static void test_clock_tables_list_every_partner_once_with_its_norm(void **state)
{
    (void)state;
    vs_coupling *d = dipolar(), *e = elastic(0.2);
    struct {
        int kind, L, open;
        vs_coupling *c;
        const char *label;
    } cases[] = {
        {VS_LATTICE_SC, 4, 0, d, "dipolar sc 4^3 periodic"},
        {VS_LATTICE_BCC, 2, 0, d, "dipolar bcc 2^3 periodic (2 basis)"},
        {VS_LATTICE_SC, 3, 1, d, "dipolar sc 3^3 open"},
        {VS_LATTICE_SC, 3, 0, e, "elastic sigma=0.2 sc 3^3 periodic"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        vs_lattice *lat = cubic(cases[i].kind, cases[i].L, cases[i].open, cases[i].c);
        check_tables(lat, cases[i].open, cases[i].label);
        vs_lattice_free(lat);
    }
    vs_coupling_free(d);
    vs_coupling_free(e);
}

static void test_clock_options_bad_input(void **state)
{
    (void)state;
    vs_sampler_options *o = NULL;
    double lo, hi, v;
    assert_int_equal(vs_sampler_options_create(&o), VS_OK);
    assert_int_equal(vs_sampler_option_bounds(VS_SAMPLER_OPT_FIELDS, &lo, &hi), VS_OK);
    assert_true(lo == 0.0 && hi == 2.0);
    assert_int_equal(vs_sampler_option_bounds(VS_SAMPLER_OPT_CLOCK_NEAR, &lo, &hi), VS_OK);
    assert_true(lo == -1.0 && hi == 2147483647.0);
    assert_int_equal(vs_sampler_options_get(o, VS_SAMPLER_OPT_CLOCK_NEAR, &v), VS_OK);
    assert_true(v == -1.0); /* default: automatic */
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_FIELDS, VS_SAMPLER_CLOCK), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_FIELDS, 3), VS_EINVAL);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_FIELDS, -1), VS_EINVAL);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_FIELDS, NAN), VS_EINVAL);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_CLOCK_NEAR, -2), VS_EINVAL);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_CLOCK_NEAR, 1.5), VS_EINVAL);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_CLOCK_NEAR, NAN), VS_EINVAL);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_CLOCK_NEAR, INFINITY), VS_EINVAL);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_CLOCK_NEAR, 4294967296.0), VS_EINVAL);
    assert_int_equal(vs_sampler_options_set(NULL, VS_SAMPLER_OPT_CLOCK_NEAR, 3), VS_EINVAL);
    assert_int_equal(vs_sampler_options_get(o, VS_SAMPLER_OPT_CLOCK_NEAR, NULL), VS_EINVAL);
    assert_int_equal(vs_sampler_options_get(o, VS_SAMPLER_OPT_CLOCK_NEAR, &v), VS_OK);
    assert_true(v == -1.0); /* unchanged by the refused sets */
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_CLOCK_NEAR, 12), VS_OK);
    assert_int_equal(vs_sampler_options_get(o, VS_SAMPLER_OPT_CLOCK_NEAR, &v), VS_OK);
    assert_true(v == 12.0);
    assert_int_equal(vs_sampler_options_get(o, VS_SAMPLER_OPT_FIELDS, &v), VS_OK);
    assert_true(v == VS_SAMPLER_CLOCK);
    /* a near count larger than the table: all pairs near (no far pair left), still a valid sampler */
    vs_coupling *d = dipolar();
    vs_lattice *lat = cubic(VS_LATTICE_SC, 2, 0, d);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_CLOCK_NEAR, 1000000), VS_OK);
    vs_sampler *s = NULL;
    const double T[1] = {1.0};
    assert_int_equal(vs_sampler_create(lat, 1, T, 1, o, &s), VS_OK);
    assert_int_equal(vs_sampler_sweep(s, 3), VS_OK);
    vs_sampler_free(s);
    vs_lattice_free(lat);
    vs_coupling_free(d);
    vs_sampler_options_free(o);
}

/* After clock sweeps the sampler's fields and energy are those of its spins (fresh FFT values). */
static void test_clock_fields_and_energy_fresh_after_each_sweep(void **state)
{
    (void)state;
    vs_coupling *d = dipolar();
    vs_lattice *lat = cubic(VS_LATTICE_BCC, 2, 0, d);
    vs_sampler_options *o = NULL;
    assert_int_equal(vs_sampler_options_create(&o), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_FIELDS, VS_SAMPLER_CLOCK), VS_OK);
    const double T[2] = {0.5, 1.5};
    vs_sampler *s = NULL;
    assert_int_equal(vs_sampler_create(lat, 2, T, 7, o, &s), VS_OK);
    size_t N = vs_lattice_nsites(lat), nv = N * 3;
    double *sp = malloc(nv * sizeof *sp), *h = malloc(nv * sizeof *h), *hd = malloc(nv * sizeof *hd);
    for (int k = 0; k < 5; k++) {
        assert_int_equal(vs_sampler_sweep(s, 1), VS_OK);
        for (int r = 0; r < 2; r++) {
            double E, Ed, acc;
            assert_int_equal(vs_sampler_spins(s, r, sp), VS_OK);
            assert_int_equal(vs__sampler_fields(s, r, h), VS_OK);
            assert_int_equal(vs_lattice_fields_direct(lat, sp, hd), VS_OK);
            for (size_t i = 0; i < nv; i++)
                assert_close(h[i], hd[i], 1e-9, 1e-11);
            assert_int_equal(vs_sampler_energy(s, r, &E), VS_OK);
            assert_int_equal(vs_lattice_energy_direct(lat, sp, &Ed), VS_OK);
            assert_close(E, Ed, 1e-10, 1e-10);
            assert_int_equal(vs_sampler_acceptance(s, r, &acc), VS_OK);
            assert_true(acc > 0.0 && acc <= 1.0);
        }
    }
    free(sp);
    free(h);
    free(hd);
    vs_sampler_free(s);
    vs_sampler_options_free(o);
    vs_lattice_free(lat);
    vs_coupling_free(d);
}

/* ---- unit: the batched far filter is the reference, bit for bit ------------------------------- */

static void random_unit(gsl_rng *r, int nc, double *v)
{
    double n2 = 0.0;
    while (n2 < 1e-6) {
        n2 = 0.0;
        for (int a = 0; a < nc; a++) {
            v[a] = 2.0 * gsl_rng_uniform(r) - 1.0;
            n2 += v[a] * v[a];
        }
        n2 = n2 > 1.0 ? 0.0 : n2; /* uniform in the ball, then normalised: uniform on the sphere */
    }
    for (int a = 0; a < nc; a++)
        v[a] /= sqrt(n2);
}

/* nmove filter calls at random sites, spins and moves, at β (so that β E0 |δ| S_far spans many
 * batches): the batched filter (vs__clock_far_filter, draws ahead and takes back) and the reference
 * (vs__clock_far_filter_ref, one event at a time) on two generators of the same type and seed give
 * the same decision and leave byte-identical generator states. Returns the number of rejections. */
static long filter_pair(const vs_lattice *lat, long near, double beta, const gsl_rng_type *type, long nmove,
                        const char *label)
{
    vs__clock *c = NULL;
    assert_int_equal(vs__clock_create(lat, beta, near, &c), VS_OK);
    size_t N = vs_lattice_nsites(lat);
    int nc = vs_lattice_ncomp(lat), nb = lat->geo.nb;
    double *sp = malloc(N * (size_t)nc * sizeof *sp), d[16], sn[16];
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937), *r1 = gsl_rng_alloc(type), *r2 = gsl_rng_alloc(type);
    gsl_rng_set(g, 5);
    gsl_rng_set(r1, 7);
    gsl_rng_set(r2, 7);
    for (size_t m = 0; m < N; m++)
        random_unit(g, nc, sp + (size_t)nc * m);
    long nrej = 0;
    for (long k = 0; k < nmove; k++) {
        size_t m = gsl_rng_uniform_int(g, N);
        int cm[4] = {0, 0, 0, (int)(m % (size_t)nb)};
        size_t cell = m / (size_t)nb;
        for (int i = 2; i >= 0; i--) {
            cm[i] = (int)(cell % (size_t)lat->geo.L[i]);
            cell /= (size_t)lat->geo.L[i];
        }
        random_unit(g, nc, sn);
        for (int a = 0; a < nc; a++)
            d[a] = sn[a] - sp[(size_t)nc * m + (size_t)a];
        int a1 = vs__clock_far_filter(c, r1, beta, sp, cm, d), a2 = vs__clock_far_filter_ref(c, r2, beta, sp, cm, d);
        assert_int_equal(a1, a2);
        assert_int_equal(memcmp(gsl_rng_state(r1), gsl_rng_state(r2), gsl_rng_size(r1)), 0);
        nrej += !a1;
        if (a1) /* accepted: apply the move (the configuration changes as in a chain) */
            memcpy(sp + (size_t)nc * m, sn, (size_t)nc * sizeof *sn);
    }
    print_message("# batched = reference filter, %s (%s, K = %zu, beta E0 S_far = %.1f): %ld moves, %ld "
                  "rejected, same decisions and generator states\n",
                  label, gsl_rng_name(r1), vs__clock_nnear(c, 0), beta * lat->opt.e0 * vs__clock_far_norm(c, 0),
                  nmove, nrej);
    gsl_rng_free(g);
    gsl_rng_free(r1);
    gsl_rng_free(r2);
    free(sp);
    vs__clock_free(c);
    return nrej;
}

static void test_clock_batched_filter_is_the_reference(void **state)
{
    (void)state;
    vs_coupling *e = elastic(0.2), *d = dipolar();
    vs_lattice *lat = cubic(VS_LATTICE_SC, 6, 0, e);
    /* β E0 S_far from ≈ 1 (mostly accepted: whole batches, the process's end inside a batch) to ≈ 40
     * (rejections at any event of any batch); near the end of mt19937's block the batched filter
     * takes one event at a time: 20000 moves pass that point many times */
    const double betas[3] = {0.1, 1.0, 5.0};
    for (int i = 0; i < 3; i++) {
        long nrej = filter_pair(lat, 0, betas[i] / lat->opt.e0, gsl_rng_mt19937, 20000, "elastic sc 6^3");
        assert_true(nrej > 0 && nrej < 20000);
    }
    filter_pair(lat, 26, 2.0 / lat->opt.e0, gsl_rng_mt19937, 5000, "elastic sc 6^3");
    filter_pair(lat, 0, 0.5 / lat->opt.e0, gsl_rng_taus2, 5000, "elastic sc 6^3, another generator");
    vs_lattice_free(lat);
    lat = cubic(VS_LATTICE_SC, 3, 1, d); /* open: phantom entries */
    assert_true(filter_pair(lat, 0, 2.0 / lat->opt.e0, gsl_rng_mt19937, 20000, "dipolar sc 3^3 open") > 0);
    vs_lattice_free(lat);
    lat = cubic(VS_LATTICE_BCC, 2, 0, d); /* two basis sites */
    assert_true(filter_pair(lat, 0, 2.0 / lat->opt.e0, gsl_rng_mt19937, 20000, "dipolar bcc 2^3") > 0);
    vs_lattice_free(lat);
    vs_coupling_free(e);
    vs_coupling_free(d);
}

/* ---- physics: alias frequencies ----------------------------------------------------------------- */

static void alias_chi2(const vs_lattice *lat, int b, long ndraw, unsigned long seed, const char *label)
{
    vs__clock *c = NULL;
    assert_int_equal(vs__clock_create(lat, 1.0, 0, &c), VS_OK);
    size_t n = vs__clock_nfar(c, b);
    double S = vs__clock_far_norm(c, b);
    long *cnt = calloc(n, sizeof *cnt);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    for (long i = 0; i < ndraw; i++)
        cnt[vs__clock_far_draw(c, r, b)]++;
    double chi2 = 0.0;
    int dof = -1;
    for (size_t k = 0; k < n; k++) {
        int bp, x[3];
        double nrm;
        vs__clock_far_entry(c, b, k, &bp, x, &nrm);
        double e = (double)ndraw * nrm / S;
        if (e == 0.0) {
            assert_int_equal(cnt[k], 0); /* a zero block is never drawn */
            continue;
        }
        chi2 += ((double)cnt[k] - e) * ((double)cnt[k] - e) / e;
        dof++;
    }
    double p = gsl_cdf_chisq_Q(chi2, dof);
    print_message("# alias %s basis %d: chi2 = %.1f for %d dof, p = %.3g\n", label, b, chi2, dof, p);
    assert_true(p > 1e-4);
    gsl_rng_free(r);
    free(cnt);
    vs__clock_free(c);
}

static void test_clock_alias_frequencies_follow_the_norms(void **state)
{
    (void)state;
    vs_coupling *d = dipolar();
    vs_lattice *lat = cubic(VS_LATTICE_SC, 4, 0, d);
    alias_chi2(lat, 0, 400000, 11, "dipolar sc 4^3");
    vs_lattice_free(lat);
    lat = cubic(VS_LATTICE_BCC, 2, 0, d);
    alias_chi2(lat, 1, 400000, 12, "dipolar bcc 2^3");
    vs_lattice_free(lat);
    vs_coupling_free(d);
}

/* ---- physics: sampling against exact values -------------------------------------------------- */

/* Sample the 2 slots at T[2] (clock kind, heat bath or Metropolis, `near`), compare ⟨E⟩ and ⟨E²⟩
 * with ex[r][0..1]; returns max |z|. */
static double clock_vs_exact(const vs_lattice *lat, const double *T, double ex[2][2], long nsweeps, long near,
                             int move, unsigned long seed, const char *label)
{
    vs_sampler_options *o = NULL;
    assert_int_equal(vs_sampler_options_create(&o), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_FIELDS, VS_SAMPLER_CLOCK), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_CLOCK_NEAR, (double)near), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_MOVE, move), VS_OK);
    vs_sampler *s = NULL;
    assert_int_equal(vs_sampler_create(lat, 2, T, seed, o, &s), VS_OK);
    vs_sampler_options_free(o);
    assert_int_equal(vs_sampler_sweep(s, 500), VS_OK);
    double *e[2], *e2[2], zmax = 0.0;
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
    for (int r = 0; r < 2; r++) {
        bm a = batch_means(e[r], nsweeps), b = batch_means(e2[r], nsweeps);
        double z1 = (a.mean - ex[r][0]) / a.err, z2 = (b.mean - ex[r][1]) / b.err, acc;
        assert_int_equal(vs_sampler_acceptance(s, r, &acc), VS_OK);
        print_message("# %s T = %.4g: <E> = %.6f ± %.6f (exact %.6f, z = %+.2f), <E²> = %.5f ± %.5f "
                      "(exact %.5f, z = %+.2f), acceptance %.3f\n",
                      label, T[r], a.mean, a.err, ex[r][0], z1, b.mean, b.err, ex[r][1], z2, acc);
        zmax = fmax(zmax, fmax(fabs(z1), fabs(z2)));
        free(e[r]);
        free(e2[r]);
    }
    vs_sampler_free(s);
    return zmax;
}

static void test_clock_adversarial_kernel_matches_enumeration(void **state)
{
    (void)state;
    /* Ising (n = 1) on a periodic 4×2×2 sc supercell: bonds (1,0,0) J = 0.3, (0,1,0) J = −0.2 and
     * the largest, (2,1,1) J = 1.0, the farthest displacement of the supercell */
    const double cell[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, frac[3] = {0, 0, 0};
    const int L[3] = {4, 2, 2}, disp[9] = {1, 0, 0, 0, 1, 0, 2, 1, 1}, pair[6] = {0, 0, 0, 0, 0, 0};
    const double blocks[3] = {0.3, -0.2, 1.0};
    vs_lattice *lat = NULL;
    assert_int_equal(vs_lattice_create_pairs(cell, 1, frac, L, 1, 3, disp, pair, blocks, NULL, NULL, &lat),
                     VS_OK);
    /* the largest table block is the far one */
    vs__clock *c = NULL;
    assert_int_equal(vs__clock_create(lat, 1.0, 0, &c), VS_OK);
    int bp, x[3];
    double nrm;
    vs__clock_far_entry(c, 0, 0, &bp, x, &nrm);
    print_message("# largest block at x = (%d, %d, %d), norm %.4g\n", x[0], x[1], x[2], nrm);
    assert_true(x[0] == 2 && x[1] == 1 && x[2] == 1);
    vs__clock_free(c);
    /* exact enumeration of the 2^16 states */
    size_t N = vs_lattice_nsites(lat);
    assert_int_equal(N, 16);
    const double T[2] = {1.2, 3.0};
    double ex[2][2], Z[2] = {0, 0}, S1[2] = {0, 0}, S2[2] = {0, 0}, s[16], Emin = 0.0;
    double *E = malloc(((size_t)1 << N) * sizeof *E);
    for (unsigned long st = 0; st < (1ul << N); st++) {
        for (size_t m = 0; m < N; m++)
            s[m] = (st >> m) & 1 ? 1.0 : -1.0;
        assert_int_equal(vs_lattice_energy_direct(lat, s, &E[st]), VS_OK);
        Emin = fmin(Emin, E[st]);
    }
    for (unsigned long st = 0; st < (1ul << N); st++)
        for (int r = 0; r < 2; r++) {
            double w = exp(-(E[st] - Emin) / T[r]);
            Z[r] += w;
            S1[r] += w * E[st];
            S2[r] += w * E[st] * E[st];
        }
    free(E);
    for (int r = 0; r < 2; r++) {
        ex[r][0] = S1[r] / Z[r];
        ex[r][1] = S2[r] / Z[r];
    }
    double z = clock_vs_exact(lat, T, ex, 100000, 0, VS_SAMPLER_HEATBATH, 31, "adversarial K=0");
    assert_true(z < Z_CRIT);
    z = clock_vs_exact(lat, T, ex, 100000, 1, VS_SAMPLER_HEATBATH, 32, "adversarial K=1");
    assert_true(z < Z_CRIT);
    z = clock_vs_exact(lat, T, ex, 100000, -1, VS_SAMPLER_HEATBATH, 33, "adversarial K=auto");
    assert_true(z < Z_CRIT);
    z = clock_vs_exact(lat, T, ex, 100000, 0, VS_SAMPLER_METROPOLIS, 34, "adversarial K=0 Metropolis");
    assert_true(z < Z_CRIT);
    vs_lattice_free(lat);
}

/* Infinite range, n = 3, N = 2, U = u I: E(c) = −(E0 u/4)|s1 + s2|² = −(E0 u/2)(1 + c), c = s1·s2
 * uniform on [−1, 1]; with a = βE0u/2 ≠ 0: ⟨1 + c⟩ and ⟨(1 + c)²⟩ under the weight e^{a(1+c)} on
 * [−1, 1] in closed form: with y = 1 + c ∈ [0, 2], ∫ y^k e^{ay} dy. */
static void moments_exp(double a, double *m1, double *m2)
{
    double e = exp(2.0 * a), I0 = (e - 1.0) / a, I1 = (2.0 * e - I0) / a, I2 = (4.0 * e - 2.0 * I1) / a;
    *m1 = I1 / I0;
    *m2 = I2 / I0;
}

static void test_clock_infinite_range_matches_closed_forms(void **state)
{
    (void)state;
    /* n = 3, N = 2 */
    vs_lattice *lat = NULL;
    int L2[3] = {2, 1, 1};
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L2, NULL, 3, NULL, &lat), VS_OK);
    const double u = 1.3, U[9] = {u, 0, 0, 0, u, 0, 0, 0, u};
    assert_int_equal(vs_lattice_set_uniform(lat, U), VS_OK);
    double e0;
    assert_int_equal(vs_lattice_energy_scale(lat, &e0), VS_OK);
    const double T[2] = {0.4, 1.5};
    double ex[2][2];
    for (int r = 0; r < 2; r++) {
        double m1, m2, f = -e0 * u / 2.0;
        moments_exp(e0 * u / (2.0 * T[r]), &m1, &m2);
        ex[r][0] = f * m1;
        ex[r][1] = f * f * m2;
    }
    double z = clock_vs_exact(lat, T, ex, 100000, -1, VS_SAMPLER_HEATBATH, 41, "U only n=3 N=2");
    assert_true(z < Z_CRIT);
    vs_lattice_free(lat);
    /* n = 1, N = 16: H = −(E0 u/(2N)) M², M = 2k − N */
    int L16[3] = {4, 2, 2};
    assert_int_equal(vs_lattice_create_cubic(VS_LATTICE_SC, 1.0, L16, NULL, 1, NULL, &lat), VS_OK);
    const double u1 = 0.9;
    assert_int_equal(vs_lattice_set_uniform(lat, &u1), VS_OK);
    const double T1[2] = {0.7, 1.4};
    const int N = 16;
    for (int r = 0; r < 2; r++) {
        double Z = 0.0, S1 = 0.0, S2 = 0.0, binom = 1.0;
        for (int k = 0; k <= N; k++) {
            double M = 2.0 * k - N, E = -e0 * u1 * M * M / (2.0 * N), w = binom * exp(-E / T1[r]);
            Z += w;
            S1 += w * E;
            S2 += w * E * E;
            binom = binom * (N - k) / (k + 1);
        }
        ex[r][0] = S1 / Z;
        ex[r][1] = S2 / Z;
    }
    z = clock_vs_exact(lat, T1, ex, 100000, -1, VS_SAMPLER_HEATBATH, 42, "U only n=1 N=16");
    assert_true(z < Z_CRIT);
    vs_lattice_free(lat);
}

/* ---- physics: the same equilibrium as the delayed heat-bath path ------------------------------- */

/* One PT run of 3 replicas (delayed or clock with `near` near pairs); observables of every slot. */
enum { NOBS = 5 };
static const int obs_keys[NOBS] = {VS_SAMPLER_OBS_ENERGY, VS_SAMPLER_OBS_HEAT_CAPACITY, VS_SAMPLER_OBS_M,
                                   VS_SAMPLER_OBS_BINDER, VS_SAMPLER_OBS_SK_MAX};
static const char *const obs_names[NOBS] = {"E/N", "C", "|m|", "Binder", "Smax"};

static void equilibrium_run(const vs_lattice *lat, const double *T, int fields, long near, long nmeas,
                            unsigned long seed, double val[3][NOBS], double err[3][NOBS], double *acc)
{
    vs_sampler_options *o = NULL;
    assert_int_equal(vs_sampler_options_create(&o), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_FIELDS, fields), VS_OK);
    assert_int_equal(vs_sampler_options_set(o, VS_SAMPLER_OPT_CLOCK_NEAR, (double)near), VS_OK);
    vs_sampler *s = NULL;
    assert_int_equal(vs_sampler_create(lat, 3, T, seed, o, &s), VS_OK);
    vs_sampler_options_free(o);
    assert_int_equal(vs_sampler_sweep(s, 1000), VS_OK);
    for (long k = 0; k < nmeas; k++) {
        assert_int_equal(vs_sampler_sweep(s, 1), VS_OK);
        assert_int_equal(vs_sampler_measure(s), VS_OK);
    }
    for (int r = 0; r < 3; r++)
        for (int i = 0; i < NOBS; i++)
            assert_int_equal(vs_sampler_observable(s, r, obs_keys[i], &val[r][i], &err[r][i], NULL), VS_OK);
    assert_int_equal(vs_sampler_acceptance(s, 0, acc), VS_OK);
    vs_sampler_free(s);
}

/* ⟨E⟩/N, C, ⟨|m|⟩, the Binder cumulant of m and ⟨max_k S(k)⟩ (the order parameter of these models,
 * which order at k ≠ 0) of the clock chain (near = K) and of the delayed heat-bath chain at
 * T_LT·(0.5, 0.6, 0.7), T_LT the Luttinger–Tisza mean-field temperature: around the heat-capacity
 * peak of L = 4, measured with the delayed path at 0.54–0.62 T_LT (elastic σ = 0.2 and 0.35) and
 * 0.62 T_LT (dipolar); both with parallel tempering; |z| < Z_CRIT with the error bars of both chains
 * (blocking with τ_int; jackknife for C and the Binder cumulant). Default suite: L = 4 with K = 26
 * (three neighbour shells) of 63 pairs, the other 37 act through the filter; slow suite: L = 6,
 * K = 26 of 215. */
static void compare_with_delayed(const vs_lattice *lat, long near, long nmeas, unsigned long seed,
                                 const char *label)
{
    double tc;
    assert_int_equal(vs_lattice_luttinger_tisza(lat, NULL, NULL, &tc), VS_OK);
    const double T[3] = {0.5 * tc, 0.6 * tc, 0.7 * tc};
    double vd[3][NOBS], ed[3][NOBS], vk[3][NOBS], ek[3][NOBS], ad, ak, zmax = 0.0;
    equilibrium_run(lat, T, VS_SAMPLER_DELAYED, -1, nmeas, seed, vd, ed, &ad);
    equilibrium_run(lat, T, VS_SAMPLER_CLOCK, near, nmeas, seed + 1, vk, ek, &ak);
    for (int r = 0; r < 3; r++)
        for (int i = 0; i < NOBS; i++) {
            double z = (vk[r][i] - vd[r][i]) / hypot(ek[r][i], ed[r][i]);
            print_message("# %s T = %.4f %-6s clock %.5f ± %.5f  delayed %.5f ± %.5f  z = %+.2f\n", label,
                          T[r], obs_names[i], vk[r][i], ek[r][i], vd[r][i], ed[r][i], z);
            zmax = fmax(zmax, fabs(z));
        }
    print_message("# %s: clock acceptance at T[0] %.3f (K = %ld), max |z| = %.2f\n", label, ak, near, zmax);
    assert_true(zmax < Z_CRIT);
}

/* The clock chain (K = 26) against the delayed chain on sc L³: elastic σ = 0.2 and 0.35, dipolar
 * (seeds seed, seed + 2, seed + 4). */
static void compare_three_models(int L, long nsweeps, unsigned long seed)
{
    vs_coupling *c[3] = {elastic(0.2), elastic(0.35), dipolar()};
    const char *name[3] = {"elastic sigma=0.2", "elastic sigma=0.35", "dipolar"};
    for (int i = 0; i < 3; i++) {
        char label[64];
        snprintf(label, sizeof label, "%s sc %d^3", name[i], L);
        vs_lattice *lat = cubic(VS_LATTICE_SC, L, 0, c[i]);
        compare_with_delayed(lat, 26, nsweeps, seed + 2UL * (unsigned long)i, label);
        vs_lattice_free(lat);
        vs_coupling_free(c[i]);
    }
}

static void test_clock_same_equilibrium_as_delayed(void **state)
{
    (void)state;
    compare_three_models(4, 4000, 51);
}

/* slow suite: the same comparison on sc 6³ (K = 26: 189 of the 215 pairs through the filter; the
 * automatic K would take nearly all of them near at these temperatures) and 5× longer runs */
static void test_clock_same_equilibrium_as_delayed_L6(void **state)
{
    (void)state;
    compare_three_models(6, 20000, 61);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "slow") == 0) {
        const struct CMUnitTest slow[] = {cmocka_unit_test(test_clock_same_equilibrium_as_delayed_L6)};
        return cmocka_run_group_tests_name("sampler_clock_slow", slow, NULL, NULL);
    }
    g_physics = argc > 1 && strcmp(argv[1], "physics") == 0;
    const struct CMUnitTest unit[] = {
        cmocka_unit_test(test_clock_tables_list_every_partner_once_with_its_norm),
        cmocka_unit_test(test_clock_options_bad_input),
        cmocka_unit_test(test_clock_fields_and_energy_fresh_after_each_sweep),
        cmocka_unit_test(test_clock_batched_filter_is_the_reference),
    };
    const struct CMUnitTest physics[] = {
        cmocka_unit_test(test_clock_alias_frequencies_follow_the_norms),
        cmocka_unit_test(test_clock_adversarial_kernel_matches_enumeration),
        cmocka_unit_test(test_clock_infinite_range_matches_closed_forms),
        cmocka_unit_test(test_clock_same_equilibrium_as_delayed),
    };
    if (g_physics)
        return cmocka_run_group_tests_name("sampler_clock_physics", physics, NULL, NULL);
    return cmocka_run_group_tests_name("sampler_clock_unit", unit, NULL, NULL);
}
