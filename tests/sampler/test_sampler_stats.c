/*
 * The sampler's observable statistics (lib/sampler/stats.c, internal, compiled into this test) against
 * hand-computed values, direct two-pass computations and exactly solvable processes.
 *
 * Run as `test_sampler_stats unit` (deterministic: closed forms, exact identities, bit equality) or
 * `test_sampler_stats physics` (statistical; GSL mt19937, fixed seeds; VS_TEST_SEED_OFFSET shifts all
 * of them). Acceptance rules, stated once:
 *  - NSEED = 8 independent seeds per quantity; the seed average must lie within REL_TOL = 10 % of
 *    the exact value and within Z_CRIT = 4 standard errors of it (standard error from the scatter of
 *    the seeds, plus for blocking an allowance for the method's residual bias, which also bounds
 *    each seed; accept_estimates);
 *  - AR(1) with N = 2^20 samples, ρ = 0.9, 0.5, 0: blocked error of the mean and τ_int at the plateau
 *    level. Measured over 48 seeds (ρ = 0.9): τ_int rel. bias −1.6 %, rms 4.2 %, max 9.1 %.
 *  - where single estimates are exact in law (sample means, Binder cumulant, jackknife variance) each
 *    seed is also z-scored with its own error: |z| < Z_CRIT.
 * test_planted_naive_error_fails_ar1_check shows the AR(1) check rejects the naive error.
 */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "testutil.h"
#include "sampler/stats.h"

#define Z_CRIT  4.0
#define REL_TOL 0.10
#define NSEED   8

static gsl_rng *rng_new(unsigned long seed)
{
    const char *off = getenv("VS_TEST_SEED_OFFSET");
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(r);
    gsl_rng_set(r, seed + (off ? strtoul(off, NULL, 10) * 1000UL : 0UL));
    return r;
}

/* two-pass mean and (n−1)-normalised variance */
static void two_pass(const double *x, long n, double *mean, double *var)
{
    double m = 0.0, s = 0.0;
    for (long i = 0; i < n; i++)
        m += x[i];
    m /= (double)n;
    for (long i = 0; i < n; i++)
        s += (x[i] - m) * (x[i] - m);
    *mean = m;
    *var = s / (double)(n - 1);
}

/* ---- unit: blocking ---------------------------------------------------------------------------- */

static void test_blocks_hand_series_one_to_eight(void **state)
{
    (void)state;
    vs__stats_blocks b;
    vs__stats_level lev;
    vs__stats_blocks_result res;
    assert_int_equal(vs__stats_blocks_init(&b), VS_OK);
    for (int i = 1; i <= 8; i++)
        assert_int_equal(vs__stats_blocks_add(&b, (double)i), VS_OK);
    /* 1…8: mean 9/2, s² = 6, σ_0 = √(6/8). Level 1: 1.5 3.5 5.5 7.5, s² = 20/3, σ_1 = √(5/3).
     * Level 2: 2.5 6.5, s² = 8, σ_2 = 2. Level 3: one block. */
    assert_int_equal(vs__stats_blocks_level(&b, 0, &lev), VS_OK);
    assert_int_equal(lev.nblocks, 8);
    assert_close(lev.err, sqrt(0.75), 1e-15, 0.0);
    assert_close(lev.tau, 0.5, 1e-15, 0.0);
    assert_close(lev.err_err, sqrt(0.75) / sqrt(14.0), 1e-15, 0.0);
    assert_int_equal(vs__stats_blocks_level(&b, 1, &lev), VS_OK);
    assert_int_equal(lev.nblocks, 4);
    assert_close(lev.err, sqrt(5.0 / 3.0), 1e-15, 0.0);
    assert_close(lev.tau, 0.5 * (5.0 / 3.0) / 0.75, 1e-15, 0.0);
    assert_int_equal(vs__stats_blocks_level(&b, 2, &lev), VS_OK);
    assert_int_equal(lev.nblocks, 2);
    assert_close(lev.err, 2.0, 1e-15, 0.0);
    assert_int_equal(vs__stats_blocks_level(&b, 3, &lev), VS_ENUMERIC);
    assert_int_equal(vs__stats_blocks_level(&b, -1, &lev), VS_EINVAL);
    assert_int_equal(vs__stats_blocks_level(&b, VS__STATS_LEVELS, &lev), VS_EINVAL);
    /* N = 8 < 32 blocks: level 0 (naive), no plateau claimed */
    assert_int_equal(vs__stats_blocks_result_get(&b, &res), VS_OK);
    assert_int_equal(res.n, 8);
    assert_close(res.mean, 4.5, 1e-15, 0.0);
    assert_int_equal(res.level, 0);
    assert_int_equal(res.plateau, 0);
    assert_close(res.err, res.err_naive, 0.0, 0.0);
}

