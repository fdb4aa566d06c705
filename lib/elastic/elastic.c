/* The elastic-tensor handle Λ (paper Eqs. 9–13, App. A; docs/elastic.md). */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include <libvoigtspin/elastic.h>
#include "common/internal.h"
#include "common/voigt.h"
#include "elastic_internal.h"

/* Relative tolerance for "symmetric" (stiffness, strain) and "isotropic" (documented in elastic.h). */
#define VS_ELASTIC_RTOL 1e-12
/* Supported scale of the largest stiffness entry, in the caller's pressure unit. Keeps every derived
 * product (E = 9Kμ/(3K+μ), compliances, Λ k k) far from double overflow and underflow. */
#define VS_ELASTIC_CMIN 1e-100
#define VS_ELASTIC_CMAX 1e100
/* Smallest Mandel eigenvalue accepted, relative to the largest: below ~64 ε the sign of the
 * smallest eigenvalue returned by dsyev is not reliable, so the tensor is numerically singular. */
#define VS_ELASTIC_PD_RTOL (64.0 * DBL_EPSILON)

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

/* Voigt (uniform-strain) bulk and shear moduli of a Voigt stiffness C (Hill 1952):
 * 9 K_V = (C11+C22+C33) + 2(C12+C23+C31), 15 G_V = (C11+C22+C33) − (C12+C23+C31) + 3(C44+C55+C66). */
static void voigt_average(const double *C, double *K, double *G)
{
    double diag = C[0] + C[7] + C[14];
    double off = C[1] + C[8] + C[2];
    double shear = C[21] + C[28] + C[35];
    *K = (diag + 2.0 * off) / 9.0;
    *G = (diag - off + 3.0 * shear) / 15.0;
}

/* Reuss (uniform-stress) moduli from the engineering compliance S = C⁻¹ (Hill 1952):
 * 1/K_R = (S11+S22+S33) + 2(S12+S23+S31), 15/G_R = 4(S11+S22+S33) − 4(S12+S23+S31) + 3(S44+S55+S66). */
static void reuss_average(const double *S, double *K, double *G)
{
    double diag = S[0] + S[7] + S[14];
    double off = S[1] + S[8] + S[2];
    double shear = S[21] + S[28] + S[35];
    *K = 1.0 / (diag + 2.0 * off);
    *G = 15.0 / (4.0 * diag - 4.0 * off + 3.0 * shear);
}

/* Functions of M applied through its stored eigen-decomposition (vs__sym_apply): M^{1/2}, M^{-1/2}, M^{-1}. */
static double f_sqrt(double x) { return sqrt(x); }
static double f_invsqrt(double x) { return 1.0 / sqrt(x); }
static double f_inv(double x) { return 1.0 / x; }

/* Engineering compliance S = C⁻¹ = F M⁻¹ F, from the stored eigen-decomposition of M (no LAPACK
 * call, so const queries stay cheap and re-entrant). */
static void compliance(const vs_elastic *el, double *S)
{
    vs__sym_apply(6, el->V, el->w, f_inv, S);
    for (int a = 0; a < 6; a++)
        for (int b = 0; b < 6; b++)
            S[a * 6 + b] *= vs__mandel_factor(a) * vs__mandel_factor(b);
}

/* True when C equals its own isotropic (Voigt) projection to VS_ELASTIC_RTOL relative; the
 * projection's Lamé constants are returned either way. */
static int is_isotropic(const double *C, double *K, double *lambda, double *mu)
{
    double G, Ciso[36], cmax = 0.0, dmax = 0.0;
    voigt_average(C, K, &G);
    isotropic_voigt(*K - 2.0 * G / 3.0, G, Ciso);
    for (int i = 0; i < 36; i++) {
        cmax = fmax(cmax, fabs(C[i]));
        dmax = fmax(dmax, fabs(C[i] - Ciso[i]));
    }
    *lambda = *K - 2.0 * G / 3.0;
    *mu = G;
    return dmax <= VS_ELASTIC_RTOL * cmax;
}

