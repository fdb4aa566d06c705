/*
 * The single-site moves of the sampler (lib/sampler/moves.c, internal, compiled into this test) against
 * independent routes: exact marginals and moments by GSL quadrature over the sphere.
 *
 * Run as `test_sampler_moves unit` (deterministic properties: involution, unit norm, no NaN at the
 * edges) or `test_sampler_moves physics` (statistical tests). With the fixed seeds every run is
 * deterministic; the acceptance rules are stated once here:
 *  - Kolmogorov–Smirnov: reject if D·√N > KS_CRIT = 1.95 (asymptotic p ≈ 0.001). Markov chains are
 *    thinned by a stride of ⌈4 τ_int⌉ (τ_int of t = μ·s, measured on the chain), so that the kept
 *    samples are nearly independent (lag correlation ≲ e^{-4}).
 *  - Moments: z = (estimate − exact)/σ with σ from independent samples (i.i.d. vMF draws) or from
 *    NBATCH = 100 batch means (chains; batches ≫ τ_int); accept |z| < Z_CRIT = 4.
 * Every statistic is printed as a TAP comment. test_planted_bias_is_detected shows the tests have the
 * power to see a heat bath without its quadratic correction, or with the correction's ½ dropped.
 */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>

#include "testutil.h"
#include "sampler/sampler_internal.h"

#define KS_CRIT 1.95
#define Z_CRIT  4.0
#define NBATCH  100
#define NGRID   4096 /* θ cells of the tabulated marginal CDF */

/* ---- small helpers (independent of moves.c) ---------------------------------------------------- */

/* Every generator is seeded from a fixed number; VS_TEST_SEED_OFFSET (default 0) shifts all of them,
 * to check by hand that the acceptance rules are not tuned to one seed. */
static gsl_rng *rng_new(unsigned long seed)
{
    const char *off = getenv("VS_TEST_SEED_OFFSET");
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(r);
    gsl_rng_set(r, seed + (off ? strtoul(off, NULL, 10) * 1000UL : 0UL));
    return r;
}

static double tdot(int n, const double *a, const double *b)
{
    double d = 0.0;
    for (int i = 0; i < n; i++)
        d += a[i] * b[i];
    return d;
}

static double tquad(int n, const double *A, const double *s)
{
    double q = 0.0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            q += s[i] * A[i * n + j] * s[j];
    return q;
}

/* random unit n-vector from the test's own generator (splitmix + Box–Muller) */
static void random_unit(uint64_t *st, int n, double *v)
{
    double r;
    do {
        for (int i = 0; i < n; i++)
            v[i] = tu_normal(st);
        r = sqrt(tdot(n, v, v));
    } while (r < 1e-3);
    for (int i = 0; i < n; i++)
        v[i] /= r;
}

static void assert_unit_finite(int n, const double *s, double tol)
{
    for (int i = 0; i < n; i++)
        assert_true(isfinite(s[i]));
    double nr = sqrt(tdot(n, s, s));
    if (!(fabs(nr - 1.0) <= tol))
        fail_msg("|s| - 1 = %.3g (n = %d) exceeds %.1g", nr - 1.0, n, tol);
}

/* ---- exact uniaxial marginal: f(t) ∝ exp(k t + q t²/2)(1 − t²)^{(n−3)/2}, by GSL quadrature in θ ---- */
/* In θ = arccos t the density is g(θ) ∝ exp(k cos θ + q cos²θ/2) sin^{n−2} θ, smooth on [0, π]. */

typedef struct marginal {
    int n;
    double k, q, c0;     /* c0: an upper bound of the exponent, subtracted to keep exp() in range */
    double G[NGRID + 1]; /* G[i] = ∫_0^{θ_i} g, θ_i = iπ/NGRID */
} marginal;

typedef struct {
    const marginal *m;
    int power;
} g_params;

static double g_theta(double th, void *p)
{
    const g_params *gp = p;
    const marginal *m = gp->m;
    double c = cos(th);
    double v = exp(m->k * c + 0.5 * m->q * c * c - m->c0) * pow(sin(th), m->n - 2);
    return gp->power ? v * pow(c, gp->power) : v;
}

static double integrate_theta(const marginal *m, int power, double a, double b, gsl_integration_workspace *ws)
{
    g_params gp = {m, power};
    gsl_function F = {g_theta, &gp};
    double val, err;
    int st = gsl_integration_qag(&F, a, b, 0.0, 1e-11, 1000, GSL_INTEG_GAUSS21, ws, &val, &err);
    assert_int_equal(st, GSL_SUCCESS);
    return val;
}

