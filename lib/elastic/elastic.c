/* The elastic-tensor handle Λ (paper Eqs. 9–13, App. A; SPEC §4.1). */
#include <stdlib.h>
#include <string.h>

#include <libvoigtspin/elastic.h>
#include "internal.h"
#include "elastic_internal.h"

/* Voigt index of the tensor index pair (i, j): 11→0 22→1 33→2 23→3 31→4 12→5. */
static const int voigt_index[3][3] = {{0, 5, 4}, {5, 1, 3}, {4, 3, 2}};

/* Mandel scaling of Voigt component a: t_a = f_a e_a / (a ≥ 3 ? 2 : 1) … see voigt_to_mandel(). */
static double mandel_factor(int a)
{
    return a < 3 ? 1.0 : M_SQRT2;
}

/* Isotropic Voigt stiffness from Lamé constants (Eq. 11). */
static void isotropic_voigt(double lambda, double mu, double *C)
{
    memset(C, 0, 36 * sizeof *C);
    for (int a = 0; a < 3; a++) {
        for (int b = 0; b < 3; b++)
            C[a * 6 + b] = lambda;
        C[a * 6 + a] = lambda + 2.0 * mu;
        C[(a + 3) * 6 + (a + 3)] = mu;
    }
}

/* Voigt-average bulk and shear moduli of a Voigt stiffness C. */
static void voigt_average(const double *C, double *K, double *G)
{
    double diag = C[0] + C[7] + C[14];
    double off = C[1] + C[8] + C[2];
    double shear = C[21] + C[28] + C[35];
    *K = (diag + 2.0 * off) / 9.0;
    *G = (diag - off + 3.0 * shear) / 15.0;
}

/* Reuss-average bulk and shear moduli from the compliance S = C⁻¹ (engineering convention). */
static void reuss_average(const double *S, double *K, double *G)
{
    double diag = S[0] + S[7] + S[14];
    double off = S[1] + S[8] + S[2];
    double shear = S[21] + S[28] + S[35];
    *K = 1.0 / (diag + 2.0 * off);
    *G = 15.0 / (4.0 * diag - 4.0 * off + 3.0 * shear);
}

static double inv(double x) { return 1.0 / x; }

/* True when C equals its own isotropic (Voigt) projection to 1e-12 relative. */
static int is_isotropic(const double *C, double *lambda, double *mu)
{
    double K, G, Ciso[36], cmax = 0.0, dmax = 0.0;
    voigt_average(C, &K, &G);
    isotropic_voigt(K - 2.0 * G / 3.0, G, Ciso);
    for (int i = 0; i < 36; i++) {
        cmax = fmax(cmax, fabs(C[i]));
        dmax = fmax(dmax, fabs(C[i] - Ciso[i]));
    }
    *lambda = K - 2.0 * G / 3.0;
    *mu = G;
    return dmax <= 1e-12 * cmax;
}

/* Build a handle from a validated-finite Voigt matrix: checks symmetry and positive definiteness. */
static int elastic_from_voigt(const double *C, vs_symmetry sym, const char *func, vs_elastic **out)
{
    double cmax = 0.0;
    for (int i = 0; i < 36; i++)
        cmax = fmax(cmax, fabs(C[i]));
    for (int a = 0; a < 6; a++)
        for (int b = a + 1; b < 6; b++)
            if (fabs(C[a * 6 + b] - C[b * 6 + a]) > 1e-12 * cmax)
                return vs__error(VS_ENONPHYS, "%s: stiffness matrix is not symmetric (C[%d][%d] = %g, C[%d][%d] = %g)",
                                 func, a, b, C[a * 6 + b], b, a, C[b * 6 + a]);
    if (!(cmax > 0.0))
        return vs__error(VS_ENONPHYS, "%s: stiffness matrix is zero", func);

    int st = VS_OK;
    vs_elastic *el = vs__calloc(1, sizeof *el, &st);
    if (el == NULL)
        return st;
    /* Symmetrise exactly (the tolerance above allows round-off differences). */
    for (int a = 0; a < 6; a++)
        for (int b = 0; b < 6; b++)
            el->C[a * 6 + b] = 0.5 * (C[a * 6 + b] + C[b * 6 + a]);
    for (int a = 0; a < 6; a++)
        for (int b = 0; b < 6; b++)
            el->M[a * 6 + b] = mandel_factor(a) * el->C[a * 6 + b] * mandel_factor(b);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 3; k++)
                for (int l = 0; l < 3; l++)
                    el->L[((i * 3 + j) * 3 + k) * 3 + l] = el->C[voigt_index[i][j] * 6 + voigt_index[k][l]];

    st = vs__sym_eigen(6, el->M, el->w, el->V);
    if (st != VS_OK) {
        vs__free(el);
        return st;
    }
    if (!(el->w[0] > 0.0)) {
        double w0 = el->w[0];
        vs__free(el);
        return vs__error(VS_ENONPHYS, "%s: elastic tensor is not positive definite (smallest Mandel eigenvalue %g)",
                         func, w0);
    }
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) {
            double s = 0.0, si = 0.0;
            for (int p = 0; p < 6; p++) {
                s += el->V[i * 6 + p] * sqrt(el->w[p]) * el->V[j * 6 + p];
                si += el->V[i * 6 + p] / sqrt(el->w[p]) * el->V[j * 6 + p];
            }
            el->Msqrt[i * 6 + j] = s;
            el->Minvsqrt[i * 6 + j] = si;
        }
    el->isotropic = is_isotropic(el->C, &el->lambda, &el->mu);
    el->sym = el->isotropic ? VS_ELASTIC_ISOTROPIC : sym;
    *out = el;
    return VS_OK;
}

