/* The angular-averaged coupling handle: K̃(k̂), J̃(k̂), ⟨J̃⟩ (paper Eqs. 18–22, App. B; SPEC §4.2). */
#include <string.h>
#include <lapacke.h>

#include "common/internal.h"
#include "coupling_internal.h"

/* Voigt/Mandel index of the tensor index pair (i, j): 11→0 22→1 33→2 23→3 31→4 12→5 (Eq. A1). */
static const int mandel_index[3][3] = {{0, 5, 4}, {5, 1, 3}, {4, 3, 2}};

static double mandel_factor(int a)
{
    return a < 3 ? 1.0 : M_SQRT2;
}

/* D(k̂)ᵀ as a row-major 6×3 matrix: Dᵀ v is the Mandel vector of sym(v ⊗ k̂), so that
 * (D t)_i = ε_ij k̂_j for the strain ε of the Mandel vector t (SPEC §4.2). */
static void d_transpose(const double *k, double *Dt)
{
    const double r = 1.0 / M_SQRT2;
    memset(Dt, 0, 18 * sizeof *Dt);
    for (int i = 0; i < 3; i++)
        Dt[i * 3 + i] = k[i];
    Dt[3 * 3 + 1] = r * k[2]; /* √2 ε23 pairs (1, k3) and (2, k2) */
    Dt[3 * 3 + 2] = r * k[1];
    Dt[4 * 3 + 2] = r * k[0]; /* √2 ε31 */
    Dt[4 * 3 + 0] = r * k[2];
    Dt[5 * 3 + 0] = r * k[1]; /* √2 ε12 */
    Dt[5 * 3 + 1] = r * k[0];
}

/* Y Γ⁻¹ Yᵀ for a row-major 6×3 Y with Y = B Dᵀ (B = M or Qᵀ M^{1/2}), so that YᵀY-type products need
 * only Γ = D M Dᵀ. Isotropic Λ uses the closed form Γ⁻¹ = (1/μ)(I − (λ+μ)/(λ+2μ) k̂k̂ᵀ) (Eq. B3), applied
 * as (I − k̂k̂ᵀ)/μ + k̂k̂ᵀ/(λ+2μ): the printed form subtracts two nearly equal longitudinal terms when
 * λ ≫ μ (σ → 1/2); otherwise Γ Z = Yᵀ is solved by Cholesky (LAPACKE_dposv_work, no allocation). */
static int sandwich_inverse_christoffel(const vs_coupling *c, const double *k, const double *Y, double *out)
{
    double Z[18]; /* column-major 3×6 = Γ⁻¹ Yᵀ; a row-major 6×3 Y is the column-major Yᵀ */
    if (c->isotropic) {
        const double mu = c->el.mu, m = c->el.K + 4.0 * mu / 3.0; /* λ + 2μ as a sum of positives */
        for (int b = 0; b < 6; b++) {
            const double *y = Y + b * 3;
            double ky = k[0] * y[0] + k[1] * y[1] + k[2] * y[2];
            for (int i = 0; i < 3; i++)
                Z[b * 3 + i] = (y[i] - k[i] * ky) / mu + k[i] * ky / m;
        }
    } else {
        double G[9];
        vs__christoffel(&c->el, k, G);
        memcpy(Z, Y, sizeof Z);
        lapack_int info = LAPACKE_dposv_work(LAPACK_COL_MAJOR, 'U', 3, 6, G, 3, Z, 3);
        if (info != 0)
            return vs__error(VS_ENUMERIC, "Christoffel matrix not positive definite (dposv info = %d)", (int)info);
    }
    for (int a = 0; a < 6; a++)
        for (int b = 0; b < 6; b++)
            out[a * 6 + b] = Y[a * 3 + 0] * Z[b * 3 + 0] + Y[a * 3 + 1] * Z[b * 3 + 1] + Y[a * 3 + 2] * Z[b * 3 + 2];
    return VS_OK;
}