static void marginal_init(marginal *m, int n, double k, double q)
{
    m->n = n;
    m->k = k;
    m->q = q;
    m->c0 = fabs(k) + 0.5 * fabs(q);
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    m->G[0] = 0.0;
    for (int i = 0; i < NGRID; i++)
        m->G[i + 1] = m->G[i] + integrate_theta(m, 0, i * M_PI / NGRID, (i + 1) * M_PI / NGRID, ws);
    gsl_integration_workspace_free(ws);
}

/* exact ⟨t^p⟩ */
static double marginal_moment(const marginal *m, int p)
{
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    double num = integrate_theta(m, p, 0.0, M_PI, ws);
    double den = integrate_theta(m, 0, 0.0, M_PI, ws);
    gsl_integration_workspace_free(ws);
    return num / den;
}

/* F(x) = P(t ≤ x) = 1 − G(arccos x)/G(π), G interpolated linearly between the nodes */
static double marginal_cdf(const marginal *m, double x)
{
    double th = acos(fmax(-1.0, fmin(1.0, x)));
    double u = th / (M_PI / NGRID);
    int i = (int)u;
    if (i >= NGRID)
        return 0.0;
    double Gt = m->G[i] + (u - i) * (m->G[i + 1] - m->G[i]);
    return 1.0 - Gt / m->G[NGRID];
}

/* D·√N of the sample t[0..N) (sorted in place) against the marginal */
static double ks_stat(double *t, size_t N, const marginal *m)
{
    gsl_sort(t, 1, N);
    double D = 0.0;
    for (size_t i = 0; i < N; i++) {
        double F = marginal_cdf(m, t[i]);
        D = fmax(D, fmax(F - (double)i / N, (double)(i + 1) / N - F));
    }
    return D * sqrt((double)N);
}

/* ---- chain statistics ---------------------------------------------------------------------------- */

/* integrated autocorrelation time τ = ½ + Σ_k ρ_k, Sokal's window k ≤ 6τ */
static double tau_int(const double *x, size_t L)
{
    double mean = 0.0;
    for (size_t i = 0; i < L; i++)
        mean += x[i];
    mean /= L;
    double c0 = 0.0;
    for (size_t i = 0; i < L; i++)
        c0 += (x[i] - mean) * (x[i] - mean);
    double tau = 0.5;
    for (size_t k = 1; k < L / 10; k++) {
        double ck = 0.0;
        for (size_t i = 0; i + k < L; i++)
            ck += (x[i] - mean) * (x[i + k] - mean);
        tau += ck / c0;
        if ((double)k >= 6.0 * tau)
            break;
    }
    return tau;
}

/* mean and its batch-means standard error */
static void batch_means(const double *x, size_t L, double *mean, double *se)
{
    size_t B = L / NBATCH;
    double m = 0.0, m2 = 0.0;
    for (int b = 0; b < NBATCH; b++) {
        double s = 0.0;
        for (size_t i = 0; i < B; i++)
            s += x[b * B + i];
        s /= B;
        m += s;
        m2 += s * s;
    }
    m /= NBATCH;
    *mean = m;
    *se = sqrt(fmax(0.0, m2 / NBATCH - m * m) / (NBATCH - 1));
}

typedef enum move_kind {
    MOVE_HB,        /* heat bath */
    MOVE_OR_HB,     /* over-relaxation, then heat bath */
    MOVE_MET,       /* random-walk Metropolis */
    BIAS_HB_NO_A,   /* planted bias: vMF proposal always accepted (A dropped) */
    BIAS_HB_NO_HALF /* planted bias: correction exp(β(s'As' − sAs)), the ½ dropped */
} move_kind;

static const char *move_name[] = {"heat bath", "OR + heat bath", "Metropolis", "HB without A",
                                  "HB without 1/2"};

static void chain_step(gsl_rng *r, const vs__site_target *t, move_kind k, double delta, double *s)
{
    int n = t->n;
    double prop[VS__SAMPLER_NMAX];
    switch (k) {
    case MOVE_HB: vs__move_heatbath(r, t, s, s); break;
    case MOVE_OR_HB:
        vs__move_overrelax(r, t, s, s);
        vs__move_heatbath(r, t, s, s);
        break;
    case MOVE_MET: vs__move_metropolis(r, t, delta, s, s); break;
    case BIAS_HB_NO_A:
    case BIAS_HB_NO_HALF: {
        double hn = sqrt(tdot(n, t->h, t->h));
        vs__vmf_sample(r, n, t->beta * hn, t->h, prop);
        double dl = k == BIAS_HB_NO_A ? 0.0 : t->beta * (tquad(n, t->A, prop) - tquad(n, t->A, s));
        if (dl >= 0.0 || log(gsl_rng_uniform_pos(r)) < dl)
            memcpy(s, prop, (size_t)n * sizeof *s);
        break;
    }
    }
}

