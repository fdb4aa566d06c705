/*
 * Single-site moves on S^{n−1} for the target π(s) ∝ exp ℓ(s), ℓ(s) = β (hᵀs + ½ sᵀAs)
 * (sampler_internal.h has the mapping from the lattice Hamiltonian). Why each move keeps π
 * (to be carried into docs/sampler.md):
 *
 * Metropolis–Hastings on the sphere. All densities are w.r.t. the surface measure dσ of S^{n−1}.
 * A kernel that proposes s' ~ q(s → s') and accepts with α(s, s') = min(1, π(s')q(s'→s) /
 * (π(s)q(s→s'))) satisfies detailed balance π(s)q(s→s')α(s,s') = min(π(s)q(s→s'), π(s')q(s'→s)),
 * which is symmetric in (s, s'); a rejected proposal leaves s where it is. Hence π is stationary.
 *
 * 1. Heat bath (independence sampler). q(s → s') = vMF(s'; κ = β|h|, ĥ) = exp(β hᵀs')/Z_κ does
 *    not depend on s. Then
 *        π(s')q(s) / (π(s)q(s')) = exp(βhᵀs' + ½βs'ᵀAs') exp(βhᵀs) / (exp(βhᵀs + ½βsᵀAs) exp(βhᵀs'))
 *                                 = exp(β/2 (s'ᵀAs' − sᵀAs)):
 *    the linear part is sampled exactly and cancels, only the on-site quadratic part is corrected
 *    (A = 0: every proposal is accepted, an exact heat bath). The factor is ½, from ℓ; omitting A or
 *    the ½ samples the wrong target (tests/sampler plants both and shows the tests fail).
 *
 * 2. Random-walk Metropolis. s' = y/|y|, y = s + δg, g ~ N(0, I). The density of s' is
 *    q(s → s') = ∫_0^∞ r^{n−1} φ_δ(r s' − s) dr with |r s' − s|² = r² − 2r s·s' + 1, a function of
 *    s·s' alone, so q(s → s') = q(s' → s) and α = min(1, exp(ℓ(s') − ℓ(s))). (n = 1: s' = sign(s + δg),
 *    the flip probability P(g < −1/δ) is the same from +1 and −1.)
 *
 * 3. Over-relaxation. R(s) = 2(s·ĥ)ĥ − s is a reflection: linear, orthogonal (it preserves dσ,
 *    |det| = 1) and an involution (R∘R = id). A deterministic involutive proposal that preserves the
 *    measure is its own reverse move, so accepting with min(1, π(Rs)/π(s)) gives detailed balance
 *    (the flow s ↔ Rs is balanced pairwise). Because ĥᵀRs = ĥᵀs, the linear part cancels and
 *    π(Rs)/π(s) = exp(β/2 ((Rs)ᵀA(Rs) − sᵀAs)): microcanonical (always accepted) when A = 0. It is
 *    not ergodic alone (it keeps ĥ·s); the sampler interleaves it with heat-bath or Metropolis moves.
 *
 * Numerics: all exponentials are compared in log form (log u < Δℓ with u ∈ (0, 1)), so nothing
 * overflows, and a NaN Δℓ (impossible for finite inputs) rejects. The vMF sampler is written in
 * terms of 1 − w and 1 − x0 (see vs__vmf_sample) so that κ from 0 to DBL_MAX loses no accuracy.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sampler_internal.h"

/* |v| without overflow or underflow (scaled by max|v_i|). */
static double norm_scaled(int n, const double *v)
{
    double m = 0.0;
    for (int i = 0; i < n; i++)
        m = fmax(m, fabs(v[i]));
    if (m == 0.0 || !isfinite(m))
        return m;
    double ss = 0.0;
    for (int i = 0; i < n; i++) {
        double x = v[i] / m;
        ss += x * x;
    }
    return m * sqrt(ss);
}

/* v ← v/|v| when |v| > 0; returns |v|. */
static double normalize(int n, double *v)
{
    double nv = norm_scaled(n, v);
    if (nv > 0.0 && isfinite(nv))
        for (int i = 0; i < n; i++)
            v[i] /= nv;
    return nv;
}