/* Every level equals the direct computation of its block means (only complete blocks), for a length
 * that is not a power of two and a mean much larger than the fluctuations. */
static void test_blocks_levels_equal_direct_block_means(void **state)
{
    (void)state;
    enum { N = 1000 };
    static double x[N], bm[N], y[N];
    uint64_t st = 7;
    vs__stats_blocks b;
    vs__stats_blocks_init(&b);
    for (int i = 0; i < N; i++) {
        x[i] = 1e6 + tu_normal(&st) + 0.3 * sin(0.1 * i); /* offset 1e6: the shift must keep precision */
        assert_int_equal(vs__stats_blocks_add(&b, x[i]), VS_OK);
    }
    for (int k = 0; (N >> k) >= 2; k++) {
        long nb = N >> k, w = 1L << k;
        /* the reference in long double (its own block sums of 1e6-sized numbers would lose digits) */
        for (long j = 0; j < nb; j++) {
            long double s = 0.0L;
            for (long i = 0; i < w; i++)
                s += (long double)x[j * w + i] - 1e6L;
            bm[j] = (double)(s / w);
        }
        for (long i = 0; i < N; i++)
            y[i] = x[i] - 1e6;
        double m, v, m0, v0;
        two_pass(bm, nb, &m, &v);
        two_pass(y, N, &m0, &v0);
        m0 += 1e6;
        vs__stats_level lev;
        assert_int_equal(vs__stats_blocks_level(&b, k, &lev), VS_OK);
        assert_int_equal(lev.nblocks, nb);
        assert_close(lev.err, sqrt(v / (double)nb), 1e-9, 0.0);
        assert_close(lev.tau, 0.5 * (v / (double)nb) / (v0 / N), 1e-8, 0.0);
        if (k == 0) {
            vs__stats_blocks_result res;
            assert_int_equal(vs__stats_blocks_result_get(&b, &res), VS_OK);
            assert_close(res.mean, m0, 1e-15, 0.0);
            assert_close(res.err_naive, sqrt(v0 / N), 1e-9, 0.0);
        }
    }
}

static void test_blocks_edge_cases_are_errors_or_finite(void **state)
{
    (void)state;
    vs__stats_blocks b, copy;
    vs__stats_blocks_result res;
    vs__stats_blocks_init(&b);
    assert_int_equal(vs__stats_blocks_result_get(&b, &res), VS_ENUMERIC); /* 0 samples */
    vs__stats_blocks_add(&b, 1.0);
    assert_int_equal(vs__stats_blocks_result_get(&b, &res), VS_ENUMERIC); /* 1 sample */
    /* a non-finite or overflowing sample is refused and leaves the state as it was */
    copy = b;
    assert_int_equal(vs__stats_blocks_add(&b, NAN), VS_EINVAL);
    assert_int_equal(vs__stats_blocks_add(&b, INFINITY), VS_EINVAL);
    assert_int_equal(vs__stats_blocks_add(&b, 1e200), VS_ENUMERIC);
    assert_memory_equal(&b, &copy, sizeof b);
    assert_int_equal(vs__stats_blocks_add(NULL, 1.0), VS_EINVAL);
    assert_int_equal(vs__stats_blocks_result_get(&b, NULL), VS_EINVAL);
    /* a constant series: err = 0, τ = ½, no plateau claimed, everything finite */
    for (int i = 0; i < 999; i++)
        vs__stats_blocks_add(&b, 1.0);
    assert_int_equal(vs__stats_blocks_result_get(&b, &res), VS_OK);
    assert_true(res.mean == 1.0 && res.err == 0.0 && res.err_naive == 0.0 && res.tau_int == 0.5);
    assert_true(isfinite(res.err_err) && isfinite(res.tau_err));
    assert_int_equal(res.plateau, 0);
}