/* ---- the uniaxial target: β = 1, h = H μ, A = a μμᵀ (+ b ννᵀ for the non-uniaxial one) ---------- */

#define UNI_H    1.5
#define UNI_A    4.0
#define NONUNI_B (-3.0)

static void uniaxial_target(int n, const double *mu, double a, double *h, double *A)
{
    for (int i = 0; i < n; i++) {
        h[i] = UNI_H * mu[i];
        for (int j = 0; j < n; j++)
            A[i * n + j] = a * mu[i] * mu[j];
    }
}

/* Runs L steps (after L/10 of burn-in) from s = μ, returns D√N of t = μ·s thinned by ⌈4τ⌉. */
static double chain_ks(unsigned long seed, int n, move_kind k, double delta, size_t L, const marginal *m,
                       double *tau_out, size_t *nkept)
{
    uint64_t st = seed;
    double mu[VS__SAMPLER_NMAX], h[VS__SAMPLER_NMAX], A[VS__SAMPLER_NMAX * VS__SAMPLER_NMAX];
    double s[VS__SAMPLER_NMAX];
    random_unit(&st, n, mu);
    uniaxial_target(n, mu, UNI_A, h, A);
    vs__site_target t = {n, 1.0, h, A};
    gsl_rng *r = rng_new(seed);
    memcpy(s, mu, (size_t)n * sizeof *s);
    for (size_t i = 0; i < L / 10; i++)
        chain_step(r, &t, k, delta, s);
    double *x = malloc(L * sizeof *x);
    assert_non_null(x);
    for (size_t i = 0; i < L; i++) {
        chain_step(r, &t, k, delta, s);
        x[i] = tdot(n, mu, s);
    }
    assert_unit_finite(n, s, 1e-14);
    double tau = tau_int(x, L);
    size_t stride = (size_t)ceil(4.0 * tau), N = 0;
    for (size_t i = 0; i < L; i += stride)
        x[N++] = x[i];
    double ks = ks_stat(x, N, m);
    free(x);
    gsl_rng_free(r);
    *tau_out = tau;
    *nkept = N;
    return ks;
}

/* ---- statistical tests (suite physics) --------------------------------------------------------- */

static void test_vmf_marginal_matches_quadrature_ks(void **state)
{
    (void)state;
    const int ns[3] = {2, 3, 6};
    const double kappas[3] = {0.1, 2.0, 30.0};
    const size_t N = 20000;
    double *t = malloc(N * sizeof *t);
    assert_non_null(t);
    marginal *m = malloc(sizeof *m);
    assert_non_null(m);
    uint64_t st = 11;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
            int n = ns[a];
            double mu[VS__SAMPLER_NMAX], s[VS__SAMPLER_NMAX];
            random_unit(&st, n, mu);
            gsl_rng *r = rng_new(100 + 10 * a + b);
            for (size_t i = 0; i < N; i++) {
                vs__vmf_sample(r, n, kappas[b], mu, s);
                assert_unit_finite(n, s, 1e-14);
                t[i] = tdot(n, mu, s);
            }
            gsl_rng_free(r);
            marginal_init(m, n, kappas[b], 0.0);
            double ks = ks_stat(t, N, m);
            print_message("# vMF n = %d, kappa = %g: KS D*sqrt(N) = %.3f (N = %zu)\n", n, kappas[b], ks, N);
            assert_true(ks < KS_CRIT);
        }
    free(m);
    free(t);
}

/* The part of s orthogonal to μ is uniform on the sphere of μ^⊥: mean 0 and covariance
 * c (I − μμᵀ), c = (1 − ⟨t²⟩)/(n − 1), with ⟨t²⟩ from quadrature. */