/* Common path of every isotropic constructor: (λ, μ) validated here. */
static int create_isotropic(double lambda, double mu, const char *func, vs_elastic **out)
{
    if (!isfinite(lambda) || !isfinite(mu))
        return vs__error(VS_EINVAL, "%s: moduli must be finite (lambda = %g, mu = %g)", func, lambda, mu);
    if (!(mu > 0.0))
        return vs__error(VS_ENONPHYS, "%s: shear modulus mu = %g must be > 0", func, mu);
    double K = lambda + 2.0 * mu / 3.0;
    if (!(K > 0.0))
        return vs__error(VS_ENONPHYS, "%s: bulk modulus K = lambda + 2mu/3 = %g must be > 0", func, K);
    double C[36];
    isotropic_voigt(lambda, mu, C);
    int st = elastic_from_voigt(C, VS_ELASTIC_ISOTROPIC, func, out);
    if (st == VS_OK) {
        /* Keep the exact constants the user gave rather than their round-tripped projection. */
        (*out)->lambda = lambda;
        (*out)->mu = mu;
    }
    return st;
}

#define CHECK_OUT(out)                                                                   \
    do {                                                                                 \
        if ((out) == NULL)                                                               \
            return vs__error(VS_EINVAL, "%s: output pointer is NULL", __func__);         \
        *(out) = NULL;                                                                   \
    } while (0)

VS_API int vs_elastic_create_lame(double lambda, double mu, vs_elastic **out)
{
    CHECK_OUT(out);
    return create_isotropic(lambda, mu, __func__, out);
}

VS_API int vs_elastic_create_bulk_shear(double K, double mu, vs_elastic **out)
{
    CHECK_OUT(out);
    if (!isfinite(K) || !isfinite(mu))
        return vs__error(VS_EINVAL, "%s: moduli must be finite (K = %g, mu = %g)", __func__, K, mu);
    if (!(K > 0.0))
        return vs__error(VS_ENONPHYS, "%s: bulk modulus K = %g must be > 0", __func__, K);
    return create_isotropic(K - 2.0 * mu / 3.0, mu, __func__, out);
}

/* σ must lie in (−1, 1/2) for K > 0 and μ > 0. */
static int check_poisson(double sigma, const char *func)
{
    if (!isfinite(sigma))
        return vs__error(VS_EINVAL, "%s: Poisson ratio is not finite", func);
    if (!(sigma > -1.0 && sigma < 0.5))
        return vs__error(VS_ENONPHYS, "%s: Poisson ratio sigma = %g outside (-1, 1/2)", func, sigma);
    return VS_OK;
}

VS_API int vs_elastic_create_young_poisson(double E, double sigma, vs_elastic **out)
{
    CHECK_OUT(out);
    int st = check_poisson(sigma, __func__);
    if (st != VS_OK)
        return st;
    if (!isfinite(E))
        return vs__error(VS_EINVAL, "%s: Young's modulus is not finite", __func__);
    if (!(E > 0.0))
        return vs__error(VS_ENONPHYS, "%s: Young's modulus E = %g must be > 0", __func__, E);
    double mu = E / (2.0 * (1.0 + sigma));
    double lambda = E * sigma / ((1.0 + sigma) * (1.0 - 2.0 * sigma));
    return create_isotropic(lambda, mu, __func__, out);
}