static void test_blocks_pack_is_little_endian_and_resumes_bit_identically(void **state)
{
    (void)state;
    size_t len = vs__stats_blocks_size();
    unsigned char *buf = malloc(len);
    assert_non_null(buf);
    uint64_t st = 11;
    vs__stats_blocks a, b;
    vs__stats_blocks_init(&a);
    for (int i = 0; i < 777; i++)
        vs__stats_blocks_add(&a, tu_normal(&st));
    assert_int_equal(vs__stats_blocks_pack(&a, buf), VS_OK);
    assert_memory_equal(buf, "VSSTBLK1", 8);                     /* the tag */
    assert_true(buf[8] == (777 & 0xff) && buf[9] == (777 >> 8)); /* n = 777, little-endian */
    for (int i = 10; i < 16; i++)
        assert_int_equal(buf[i], 0);
    assert_int_equal(vs__stats_blocks_unpack(buf, len, &b), VS_OK);
    assert_memory_equal(&a, &b, sizeof a);
    for (int i = 0; i < 1000; i++) {
        double x = tu_normal(&st);
        vs__stats_blocks_add(&a, x);
        vs__stats_blocks_add(&b, x);
    }
    vs__stats_blocks_result ra, rb;
    vs__stats_blocks_result_get(&a, &ra);
    vs__stats_blocks_result_get(&b, &rb);
    assert_memory_equal(&ra, &rb, sizeof ra);
    /* refused: wrong length, wrong tag, a negative count, a sum where no block exists, NaN */
    vs__stats_blocks_pack(&a, buf);
    vs__stats_blocks before = b;
    assert_int_equal(vs__stats_blocks_unpack(buf, len - 1, &b), VS_EINVAL);
    buf[0] ^= 1;
    assert_int_equal(vs__stats_blocks_unpack(buf, len, &b), VS_EINVAL);
    buf[0] ^= 1;
    buf[15] = 0x80;
    assert_int_equal(vs__stats_blocks_unpack(buf, len, &b), VS_EINVAL);
    buf[15] = 0;
    size_t sum_top = 24 + 8 * (VS__STATS_LEVELS - 1);
    memcpy(buf + sum_top, (unsigned char[8]){0, 0, 0, 0, 0, 0, 0xf0, 0x3f}, 8); /* 1.0 */
    assert_int_equal(vs__stats_blocks_unpack(buf, len, &b), VS_EINVAL);
    memcpy(buf + sum_top, (unsigned char[8]){0, 0, 0, 0, 0, 0, 0xf8, 0x7f}, 8); /* NaN */
    assert_int_equal(vs__stats_blocks_unpack(buf, len, &b), VS_EINVAL);
    assert_memory_equal(&b, &before, sizeof b);
    free(buf);
}

/* ---- unit: bins and the jackknife --------------------------------------------------------------- */

static int f_first(int nmom, const double *avg, void *ctx, double *out)
{
    (void)nmom;
    (void)ctx;
    *out = avg[0];
    return VS_OK;
}

static int f_fails(int nmom, const double *avg, void *ctx, double *out)
{
    (void)nmom;
    (void)avg;
    (void)ctx;
    *out = 0.0;
    return VS_ECALLBACK;
}

static int f_nan(int nmom, const double *avg, void *ctx, double *out)
{
    (void)nmom;
    (void)avg;
    (void)ctx;
    *out = NAN;
    return VS_OK;
}

static void add2(vs__stats_bins *b, double x)
{
    double mom[2] = {x, x * x};
    assert_int_equal(vs__stats_bins_add(b, mom), VS_OK);
}

/* f = a mean: the jackknife error is the standard error of the bin means, exactly; for the plug-in
 * variance with bins of one sample the bias-corrected value is the (N−1)-normalised variance. */
static void test_jackknife_identities_for_mean_and_variance(void **state)
{
    (void)state;
    enum { N = 50 };
    double x[N], m, v;
    uint64_t st = 3;
    vs__stats_bins b;
    vs__stats_jackknife jk;
    vs__stats_bins_init(&b, 2);
    for (int i = 0; i < N; i++)
        add2(&b, x[i] = 5.0 + 2.0 * tu_normal(&st));
    two_pass(x, N, &m, &v);
    assert_int_equal(vs__stats_bins_jackknife(&b, f_first, NULL, &jk), VS_OK);
    assert_int_equal(jk.nbins, N);
    assert_int_equal(jk.width, 1);
    assert_close(jk.value, m, 1e-14, 0.0);
    assert_close(jk.unbiased, m, 1e-13, 0.0);
    assert_close(jk.err, sqrt(v / N), 1e-12, 0.0);
    vs__stats_fluct_ctx var = {.i_sq = 1, .i_lin = 0, .scale = 1.0};
    assert_int_equal(vs__stats_bins_jackknife(&b, vs__stats_fluct, &var, &jk), VS_OK);
    assert_close(jk.value, v * (N - 1) / N, 1e-12, 0.0);
    assert_close(jk.unbiased, v, 1e-11, 0.0);
    /* width 4 after rebinning (N = 200 → 50 bins of 4): error = s(bin means)/√50 */
    double bm[N];
    vs__stats_bins_init(&b, 2);
    for (int i = 0; i < N; i++) {
        bm[i] = 0.0;
        for (int j = 0; j < 4; j++) {
            double y = tu_normal(&st);
            add2(&b, y);
            bm[i] += y;
        }
        bm[i] /= 4.0;
    }
    two_pass(bm, N, &m, &v);
    assert_int_equal(vs__stats_bins_jackknife(&b, f_first, NULL, &jk), VS_OK);
    assert_int_equal(jk.nbins, N);
    assert_int_equal(jk.width, 4);
    assert_close(jk.err, sqrt(v / N), 1e-12, 0.0);
}