static void test_vmf_orthogonal_part_is_uniform(void **state)
{
    (void)state;
    const int ns[3] = {2, 3, 6};
    const double kappas[3] = {0.1, 2.0, 30.0};
    const size_t N = 20000;
    marginal *m = malloc(sizeof *m);
    assert_non_null(m);
    uint64_t st = 12;
    double zmax = 0.0;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
            int n = ns[a];
            double mu[VS__SAMPLER_NMAX], s[VS__SAMPLER_NMAX], p[VS__SAMPLER_NMAX];
            double m1[6] = {0}, m1sq[6] = {0}, m2[36] = {0}, m2sq[36] = {0};
            random_unit(&st, n, mu);
            gsl_rng *r = rng_new(200 + 10 * a + b);
            for (size_t k = 0; k < N; k++) {
                vs__vmf_sample(r, n, kappas[b], mu, s);
                double tt = tdot(n, mu, s);
                for (int i = 0; i < n; i++)
                    p[i] = s[i] - tt * mu[i];
                for (int i = 0; i < n; i++) {
                    m1[i] += p[i];
                    m1sq[i] += p[i] * p[i];
                    for (int j = 0; j < n; j++) {
                        m2[i * n + j] += p[i] * p[j];
                        m2sq[i * n + j] += p[i] * p[i] * p[j] * p[j];
                    }
                }
            }
            gsl_rng_free(r);
            marginal_init(m, n, kappas[b], 0.0);
            double c = (1.0 - marginal_moment(m, 2)) / (n - 1);
            double zm = 0.0, zc = 0.0;
            for (int i = 0; i < n; i++) {
                double mean = m1[i] / N, se = sqrt((m1sq[i] / N - mean * mean) / (N - 1));
                zm = fmax(zm, fabs(mean / se));
                for (int j = 0; j < n; j++) {
                    double e = m2[i * n + j] / N;
                    double sej = sqrt((m2sq[i * n + j] / N - e * e) / (N - 1));
                    double exact = c * ((i == j) - mu[i] * mu[j]);
                    zc = fmax(zc, fabs((e - exact) / sej));
                }
            }
            print_message("# vMF n = %d, kappa = %g: orthogonal part max|z| mean %.2f, covariance %.2f\n", n,
                          kappas[b], zm, zc);
            zmax = fmax(zmax, fmax(zm, zc));
        }
    free(m);
    assert_true(zmax < Z_CRIT);
}

/* Huge and tiny κ: for κ = 1e8, κ(1 − t) → Gamma((n−1)/2, 1) (mean (n−1)/2, variance (n−1)/2, up
 * to O(1/κ)); for κ = 1e-12, ⟨t⟩ = 0 and ⟨t²⟩ = 1/n up to O(κ). 1 − t = |s − μ|²/2 exactly. */
static void test_vmf_extreme_kappa_moments(void **state)
{
    (void)state;
    const size_t N = 20000;
    uint64_t st = 13;
    for (int n = 2; n <= 6; n += 4) {
        double mu[VS__SAMPLER_NMAX], s[VS__SAMPLER_NMAX];
        random_unit(&st, n, mu);
        gsl_rng *r = rng_new(300 + n);
        double sum = 0.0, t1 = 0.0, t2 = 0.0;
        for (size_t k = 0; k < N; k++) {
            vs__vmf_sample(r, n, 1e8, mu, s);
            double d2 = 0.0;
            for (int i = 0; i < n; i++)
                d2 += (s[i] - mu[i]) * (s[i] - mu[i]);
            sum += 1e8 * 0.5 * d2;
            vs__vmf_sample(r, n, 1e-12, mu, s);
            double tt = tdot(n, mu, s);
            t1 += tt;
            t2 += tt * tt;
        }
        gsl_rng_free(r);
        double c = 0.5 * (n - 1);
        double z_big = (sum / N - c) / sqrt(c / N);
        /* Var t = 1/n, Var t² = ⟨t⁴⟩ − 1/n² = 3/(n(n+2)) − 1/n² */
        double z_t1 = (t1 / N) / sqrt(1.0 / n / N);
        double z_t2 = (t2 / N - 1.0 / n) / sqrt((3.0 / (n * (n + 2.0)) - 1.0 / (n * n)) / N);
        print_message("# vMF n = %d: kappa = 1e8: z(<kappa(1-t)>) = %.2f; kappa = 1e-12: z(<t>) = %.2f, "
                      "z(<t^2>) = %.2f\n",
                      n, z_big, z_t1, z_t2);
        assert_true(fabs(z_big) < Z_CRIT && fabs(z_t1) < Z_CRIT && fabs(z_t2) < Z_CRIT);
    }
}

/* n = 1: s = +μ with probability 1/(1 + e^{−2κ}); binomial z. */
static void test_vmf_n1_probabilities(void **state)
{
    (void)state;
    const size_t N = 40000;
    const double kappas[3] = {0.0, 0.3, 2.0};
    for (int b = 0; b < 3; b++) {
        gsl_rng *r = rng_new(400 + b);
        double mu = -1.0, s;
        size_t plus = 0;
        for (size_t k = 0; k < N; k++) {
            vs__vmf_sample(r, 1, kappas[b], &mu, &s);
            assert_true(s == 1.0 || s == -1.0);
            plus += s == mu;
        }
        gsl_rng_free(r);
        double p = 1.0 / (1.0 + exp(-2.0 * kappas[b]));
        double z = ((double)plus / N - p) / sqrt(p * (1 - p) / N);
        print_message("# vMF n = 1, kappa = %g: z = %.2f\n", kappas[b], z);
        assert_true(fabs(z) < Z_CRIT);
    }
}