/* K = λ + 2μ/3 to full relative accuracy even when λ ≈ −2μ/3: 2μ/3 is split as hi + lo exactly enough
 * (fma gives the remainder 2μ − 3hi), λ + hi is then exact (Sterbenz) in the cancelling case. */
static double lame_bulk(double lambda, double mu)
{
    double hi = 2.0 * mu / 3.0, lo = fma(-3.0, hi, 2.0 * mu) / 3.0;
    return (lambda + hi) + lo;
}

/* Scale and symmetry of a candidate Voigt matrix (entries not yet known to be finite: isotropic
 * constructors may overflow while forming λ + 2μ). */
static int check_voigt(const double *C, const char *func)
{
    double cmax = 0.0;
    for (int i = 0; i < 36; i++) {
        VS_RETURN_ERROR_IF(!isfinite(C[i]), VS_EINVAL, "%s: stiffness entry C[%d][%d] = %g is not finite",
                           func, i / 6, i % 6, C[i]);
        cmax = fmax(cmax, fabs(C[i]));
    }
    VS_RETURN_ERROR_IF(cmax == 0.0, VS_ENONPHYS, "%s: stiffness matrix is zero (not positive definite)",
                       func);
    VS_RETURN_ERROR_IF(cmax < VS_ELASTIC_CMIN || cmax > VS_ELASTIC_CMAX, VS_EINVAL,
                       "%s: largest stiffness entry %g outside the supported range [%g, %g]; "
                       "rescale the pressure unit",
                       func, cmax, VS_ELASTIC_CMIN, VS_ELASTIC_CMAX);
    for (int a = 0; a < 6; a++)
        for (int b = a + 1; b < 6; b++)
            VS_RETURN_ERROR_IF(fabs(C[a * 6 + b] - C[b * 6 + a]) > VS_ELASTIC_RTOL * cmax, VS_ENONPHYS,
                               "%s: stiffness matrix is not symmetric (C[%d][%d] = %g, C[%d][%d] = %g)", func,
                               a, b, C[a * 6 + b], b, a, C[b * 6 + a]);
    return VS_OK;
}

/* Build a handle from a Voigt matrix: checks finiteness, scale, symmetry, positive definiteness. */
static int elastic_from_voigt(const double *C, vs_symmetry sym, const char *func, vs_elastic **out)
{
    VS_FORWARD_IF_ERROR(check_voigt(C, func));
    int st = VS_OK;
    vs_elastic *el = vs__calloc(1, sizeof *el, &st);
    if (el == NULL)
        return st;
    /* Symmetrise exactly (the tolerance above allows round-off differences). */
    for (int a = 0; a < 6; a++)
        for (int b = 0; b < 6; b++)
            el->C[a * 6 + b] = 0.5 * (C[a * 6 + b] + C[b * 6 + a]);
    /* Mandel matrix M = F C F (Eq. A2, derived: the printed matrix is garbled). */
    for (int a = 0; a < 6; a++)
        for (int b = 0; b < 6; b++)
            el->M[a * 6 + b] = vs__mandel_factor(a) * el->C[a * 6 + b] * vs__mandel_factor(b);
    /* Λ_ijkl = C_{voigt(ij) voigt(kl)}: Voigt stiffness carries no factors (engineering strain does). */
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 3; k++)
                for (int l = 0; l < 3; l++)
                    el->L[((i * 3 + j) * 3 + k) * 3 + l] =
                        el->C[vs__voigt_index(i, j) * 6 + vs__voigt_index(k, l)];

    VS_GOTO_IF_ERROR(st, vs__sym_eigen(6, el->M, el->w, el->V), fail);
    /* Positive definite ⇔ every Mandel eigenvalue > 0 (M and C are congruent through F). */
    if (!(el->w[0] > VS_ELASTIC_PD_RTOL * el->w[5])) {
        st = vs__error(VS_ENONPHYS,
                       "%s: elastic tensor is not positive definite (Mandel eigenvalues "
                       "%g ... %g; need smallest > %g x largest)",
                       func, el->w[0], el->w[5], VS_ELASTIC_PD_RTOL);
        goto fail;
    }
    vs__sym_apply(6, el->V, el->w, f_sqrt, el->Msqrt);
    vs__sym_apply(6, el->V, el->w, f_invsqrt, el->Minvsqrt);
    el->isotropic = is_isotropic(el->C, &el->K, &el->lambda, &el->mu);
    el->sym = el->isotropic ? VS_ELASTIC_ISOTROPIC : sym;
    *out = el;
    return VS_OK;