/* Isotropic J̃(k̂) in closed form. With M^{1/2} = √(3K) q1q1ᵀ + √(2μ)(I − q1q1ᵀ) the rows of
 * Y = Qᵀ M^{1/2} Dᵀ are y_0 = √K k̂ (D q1 = k̂/√3) and y_b = √(2μ) ε_b k̂ (b ≥ 1, ε_b the strain of the
 * Mandel vector q_b). Splitting Γ⁻¹ = (I − k̂k̂ᵀ)/μ + k̂k̂ᵀ/(λ+2μ) (Eq. B3), with l_b = k̂·ε_b k̂ and
 * t_b = ε_b k̂ − l_b k̂:
 *   J_00 = K/(λ+2μ),  J_0b = √(2Kμ)/(λ+2μ) l_b,  J_bc = 2 t_b·t_c + 2μ/(λ+2μ) l_b l_c.
 * Every term is O(1) and formed without cancellation, so J̃ keeps full absolute accuracy as σ → 1/2
 * (λ/μ → ∞), where the generic Qᵀ M^{1/2} route loses ~log10(λ/μ) digits in M^{1/2}. */
static void jtilde_isotropic(const vs_coupling *c, const double *k, double *J)
{
    const double K = c->el.K, mu = c->el.mu, m = K + 4.0 * mu / 3.0; /* λ + 2μ, no cancellation */
    double t[6][3], l[6];
    for (int b = 1; b < 6; b++) {
        double q[6], u[9];
        for (int a = 0; a < 6; a++)
            q[a] = c->Q[a * 6 + b];
        vs__mandel_to_strain(q, u);
        double v[3];
        vs__matvec(3, 3, u, k, v);
        l[b] = k[0] * v[0] + k[1] * v[1] + k[2] * v[2];
        for (int i = 0; i < 3; i++)
            t[b][i] = v[i] - l[b] * k[i];
    }
    const double c0b = sqrt(K) * sqrt(2.0 * mu) / m, cl = 2.0 * mu / m;
    J[0] = K / m;
    for (int b = 1; b < 6; b++) {
        J[b] = J[b * 6] = c0b * l[b];
        for (int d = 1; d <= b; d++)
            J[b * 6 + d] = J[d * 6 + b] =
                2.0 * (t[b][0] * t[d][0] + t[b][1] * t[d][1] + t[b][2] * t[d][2]) + cl * l[b] * l[d];
    }
}

/* J̃(k̂) = Qᵀ X Γ⁻¹ Xᵀ Q with X = M^{1/2} Dᵀ, XᵀX = Γ (SPEC §4.2; Eq. 20 in the spin basis of Eq. A3). */
static int jtilde_eval(const vs_coupling *c, const double *k, double *J)
{
    if (c->isotropic) {
        jtilde_isotropic(c, k, J);
        return VS_OK;
    }
    double Dt[18], Y[18];
    d_transpose(k, Dt);
    vs__matmul(6, 6, 3, c->QtMsqrt, Dt, Y);
    int st = sandwich_inverse_christoffel(c, k, Y, J);
    if (st != VS_OK)
        return st;
    for (int a = 0; a < 6; a++) /* exact symmetry (the two triangles differ by round-off) */
        for (int b = a + 1; b < 6; b++)
            J[a * 6 + b] = J[b * 6 + a] = 0.5 * (J[a * 6 + b] + J[b * 6 + a]);
    return VS_OK;
}

int vs__coupling_eval(const vs_coupling *c, const double *k, double *W)
{
    if (c->kind == VS__KERNEL_ELASTIC)
        return jtilde_eval(c, k, W);
    for (int i = 0; i < 3; i++) /* App. B: W = k̂k̂ᵀ */
        for (int j = 0; j < 3; j++)
            W[i * 3 + j] = k[i] * k[j];
    return VS_OK;
}

/* ---- creation ---------------------------------------------------------------------------------- */

static int sphere_kernel(const double *k, double *out, void *ctx)
{
    return vs__coupling_eval(ctx, k, out);
}

/* Isotropic ⟨J̃⟩ (App. B): diagonal in the spin basis, J_compr on q1 and J_shear on q2…q6; eigenvectors
 * are the spin-basis axes themselves, listed in ascending order of their eigenvalue. */
static void isotropic_average(vs_coupling *c)
{
    const double K = c->el.K, mu = c->el.mu, m = K + 4.0 * mu / 3.0; /* λ + 2μ */
    const double jc = K / m, js = 0.4 * (K + 2.0 * mu) / m;
    memset(c->avg, 0, sizeof c->avg);
    memset(c->avg_V, 0, sizeof c->avg_V);
    c->avg[0] = jc;
    for (int a = 1; a < 6; a++)
        c->avg[a * 6 + a] = js;
    int compr_last = jc > js;
    for (int j = 0; j < 6; j++) {
        int axis = compr_last ? (j + 1) % 6 : j;
        c->avg_w[j] = axis == 0 ? jc : js;
        c->avg_V[axis * 6 + j] = 1.0;
    }
    c->avg_err = 0.0;
}