/* n = 1 chains (heat bath, Metropolis): P(s = +1) = 1/(1 + e^{−2βh}); the 1×1 A = a is a constant
 * (s² = 1) and must not matter. Batch-means z. */
static void test_n1_chains_sample_the_two_state_law(void **state)
{
    (void)state;
    const size_t L = 100000;
    double h = 0.4, A = 5.0;
    vs__site_target t = {1, 1.5, &h, &A};
    double p = 1.0 / (1.0 + exp(-2.0 * 1.5 * 0.4));
    double *x = malloc(L * sizeof *x);
    assert_non_null(x);
    const move_kind kinds[2] = {MOVE_HB, MOVE_MET};
    for (int k = 0; k < 2; k++) {
        gsl_rng *r = rng_new(450 + k);
        double s = -1.0;
        for (size_t i = 0; i < L; i++) {
            chain_step(r, &t, kinds[k], 1.5, &s);
            assert_true(s == 1.0 || s == -1.0);
            x[i] = s > 0.0;
        }
        gsl_rng_free(r);
        double mean, se;
        batch_means(x, L, &mean, &se);
        double z = (mean - p) / se;
        print_message("# n = 1 chain %s: P(+1) = %.4f +- %.4f, exact %.4f, z = %.2f\n", move_name[kinds[k]],
                      mean, se, p, z);
        assert_true(fabs(z) < Z_CRIT);
    }
    free(x);
}

/* Chains on the uniaxial target f(t) ∝ exp(βH t + βa t²/2)(1 − t²)^{(n−3)/2}: heat bath,
 * over-relaxation + heat bath, Metropolis, for n = 3 and 6. */
static void test_chains_uniaxial_marginal_ks(void **state)
{
    (void)state;
    marginal *m = malloc(sizeof *m);
    assert_non_null(m);
    const move_kind kinds[3] = {MOVE_HB, MOVE_OR_HB, MOVE_MET};
    for (int n = 3; n <= 6; n += 3) {
        marginal_init(m, n, UNI_H, UNI_A);
        for (int k = 0; k < 3; k++) {
            double tau;
            size_t N;
            double ks = chain_ks(500 + 10 * n + k, n, kinds[k], n == 3 ? 0.8 : 0.6, 200000, m, &tau, &N);
            print_message("# chain %s, n = %d: tau_int = %.2f, N = %zu, KS D*sqrt(N) = %.3f\n",
                          move_name[kinds[k]], n, tau, N, ks);
            assert_true(N >= 2000);
            assert_true(ks < KS_CRIT);
        }
    }
    free(m);
}

/* Planted bias: a heat bath without the A-correction, or with exp(β ΔsAs) instead of exp(β/2 ΔsAs),
 * must be rejected by the same KS test (n = 3 and 6). */
static void test_planted_bias_is_detected(void **state)
{
    (void)state;
    marginal *m = malloc(sizeof *m);
    assert_non_null(m);
    const move_kind kinds[2] = {BIAS_HB_NO_A, BIAS_HB_NO_HALF};
    for (int n = 3; n <= 6; n += 3) {
        marginal_init(m, n, UNI_H, UNI_A);
        for (int k = 0; k < 2; k++) {
            double tau;
            size_t N;
            double ks = chain_ks(600 + 10 * n + k, n, kinds[k], 0.0, 200000, m, &tau, &N);
            print_message("# planted bias %s, n = %d: tau_int = %.2f, N = %zu, KS D*sqrt(N) = %.3f "
                          "(must exceed %.2f)\n",
                          move_name[kinds[k]], n, tau, N, ks, KS_CRIT);
            assert_true(ks > KS_CRIT);
        }
    }
    free(m);
}

/* ---- non-uniaxial n = 3: moments against quadrature over S² ------------------------------------ */

/* observables: 0: μ·s, 1: (ν·s)², 2: ℓ(s), 3: s_0 s_1 */
#define NOBS 4

typedef struct sphere_q {
    const vs__site_target *t;
    double c0;
    int obs; /* −1: the weight alone */
    const double *mu, *nu;
    double theta;
    gsl_integration_workspace *ws_in;
} sphere_q;