fail:
    vs__free(el);
    return st;
}

/* Common path of every isotropic constructor: (λ, μ) validated here (Eq. 11); K is the bulk modulus
 * computed by the caller from its own arguments by the best-conditioned formula. */
static int create_isotropic(double lambda, double mu, double K, const char *func, vs_elastic **out)
{
    VS_RETURN_ERROR_IF(!isfinite(lambda) || !isfinite(mu) || !isfinite(K), VS_EINVAL,
                       "%s: Lame constants are not finite (lambda = %g, mu = %g)", func, lambda, mu);
    VS_RETURN_ERROR_IF(!(mu > 0.0), VS_ENONPHYS, "%s: shear modulus mu = %g must be > 0", func, mu);
    VS_RETURN_ERROR_IF(!(K > 0.0), VS_ENONPHYS, "%s: bulk modulus K = lambda + 2mu/3 = %g must be > 0", func,
                       K);
    double C[36];
    isotropic_voigt(lambda, mu, C);
    VS_FORWARD_IF_ERROR(elastic_from_voigt(C, VS_ELASTIC_ISOTROPIC, func, out));
    /* Keep the exact constants the user gave rather than their round-tripped projection. */
    (*out)->lambda = lambda;
    (*out)->mu = mu;
    (*out)->K = K;
    return VS_OK;
}

/* Every constructor starts with this: `out` non-NULL (VS_EINVAL), and *out = NULL until success. */
static int clear_out(vs_elastic **out, const char *func)
{
    VS_RETURN_ERROR_IF(out == NULL, VS_EINVAL, "%s: output pointer is NULL", func);
    *out = NULL;
    return VS_OK;
}

/* A finite modulus that must be > 0: VS_EINVAL if not finite, VS_ENONPHYS if ≤ 0. */
static int check_positive_modulus(double x, const char *func, const char *what)
{
    VS_RETURN_ERROR_IF(!isfinite(x), VS_EINVAL, "%s: %s = %g is not finite", func, what, x);
    VS_RETURN_ERROR_IF(!(x > 0.0), VS_ENONPHYS, "%s: %s = %g must be > 0", func, what, x);
    return VS_OK;
}

/* σ must be finite (VS_EINVAL) and lie in (−1, 1/2) for K > 0 and μ > 0 (VS_ENONPHYS). */
static int check_poisson(double sigma, const char *func)
{
    VS_RETURN_ERROR_IF(!isfinite(sigma), VS_EINVAL, "%s: Poisson ratio sigma = %g is not finite", func,
                       sigma);
    VS_RETURN_ERROR_IF(!(sigma > -1.0 && sigma < 0.5), VS_ENONPHYS,
                       "%s: Poisson ratio sigma = %g outside (-1, 1/2)", func, sigma);
    return VS_OK;
}

VS_API int vs_elastic_create_lame(double lambda, double mu, vs_elastic **out)
{
    VS_FORWARD_IF_ERROR(clear_out(out, __func__));
    return create_isotropic(lambda, mu, isfinite(lambda) && isfinite(mu) ? lame_bulk(lambda, mu) : NAN, __func__,
                            out);
}