/* ⟨W⟩ and its eigen-decomposition for the handle's kernel. */
static int build_average(vs_coupling *c, const char *func)
{
    const int nc = c->nc;
    if (c->kind == VS__KERNEL_DIPOLAR) {
        /* App. B: ⟨k̂_i k̂_j⟩ = δ_ij/3. */
        memset(c->avg, 0, sizeof c->avg);
        memset(c->avg_V, 0, sizeof c->avg_V);
        for (int i = 0; i < 3; i++) {
            c->avg[i * 3 + i] = 1.0 / 3.0;
            c->avg_w[i] = 1.0 / 3.0;
            c->avg_V[i * 3 + i] = 1.0;
        }
        c->avg_err = 0.0;
        return VS_OK;
    }
    if (c->isotropic) {
        isotropic_average(c);
        return VS_OK;
    }
    /* A_0 = ⟨W⟩ enters every Σ_l A_l(k̂): its share of the pointwise budget tol is tol/2 in Frobenius norm,
     * i.e. tol/(2 nc) per entry (see vs__coupling_build_harmonics). */
    int st = vs__sphere_average(nc * nc, sphere_kernel, c, c->tol / (2.0 * nc), 0, func, c->avg, &c->avg_err);
    if (st != VS_OK)
        return st;
    for (int a = 0; a < nc; a++)
        for (int b = a + 1; b < nc; b++)
            c->avg[a * nc + b] = c->avg[b * nc + a] = 0.5 * (c->avg[a * nc + b] + c->avg[b * nc + a]);
    return vs__sym_eigen(nc, c->avg, c->avg_w, c->avg_V);
}

static int finish_create(vs_coupling *c, const char *func, vs_coupling **out)
{
    int st = build_average(c, func);
    if (st == VS_OK)
        st = vs__coupling_build_harmonics(c, func);
    if (st != VS_OK) {
        vs_coupling_free(c);
        return st;
    }
    *out = c;
    return VS_OK;
}

VS_API int vs_coupling_create(const vs_elastic *el, double tol, vs_coupling **out)
{
    if (out == NULL)
        return vs__error(VS_EINVAL, "%s: output pointer is NULL", __func__);
    *out = NULL;
    int st = vs__check_ptr(el, __func__, "el");
    if (st != VS_OK)
        return st;
    if ((st = vs__coupling_check_tol(tol, __func__)) != VS_OK)
        return st;
    vs_coupling *c = vs__calloc(1, sizeof *c, &st);
    if (c == NULL)
        return st;
    c->kind = VS__KERNEL_ELASTIC;
    c->nc = 6;
    c->tol = tol;
    c->el = *el;
    c->isotropic = el->isotropic;
    vs__spin_basis(c->Q);
    vs__matmul_tn(6, 6, 6, c->Q, el->Msqrt, c->QtMsqrt);
    return finish_create(c, __func__, out);
}

VS_API int vs_coupling_create_dipolar(vs_coupling **out)
{
    if (out == NULL)
        return vs__error(VS_EINVAL, "%s: output pointer is NULL", __func__);
    *out = NULL;
    int st = VS_OK;
    vs_coupling *c = vs__calloc(1, sizeof *c, &st);
    if (c == NULL)
        return st;
    c->kind = VS__KERNEL_DIPOLAR;
    c->nc = 3;
    c->tol = 1e-15;
    return finish_create(c, __func__, out);
}

VS_API void vs_coupling_free(vs_coupling *c)
{
    if (c == NULL)
        return;
    vs__free(c->coef);
    vs__free(c);
}

/* ---- queries ----------------------------------------------------------------------------------- */

VS_API int vs_coupling_ncomp(const vs_coupling *c)
{
    return c == NULL ? 0 : c->nc;
}

int vs__coupling_check(const vs_coupling *c, const void *outp, const char *func)
{
    if (c == NULL)
        return vs__error(VS_EINVAL, "%s: coupling handle is NULL", func);
    if (outp == NULL)
        return vs__error(VS_EINVAL, "%s: output is NULL", func);
    return VS_OK;
}

int vs__coupling_check_tol(double tol, const char *func)
{
    if (!isfinite(tol) || !(tol > 0.0))
        return vs__error(VS_EINVAL, "%s: tol = %g must be finite and > 0", func, tol);
    return VS_OK;
}

