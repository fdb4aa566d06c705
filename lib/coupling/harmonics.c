/* Harmonic decomposition W(k̂) = Σ_{l even} A_l(k̂) of a coupling kernel (docs/coupling.md, "Harmonics";
 * consumed by the Ewald lattice, docs/lattice.md). Every entry W_ab is expanded in real orthonormal spherical harmonics,
 * W_ab(k̂) = Σ_lm c_lm^{ab} Y_lm(k̂); A_l collects the degree-l terms. W is even in k̂ (J̃(−k̂) = J̃(k̂)),
 * so odd l vanish. The coefficients are computed once at creation; evaluation costs one Y_lm sweep. */
#include <string.h>

#include "common/internal.h"
#include "coupling_internal.h"

/* Stack scratch for vs__real_ylm in vs__coupling_harmonics_eval (lmax ≤ VS__COUPLING_LMAX_CAP). */
#define YLM_SCRATCH 4096
#define YLM_COUNT ((VS__COUPLING_LMAX_CAP + 1) * (VS__COUPLING_LMAX_CAP + 1))

/* Grid orders n_θ tried for an anisotropic kernel (Gauss–Legendre rules of vs__gauss_legendre, full
 * precision at every order), and the n_θ used for the polynomial kernels. A degree L is accepted only
 * with DEGREE_MARGIN computed degrees above it. */
static const int aniso_orders[] = {16, 20, 32, 64, 96};
#define EXACT_ORDER 8
#define DEGREE_MARGIN 8

/* Position of (l, m), l ≥ 2 even, among the stored coefficients: Σ_{l' = 2, 4, …, l−2} (2l'+1) + m + l. */
static int coef_index(int l, int m)
{
    int j = l / 2;
    return (j - 1) * (2 * j + 1) + m + l;
}

/* Entry (a, b), a ≤ b, of the pair index p. */
static void pair_entry(int nc, int p, int *a, int *b)
{
    int i = 0;
    while (p >= nc - i) {
        p -= nc - i;
        i++;
    }
    *a = i;
    *b = i + p;
}

/* Weight of pair p in a Frobenius norm: off-diagonal entries appear twice in the full matrix. */
static double pair_weight(int nc, int p)
{
    int a, b;
    pair_entry(nc, p, &a, &b);
    return a == b ? 1.0 : 2.0;
}

/* Coefficients c_lm^{ab} = ∫ W_ab Y_lm dΩ for all even l ≤ L (index (l² + l + m)·npair + p) by the
 * n_θ (Gauss–Legendre in cos θ) × 2n_θ (trapezoid in φ) product rule, exact when W has degree
 * ≤ 2n_θ − 1 − L. The φ sums are done first (one cos/sin transform per θ ring), then the Legendre sums. */
static int project(const vs_coupling *c, int nt, int L, double *cf)
{
    const int nc = c->nc, npair = c->npair, np = 2 * nt;
    int st = VS_OK;
    size_t nscr = vs__ylm_scratch_size(L), nf = (size_t)(L + 1) * (size_t)npair;
    size_t ntrig = (size_t)(L + 1) * (size_t)np;
    double *x = vs__calloc((size_t)(2 * nt) + nscr + 2 * nf + 2 * ntrig + (size_t)np * npair, sizeof *x, &st);
    if (x == NULL)
        return st;
    double *w = x + nt, *P = w + nt, *Fc = P + nscr, *Fs = Fc + nf, *cosm = Fs + nf, *sinm = cosm + ntrig;
    double *ring = sinm + ntrig;
    VS_GOTO_IF_ERROR(st, vs__gauss_legendre(nt, x, w), out);
    for (int m = 0; m <= L; m++)
        for (int j = 0; j < np; j++) {
            cosm[m * np + j] = cos(2.0 * M_PI * m * j / np);
            sinm[m * np + j] = sin(2.0 * M_PI * m * j / np);
        }
    memset(cf, 0, (size_t)((L + 1) * (L + 1)) * (size_t)npair * sizeof *cf);
    for (int i = 0; i < nt; i++) {
        double s = sqrt(fmax(0.0, 1.0 - x[i] * x[i]));
        for (int j = 0; j < np; j++) {
            double phi = 2.0 * M_PI * j / np, W[36], k[3] = {s * cos(phi), s * sin(phi), x[i]};
            VS_GOTO_IF_ERROR(st, vs__coupling_eval(c, k, W), out);
            for (int p = 0, a = 0; a < nc; a++)
                for (int b = a; b < nc; b++)
                    ring[j * npair + p++] = W[a * nc + b];
        }
        /* F_m = (2π/n_φ) Σ_j W(θ_i, φ_j) (cos mφ_j, sin mφ_j) */
        for (int m = 0; m <= L; m++)
            for (int p = 0; p < npair; p++) {
                double sc = 0.0, ss = 0.0;
                for (int j = 0; j < np; j++) {
                    sc += ring[j * npair + p] * cosm[m * np + j];
                    ss += ring[j * npair + p] * sinm[m * np + j];
                }
                Fc[m * npair + p] = sc * 2.0 * M_PI / np;
                Fs[m * npair + p] = ss * 2.0 * M_PI / np;
            }
        vs__legendre_spharm(L, x[i], P);
        for (int l = 0; l <= L; l += 2)
            for (int m = 0; m <= l; m++) {
                double f = w[i] * vs__spharm_real_factor(m) * vs__legendre_at(P, l, m);
                double *rc = cf + (size_t)(l * l + l + m) * npair, *rs = cf + (size_t)(l * l + l - m) * npair;
                for (int p = 0; p < npair; p++)
                    rc[p] += f * Fc[m * npair + p];
                if (m > 0)
                    for (int p = 0; p < npair; p++)
                        rs[p] += f * Fs[m * npair + p];
            }
    }
out:
    vs__free(x);
    return st;
}