/* Heat capacity per spin and susceptibility by hand: E = 1, 2, 3, 4 → ⟨E²⟩ − ⟨E⟩² = 15/2 − 25/4. */
static void test_fluctuation_helpers_by_hand(void **state)
{
    (void)state;
    vs__stats_bins b;
    vs__stats_jackknife jk;
    vs__stats_bins_init(&b, 2);
    for (int i = 1; i <= 4; i++)
        add2(&b, (double)i);
    double beta = 0.5, nspin = 8.0;
    vs__stats_fluct_ctx c = {.i_sq = 1, .i_lin = 0, .scale = beta * beta / nspin};
    assert_int_equal(vs__stats_bins_jackknife(&b, vs__stats_fluct, &c, &jk), VS_OK);
    assert_close(jk.value, beta * beta * 1.25 / nspin, 1e-15, 0.0);
    vs__stats_fluct_ctx chi = {.i_sq = 1, .i_lin = 0, .scale = beta * nspin};
    assert_int_equal(vs__stats_bins_jackknife(&b, vs__stats_fluct, &chi, &jk), VS_OK);
    assert_close(jk.value, beta * nspin * 1.25, 1e-15, 0.0);
}

/* Data whose every partial sum is exact in double (integers |x| ≤ 100, moments x, x², x⁴, sums
 * < 2^53): rebinning 64 → 32 bins many times gives the same bin sums, bit for bit, as summing each
 * final bin directly, and so the same jackknife. N = 48·4096 ends on a bin boundary (width 4096). */
static void test_rebinning_equals_direct_bins(void **state)
{
    (void)state;
    enum { NB = 48, W = 4096, N = NB * W };
    vs__stats_bins *b = calloc(2, sizeof *b);
    assert_non_null(b);
    vs__stats_bins *ref = b + 1;
    gsl_rng *r = rng_new(5);
    vs__stats_bins_init(&b[0], 3);
    vs__stats_bins_init(ref, 3);
    ref->width = W;
    ref->nfull = NB;
    for (long i = 0; i < N; i++) {
        double x = (double)((long)gsl_rng_uniform_int(r, 201) - 100);
        double mom[3] = {x, x * x, x * x * x * x};
        assert_int_equal(vs__stats_bins_add(&b[0], mom), VS_OK);
        for (int j = 0; j < 3; j++)
            ref->sum[(i / W) * VS__STATS_NMOM + j] += mom[j];
    }
    assert_int_equal(b[0].width, W);
    assert_int_equal(b[0].nfull, NB);
    assert_int_equal(b[0].nfill, 0);
    assert_memory_equal(b[0].sum, ref->sum, sizeof ref->sum);
    vs__stats_binder_ctx bc = {.i2 = 1, .i4 = 2, .ncomp = 1};
    vs__stats_jackknife j1, j2;
    assert_int_equal(vs__stats_bins_jackknife(&b[0], vs__stats_binder, &bc, &j1), VS_OK);
    assert_int_equal(vs__stats_bins_jackknife(ref, vs__stats_binder, &bc, &j2), VS_OK);
    assert_memory_equal(&j1, &j2, sizeof j1);
    /* one more sample opens a bin; the jackknife ignores it */
    double extra[3] = {1e3, 1e6, 1e12};
    vs__stats_bins_add(&b[0], extra);
    assert_int_equal(vs__stats_bins_jackknife(&b[0], vs__stats_binder, &bc, &j1), VS_OK);
    assert_memory_equal(&j1, &j2, sizeof j1);
    gsl_rng_free(r);
    free(b);
}

/* A fixed-magnitude order parameter: |m| = 3/4 (dyadic: every sum exact) gives U = 1 and a zero error,
 * exactly, for every n. */
static void test_binder_of_fixed_magnitude_is_one_exactly(void **state)
{
    (void)state;
    for (int n = 1; n <= 6; n++) {
        vs__stats_bins b;
        vs__stats_jackknife jk;
        vs__stats_bins_init(&b, 2);
        double c2 = 0.75 * 0.75, mom[2] = {c2, c2 * c2};
        for (int i = 0; i < 1000; i++)
            vs__stats_bins_add(&b, mom);
        vs__stats_binder_ctx bc = {.i2 = 0, .i4 = 1, .ncomp = n};
        assert_int_equal(vs__stats_bins_jackknife(&b, vs__stats_binder, &bc, &jk), VS_OK);
        assert_true(jk.value == 1.0 && jk.unbiased == 1.0 && jk.err == 0.0);
    }
}