static double observable(int obs, const vs__site_target *t, const double *mu, const double *nu,
                         const double *s)
{
    switch (obs) {
    case 0: return tdot(3, mu, s);
    case 1: return tdot(3, nu, s) * tdot(3, nu, s);
    case 2: return t->beta * (tdot(3, t->h, s) + 0.5 * tquad(3, t->A, s));
    default: return s[0] * s[1];
    }
}

static double sphere_phi(double ph, void *p)
{
    sphere_q *q = p;
    double s[3] = {sin(q->theta) * cos(ph), sin(q->theta) * sin(ph), cos(q->theta)};
    double l = q->t->beta * (tdot(3, q->t->h, s) + 0.5 * tquad(3, q->t->A, s));
    double w = exp(l - q->c0) * sin(q->theta);
    return q->obs < 0 ? w : w * observable(q->obs, q->t, q->mu, q->nu, s);
}

static double sphere_theta(double th, void *p)
{
    sphere_q *q = p;
    q->theta = th;
    gsl_function F = {sphere_phi, q};
    double val, err;
    int st =
        gsl_integration_qag(&F, 0.0, 2.0 * M_PI, 1e-13, 1e-10, 1000, GSL_INTEG_GAUSS21, q->ws_in, &val, &err);
    assert_int_equal(st, GSL_SUCCESS);
    return val;
}

/* ⟨obs⟩ = ∫∫ obs e^ℓ sin θ dθ dφ / ∫∫ e^ℓ sin θ dθ dφ */
static double sphere_average(const vs__site_target *t, const double *mu, const double *nu, int obs)
{
    gsl_integration_workspace *wo = gsl_integration_workspace_alloc(1000);
    gsl_integration_workspace *wi = gsl_integration_workspace_alloc(1000);
    sphere_q q = {t, UNI_H + 0.5 * (fabs(UNI_A) + fabs(NONUNI_B)), obs, mu, nu, 0.0, wi};
    gsl_function F = {sphere_theta, &q};
    double num, den, err;
    assert_int_equal(gsl_integration_qag(&F, 0.0, M_PI, 1e-12, 1e-9, 1000, GSL_INTEG_GAUSS21, wo, &num, &err),
                     GSL_SUCCESS);
    q.obs = -1;
    assert_int_equal(gsl_integration_qag(&F, 0.0, M_PI, 1e-12, 1e-9, 1000, GSL_INTEG_GAUSS21, wo, &den, &err),
                     GSL_SUCCESS);
    gsl_integration_workspace_free(wi);
    gsl_integration_workspace_free(wo);
    return num / den;
}

/* A = a μμᵀ + b ννᵀ with ν at 60° to μ, h = H μ, β = 1. */
static void nonuniaxial_target(double *mu, double *nu, double *h, double *A)
{
    uint64_t st = 77;
    double e[3];
    random_unit(&st, 3, mu);
    random_unit(&st, 3, e);
    double p = tdot(3, e, mu);
    for (int i = 0; i < 3; i++)
        e[i] -= p * mu[i];
    double ne = sqrt(tdot(3, e, e));
    for (int i = 0; i < 3; i++)
        nu[i] = 0.5 * mu[i] + (sqrt(3.0) / 2.0) * e[i] / ne;
    for (int i = 0; i < 3; i++) {
        h[i] = UNI_H * mu[i];
        for (int j = 0; j < 3; j++)
            A[i * 3 + j] = UNI_A * mu[i] * mu[j] + NONUNI_B * nu[i] * nu[j];
    }
}

static void test_chains_nonuniaxial_moments_match_sphere_quadrature(void **state)
{
    (void)state;
    double mu[3], nu[3], h[3], A[9];
    nonuniaxial_target(mu, nu, h, A);
    vs__site_target t = {3, 1.0, h, A};
    double exact[NOBS];
    for (int o = 0; o < NOBS; o++)
        exact[o] = sphere_average(&t, mu, nu, o);
    const size_t L = 200000;
    double *x = malloc(NOBS * L * sizeof *x);
    assert_non_null(x);
    const move_kind kinds[3] = {MOVE_HB, MOVE_OR_HB, MOVE_MET};
    static const char *obs_name[NOBS] = {"mu.s", "(nu.s)^2", "l(s)", "s0*s1"};
    double zmax = 0.0;
    for (int k = 0; k < 3; k++) {
        gsl_rng *r = rng_new(700 + k);
        double s[3] = {mu[0], mu[1], mu[2]};
        for (size_t i = 0; i < L / 10; i++)
            chain_step(r, &t, kinds[k], 0.8, s);
        for (size_t i = 0; i < L; i++) {
            chain_step(r, &t, kinds[k], 0.8, s);
            for (int o = 0; o < NOBS; o++)
                x[o * L + i] = observable(o, &t, mu, nu, s);
        }
        gsl_rng_free(r);
        for (int o = 0; o < NOBS; o++) {
            double mean, se;
            batch_means(x + o * L, L, &mean, &se);
            double z = (mean - exact[o]) / se;
            print_message("# non-uniaxial n = 3, %s: <%s> = %.5f +- %.5f, quadrature %.5f, z = %.2f\n",
                          move_name[kinds[k]], obs_name[o], mean, se, exact[o], z);
            zmax = fmax(zmax, fabs(z));
        }
    }
    free(x);
    assert_true(zmax < Z_CRIT);
}