int vs__coupling_check_query(const vs_coupling *c, const double *khat, const void *outp, const char *func,
                             const char *what, double *k)
{
    int st = vs__coupling_check(c, outp, func);
    return st != VS_OK ? st : vs__normalize_direction(khat, k, func, what);
}

VS_API int vs_coupling_jtilde(const vs_coupling *c, const double *khat, double *J)
{
    double k[3], W[36];
    int st = vs__coupling_check_query(c, khat, J, __func__, "khat", k);
    if (st != VS_OK)
        return st;
    st = vs__coupling_eval(c, k, W);
    if (st != VS_OK)
        return st;
    memcpy(J, W, (size_t)(c->nc * c->nc) * sizeof *J);
    return VS_OK;
}

VS_API int vs_coupling_average(const vs_coupling *c, double *Jbar, double *abserr)
{
    int st = vs__coupling_check(c, Jbar, __func__);
    if (st != VS_OK)
        return st;
    memcpy(Jbar, c->avg, (size_t)(c->nc * c->nc) * sizeof *Jbar);
    if (abserr)
        *abserr = c->avg_err;
    return VS_OK;
}

VS_API int vs_coupling_average_eigen(const vs_coupling *c, double *w, double *V)
{
    if (c == NULL)
        return vs__error(VS_EINVAL, "%s: coupling handle is NULL", __func__);
    if (w)
        memcpy(w, c->avg_w, (size_t)c->nc * sizeof *w);
    if (V)
        memcpy(V, c->avg_V, (size_t)(c->nc * c->nc) * sizeof *V);
    return VS_OK;
}

VS_API int vs_coupling_average_quadrature(const vs_coupling *c, double tol, double *Jbar, double *abserr)
{
    int st = vs__coupling_check(c, Jbar, __func__);
    if (st != VS_OK)
        return st;
    if ((st = vs__coupling_check_tol(tol, __func__)) != VS_OK)
        return st;
    /* the integrand only reads the handle: the const cast is safe for concurrent callers */
    return vs__sphere_average(c->nc * c->nc, sphere_kernel, (void *)(uintptr_t)c, tol, 0, __func__, Jbar,
                              abserr);
}

VS_API int vs_coupling_lmax(const vs_coupling *c, int *lmax)
{
    int st = vs__coupling_check(c, lmax, __func__);
    if (st != VS_OK)
        return st;
    *lmax = c->lmax;
    return VS_OK;
}

VS_API int vs_coupling_harmonics_error(const vs_coupling *c, double *err)
{
    int st = vs__coupling_check(c, err, __func__);
    if (st != VS_OK)
        return st;
    *err = c->harm_err;
    return VS_OK;
}

/* ---- K̃ (Eq. 20) -------------------------------------------------------------------------------- */

/* Mandel K̃ = P Γ⁻¹ Pᵀ with P = M Dᵀ. */
static int ktilde_mandel(const vs_coupling *c, const double *khat, const double *user_out, double *K,
                         const char *func)
{
    double k[3], Dt[18], P[18];
    int st = vs__coupling_check_query(c, khat, user_out, func, "khat", k);
    if (st != VS_OK)
        return st;
    if (c->kind != VS__KERNEL_ELASTIC)
        return vs__error(VS_EUNSUPPORTED, "%s: K~ needs an elastic coupling (this one is dipolar)", func);
    d_transpose(k, Dt);
    vs__matmul(6, 6, 3, c->el.M, Dt, P);
    return sandwich_inverse_christoffel(c, k, P, K);
}

VS_API int vs_coupling_ktilde_mandel(const vs_coupling *c, const double *khat, double *K)
{
    double Km[36];
    int st = ktilde_mandel(c, khat, K, Km, __func__);
    if (st == VS_OK)
        memcpy(K, Km, sizeof Km);
    return st;
}

VS_API int vs_coupling_ktilde_tensor(const vs_coupling *c, const double *khat, double *K)
{
    double Km[36];
    int st = ktilde_mandel(c, khat, K, Km, __func__);
    if (st != VS_OK)
        return st;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 3; k++)
                for (int l = 0; l < 3; l++) {
                    int a = mandel_index[i][j], b = mandel_index[k][l];
                    K[((i * 3 + j) * 3 + k) * 3 + l] = Km[a * 6 + b] / (mandel_factor(a) * mandel_factor(b));
                }
    return VS_OK;
}