VS_API int vs_elastic_create_poisson_shear(double sigma, double mu, vs_elastic **out)
{
    CHECK_OUT(out);
    int st = check_poisson(sigma, __func__);
    if (st != VS_OK)
        return st;
    if (!isfinite(mu))
        return vs__error(VS_EINVAL, "%s: shear modulus is not finite", __func__);
    if (!(mu > 0.0))
        return vs__error(VS_ENONPHYS, "%s: shear modulus mu = %g must be > 0", __func__, mu);
    return create_isotropic(2.0 * mu * sigma / (1.0 - 2.0 * sigma), mu, __func__, out);
}

VS_API int vs_elastic_create_sound_ratio(double cl_over_ct, double mu, vs_elastic **out)
{
    CHECK_OUT(out);
    if (!isfinite(cl_over_ct) || !isfinite(mu))
        return vs__error(VS_EINVAL, "%s: arguments must be finite", __func__);
    if (!(mu > 0.0))
        return vs__error(VS_ENONPHYS, "%s: shear modulus mu = %g must be > 0", __func__, mu);
    /* K > 0 ⇔ (c_l/c_t)² > 4/3. */
    if (!(cl_over_ct * cl_over_ct > 4.0 / 3.0))
        return vs__error(VS_ENONPHYS, "%s: c_l/c_t = %g must exceed sqrt(4/3) for K > 0", __func__, cl_over_ct);
    return create_isotropic(mu * (cl_over_ct * cl_over_ct - 2.0), mu, __func__, out);
}

VS_API int vs_elastic_create_voigt(const double *C, vs_elastic **out)
{
    CHECK_OUT(out);
    int st = vs__check_finite_array(C, 36, __func__, "C");
    if (st != VS_OK)
        return st;
    return elastic_from_voigt(C, VS_ELASTIC_GENERAL, __func__, out);
}

VS_API int vs_elastic_create_cubic(double C11, double C12, double C44, vs_elastic **out)
{
    CHECK_OUT(out);
    double p[3] = {C11, C12, C44};
    int st = vs__check_finite_array(p, 3, __func__, "cubic constants");
    if (st != VS_OK)
        return st;
    double C[36] = {0};
    for (int a = 0; a < 3; a++) {
        for (int b = 0; b < 3; b++)
            C[a * 6 + b] = C12;
        C[a * 6 + a] = C11;
        C[(a + 3) * 6 + (a + 3)] = C44;
    }
    return elastic_from_voigt(C, VS_ELASTIC_CUBIC, __func__, out);
}

VS_API int vs_elastic_create_hexagonal(double C11, double C12, double C13, double C33, double C44,
                                       vs_elastic **out)
{
    CHECK_OUT(out);
    double p[5] = {C11, C12, C13, C33, C44};
    int st = vs__check_finite_array(p, 5, __func__, "hexagonal constants");
    if (st != VS_OK)
        return st;
    double C[36] = {0};
    C[0] = C[7] = C11;
    C[1] = C[6] = C12;
    C[2] = C[12] = C[8] = C[13] = C13;
    C[14] = C33;
    C[21] = C[28] = C44;
    C[35] = 0.5 * (C11 - C12);
    return elastic_from_voigt(C, VS_ELASTIC_HEXAGONAL, __func__, out);
}

VS_API int vs_elastic_clone(const vs_elastic *el, vs_elastic **out)
{
    CHECK_OUT(out);
    int st = vs__check_ptr(el, __func__, "el");
    if (st != VS_OK)
        return st;
    vs_elastic *c = vs__calloc(1, sizeof *c, &st);
    if (c == NULL)
        return st;
    memcpy(c, el, sizeof *c);
    *out = c;
    return VS_OK;
}

VS_API void vs_elastic_free(vs_elastic *el)
{
    vs__free(el);
}

/* ---- queries ---- */

#define CHECK2(el, p)                                                                    \
    do {                                                                                 \
        if ((el) == NULL)                                                                \
            return vs__error(VS_EINVAL, "%s: elastic handle is NULL", __func__);        \
        if ((p) == NULL)                                                                 \
            return vs__error(VS_EINVAL, "%s: output array is NULL", __func__);          \
    } while (0)

VS_API int vs_elastic_symmetry(const vs_elastic *el, vs_symmetry *sym)
{
    CHECK2(el, sym);
    *sym = el->sym;
    return VS_OK;
}

VS_API int vs_elastic_tensor(const vs_elastic *el, double *L)
{
    CHECK2(el, L);
    memcpy(L, el->L, sizeof el->L);
    return VS_OK;
}