static double dot(int n, const double *a, const double *b)
{
    double d = 0.0;
    for (int i = 0; i < n; i++)
        d += a[i] * b[i];
    return d;
}

/* sᵀAs (0 when A is NULL). */
static double quadratic(int n, const double *A, const double *s)
{
    if (A == NULL)
        return 0.0;
    double q = 0.0;
    for (int i = 0; i < n; i++)
        q += s[i] * dot(n, A + (size_t)i * (size_t)n, s);
    return q;
}

/* Metropolis decision for a log acceptance ratio dl: accept if dl ≥ 0, else with probability e^dl.
 * NaN rejects. A uniform is drawn only when dl < 0. */
static int accept_log(gsl_rng *r, double dl)
{
    if (dl >= 0.0)
        return 1;
    if (!(dl > -INFINITY))
        return 0; /* −inf or NaN */
    return log(gsl_rng_uniform_pos(r)) < dl;
}

double vs__site_log_weight(const vs__site_target *t, const double *s)
{
    return t->beta * (dot(t->n, t->h, s) + 0.5 * quadratic(t->n, t->A, s));
}

/* Uniform direction on S^{n−1} (n = 1: ±1 with probability ½ each). */
static void uniform_direction(gsl_rng *r, int n, double *s)
{
    gsl_ran_dir_nd(r, (size_t)n, s);
    normalize(n, s);
}

/* Wood (1994), step 0–3, for w = μ·s on S^{m−1} with c = (m−1)/2:
 *     b = c/(κ + √(κ² + c²)),  x0 = (1 − b)/(1 + b),  z ~ Beta(c, c),
 *     w = (1 − (1+b)z)/(1 − (1−b)z),  accept if κw + (m−1) log(1 − x0 w) − κx0 − (m−1) log(1 − x0²) ≥ log u.
 * Rewritten without cancellation: with ε = 1 − x0 = 2b/(1+b) and ω = 1 − w = 2bz/((1−z) + bz),
 *     κ(w − x0) = κ(ε − ω),  1 − x0 w = ε + x0 ω,  1 − x0² = ε(1 + x0),
 * and b = (c/κ)/(1 + √(1 + (c/κ)²)) for κ > c so that nothing overflows up to κ = DBL_MAX.
 * Returns ω = 1 − w ∈ [0, 2]. */
static double wood_one_minus_w(gsl_rng *r, int m, double kappa)
{
    double c = 0.5 * (m - 1);
    double b;
    if (kappa > c) {
        double q = c / kappa;
        b = q / (1.0 + hypot(1.0, q));
    } else {
        b = c / (kappa + hypot(kappa, c));
    }
    double eps = 2.0 * b / (1.0 + b);
    double x0 = (1.0 - b) / (1.0 + b);
    for (;;) {
        double z = gsl_ran_beta(r, c, c);
        double omw = 2.0 * b * z / ((1.0 - z) + b * z);
        if (!(omw <= 2.0))
            omw = 2.0; /* z = 1 with b → 0 (0/0 cannot occur: b > 0 for finite κ) */
        double lhs = kappa * (eps - omw) + (m - 1) * log((eps + x0 * omw) / (eps * (1.0 + x0)));
        if (lhs >= log(gsl_rng_uniform_pos(r)))
            return omw;
    }
}