static void test_bins_bad_input_and_too_few_bins(void **state)
{
    (void)state;
    vs__stats_bins b, copy;
    vs__stats_jackknife jk;
    double avg[2];
    assert_int_equal(vs__stats_bins_init(&b, 0), VS_EINVAL);
    assert_int_equal(vs__stats_bins_init(&b, VS__STATS_NMOM + 1), VS_EINVAL);
    assert_int_equal(vs__stats_bins_init(NULL, 2), VS_EINVAL);
    vs__stats_bins_init(&b, 2);
    assert_int_equal(vs__stats_bins_mean(&b, avg), VS_ENUMERIC); /* no complete bin */
    add2(&b, 1.0);
    assert_int_equal(vs__stats_bins_jackknife(&b, f_first, NULL, &jk), VS_ENUMERIC); /* 1 bin */
    copy = b;
    assert_int_equal(vs__stats_bins_add(&b, (double[2]){NAN, 1.0}), VS_EINVAL);
    assert_int_equal(vs__stats_bins_add(&b, NULL), VS_EINVAL);
    assert_memory_equal(&b, &copy, sizeof b);
    /* a bin sum that would overflow (width 2 after 64 samples; two DBL_MAX in one bin) */
    vs__stats_bins big;
    vs__stats_bins_init(&big, 2);
    for (int i = 0; i < 64; i++)
        add2(&big, 1.0);
    assert_int_equal(vs__stats_bins_add(&big, (double[2]){DBL_MAX, 1.0}), VS_OK);
    copy = big;
    assert_int_equal(vs__stats_bins_add(&big, (double[2]){DBL_MAX, 1.0}), VS_ENUMERIC);
    assert_memory_equal(&big, &copy, sizeof big);
    add2(&b, 3.0);
    assert_int_equal(vs__stats_bins_mean(&b, avg), VS_OK);
    assert_true(avg[0] == 2.0 && avg[1] == 5.0);
    assert_int_equal(vs__stats_bins_jackknife(&b, NULL, NULL, &jk), VS_EINVAL);
    assert_int_equal(vs__stats_bins_jackknife(&b, f_fails, NULL, &jk), VS_ECALLBACK);
    assert_int_equal(vs__stats_bins_jackknife(&b, f_nan, NULL, &jk), VS_ENUMERIC);
    vs__stats_fluct_ctx badf = {.i_sq = 2, .i_lin = 0, .scale = 1.0};
    assert_int_equal(vs__stats_bins_jackknife(&b, vs__stats_fluct, &badf, &jk), VS_EINVAL);
    vs__stats_binder_ctx badb = {.i2 = 0, .i4 = 1, .ncomp = 0};
    assert_int_equal(vs__stats_bins_jackknife(&b, vs__stats_binder, &badb, &jk), VS_EINVAL);
    /* ⟨|m|²⟩ = 0: U is undefined */
    vs__stats_bins_init(&b, 2);
    add2(&b, 0.0);
    add2(&b, 0.0);
    vs__stats_binder_ctx bc = {.i2 = 1, .i4 = 1, .ncomp = 3};
    assert_int_equal(vs__stats_bins_jackknife(&b, vs__stats_binder, &bc, &jk), VS_ENUMERIC);
}