/* ---- deterministic properties (suite unit) -------------------------------------------------------- */

static void test_vmf_edge_kappas_stay_on_sphere(void **state)
{
    (void)state;
    const double kappas[] = {0.0, 1e-300, 1e-12, 1e8, 1e300, DBL_MAX, INFINITY, NAN, -2.0, 4.9e-324};
    const int ns[] = {1, 2, 3, 6, 64};
    uint64_t st = 21;
    gsl_rng *r = rng_new(21);
    for (size_t a = 0; a < sizeof ns / sizeof *ns; a++)
        for (size_t b = 0; b < sizeof kappas / sizeof *kappas; b++) {
            int n = ns[a];
            double mu[VS__SAMPLER_NMAX], s[VS__SAMPLER_NMAX];
            random_unit(&st, n, mu);
            for (int k = 0; k < 300; k++) {
                vs__vmf_sample(r, n, kappas[b], mu, s);
                assert_unit_finite(n, s, 1e-14);
                if (kappas[b] >= 1e300) /* concentrated at μ to round-off */
                    assert_true(tdot(n, mu, s) > 1.0 - 1e-14);
                if (n == 1)
                    assert_true(s[0] == 1.0 || s[0] == -1.0);
            }
        }
    /* μ need not be normalised; the result may overwrite it */
    double mu[3] = {0.0, 0.0, 1e-200};
    vs__vmf_sample(r, 3, 1e300, mu, mu);
    assert_unit_finite(3, mu, 1e-14);
    assert_true(mu[2] > 1.0 - 1e-14);
    gsl_rng_free(r);
}

static void test_moves_zero_field_and_edges_no_nan(void **state)
{
    (void)state;
    gsl_rng *r = rng_new(22);
    uint64_t st = 22;
    const int ns[] = {1, 2, 3, 6, 64};
    for (size_t a = 0; a < sizeof ns / sizeof *ns; a++) {
        int n = ns[a];
        double h[VS__SAMPLER_NMAX] = {0}, A[VS__SAMPLER_NMAX * VS__SAMPLER_NMAX] = {0};
        double s[VS__SAMPLER_NMAX], s0[VS__SAMPLER_NMAX], out[VS__SAMPLER_NMAX];
        random_unit(&st, n, s);
        for (int i = 0; i < n; i++)
            A[i * n + i] = 1.0 + i;
        vs__site_target t = {n, 2.0, h, A};
        /* h = 0: over-relaxation does not move */
        memcpy(s0, s, (size_t)n * sizeof *s);
        assert_int_equal(vs__move_overrelax(r, &t, s, out), 0);
        assert_memory_equal(out, s0, (size_t)n * sizeof *s);
        for (int k = 0; k < 200; k++) {
            vs__move_heatbath(r, &t, s, s);
            assert_unit_finite(n, s, 1e-14);
            vs__move_metropolis(r, &t, 0.7, s, s);
            assert_unit_finite(n, s, 1e-14);
        }
        /* δ = 0 and δ < 0: no move; huge δ: still on the sphere */
        memcpy(s0, s, (size_t)n * sizeof *s);
        assert_int_equal(vs__move_metropolis(r, &t, 0.0, s, out), 0);
        assert_memory_equal(out, s0, (size_t)n * sizeof *s);
        assert_int_equal(vs__move_metropolis(r, &t, -1.0, s, out), 0);
        assert_int_equal(vs__move_metropolis(r, &t, NAN, s, out), 0);
        for (int k = 0; k < 50; k++) {
            vs__move_metropolis(r, &t, 1e300, s, s);
            assert_unit_finite(n, s, 1e-14);
        }
        /* β|h| overflowing to +inf, and tiny fields: no NaN, heat bath lands on ĥ */
        random_unit(&st, n, h);
        for (int i = 0; i < n; i++)
            h[i] *= 1e300;
        vs__site_target big = {n, 1e300, h, NULL};
        vs__move_heatbath(r, &big, s, out);
        assert_unit_finite(n, out, 1e-14);
        assert_true(tdot(n, out, h) / 1e300 > 1.0 - 1e-14);
        vs__move_metropolis(r, &big, 0.5, s, out);
        assert_unit_finite(n, out, 1e-14);
        vs__move_overrelax(r, &big, s, out);
        assert_unit_finite(n, out, 1e-14);
        for (int i = 0; i < n; i++)
            h[i] = h[i] * 1e-300 * 1e-300; /* |h| ≈ 1e-300 */
        vs__site_target tiny = {n, 1.0, h, A};
        for (int k = 0; k < 50; k++) {
            vs__move_heatbath(r, &tiny, s, s);
            assert_unit_finite(n, s, 1e-14);
            vs__move_overrelax(r, &tiny, s, s);
            assert_unit_finite(n, s, 1e-14);
        }
    }
    gsl_rng_free(r);
}