void vs__vmf_sample(gsl_rng *r, int n, double kappa, const double *mu, double *s)
{
    double muh[VS__SAMPLER_NMAX];
    memcpy(muh, mu, (size_t)n * sizeof *muh);
    if (isnan(kappa))
        kappa = 0.0;
    if (kappa < 0.0) {
        kappa = -kappa;
        for (int i = 0; i < n; i++)
            muh[i] = -muh[i];
    }
    if (!(normalize(n, muh) > 0.0)) { /* μ = 0: no preferred direction */
        uniform_direction(r, n, s);
        return;
    }
    if (n == 1) {
        /* P(s = μ̂) = e^κ/(e^κ + e^{−κ}) = 1/(1 + e^{−2κ}); exp underflows harmlessly to 0 */
        double p = 1.0 / (1.0 + exp(-2.0 * kappa));
        s[0] = gsl_rng_uniform(r) < p ? muh[0] : -muh[0];
        return;
    }
    if (kappa == INFINITY) {
        memcpy(s, muh, (size_t)n * sizeof *s);
        return;
    }
    double omw = wood_one_minus_w(r, n, kappa);
    double w = 1.0 - omw;
    double sin_t = sqrt(omw * (2.0 - omw)); /* √(1 − w²) without cancellation near w = ±1 */
    /* uniform direction in μ^⊥: project a uniform direction and renormalise (the projection of an
     * isotropic vector is isotropic in the subspace); the retry has probability ~0 */
    double v[VS__SAMPLER_NMAX];
    double nv;
    do {
        gsl_ran_dir_nd(r, (size_t)n, v);
        double p = dot(n, v, muh);
        for (int i = 0; i < n; i++)
            v[i] -= p * muh[i];
        nv = norm_scaled(n, v);
    } while (!(nv > 1e-6));
    for (int i = 0; i < n; i++)
        s[i] = w * muh[i] + sin_t * (v[i] / nv);
    normalize(n, s);
}

int vs__move_heatbath(gsl_rng *r, const vs__site_target *t, const double *s, double *s_new)
{
    int n = t->n;
    double prop[VS__SAMPLER_NMAX];
    double hn = norm_scaled(n, t->h);
    if (hn > 0.0) {
        /* κ = β|h| may overflow to +inf: vs__vmf_sample returns ĥ then (the limit) */
        vs__vmf_sample(r, n, t->beta * hn, t->h, prop);
    } else {
        uniform_direction(r, n, prop);
    }
    int acc = 1;
    if (t->A != NULL)
        acc = accept_log(r, 0.5 * t->beta * (quadratic(n, t->A, prop) - quadratic(n, t->A, s)));
    memmove(s_new, acc ? prop : s, (size_t)n * sizeof *s_new);
    return acc;
}

int vs__move_metropolis(gsl_rng *r, const vs__site_target *t, double delta, const double *s, double *s_new)
{
    int n = t->n;
    double prop[VS__SAMPLER_NMAX];
    int acc = 0;
    if (delta > 0.0) {
        /* y/|y| with y = s + δg equals the direction of s/δ + g: no overflow for huge δ */
        double a = delta > 1.0 ? 1.0 / delta : 1.0;
        double d = delta > 1.0 ? 1.0 : delta;
        for (int i = 0; i < n; i++)
            prop[i] = a * s[i] + d * gsl_ran_gaussian_ziggurat(r, 1.0);
        double ny = normalize(n, prop);
        if (ny > 0.0 && isfinite(ny)) {
            /* ℓ(s') − ℓ(s) = β (hᵀ(s' − s) + ½ (s'ᵀAs' − sᵀAs)), combined before multiplying by β */
            double dl = dot(n, t->h, prop) - dot(n, t->h, s);
            dl += 0.5 * (quadratic(n, t->A, prop) - quadratic(n, t->A, s));
            acc = accept_log(r, t->beta * dl);
        }
    }
    memmove(s_new, acc ? prop : s, (size_t)n * sizeof *s_new);
    return acc;
}

int vs__move_overrelax(gsl_rng *r, const vs__site_target *t, const double *s, double *s_new)
{
    int n = t->n;
    double hh[VS__SAMPLER_NMAX], prop[VS__SAMPLER_NMAX];
    memcpy(hh, t->h, (size_t)n * sizeof *hh);
    int acc = 0;
    if (normalize(n, hh) > 0.0) {
        double p = 2.0 * dot(n, s, hh);
        for (int i = 0; i < n; i++)
            prop[i] = p * hh[i] - s[i];
        normalize(n, prop); /* |Rs| = 1 exactly in exact arithmetic; keep round-off from drifting */
        acc = 1;
        if (t->A != NULL)
            acc = accept_log(r, 0.5 * t->beta * (quadratic(n, t->A, prop) - quadratic(n, t->A, s)));
    }
    memmove(s_new, acc ? prop : s, (size_t)n * sizeof *s_new);
    return acc;
}