VS_API int vs_elastic_voigt(const vs_elastic *el, double *C)
{
    CHECK2(el, C);
    memcpy(C, el->C, sizeof el->C);
    return VS_OK;
}

VS_API int vs_elastic_mandel(const vs_elastic *el, double *M)
{
    CHECK2(el, M);
    memcpy(M, el->M, sizeof el->M);
    return VS_OK;
}

VS_API int vs_elastic_mandel_eigen(const vs_elastic *el, double *w, double *V)
{
    if (el == NULL)
        return vs__error(VS_EINVAL, "%s: elastic handle is NULL", __func__);
    if (w)
        memcpy(w, el->w, sizeof el->w);
    if (V)
        memcpy(V, el->V, sizeof el->V);
    return VS_OK;
}

VS_API int vs_elastic_mandel_sqrt(const vs_elastic *el, double *S)
{
    CHECK2(el, S);
    memcpy(S, el->Msqrt, sizeof el->Msqrt);
    return VS_OK;
}

VS_API int vs_elastic_mandel_invsqrt(const vs_elastic *el, double *S)
{
    CHECK2(el, S);
    memcpy(S, el->Minvsqrt, sizeof el->Minvsqrt);
    return VS_OK;
}

void vs__spin_basis(double *Q)
{
    const double s3 = 1.0 / sqrt(3.0), s2 = 1.0 / M_SQRT2, s6 = 1.0 / sqrt(6.0);
    memset(Q, 0, 36 * sizeof *Q);
    /* columns: q1 compression, q2, q3 normal shears, q4..q6 = e4..e6 */
    for (int a = 0; a < 3; a++)
        Q[a * 6 + 0] = s3;
    Q[0 * 6 + 1] = s2;
    Q[1 * 6 + 1] = -s2;
    Q[0 * 6 + 2] = s6;
    Q[1 * 6 + 2] = s6;
    Q[2 * 6 + 2] = -2.0 * s6;
    Q[3 * 6 + 3] = Q[4 * 6 + 4] = Q[5 * 6 + 5] = 1.0;
}

VS_API int vs_spin_basis(double *Q)
{
    if (Q == NULL)
        return vs__error(VS_EINVAL, "%s: output array is NULL", __func__);
    vs__spin_basis(Q);
    return VS_OK;
}

/* Scalar moduli from (K, μ): {K, μ, λ, E, σ, c_l/c_t}. */
static void moduli_from_K_mu(double K, double mu, double *out)
{
    out[0] = K;
    out[1] = mu;
    out[2] = K - 2.0 * mu / 3.0;
    out[3] = 9.0 * K * mu / (3.0 * K + mu);
    out[4] = (3.0 * K - 2.0 * mu) / (2.0 * (3.0 * K + mu));
    out[5] = sqrt((K + 4.0 * mu / 3.0) / mu);
}

VS_API int vs_elastic_moduli(const vs_elastic *el, vs_average avg, double *out)
{
    CHECK2(el, out);
    double KV, GV, KR, GR, S[36];
    switch (avg) {
    case VS_AVERAGE_EXACT:
        if (!el->isotropic)
            return vs__error(VS_ENONPHYS, "%s: exact isotropic moduli requested for an anisotropic tensor "
                                          "(use VS_AVERAGE_VOIGT/REUSS/HILL)", __func__);
        moduli_from_K_mu(el->lambda + 2.0 * el->mu / 3.0, el->mu, out);
        return VS_OK;
    case VS_AVERAGE_VOIGT:
        voigt_average(el->C, &KV, &GV);
        moduli_from_K_mu(KV, GV, out);
        return VS_OK;
    case VS_AVERAGE_REUSS:
    case VS_AVERAGE_HILL: {
        int st = vs__sym_apply(6, el->C, inv, S);
        if (st != VS_OK)
            return st;
        reuss_average(S, &KR, &GR);
        if (avg == VS_AVERAGE_REUSS) {
            moduli_from_K_mu(KR, GR, out);
        } else {
            voigt_average(el->C, &KV, &GV);
            moduli_from_K_mu(0.5 * (KV + KR), 0.5 * (GV + GR), out);
        }
        return VS_OK;
    }
    default:
        return vs__error(VS_EINVAL, "%s: unknown average %d", __func__, (int)avg);
    }
}

VS_API int vs_elastic_sound_speeds(const vs_elastic *el, double rho, double *out)
{
    CHECK2(el, out);
    if (!isfinite(rho) || !(rho > 0.0))
        return vs__error(VS_EINVAL, "%s: density rho = %g must be finite and > 0", __func__, rho);
    double m[6];
    int st = vs_elastic_moduli(el, el->isotropic ? VS_AVERAGE_EXACT : VS_AVERAGE_HILL, m);
    if (st != VS_OK)
        return st;
    out[0] = sqrt((m[2] + 2.0 * m[1]) / rho);
    out[1] = sqrt(m[1] / rho);
    return VS_OK;
}