static void test_bins_pack_round_trip_and_refusals(void **state)
{
    (void)state;
    size_t len = vs__stats_bins_size();
    unsigned char *buf = malloc(len);
    vs__stats_bins *b = calloc(3, sizeof *b);
    assert_true(buf && b);
    uint64_t st = 13;
    vs__stats_bins_init(&b[0], 2);
    for (int i = 0; i < 1001; i++)
        add2(&b[0], tu_normal(&st));
    assert_int_equal(vs__stats_bins_pack(&b[0], buf), VS_OK);
    assert_memory_equal(buf, "VSSTBIN1", 8);
    assert_true(buf[8] == 2 && buf[16] == 16); /* nmom = 2, width = 16, little-endian */
    assert_int_equal(vs__stats_bins_unpack(buf, len, &b[1]), VS_OK);
    assert_memory_equal(&b[0], &b[1], sizeof *b);
    for (int i = 0; i < 5000; i++) {
        double x = tu_normal(&st);
        add2(&b[0], x);
        add2(&b[1], x);
    }
    assert_memory_equal(&b[0], &b[1], sizeof *b);
    b[2] = b[1];
    vs__stats_bins_pack(&b[0], buf);
    assert_int_equal(vs__stats_bins_unpack(buf, len + 1, &b[1]), VS_EINVAL);
    buf[16] = 3; /* width not a power of two */
    assert_int_equal(vs__stats_bins_unpack(buf, len, &b[1]), VS_EINVAL);
    vs__stats_bins_pack(&b[0], buf);
    buf[24] = VS__STATS_NBINS; /* nfull out of range */
    assert_int_equal(vs__stats_bins_unpack(buf, len, &b[1]), VS_EINVAL);
    vs__stats_bins_pack(&b[0], buf);
    buf[40 + 8 * 5 + 6] = 0xf0; /* a sum in an unused column (j = 5) */
    buf[40 + 8 * 5 + 7] = 0x3f;
    assert_int_equal(vs__stats_bins_unpack(buf, len, &b[1]), VS_EINVAL);
    assert_memory_equal(&b[1], &b[2], sizeof *b);
    free(buf);
    free(b);
}

/* ---- physics: AR(1) ----------------------------------------------------------------------------- */

/* x_t = ρ x_{t−1} + √(1−ρ²) ε_t, x_0 ~ N(0, 1) (stationary, unit variance, ρ(t) = ρ^t):
 *     τ_int = ½ + Σ_{t≥1} ρ^t = ½ (1+ρ)/(1−ρ),
 *     Var(x̄) = (1/N) [(1+ρ)/(1−ρ) − 2ρ(1−ρ^N)/(N(1−ρ)²)]. */
static double ar1_tau(double rho)
{
    return 0.5 * (1.0 + rho) / (1.0 - rho);
}

static double ar1_err_of_mean(double rho, double n)
{
    return sqrt(
        ((1.0 + rho) / (1.0 - rho) - 2.0 * rho * (1.0 - pow(rho, n)) / (n * (1.0 - rho) * (1.0 - rho))) / n);
}

static void ar1_run(unsigned long seed, double rho, long n, vs__stats_blocks *b)
{
    gsl_rng *r = rng_new(seed);
    double x = gsl_ran_gaussian(r, 1.0), c = sqrt(1.0 - rho * rho);
    vs__stats_blocks_init(b);
    for (long t = 0; t < n; t++) {
        assert_int_equal(vs__stats_blocks_add(b, x), VS_OK);
        x = rho * x + c * gsl_ran_gaussian(r, 1.0);
    }
    gsl_rng_free(r);
}

/* The acceptance rule for NSEED independent estimates est[i] (stated uncertainty unc[i]) of an exact
 * value: the seed average within REL_TOL of it and within Z_CRIT·u of it, u² = se² + (bias·ū)², ū the
 * mean stated uncertainty, se the standard error of the average from the seeds' own scatter but not
 * below ū/√NSEED.
 * bias = 0 for estimators unbiased to O(1/N) (jackknife); bias = BLOCK_BIAS for the blocking
 * estimates, whose plateau rule accepts a level while the next one may still rise by one stated
 * uncertainty, so a residual deficit of about 2 err_err is part of the method (stats.h); those also
 * get a per-seed guard with the same allowance: |est − exact| < Z_CRIT·√(1 + bias²)·unc for every
 * seed. Returns 1 if accepted. */
#define BLOCK_BIAS 2.0
static int accept_estimates(const char *what, const double *est, const double *unc, double exact, double bias)
{
    double zmax = 0.0, avg = 0.0, ubar = 0.0, ss = 0.0, relmax = 0.0;
    for (int i = 0; i < NSEED; i++) {
        zmax = fmax(zmax, fabs(est[i] - exact) / unc[i]);
        relmax = fmax(relmax, fabs(est[i] / exact - 1.0));
        avg += est[i] / NSEED;
        ubar += unc[i] / NSEED;
    }
    for (int i = 0; i < NSEED; i++)
        ss += (est[i] - avg) * (est[i] - avg);
    /* the scatter of 8 seeds is itself uncertain (7 degrees of freedom): never below ū/√NSEED */
    double se = fmax(sqrt(ss / (NSEED - 1) / NSEED), ubar / sqrt(NSEED));
    double u = sqrt(se * se + bias * bias * ubar * ubar);
    double rel = avg / exact - 1.0, zavg = avg == exact ? 0.0 : fabs(avg - exact) / u;
    printf("# %s: exact %.5g, seed average %.5g (rel %+.4f, z %.2f), max |rel| %.4f, max stated |z| %.2f\n",
           what, exact, avg, rel, zavg, relmax, zmax);
    return fabs(rel) < REL_TOL && zavg < Z_CRIT && (bias == 0.0 || zmax < Z_CRIT * sqrt(1.0 + bias * bias));
}