/* Over-relaxation with A = 0: always accepted, keeps h·s, and is its own inverse. */
static void test_overrelax_is_field_preserving_involution(void **state)
{
    (void)state;
    gsl_rng *r = rng_new(23);
    uint64_t st = 23;
    for (int n = 2; n <= 64; n *= 2) {
        double h[VS__SAMPLER_NMAX], s[VS__SAMPLER_NMAX], s1[VS__SAMPLER_NMAX], s2[VS__SAMPLER_NMAX];
        for (int k = 0; k < 20; k++) {
            random_unit(&st, n, h);
            for (int i = 0; i < n; i++)
                h[i] *= 3.7;
            random_unit(&st, n, s);
            vs__site_target t = {n, 1.3, h, NULL};
            assert_int_equal(vs__move_overrelax(r, &t, s, s1), 1);
            assert_int_equal(vs__move_overrelax(r, &t, s1, s2), 1);
            assert_unit_finite(n, s1, 1e-14);
            assert_close(tdot(n, h, s1), tdot(n, h, s), 0.0, 1e-13);
            for (int i = 0; i < n; i++)
                assert_close(s2[i], s[i], 0.0, 1e-14);
        }
    }
    gsl_rng_free(r);
}

/* Heat bath with A = 0 is an exact heat bath: every proposal accepted. A uniaxial A along ĥ leaves
 * t = ĥ·s to over-relaxation, so its correction is exactly 1 (always accepted). */
static void test_acceptance_identities(void **state)
{
    (void)state;
    gsl_rng *r = rng_new(24);
    uint64_t st = 24;
    double mu[6], h[6], A[36], s[6];
    random_unit(&st, 6, mu);
    uniaxial_target(6, mu, UNI_A, h, A);
    random_unit(&st, 6, s);
    vs__site_target t0 = {6, 1.0, h, NULL}, t = {6, 1.0, h, A};
    for (int k = 0; k < 100; k++) {
        assert_int_equal(vs__move_heatbath(r, &t0, s, s), 1);
        assert_int_equal(vs__move_overrelax(r, &t, s, s), 1);
    }
    /* log-weight */
    assert_close(vs__site_log_weight(&t, mu), UNI_H + 0.5 * UNI_A, 1e-14, 0.0);
    gsl_rng_free(r);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest unit[] = {
        cmocka_unit_test(test_vmf_edge_kappas_stay_on_sphere),
        cmocka_unit_test(test_moves_zero_field_and_edges_no_nan),
        cmocka_unit_test(test_overrelax_is_field_preserving_involution),
        cmocka_unit_test(test_acceptance_identities),
    };
    const struct CMUnitTest physics[] = {
        cmocka_unit_test(test_vmf_marginal_matches_quadrature_ks),
        cmocka_unit_test(test_vmf_orthogonal_part_is_uniform),
        cmocka_unit_test(test_vmf_extreme_kappa_moments),
        cmocka_unit_test(test_vmf_n1_probabilities),
        cmocka_unit_test(test_n1_chains_sample_the_two_state_law),
        cmocka_unit_test(test_chains_uniaxial_marginal_ks),
        cmocka_unit_test(test_planted_bias_is_detected),
        cmocka_unit_test(test_chains_nonuniaxial_moments_match_sphere_quadrature),
    };
    if (argc > 1 && strcmp(argv[1], "unit") == 0)
        return cmocka_run_group_tests_name("unit", unit, NULL, NULL);
    if (argc > 1 && strcmp(argv[1], "physics") == 0)
        return cmocka_run_group_tests_name("physics", physics, NULL, NULL);
    fprintf(stderr, "usage: %s unit|physics\n", argv[0]);
    return 2;
}