/* Frobenius norm ‖c_l‖_F over m and the full nc×nc matrix. */
static double degree_norm(const vs_coupling *c, const double *cf, int l)
{
    double s = 0.0;
    for (int idx = l * l; idx <= l * l + 2 * l; idx++)
        for (int p = 0; p < c->npair; p++)
            s += pair_weight(c->nc, p) * cf[(size_t)idx * c->npair + p] * cf[(size_t)idx * c->npair + p];
    return sqrt(s);
}

/* Pointwise bound on ‖Σ_{L < l ≤ Lq} A_l(k̂)‖_F: |Σ_m c_lm Y_lm| ≤ ‖c_l‖ (Σ_m Y_lm²)^{1/2} and
 * Σ_m Y_lm² = (2l+1)/4π (addition theorem). */
static double tail_bound(const double *norms, int L, int Lq)
{
    double s = 0.0;
    for (int l = L + 2; l <= Lq; l += 2)
        s += sqrt((2.0 * l + 1.0) / (4.0 * M_PI)) * norms[l];
    return s;
}

/* Keep the even degrees 2…L of the full coefficient array cf (computed to degree ≥ L). */
static int store(vs_coupling *c, const double *cf, int L, double err)
{
    int st = VS_OK;
    c->lmax = L;
    c->harm_err = err;
    c->ncoef = L >= 2 ? coef_index(L, L) + 1 : 0;
    vs__free(c->coef);
    c->coef = NULL;
    if (c->ncoef == 0)
        return VS_OK;
    c->coef = vs__calloc((size_t)c->ncoef * (size_t)c->npair, sizeof *c->coef, &st);
    if (c->coef == NULL)
        return st;
    for (int l = 2; l <= L; l += 2)
        for (int m = -l; m <= l; m++)
            memcpy(c->coef + (size_t)coef_index(l, m) * c->npair, cf + (size_t)(l * l + l + m) * c->npair,
                   (size_t)c->npair * sizeof *cf);
    return VS_OK;
}

/* One grid order n_θ of build_truncated: project to the last computed degree Lq and, if some even
 * L ≤ Lq − DEGREE_MARGIN has a tail bound ≤ tol/2, store the smallest such L and set *found. *best tracks
 * the smallest bound seen (for the error message). */