void vs__christoffel(const vs_elastic *el, const double *k, double *G)
{
    for (int i = 0; i < 3; i++)
        for (int m = 0; m < 3; m++) {
            double s = 0.0;
            for (int j = 0; j < 3; j++)
                for (int l = 0; l < 3; l++)
                    s += el->L[((i * 3 + j) * 3 + m) * 3 + l] * k[j] * k[l];
            G[i * 3 + m] = s;
        }
}

VS_API int vs_elastic_christoffel(const vs_elastic *el, const double *khat, double *G)
{
    CHECK2(el, G);
    int st = vs__check_direction(khat, __func__, "khat");
    if (st != VS_OK)
        return st;
    double n = sqrt(khat[0] * khat[0] + khat[1] * khat[1] + khat[2] * khat[2]);
    double k[3] = {khat[0] / n, khat[1] / n, khat[2] / n};
    vs__christoffel(el, k, G);
    return VS_OK;
}

/* ---- strain ⇄ Mandel ⇄ spin ---- */

static int check_symmetric_strain(const double *u, const char *func)
{
    int st = vs__check_finite_array(u, 9, func, "u");
    if (st != VS_OK)
        return st;
    double m = 0.0;
    for (int i = 0; i < 9; i++)
        m = fmax(m, fabs(u[i]));
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            if (fabs(u[i * 3 + j] - u[j * 3 + i]) > 1e-12 * m)
                return vs__error(VS_EINVAL, "%s: strain is not symmetric (u[%d][%d] = %g, u[%d][%d] = %g)",
                                 func, i, j, u[i * 3 + j], j, i, u[j * 3 + i]);
    return VS_OK;
}

void vs__strain_to_mandel(const double *u, double *t)
{
    t[0] = u[0];
    t[1] = u[4];
    t[2] = u[8];
    t[3] = M_SQRT2 * 0.5 * (u[5] + u[7]);
    t[4] = M_SQRT2 * 0.5 * (u[6] + u[2]);
    t[5] = M_SQRT2 * 0.5 * (u[1] + u[3]);
}

void vs__mandel_to_strain(const double *t, double *u)
{
    u[0] = t[0];
    u[4] = t[1];
    u[8] = t[2];
    u[5] = u[7] = t[3] / M_SQRT2;
    u[2] = u[6] = t[4] / M_SQRT2;
    u[1] = u[3] = t[5] / M_SQRT2;
}

VS_API int vs_strain_to_mandel(const double *u, double *t)
{
    if (t == NULL)
        return vs__error(VS_EINVAL, "%s: output array is NULL", __func__);
    int st = check_symmetric_strain(u, __func__);
    if (st != VS_OK)
        return st;
    vs__strain_to_mandel(u, t);
    return VS_OK;
}

VS_API int vs_mandel_to_strain(const double *t, double *u)
{
    if (u == NULL)
        return vs__error(VS_EINVAL, "%s: output array is NULL", __func__);
    int st = vs__check_finite_array(t, 6, __func__, "t");
    if (st != VS_OK)
        return st;
    vs__mandel_to_strain(t, u);
    return VS_OK;
}

VS_API int vs_elastic_strain_to_spin(const vs_elastic *el, const double *u, double *g)
{
    CHECK2(el, g);
    int st = check_symmetric_strain(u, __func__);
    if (st != VS_OK)
        return st;
    double t[6], s[6], Q[36];
    vs__strain_to_mandel(u, t);
    vs__matvec(6, 6, el->Msqrt, t, s);
    vs__spin_basis(Q);
    vs__matmul_tn(6, 6, 1, Q, s, g); /* g = Qᵀ M^{1/2} t (Eq. A3) */
    return VS_OK;
}

VS_API int vs_elastic_spin_to_strain(const vs_elastic *el, const double *g, double *u)
{
    CHECK2(el, u);
    int st = vs__check_finite_array(g, 6, __func__, "g");
    if (st != VS_OK)
        return st;
    double Q[36], s[6], t[6];
    vs__spin_basis(Q);
    vs__matvec(6, 6, Q, g, s);
    vs__matvec(6, 6, el->Minvsqrt, s, t); /* t = M^{-1/2} Q g */
    vs__mandel_to_strain(t, u);
    return VS_OK;
}