/* max over the seeds of |est − exact|/unc: for estimates whose stated uncertainty is complete */
static double max_z(const double *est, const double *unc, double exact)
{
    double z = 0.0;
    for (int i = 0; i < NSEED; i++)
        z = fmax(z, fabs(est[i] - exact) / unc[i]);
    return z;
}

enum { AR1_N = 1 << 20 };

/* ρ = 0.9: blocked error and τ_int (at the plateau level) against the exact values; the sample means
 * themselves scatter as the exact error says. With naive = 1, err is replaced by the naive error
 * (the planted bug) and the rule must reject. */
static int ar1_check(double rho, int naive)
{
    double e[NSEED], de[NSEED], t[NSEED], dt[NSEED], zmean = 0.0;
    double exact_err = ar1_err_of_mean(rho, AR1_N);
    int plateaus = 0;
    vs__stats_blocks b;
    for (int s = 0; s < NSEED; s++) {
        vs__stats_blocks_result res;
        ar1_run(100 + s, rho, AR1_N, &b);
        assert_int_equal(vs__stats_blocks_result_get(&b, &res), VS_OK);
        if (naive) {
            res.err = res.err_naive;
            res.err_err = res.err_naive / sqrt(2.0 * (AR1_N - 1));
            res.tau_int = 0.5;
            res.tau_err = 2.0 * 0.5 / sqrt(2.0 * (AR1_N - 1));
        }
        e[s] = res.err;
        de[s] = res.err_err;
        t[s] = res.tau_int;
        dt[s] = res.tau_err;
        plateaus += res.plateau;
        zmean = fmax(zmean, fabs(res.mean) / exact_err);
        printf("# rho %.2f seed %d: level %d plateau %d  err %.5g ± %.2g  tau %.4g ± %.2g  naive %.5g\n", rho,
               s, res.level, res.plateau, res.err, res.err_err, res.tau_int, res.tau_err, res.err_naive);
    }
    printf("# rho %.2f: exact err %.5g, exact tau %.5g, max |mean|/err_exact %.2f, %d/%d plateaus\n", rho,
           exact_err, ar1_tau(rho), zmean, plateaus, NSEED);
    int ok = accept_estimates("blocked error", e, de, exact_err, BLOCK_BIAS);
    ok = accept_estimates("tau_int", t, dt, ar1_tau(rho), BLOCK_BIAS) && ok;
    return ok && zmean < Z_CRIT;
}

static void test_ar1_blocked_error_and_tau_match_exact(void **state)
{
    (void)state;
    assert_true(ar1_check(0.9, 0));
    assert_true(ar1_check(0.5, 0));
}

/* ρ = 0: τ_int = ½ at the chosen level and at a fixed deep level (k = 10, 1024 blocks). */
static void test_ar1_uncorrelated_has_tau_half(void **state)
{
    (void)state;
    assert_true(ar1_check(0.0, 0));
    double t[NSEED], dt[NSEED];
    vs__stats_blocks b;
    for (int s = 0; s < NSEED; s++) {
        vs__stats_level lev;
        ar1_run(200 + s, 0.0, AR1_N, &b);
        assert_int_equal(vs__stats_blocks_level(&b, 10, &lev), VS_OK);
        t[s] = lev.tau;
        dt[s] = 2.0 * lev.tau / sqrt(2.0 * (double)(lev.nblocks - 1));
    }
    assert_true(accept_estimates("tau_int at level 10, rho = 0", t, dt, 0.5, 0.0));
    assert_true(max_z(t, dt, 0.5) < Z_CRIT);
}

static void test_planted_naive_error_fails_ar1_check(void **state)
{
    (void)state;
    assert_false(ar1_check(0.9, 1));
}

/* ---- physics: jackknife ------------------------------------------------------------------------- */

/* iid N(0, σ²), σ = 2, N = 63·2^10: the plug-in variance ⟨x²⟩ − ⟨x⟩² has the exact standard deviation
 * √(2/(N−1)) σ² (of the unbiased estimator; the plug-in one differs by O(1/N)). Its jackknife error
 * scatters with relative σ ≈ 1/√(2(B−1)) (B = 63 bins). */