static int try_order(vs_coupling *c, int nt, double *best, int *found)
{
    const int Lq =
        nt - 2 < VS__COUPLING_LMAX_CAP + DEGREE_MARGIN ? nt - 2 : VS__COUPLING_LMAX_CAP + DEGREE_MARGIN;
    const int Lmax = Lq - DEGREE_MARGIN < VS__COUPLING_LMAX_CAP ? Lq - DEGREE_MARGIN : VS__COUPLING_LMAX_CAP;
    int st = VS_OK;
    double *cf = vs__calloc((size_t)((Lq + 1) * (Lq + 1)), (size_t)c->npair * sizeof *cf, &st);
    double *norms = vs__calloc((size_t)Lq + 1, sizeof *norms, &st);
    if (cf == NULL || norms == NULL)
        goto out; /* st = VS_ENOMEM */
    VS_GOTO_IF_ERROR(st, project(c, nt, Lq, cf), out);
    for (int l = 0; l <= Lq; l += 2)
        norms[l] = degree_norm(c, cf, l);
    for (int L = 2; L <= Lmax; L += 2) {
        /* Pointwise budget: tail ≤ tol/2, plus the Frobenius error ≤ nc·avg_err ≤ tol/2 of A_0 = ⟨W⟩. */
        double err = tail_bound(norms, L, Lq);
        *best = fmin(*best, err);
        if (err <= 0.5 * c->tol) {
            *found = 1;
            st = store(c, cf, L, err + c->nc * c->avg_err);
            break;
        }
    }
out:
    vs__free(cf);
    vs__free(norms);
    return st;
}

/* Anisotropic kernel: refine the grid until a degree L ≤ Lq − DEGREE_MARGIN has a tail bound ≤ tol/2 over
 * the computed degrees L < l ≤ Lq. The coefficients of degree ≤ L alias only from degrees ≥ 2n_θ − L,
 * far beyond Lq where the geometric decay of an analytic kernel has made them negligible. */
static int build_truncated(vs_coupling *c, const char *func)
{
    const int norders = (int)(sizeof aniso_orders / sizeof aniso_orders[0]);
    double best = INFINITY;
    int found = 0;
    for (int o = 0; o < norders && !found; o++)
        VS_FORWARD_IF_ERROR(try_order(c, aniso_orders[o], &best, &found));
    VS_RETURN_ERROR_IF(!found, VS_ENOCONV,
                       "%s: harmonic truncation error %g > tol/2 = %g at the cap lmax = %d", func, best,
                       0.5 * c->tol, VS__COUPLING_LMAX_CAP);
    return VS_OK;
}

/* Polynomial kernels (isotropic J̃ of degree 4, dipolar k̂k̂ᵀ of degree 2): the rule is exact. */
static int build_exact(vs_coupling *c, int degree)
{
    int st = VS_OK;
    double *cf = vs__calloc((size_t)((degree + 1) * (degree + 1)), (size_t)c->npair * sizeof *cf, &st);
    if (cf == NULL)
        return st;
    VS_GOTO_IF_ERROR(st, project(c, EXACT_ORDER, degree, cf), out);
    st = store(c, cf, degree, 0.0);
out:
    vs__free(cf);
    return st;
}

int vs__coupling_build_harmonics(vs_coupling *c, const char *func)
{
    c->npair = c->nc * (c->nc + 1) / 2;
    VS_RETURN_ERROR_IF(vs__ylm_scratch_size(VS__COUPLING_LMAX_CAP) > YLM_SCRATCH, VS_ENUMERIC,
                       "%s: spherical-harmonic scratch too small", func);
    if (c->kind == VS__KERNEL_DIPOLAR)
        return build_exact(c, 2);
    if (c->isotropic)
        return build_exact(c, 4); /* J̃ = Y Γ⁻¹ Yᵀ, Y linear and Γ⁻¹ (Eq. B3) quadratic in k̂ */
    return build_truncated(c, func);
}

void vs__coupling_harmonics_eval(const vs_coupling *c, const double *k, double *A)
{
    const int nc = c->nc, nn = nc * nc, npair = c->npair;
    double rho = hypot(k[0], k[1]);
    double cphi = rho > 0.0 ? k[0] / rho : 1.0, sphi = rho > 0.0 ? k[1] / rho : 0.0;
    double scratch[YLM_SCRATCH], Y[YLM_COUNT];
    vs__real_ylm(c->lmax, k[2], cphi, sphi, scratch, Y);

    memcpy(A, c->avg, (size_t)nn * sizeof *A); /* A_0 = ⟨W⟩ */
    for (int l = 2; l <= c->lmax; l += 2) {
        double acc[21] = {0};
        for (int m = -l; m <= l; m++) {
            const double *row = c->coef + (size_t)coef_index(l, m) * npair;
            double y = Y[l * l + l + m];
            for (int p = 0; p < npair; p++)
                acc[p] += row[p] * y;
        }
        double *Al = A + (size_t)(l / 2) * nn;
        for (int p = 0, a = 0; a < nc; a++)
            for (int b = a; b < nc; b++, p++)
                Al[a * nc + b] = Al[b * nc + a] = acc[p];
    }
}