VS_API int vs_elastic_create_bulk_shear(double K, double mu, vs_elastic **out)
{
    VS_FORWARD_IF_ERROR(clear_out(out, __func__));
    VS_FORWARD_IF_ERROR(check_positive_modulus(K, __func__, "bulk modulus K"));
    VS_FORWARD_IF_ERROR(check_positive_modulus(mu, __func__, "shear modulus mu"));
    return create_isotropic(K - 2.0 * mu / 3.0, mu, K, __func__, out);
}

VS_API int vs_elastic_create_young_poisson(double E, double sigma, vs_elastic **out)
{
    VS_FORWARD_IF_ERROR(clear_out(out, __func__));
    VS_FORWARD_IF_ERROR(check_positive_modulus(E, __func__, "Young's modulus E"));
    VS_FORWARD_IF_ERROR(check_poisson(sigma, __func__));
    double mu = E / (2.0 * (1.0 + sigma));
    double lambda = E * sigma / ((1.0 + sigma) * (1.0 - 2.0 * sigma));
    return create_isotropic(lambda, mu, E / (3.0 * (1.0 - 2.0 * sigma)), __func__, out);
}

VS_API int vs_elastic_create_poisson_shear(double sigma, double mu, vs_elastic **out)
{
    VS_FORWARD_IF_ERROR(clear_out(out, __func__));
    VS_FORWARD_IF_ERROR(check_poisson(sigma, __func__));
    VS_FORWARD_IF_ERROR(check_positive_modulus(mu, __func__, "shear modulus mu"));
    return create_isotropic(2.0 * mu * sigma / (1.0 - 2.0 * sigma), mu, 2.0 * mu * (1.0 + sigma) / (3.0 * (1.0 - 2.0 * sigma)),
                            __func__, out);
}

VS_API int vs_elastic_create_sound_ratio(double cl_over_ct, double mu, vs_elastic **out)
{
    VS_FORWARD_IF_ERROR(clear_out(out, __func__));
    VS_RETURN_ERROR_IF(!isfinite(cl_over_ct), VS_EINVAL, "%s: c_l/c_t = %g is not finite", __func__,
                       cl_over_ct);
    VS_FORWARD_IF_ERROR(check_positive_modulus(mu, __func__, "shear modulus mu"));
    /* c_l²/c_t² = (λ+2μ)/μ = K/μ + 4/3, so K > 0 ⇔ c_l/c_t > √(4/3) (the ratio is positive). */
    VS_RETURN_ERROR_IF(!(cl_over_ct > sqrt(4.0 / 3.0)), VS_ENONPHYS,
                       "%s: c_l/c_t = %g must exceed sqrt(4/3) for K > 0", __func__, cl_over_ct);
    return create_isotropic(mu * (cl_over_ct * cl_over_ct - 2.0), mu, mu * fma(cl_over_ct, cl_over_ct, -4.0 / 3.0),
                            __func__, out);
}

VS_API int vs_elastic_create_voigt(const double *C, vs_elastic **out)
{
    VS_FORWARD_IF_ERROR(clear_out(out, __func__));
    VS_CHECK_PTR(C);
    return elastic_from_voigt(C, VS_ELASTIC_GENERAL, __func__, out);
}

VS_API int vs_elastic_create_cubic(double C11, double C12, double C44, vs_elastic **out)
{
    VS_FORWARD_IF_ERROR(clear_out(out, __func__));
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
    VS_FORWARD_IF_ERROR(clear_out(out, __func__));
    double C[36] = {0};
    C[0 * 6 + 0] = C[1 * 6 + 1] = C11;
    C[0 * 6 + 1] = C[1 * 6 + 0] = C12;
    C[0 * 6 + 2] = C[2 * 6 + 0] = C[1 * 6 + 2] = C[2 * 6 + 1] = C13;
    C[2 * 6 + 2] = C33;
    C[3 * 6 + 3] = C[4 * 6 + 4] = C44;
    C[5 * 6 + 5] = 0.5 * (C11 - C12); /* transverse isotropy: C66 = (C11 − C12)/2 */
    return elastic_from_voigt(C, VS_ELASTIC_HEXAGONAL, __func__, out);
}