static void test_jackknife_error_of_variance_matches_exact(void **state)
{
    (void)state;
    enum { N = 63 << 10 }; /* 63 bins of 1024: the most bins the accumulator keeps */
    const double sigma = 2.0, exact = sqrt(2.0 / (N - 1)) * sigma * sigma;
    double e[NSEED], de[NSEED], v[NSEED], dv[NSEED];
    vs__stats_fluct_ctx c = {.i_sq = 1, .i_lin = 0, .scale = 1.0};
    for (int s = 0; s < NSEED; s++) {
        gsl_rng *r = rng_new(300 + s);
        vs__stats_bins b;
        vs__stats_jackknife jk;
        vs__stats_bins_init(&b, 2);
        for (int i = 0; i < N; i++)
            add2(&b, 1.0 + gsl_ran_gaussian(r, sigma));
        assert_int_equal(vs__stats_bins_jackknife(&b, vs__stats_fluct, &c, &jk), VS_OK);
        e[s] = jk.err;
        de[s] = exact / sqrt(2.0 * (double)(jk.nbins - 1)); /* its spread under the hypothesis */
        v[s] = jk.unbiased;
        dv[s] = jk.err;
        gsl_rng_free(r);
    }
    assert_true(accept_estimates("jackknife error of the variance", e, de, exact, 0.0));
    assert_true(accept_estimates("bias-corrected variance", v, dv, sigma * sigma, 0.0));
    assert_true(max_z(e, de, exact) < Z_CRIT);
    assert_true(max_z(v, dv, sigma * sigma) < Z_CRIT);
}

/* Gaussian n-vectors (the disordered phase): U = 0 within the jackknife error, for n = 1, 3, 5, 6. */
static void test_binder_of_gaussian_vectors_is_zero(void **state)
{
    (void)state;
    enum { N = 1 << 16 };
    const int ns[] = {1, 3, 5, 6};
    for (size_t a = 0; a < sizeof ns / sizeof ns[0]; a++) {
        int n = ns[a];
        double zmax = 0.0;
        for (int s = 0; s < NSEED; s++) {
            gsl_rng *r = rng_new(400 + 10 * (unsigned long)n + s);
            vs__stats_bins b;
            vs__stats_jackknife jk;
            vs__stats_bins_init(&b, 2);
            for (int i = 0; i < N; i++) {
                double m2 = 0.0;
                for (int j = 0; j < n; j++) {
                    double g = gsl_ran_gaussian(r, 1.0);
                    m2 += g * g;
                }
                double mom[2] = {m2, m2 * m2};
                vs__stats_bins_add(&b, mom);
            }
            vs__stats_binder_ctx bc = {.i2 = 0, .i4 = 1, .ncomp = n};
            assert_int_equal(vs__stats_bins_jackknife(&b, vs__stats_binder, &bc, &jk), VS_OK);
            zmax = fmax(zmax, fabs(jk.unbiased) / jk.err);
            gsl_rng_free(r);
        }
        printf("# Binder U of Gaussian %d-vectors: max |U|/err over %d seeds = %.2f\n", n, NSEED, zmax);
        assert_true(zmax < Z_CRIT);
    }
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest unit[] = {
        cmocka_unit_test(test_blocks_hand_series_one_to_eight),
        cmocka_unit_test(test_blocks_levels_equal_direct_block_means),
        cmocka_unit_test(test_blocks_edge_cases_are_errors_or_finite),
        cmocka_unit_test(test_blocks_pack_is_little_endian_and_resumes_bit_identically),
        cmocka_unit_test(test_jackknife_identities_for_mean_and_variance),
        cmocka_unit_test(test_fluctuation_helpers_by_hand),
        cmocka_unit_test(test_rebinning_equals_direct_bins),
        cmocka_unit_test(test_binder_of_fixed_magnitude_is_one_exactly),
        cmocka_unit_test(test_bins_bad_input_and_too_few_bins),
        cmocka_unit_test(test_bins_pack_round_trip_and_refusals),
    };
    const struct CMUnitTest physics[] = {
        cmocka_unit_test(test_ar1_blocked_error_and_tau_match_exact),
        cmocka_unit_test(test_ar1_uncorrelated_has_tau_half),
        cmocka_unit_test(test_planted_naive_error_fails_ar1_check),
        cmocka_unit_test(test_jackknife_error_of_variance_matches_exact),
        cmocka_unit_test(test_binder_of_gaussian_vectors_is_zero),
    };
    if (argc > 1 && strcmp(argv[1], "unit") == 0)
        return cmocka_run_group_tests_name("unit", unit, NULL, NULL);
    if (argc > 1 && strcmp(argv[1], "physics") == 0)
        return cmocka_run_group_tests_name("physics", physics, NULL, NULL);
    fprintf(stderr, "usage: %s unit|physics\n", argv[0]);
    return 2;
}