VS_API int vs_elastic_clone(const vs_elastic *el, vs_elastic **out)
{
    VS_FORWARD_IF_ERROR(clear_out(out, __func__));
    VS_CHECK_PTR(el);
    int st = VS_OK;
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

/* Every query starts with this: handle and output array non-NULL (VS_EINVAL naming func). */
static int check_query(const vs_elastic *el, const void *out, const char *func)
{
    VS_RETURN_ERROR_IF(el == NULL, VS_EINVAL, "%s: elastic handle is NULL", func);
    VS_RETURN_ERROR_IF(out == NULL, VS_EINVAL, "%s: output array is NULL", func);
    return VS_OK;
}

VS_API int vs_elastic_symmetry(const vs_elastic *el, vs_symmetry *sym)
{
    VS_FORWARD_IF_ERROR(check_query(el, sym, __func__));
    *sym = el->sym;
    return VS_OK;
}

VS_API int vs_elastic_tensor(const vs_elastic *el, double *L)
{
    VS_FORWARD_IF_ERROR(check_query(el, L, __func__));
    memcpy(L, el->L, sizeof el->L);
    return VS_OK;
}

VS_API int vs_elastic_voigt(const vs_elastic *el, double *C)
{
    VS_FORWARD_IF_ERROR(check_query(el, C, __func__));
    memcpy(C, el->C, sizeof el->C);
    return VS_OK;
}

VS_API int vs_elastic_mandel(const vs_elastic *el, double *M)
{
    VS_FORWARD_IF_ERROR(check_query(el, M, __func__));
    memcpy(M, el->M, sizeof el->M);
    return VS_OK;
}

VS_API int vs_elastic_mandel_eigen(const vs_elastic *el, double *w, double *V)
{
    VS_RETURN_ERROR_IF(el == NULL, VS_EINVAL, "%s: elastic handle is NULL", __func__);
    VS_RETURN_ERROR_IF(w == NULL && V == NULL, VS_EINVAL, "%s: both output arrays are NULL", __func__);
    if (w)
        memcpy(w, el->w, sizeof el->w);
    if (V)
        memcpy(V, el->V, sizeof el->V);
    return VS_OK;
}

VS_API int vs_elastic_mandel_sqrt(const vs_elastic *el, double *S)
{
    VS_FORWARD_IF_ERROR(check_query(el, S, __func__));
    memcpy(S, el->Msqrt, sizeof el->Msqrt);
    return VS_OK;
}

VS_API int vs_elastic_mandel_invsqrt(const vs_elastic *el, double *S)
{
    VS_FORWARD_IF_ERROR(check_query(el, S, __func__));
    memcpy(S, el->Minvsqrt, sizeof el->Minvsqrt);
    return VS_OK;
}

void vs__spin_basis(double *Q)
{
    const double s3 = 1.0 / sqrt(3.0), s2 = 1.0 / M_SQRT2, s6 = 1.0 / sqrt(6.0);
    memset(Q, 0, 36 * sizeof *Q);
    /* columns: q1 compression, q2, q3 normal shears, q4..q6 = e4..e6 (Eq. A3; docs/theory.md, App. A) */
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
    VS_RETURN_ERROR_IF(Q == NULL, VS_EINVAL, "%s: output array is NULL", __func__);
    vs__spin_basis(Q);
    return VS_OK;
}

/* Scalar moduli from (K, μ): {K, μ, λ, E, σ, c_l/c_t} (standard isotropic identities). */
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
    VS_FORWARD_IF_ERROR(check_query(el, out, __func__));
    double KV, GV, KR, GR, S[36];
    switch (avg) {
    case VS_AVERAGE_EXACT:
        VS_RETURN_ERROR_IF(!el->isotropic, VS_ENONPHYS,
                           "%s: exact isotropic moduli requested for an anisotropic "
                           "tensor (use VS_AVERAGE_VOIGT/REUSS/HILL)",
                           __func__);
        moduli_from_K_mu(el->K, el->mu, out);
        return VS_OK;
    case VS_AVERAGE_VOIGT:
        voigt_average(el->C, &KV, &GV);
        moduli_from_K_mu(KV, GV, out);
        return VS_OK;
    case VS_AVERAGE_REUSS:
        compliance(el, S);
        reuss_average(S, &KR, &GR);
        moduli_from_K_mu(KR, GR, out);
        return VS_OK;
    case VS_AVERAGE_HILL:
        compliance(el, S);
        reuss_average(S, &KR, &GR);
        voigt_average(el->C, &KV, &GV);
        moduli_from_K_mu(0.5 * (KV + KR), 0.5 * (GV + GR), out);
        return VS_OK;
    default:
        return vs__error(VS_EINVAL, "%s: unknown average %d", __func__, (int)avg);
    }
}

VS_API int vs_elastic_sound_speeds(const vs_elastic *el, double rho, double *out)
{
    VS_FORWARD_IF_ERROR(check_query(el, out, __func__));
    VS_RETURN_ERROR_IF(!isfinite(rho) || !(rho > 0.0), VS_EINVAL,
                       "%s: density rho = %g must be finite and > 0", __func__, rho);
    double m[6];
    VS_FORWARD_IF_ERROR(vs_elastic_moduli(el, el->isotropic ? VS_AVERAGE_EXACT : VS_AVERAGE_HILL, m));
    /* √x/√ρ rather than √(x/ρ): the quotient over- or underflows for subnormal or huge ρ although both
     * speeds are representable (moduli lie in [1e-100·64ε, 1e100], so √x/√ρ ∈ [~1e-212, ~1e212]). */
    double cl = sqrt(m[2] + 2.0 * m[1]) / sqrt(rho), ct = sqrt(m[1]) / sqrt(rho);
    VS_RETURN_ERROR_IF(!isfinite(cl) || !(ct > 0.0), VS_ENUMERIC,
                       "%s: sound speeds not representable for rho = %g", __func__, rho);
    out[0] = cl;
    out[1] = ct;
    return VS_OK;
}

void vs__christoffel(const double *L, const double *k, double *G)
{
    /* Γ_im = Λ_ijml k_j k_l (the acoustic tensor of the wave equation ρω²u = Γ u). */
    for (int i = 0; i < 3; i++)
        for (int m = 0; m < 3; m++) {
            double s = 0.0;
            for (int j = 0; j < 3; j++)
                for (int l = 0; l < 3; l++)
                    s += L[((i * 3 + j) * 3 + m) * 3 + l] * k[j] * k[l];
            G[i * 3 + m] = s;
        }
}

VS_API int vs_elastic_christoffel(const vs_elastic *el, const double *khat, double *G)
{
    VS_FORWARD_IF_ERROR(check_query(el, G, __func__));
    double k[3];
    VS_FORWARD_IF_ERROR(vs__normalize_direction(khat, k, __func__, "khat"));
    vs__christoffel(el->L, k, G);
    return VS_OK;
}

/* ---- strain ⇄ Mandel ⇄ spin ---- */

static int all_finite(const double *a, int n)
{
    for (int i = 0; i < n; i++)
        if (!isfinite(a[i]))
            return 0;
    return 1;
}

static int check_symmetric_strain(const double *u, const char *func)
{
    VS_FORWARD_IF_ERROR(vs__check_finite_array(u, 9, func, "u"));
    double m = 0.0;
    for (int i = 0; i < 9; i++)
        m = fmax(m, fabs(u[i]));
    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            VS_RETURN_ERROR_IF(fabs(u[i * 3 + j] - u[j * 3 + i]) > VS_ELASTIC_RTOL * m, VS_EINVAL,
                               "%s: strain is not symmetric (u[%d][%d] = %g, u[%d][%d] = %g)", func, i, j,
                               u[i * 3 + j], j, i, u[j * 3 + i]);
    return VS_OK;
}

/* Eq. A1: t = (u11, u22, u33, √2 u23, √2 u31, √2 u12); off-diagonals averaged (u is symmetric to
 * round-off after check_symmetric_strain). */
void vs__strain_to_mandel(const double *u, double *t)
{
    t[0] = u[0];
    t[1] = u[4];
    t[2] = u[8];
    t[3] = M_SQRT2 * (0.5 * u[5] + 0.5 * u[7]);
    t[4] = M_SQRT2 * (0.5 * u[6] + 0.5 * u[2]);
    t[5] = M_SQRT2 * (0.5 * u[1] + 0.5 * u[3]);
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
    VS_RETURN_ERROR_IF(t == NULL, VS_EINVAL, "%s: output array is NULL", __func__);
    VS_FORWARD_IF_ERROR(check_symmetric_strain(u, __func__));
    double tt[6];
    vs__strain_to_mandel(u, tt);
    VS_RETURN_ERROR_IF(!all_finite(tt, 6), VS_ENUMERIC, "%s: Mandel vector overflows (strain too large)",
                       __func__);
    memcpy(t, tt, sizeof tt);
    return VS_OK;
}

VS_API int vs_mandel_to_strain(const double *t, double *u)
{
    VS_RETURN_ERROR_IF(u == NULL, VS_EINVAL, "%s: output array is NULL", __func__);
    VS_FORWARD_IF_ERROR(vs__check_finite_array(t, 6, __func__, "t"));
    vs__mandel_to_strain(t, u);
    return VS_OK;
}

VS_API int vs_elastic_strain_to_spin(const vs_elastic *el, const double *u, double *g)
{
    VS_FORWARD_IF_ERROR(check_query(el, g, __func__));
    VS_FORWARD_IF_ERROR(check_symmetric_strain(u, __func__));
    double t[6], s[6], Q[36], gg[6];
    vs__strain_to_mandel(u, t);
    vs__matvec(6, 6, el->Msqrt, t, s);
    vs__spin_basis(Q);
    vs__matmul_tn(6, 6, 1, Q, s, gg); /* g = Qᵀ M^{1/2} t (Eq. A3) */
    VS_RETURN_ERROR_IF(!all_finite(t, 6) || !all_finite(gg, 6), VS_ENUMERIC,
                       "%s: spin vector overflows (strain too large)", __func__);
    memcpy(g, gg, sizeof gg);
    return VS_OK;
}

VS_API int vs_elastic_spin_to_strain(const vs_elastic *el, const double *g, double *u)
{
    VS_FORWARD_IF_ERROR(check_query(el, u, __func__));
    VS_FORWARD_IF_ERROR(vs__check_finite_array(g, 6, __func__, "g"));
    double Q[36], s[6], t[6];
    vs__spin_basis(Q);
    vs__matvec(6, 6, Q, g, s);
    vs__matvec(6, 6, el->Minvsqrt, s, t); /* t = M^{-1/2} Q g, inverting Eq. A3 (Q orthogonal) */
    VS_RETURN_ERROR_IF(!all_finite(t, 6), VS_ENUMERIC, "%s: strain overflows (spin vector too large)",
                       __func__);
    vs__mandel_to_strain(t, u);
    return VS_OK;
}

/* ---- the internal API of the module (elastic_api.h) ---- */

void vs__elastic_view(const vs_elastic *el, struct vs__elastic_view *v)
{
    memcpy(v->L, el->L, sizeof v->L);
    memcpy(v->M, el->M, sizeof v->M);
    memcpy(v->Msqrt, el->Msqrt, sizeof v->Msqrt);
    v->isotropic = el->isotropic;
    v->lambda = el->lambda;
    v->mu = el->mu;
    v->K = el->K;
}
